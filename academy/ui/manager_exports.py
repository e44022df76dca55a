"""Exports: xAPI 1.0.3 statements of the viewer's teams, for a learning record store or a BI tool."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time

import streamlit as st

from academy.reports.xapi import XapiSettings, statements, write_json
from academy.ui import manager_widgets as widgets
from academy.ui import navigation, session
from academy.ui.navigation import MANAGERS, PageSpec

URL = "exports"
RESULT_KEY = "manager-xapi-export"


def render() -> None:
    scope = widgets.viewer_scope()
    navigation.title(URL)
    st.markdown(
        "One xAPI 1.0.3 statement per learning record of your teams' learners, and one per certificate "
        "they earned, as a JSON array. The team matrix, the assignment view and the at-risk list have "
        "their own CSV downloads on their pages."
    )
    team_ids = widgets.team_filter(scope, key="export-team")
    with st.form("xapi-export"):
        since = st.date_input("Records since (UTC day, optional)", value=None, format="YYYY-MM-DD")
        anonymise = st.toggle("Anonymise learners", help="Name each learner by a keyed hash instead of the username")
        prepared = st.form_submit_button("Prepare the export", icon=":material/data_object:")
    if prepared:
        settings = XapiSettings.from_environment(anonymise=anonymise)
        start = datetime.combine(since, time(), tzinfo=UTC) if since else None
        buffer = io.StringIO()
        with st.spinner("Building statements…"):
            count = write_json(
                statements(session.store(), session.course(), scope, settings, team_ids=team_ids, since=start), buffer
            )
        st.session_state[RESULT_KEY] = (team_ids, count, buffer.getvalue().encode("utf-8"))
    result = st.session_state.get(RESULT_KEY)
    if result and result[0] == team_ids:  # an export prepared for another team choice is not offered
        _, count, data = result
        st.success(f"{count} statements ready.", icon=":material/check:")
        st.download_button(
            "Download xAPI statements (JSON)",
            data=data,
            file_name="xapi-statements.json",
            mime="application/json",
            icon=":material/download:",
            key="xapi-download",
        )


PAGES = [PageSpec(render, "Exports", ":material/download:", URL, MANAGERS, section="Manage", order=70)]
