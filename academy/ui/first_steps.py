"""The administrator's first steps, shown on their landing page until a team and a learner exist."""

from __future__ import annotations

import streamlit as st

from academy.auth import Role
from academy.ui import navigation, session


def panel() -> None:
    """A short checklist: make a team, add people to it; gone once both are done."""
    store = session.store()
    has_team = bool(store.list_teams())
    has_learner = store.count_users(role=Role.LEARNER.value) > 0
    if has_team and has_learner:
        return
    with st.container(border=True):
        st.markdown("**:material/flag: First steps**")
        st.markdown(f"{_mark(has_team)} **1. Create a team**, for example *Front desk*: managers follow teams.")
        if not has_team:
            navigation.link("teams", "Create a team", icon=":material/group_add:")
        st.markdown(
            f"{_mark(has_learner)} **2. Add people** under *Add a user* below: each learner in a team, and a "
            "manager who manages it. For many at once: `academy users import roster.csv` "
            "(see docs/operations.md)."
        )
        st.caption("Learners then sign in with the username and password you give them.")


def _mark(done: bool) -> str:
    return ":green[:material/check_circle:]" if done else ":gray[:material/radio_button_unchecked:]"
