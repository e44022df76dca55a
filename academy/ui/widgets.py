"""Pieces several learner pages share: the module picker and source citations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import streamlit as st

from academy.content.schema import Module
from academy.content.sources import SOURCES
from academy.ui import session
from academy.ui.text import course as md

# The colours st.badge (and Markdown's :colour-badge[...]) accepts.
BadgeColour = Literal["red", "orange", "yellow", "blue", "green", "violet", "gray", "grey", "primary"]


def pick_module(*, keep: Iterable[str] = ()) -> Module | None:
    """The module named by ``?module=``, with a picker to change it (the first module by default).

    Changing module drops the other query parameters except those in ``keep``.
    """
    modules = session.modules()
    if not modules:
        st.info("No modules are available yet.", icon=":material/info:")
        return None
    titles = {module.id: module.title for module in modules}
    ids = list(titles)
    wanted = st.query_params.get("module")
    if wanted is not None and wanted not in titles:
        st.warning("That module is not available; showing the first one.", icon=":material/warning:")
    current = wanted if wanted in titles else ids[0]
    chosen = st.selectbox("Module", ids, index=ids.index(current), format_func=lambda module_id: titles[module_id])
    if chosen != wanted:
        kept = {name: st.query_params[name] for name in keep if name in st.query_params}
        st.query_params.from_dict({"module": chosen, **kept} if chosen == current else {"module": chosen})
    return next(module for module in modules if module.id == chosen)


def query_choice(name: str, ids: list[str]) -> str:
    """``?name=`` when it is one of ``ids``, else the first of them (and the URL says so)."""
    wanted = st.query_params.get(name)
    if wanted in ids:
        return wanted
    st.query_params[name] = ids[0]
    return ids[0]


def citations(source_ids: Iterable[str]) -> dict[str, int]:
    """Citation numbers, from 1, in order of first mention."""
    numbers: dict[str, int] = {}
    for source_id in source_ids:
        numbers.setdefault(source_id, len(numbers) + 1)
    return numbers


def source_list(numbers: dict[str, int]) -> None:
    lines = [f"{number}. {md(SOURCES.get(source_id, source_id))}" for source_id, number in numbers.items()]
    st.markdown("\n".join(lines))


def source_title(source_id: str) -> str:
    return SOURCES.get(source_id, source_id)
