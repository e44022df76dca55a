"""Course health (administrators only): the modules that failed validation, with their file:line errors.

Learners never see a broken module: the loader leaves it out of the course. Here an
administrator sees why, and can reload the course after a trainer fixes the files.
"""

from __future__ import annotations

from collections import defaultdict

import streamlit as st

from academy.content.loader import LoadResult
from academy.ui import navigation, session
from academy.ui.navigation import ADMINS, PageSpec
from academy.ui.text import course as md

URL = "course-health"


def render() -> None:
    session.require_role(ADMINS)
    navigation.title(URL)
    result = session.course_result()
    course = result.course
    loaded, banks, broken = st.columns(3)
    loaded.metric("Modules available", len(course.modules))
    banks.metric("Quiz banks", len(course.banks))
    broken.metric("Files with errors", len(result.broken))
    if st.button("Reload the course files", icon=":material/refresh:"):
        session.reload_course()
        st.rerun()
    if result.ok:
        st.success("Every course file validated.", icon=":material/verified:")
    else:
        _problems(result)
    st.subheader(":material/library_books: Available modules", anchor=False)
    st.markdown(
        "\n".join(
            f"- **{md(module.title)}** (`{module.id}`, version `{course.versions.get(module.id, '?')[:12]}`)"
            for module in session.modules()
        )
    )


def _problems(result: LoadResult) -> None:
    by_file: dict[str, list[str]] = defaultdict(list)
    for problem in result.problems:
        by_file[str(problem.path)].append(str(problem))
    left_out = {str(name) for name in result.broken}
    st.error(f"{len(left_out)} file(s) left out of the course; learners do not see them.", icon=":material/report:")
    for path, lines in sorted(by_file.items()):
        status = "left out" if path in left_out else "loaded"
        with st.expander(f":material/description: {path} ({len(lines)} problem(s), {status})", expanded=True):
            st.code("\n".join(lines), language=None, wrap_lines=True)


PAGES = [PageSpec(render, "Course health", ":material/health_and_safety:", URL, ADMINS, section="Administer", order=30)]
