"""Teams (administrators only): create teams, and choose their members and managers."""

from __future__ import annotations

import streamlit as st

from academy.auth import AccountError, Team
from academy.ui import navigation, session, words
from academy.ui.navigation import ADMINS, PageSpec
from academy.ui.text import plain

URL = "teams"


def render() -> None:
    session.require_role(ADMINS)
    navigation.title(URL)
    _create_team()
    teams = session.store().list_teams()
    if not teams:
        st.info("No teams yet.", icon=":material/info:")
        return
    # One team at a time: a table of every team's members would cost two queries per team.
    by_id = {team.id: team for team in teams}
    st.caption(words.count(len(teams), "team"))
    team_id = st.selectbox("Team", list(by_id), format_func=lambda key: by_id[key].name)
    _edit_team(by_id[team_id])


def _create_team() -> None:
    with st.form("create-team", clear_on_submit=True):
        name = st.text_input("New team name")
        submitted = st.form_submit_button("Create team", icon=":material/group_add:")
    if submitted:
        try:
            team = session.store().create_team(name)
        except AccountError as error:
            st.error(plain(str(error)), icon=":material/error:")
        else:
            st.success(f"Team {plain(team.name)} created.", icon=":material/check:")


def _edit_team(team: Team) -> None:
    store = session.store()
    members = store.team_members(team.id)
    managers = store.team_managers(team.id)
    st.markdown("**Managers:** " + (", ".join(plain(user.username) for user in managers) or "none"))
    st.markdown(f"**Members ({len(members)}):** " + (", ".join(plain(user.username) for user in members) or "none"))
    with st.form(f"add-to-{team.id}", clear_on_submit=True):
        username = st.text_input("Username")
        as_manager = st.checkbox("As a manager of this team")
        add = st.form_submit_button("Add to team", icon=":material/person_add:")
    if add and username.strip():
        user = store.user_by_name(username)
        if user is None:
            st.error("No user has that username.", icon=":material/person_off:")
        else:
            store.add_member(team.id, user.id, manager=as_manager)
            st.rerun()
    removable = {f"{user.username} (member)": (user.id, False) for user in members}
    removable |= {f"{user.username} (manager)": (user.id, True) for user in managers}
    if removable:
        with st.form(f"remove-from-{team.id}"):
            chosen = st.multiselect("Remove from the team", list(removable))
            remove = st.form_submit_button("Remove", icon=":material/person_remove:")
        if remove and chosen:
            for label in chosen:
                user_id, manager = removable[label]
                store.remove_member(team.id, user_id, manager=manager)
            st.rerun()


PAGES = [PageSpec(render, "Teams", ":material/groups:", URL, ADMINS, section="Administer", order=20)]
