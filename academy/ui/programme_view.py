"""The programme on the learner pages: "Assigned to you" in the catalog, certificates,
upcoming recertifications and the time zone on My progress. No page here (no ``PAGES``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Literal

import streamlit as st

from academy.auth import User
from academy.content.schema import Module
from academy.programme import remind, rules, standing
from academy.programme.paths import PathsResult, load_learning_paths, paths_dir
from academy.programme.rules import DUE_STATE_LABELS, DueState
from academy.programme.standing import Standing
from academy.store import Certificate, format_code
from academy.ui import session
from academy.ui.text import course as md
from academy.ui.text import plain

Colour = Literal["red", "orange", "blue", "green"]
STATE_COLOURS: dict[DueState, Colour] = {
    DueState.DONE: "green",
    DueState.ON_TRACK: "blue",
    DueState.DUE_SOON: "orange",
    DueState.OVERDUE: "red",
}
STATE_ICONS = {
    DueState.DONE: ":material/check_circle:",
    DueState.ON_TRACK: ":material/event_available:",
    DueState.DUE_SOON: ":material/schedule:",
    DueState.OVERDUE: ":material/error:",
}
CERTIFICATE_STATES = {"valid": "Valid", "expired": "Expired", "revoked": "Revoked"}
CERTIFICATE_COLOURS: dict[str, Colour] = {"valid": "green", "expired": "orange", "revoked": "red"}


@st.cache_resource(show_spinner=False, max_entries=8)
def _paths_at(folder: str, course_key: int) -> PathsResult:
    del course_key  # only part of the cache key: paths are checked against this course
    return load_learning_paths(session.course(), Path(folder))


def learning_paths() -> PathsResult:
    """The learning paths of ``paths/`` checked against the loaded course, read once per process."""
    return _paths_at(str(paths_dir()), id(session.course()))


def day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%B %Y}"


def due_phrase(item: Standing) -> str:
    if item.done:
        return "done"
    left = (item.due - item.today).days
    if left < 0:
        return f"due {day(item.due)}, {-left} day{'s' if left != -1 else ''} late"
    if left == 0:
        return "due today"
    return f"due {day(item.due)} (in {left} day{'s' if left != 1 else ''})"


def assigned_to_you(user: User, modules: list[Module], open_module: Callable[[Module], None]) -> list[Standing]:
    """The catalog's first section: each assignment with its due date and state, modules in the
    path's order, each with a button that opens it. Returns what was shown."""
    store = session.store()
    now = datetime.now(UTC)
    standing.sync_certificates(store, [user.id], session.course(), now)
    found = standing.learner_standings(store, user.id, now)
    if not found:
        return []
    by_id = {module.id: module for module in modules}
    st.subheader(":material/assignment: Assigned to you", anchor=False)
    for item in found:
        with st.container(border=True, key=f"assigned-{item.assignment.id}"):
            heading, badge = st.columns([4, 1], vertical_alignment="center")
            heading.markdown(f"**{plain(item.assignment.title)}** · {due_phrase(item)}")
            badge.badge(DUE_STATE_LABELS[item.state], icon=STATE_ICONS[item.state], color=STATE_COLOURS[item.state])
            if item.cycle > 1:
                st.caption(f":material/autorenew: Recertification (cycle {item.cycle})")
            for position, module_due in enumerate(item.modules, start=1):
                module = by_id.get(module_due.module_id)
                if module is None:
                    continue
                name, state, action = st.columns([4, 2, 2], vertical_alignment="center")
                name.markdown(f"{position}. {md(module.title)}")
                state.markdown(
                    f":{STATE_COLOURS[module_due.state]}-badge[{STATE_ICONS[module_due.state]} "
                    f"{DUE_STATE_LABELS[module_due.state]}]"
                )
                if module_due.state is not DueState.DONE and action.button(
                    "Open", key=f"assigned-{item.assignment.id}-{module.id}", icon=":material/play_arrow:"
                ):
                    open_module(module)
            if item.done:
                st.caption(":material/workspace_premium: Your certificate is on My progress.")
    st.subheader(":material/school: All modules", anchor=False)
    return found


def certificates_section(user: User) -> None:
    """My progress: the learner's certificates (with the PDF), and what needs renewing soon."""
    store = session.store()
    now = datetime.now(UTC)
    standing.sync_certificates(store, [user.id], session.course(), now)
    owned = list(reversed(store.certificates_for([user.id])))
    st.subheader(":material/workspace_premium: Certificates", anchor=False)
    if not owned:
        st.caption("Finish an assigned module or learning path to earn a certificate.")
        return
    soon = standing.upcoming_recertifications(owned, now)
    for certificate in soon:
        expires = certificate.expires_at or now
        st.warning(
            f"**{plain(certificate.title)}** expires on {day(expires.date())}: the modules open again "
            "then, for you to renew it.",
            icon=":material/autorenew:",
        )
    for certificate in owned:
        _certificate_card(certificate, now)


def _certificate_card(certificate: Certificate, now: datetime) -> None:
    state = certificate.state(now)
    with st.container(border=True, key=f"certificate-card-{certificate.code}"):
        title, badge = st.columns([4, 1], vertical_alignment="center")
        title.markdown(f"**{plain(certificate.title)}**")
        badge.badge(CERTIFICATE_STATES[state], color=CERTIFICATE_COLOURS[state])
        facts = [f"issued {day(certificate.issued_at.date())}"]
        if certificate.expires_at is not None:
            facts.append(f"{'expired' if state == 'expired' else 'valid until'} {day(certificate.expires_at.date())}")
        if certificate.score is not None:
            facts.append(f"score {certificate.score:.0%}")
        if certificate.cycle > 1:
            facts.append(f"renewal {certificate.cycle - 1}")
        st.caption(" · ".join(facts) + f" · code {format_code(certificate.code)}")
        if state != "revoked":
            st.download_button(
                f"Download: {certificate.title} ({certificate.issued_at.date().isoformat()})",
                data=partial(_pdf, certificate),
                file_name=f"certificate-{certificate.code}.pdf",
                mime="application/pdf",
                icon=":material/download:",
                key=f"certificate-{certificate.code}",
            )


def _pdf(certificate: Certificate) -> bytes:
    # Imported here: fpdf loads only when someone downloads a certificate.
    from academy.programme import certificate_pdf

    return certificate_pdf.render(certificate, verify_url=certificate_pdf.verify_url(certificate.code))


def timezone_setting(user: User) -> None:
    """The zone the learner's due dates end in (midnight where they are), and where reminders go."""
    store = session.store()
    chosen = store.timezones([user.id]).get(user.id)
    current = chosen or standing.default_timezone()
    names = rules.timezone_names()
    if current not in names:
        names = [current, *names]
    with st.expander(f":material/public: Due dates and reminders (time zone {current})"):
        picked = st.selectbox("Time zone", names, index=names.index(current), key="timezone")
        if picked != current and st.button("Save time zone", key="save-timezone"):
            store.set_timezone(user.id, rules.check_timezone(picked))
            st.rerun()
        saved = store.emails([user.id]).get(user.id, "")
        address = st.text_input(
            "E-mail for reminders", value=saved, max_chars=254, key="reminder-email", placeholder="name@example.com"
        )
        if address.strip() != saved and st.button("Save e-mail address", key="save-email"):
            try:
                store.set_email(user.id, remind.check_email(address) if address.strip() else None)
            except ValueError as error:
                st.error(f"Not saved: {plain(str(error))}.", icon=":material/error:")
            else:
                st.rerun()
