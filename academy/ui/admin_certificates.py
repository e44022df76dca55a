"""Certificates: find any certificate by name, course or code, and revoke one (with the reason)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from academy.store import StoreError, format_code
from academy.ui import navigation, programme_view, session
from academy.ui.navigation import ADMINS, PageSpec
from academy.ui.text import plain

URL = "certificates"


def render() -> None:
    user = session.require_role(ADMINS)
    navigation.title(URL)
    store = session.store()
    now = datetime.now(UTC)
    search = st.text_input("Find", placeholder="A name, a course or a code", max_chars=100, key="certificate-search")
    found = store.list_certificates(search=search or None)
    if not found:
        st.info("No certificate matches." if search else "No certificate has been issued yet.", icon=":material/info:")
    else:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Learner": certificate.learner_name,
                        "Certificate": certificate.title,
                        "Cycle": certificate.cycle,
                        "Issued": certificate.issued_at.date().isoformat(),
                        "Expires": certificate.expires_at.date().isoformat() if certificate.expires_at else "never",
                        "Status": programme_view.CERTIFICATE_STATES[certificate.state(now)],
                        "Code": format_code(certificate.code),
                        "Revoked because": certificate.revoke_reason or "",
                    }
                    for certificate in found
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    st.subheader(":material/block: Revoke a certificate", anchor=False)
    st.caption(
        "A revoked certificate verifies as revoked at once, and the learner's modules open again as a new cycle. "
        "Their records are kept."
    )
    with st.form("revoke", clear_on_submit=True, enter_to_submit=False):
        st.text_input("Code", max_chars=20, key="revoke-code")
        st.text_input("Reason (kept in the assignment's history)", max_chars=300, key="revoke-reason")
        st.form_submit_button("Revoke", icon=":material/block:", on_click=_revoke, args=(user.id,))
    outcome = st.session_state.pop(OUTCOME_KEY, None)
    if outcome is not None:
        kind, message = outcome
        (st.success if kind == "ok" else st.error)(message, icon=_ICONS[kind])


OUTCOME_KEY = "revoke-outcome"
_ICONS = {"ok": ":material/check_circle:", "error": ":material/error:"}


def _revoke(actor_id: int) -> None:
    # A callback runs before the page is drawn again, so the table below already shows the change.
    code = str(st.session_state.get("revoke-code", ""))
    reason = str(st.session_state.get("revoke-reason", ""))
    try:
        revoked = session.store().revoke_certificate(code, actor_id=actor_id, reason=reason)
    except StoreError as error:
        st.session_state[OUTCOME_KEY] = ("error", f"Not revoked: {error}.")
        return
    st.session_state[OUTCOME_KEY] = (
        "ok",
        f"Revoked {format_code(revoked.code)} ({plain(revoked.learner_name)}, {plain(revoked.title)}).",
    )


PAGES = [PageSpec(render, "Certificates", ":material/workspace_premium:", URL, ADMINS, section="Administer", order=40)]
