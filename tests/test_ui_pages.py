"""The page list (academy/ui/pages.py) is complete: a page module left out of it would never be served."""

from __future__ import annotations

import importlib
import pkgutil

import academy.ui
from academy.ui import navigation
from academy.ui.pages import PAGE_MODULES


def test_every_module_that_describes_pages_is_listed() -> None:
    described = {
        info.name
        for info in pkgutil.iter_modules(academy.ui.__path__, prefix="academy.ui.")
        if hasattr(importlib.import_module(info.name), "PAGES")
    }
    assert described == {module.__name__ for module in PAGE_MODULES}


def test_the_registry_holds_every_listed_page_once() -> None:
    listed = [spec.url_path for module in PAGE_MODULES for spec in module.PAGES]
    assert len(listed) == len(set(listed))
    assert sorted(spec.url_path for spec in navigation.registry().all()) == sorted(listed)
