"""Which pages each role may open, and how ``app.py`` turns them into ``st.navigation``.

Adding a page:

1. Write a module in ``academy/ui/`` with a ``render()`` function that draws the page.
2. In that module, describe the page in a module-level ``PAGES`` list::

       from academy.ui.navigation import MANAGERS, PageSpec

       PAGES = [
           PageSpec(render, "Team overview", ":material/groups:", "team", MANAGERS,
                    section="Manage", order=10, default_for=frozenset({Role.MANAGER})),
       ]

3. Add the module to ``PAGE_MODULES`` in ``academy/ui/pages.py``.

``registry()`` collects the ``PAGES`` of those modules once.
``st.navigation`` only ever receives the pages the signed-in role may open, so any other
URL path falls back to the role's default page: a learner typing ``/users`` lands on the
catalog. Pages still call ``session.require_role`` at the top as a second lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from academy.auth import Role

LEARNERS: frozenset[Role] = frozenset(Role)
"""Everyone signed in may take the course (managers and admins try it out as learners do)."""
MANAGERS: frozenset[Role] = frozenset({Role.MANAGER, Role.ADMIN})
ADMINS: frozenset[Role] = frozenset({Role.ADMIN})

SECTION_ORDER: tuple[str, ...] = ("Learn", "Manage", "Administer", "Account")


@dataclass(frozen=True)
class PageSpec:
    """One page: what draws it, how it is called, and who may open it."""

    render: Callable[[], None]
    title: str
    icon: str
    """A Material icon, e.g. ``":material/school:"``."""
    url_path: str
    """The page's address, e.g. ``"catalog"`` for ``/catalog``; unique across the app."""
    roles: frozenset[Role]
    section: str = "Learn"
    """The sidebar group; see SECTION_ORDER (an unknown section comes last)."""
    order: int = 100
    """Position within the section, lower first."""
    default_for: frozenset[Role] = field(default_factory=frozenset)
    """The roles that land on this page after signing in."""
    hidden: bool = False
    """Reachable by link and URL, not listed in the menu."""
    wide: bool = False
    """Use the full window width (tables, charts); reading pages stay narrow."""

    def allows(self, role: Role) -> bool:
        return role in self.roles


class Registry:
    """The app's pages by URL path, in the order they are shown."""

    def __init__(self, specs: Iterable[PageSpec] = ()) -> None:
        self._specs: dict[str, PageSpec] = {}
        for spec in specs:
            self.add(spec)

    def add(self, spec: PageSpec) -> None:
        path = spec.url_path.strip("/")
        if not path or "/" in path:
            raise ValueError(f"page {spec.title!r}: url_path must be one non-empty segment, got {spec.url_path!r}")
        known = self._specs.get(path)
        if known is not None and known != spec:
            raise ValueError(f"two pages claim the url path {path!r}: {known.title!r} and {spec.title!r}")
        self._specs[path] = spec

    def get(self, url_path: str) -> PageSpec | None:
        return self._specs.get(url_path.strip("/"))

    def all(self) -> list[PageSpec]:
        return sorted(self._specs.values(), key=_sort_key)

    def for_role(self, role: Role) -> list[PageSpec]:
        return [spec for spec in self.all() if spec.allows(role)]

    def default_for(self, role: Role) -> PageSpec | None:
        allowed = self.for_role(role)
        return next((spec for spec in allowed if role in spec.default_for), allowed[0] if allowed else None)


def _sort_key(spec: PageSpec) -> tuple[int, int, str]:
    section = SECTION_ORDER.index(spec.section) if spec.section in SECTION_ORDER else len(SECTION_ORDER)
    return section, spec.order, spec.title


_registry: Registry | None = None


def registry() -> Registry:
    """Every page of the app (``academy.ui.pages``), collected once per process."""
    global _registry
    if _registry is None:
        # Imported here: the page modules import this one for PageSpec and the role sets.
        from academy.ui.pages import PAGE_MODULES

        _registry = Registry(spec for module in PAGE_MODULES for spec in module.PAGES)
    return _registry


# --- Streamlit pages ---------------------------------------------------------------------


def st_page(spec: PageSpec, *, default: bool = False) -> StreamlitPage:
    return st.Page(
        spec.render,
        title=spec.title,
        icon=spec.icon,
        url_path=spec.url_path,
        default=default,
        visibility="hidden" if spec.hidden else "visible",
    )


@dataclass
class Menu:
    """The Streamlit pages of one session, grouped by section, and the spec behind each page."""

    sections: dict[str, list[StreamlitPage]] = field(default_factory=dict)
    specs: dict[int, PageSpec] = field(default_factory=dict)

    def spec_of(self, page: StreamlitPage) -> PageSpec | None:
        # By identity: st.navigation returns one of the pages it was given, and the default
        # page's url_path reads as "" so it cannot be looked up by address.
        return self.specs.get(id(page))


def menu(specs: Iterable[PageSpec], default: PageSpec | None) -> Menu:
    """Streamlit pages grouped by section, in order; ``default`` is the landing page."""
    built = Menu()
    for spec in specs:
        page = st_page(spec, default=spec is default)
        built.sections.setdefault(spec.section, []).append(page)
        built.specs[id(page)] = spec
    return built


def go(url_path: str, **query_params: str) -> None:
    """Switch to a registered page (e.g. ``go("lesson", module="m", lesson="l")``); does not return."""
    spec = registry().get(url_path)
    if spec is None:
        raise KeyError(f"no page at {url_path!r}")
    st.switch_page(st_page(spec), query_params=query_params or None)


def link(url_path: str, label: str | None = None, *, icon: str | None = None, **query_params: Any) -> None:
    """A link to a registered page, with its own icon unless one is given."""
    spec = registry().get(url_path)
    if spec is None:
        raise KeyError(f"no page at {url_path!r}")
    st.page_link(
        st_page(spec),
        label=label or spec.title,
        icon=icon or spec.icon,
        query_params=_clean(query_params) or None,
    )


def _clean(params: Mapping[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in params.items() if value is not None}


def title(spec_url_path: str) -> None:
    """The page heading: the page's icon and title, the same on every page."""
    spec = registry().get(spec_url_path)
    if spec is None:
        raise KeyError(f"no page at {spec_url_path!r}")
    st.title(f"{spec.icon} {spec.title}", anchor=False)
