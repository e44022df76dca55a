"""When the database cannot be used: tell the person what happened, then recover by itself.

``app.py`` runs every page through ``run_guarded``. A store outage (locked past the retry
deadline, read-only, PostgreSQL refusing connections) then shows a plain message, instead
of Streamlit's generic error page, saying that the last step was not saved and that
everything before it is safe (each step is its own transaction, so that is true). A
fragment tries a harmless write every few seconds and reruns the page once one succeeds;
the person's widgets keep their values, so they only press Submit again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st

from academy.store.faults import Fault, classify
from academy.ui import session

logger = logging.getLogger(__name__)

RETRY_EVERY_S = 5.0
RECOVERED_KEY = "academy-fault-recovered"
SINCE_KEY = "academy-fault-since"

HEADLINES = {
    Fault.BUSY: "The academy is too busy to save right now.",
    Fault.READ_ONLY: "The academy can't save right now: its database is not accepting changes.",
    Fault.UNREACHABLE: "The academy can't reach its database right now.",
}
REASSURANCE = (
    "If you had just answered a question or made a choice, that last step was **not saved**. "
    "Everything you did before it is safe. This page tries again by itself every few seconds "
    "and comes back as soon as the academy can save again; then do that last step again."
)
RECOVERED = "The academy can save again. If your last answer or choice was not saved, please do it again."


def run_guarded(page: Callable[[], None]) -> None:
    """Run ``page``; a store outage becomes a message and a wait, anything else surfaces as usual."""
    try:
        page()
    except Exception as error:
        fault = classify(error)
        if fault is None:
            raise
        # The type and the fault only: statement parameters are hidden by the engine anyway.
        logger.warning("page stopped by a database fault (%s): %s", fault.value, type(error).__name__)
        show_fault(fault)
        return
    if st.session_state.pop(RECOVERED_KEY, False):  # set only by a probe that could write
        st.toast(RECOVERED, icon=":material/cloud_done:")


def show_fault(fault: Fault) -> None:
    st.error(f"**{HEADLINES[fault]}** {REASSURANCE}", icon=":material/cloud_off:")
    st.session_state.pop(RECOVERED_KEY, None)
    st.session_state[SINCE_KEY] = datetime.now(UTC)
    _wait_for_the_database()


@st.fragment(run_every=RETRY_EVERY_S)
def _wait_for_the_database() -> None:
    since = st.session_state.get(SINCE_KEY, datetime.min.replace(tzinfo=UTC))
    # Not in the same breath as the failure: at most one page rerun per interval, never a loop.
    if (datetime.now(UTC) - since).total_seconds() < RETRY_EVERY_S:
        st.caption(f":material/autorenew: Trying again in {RETRY_EVERY_S:.0f} seconds.")
        return
    try:
        session.store().probe_write()
    except Exception as error:
        if classify(error) is None:
            raise
        st.caption(f":material/autorenew: Still waiting; last tried at {datetime.now(UTC):%H:%M:%S} UTC.")
        if st.button("Try again now", icon=":material/refresh:", key="fault-try-again"):
            st.rerun(scope="fragment")
        return
    st.session_state[RECOVERED_KEY] = True
    st.rerun(scope="app")
