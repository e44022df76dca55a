"""Roster import on the Users page (AppTest): checked first, a progress bar, passwords handed out once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from academy import auth
from academy.store import Store
from academy.ui import admin_users
from tests.test_ui_admin import section
from tests.ui_helpers import World, button, no_exceptions, texts, world

__all__ = ["world"]

GOOD = (
    "username,display_name,role,teams,manages,password\n"
    "ana,Ana Lopez,learner,Front desk,,\n"
    "ben,Ben Ode,,Front desk,,a chosen secret\n"
    "cleo,Cleo Park,manager,,Front desk,\n"
)


def upload(monkeypatch: pytest.MonkeyPatch, text: str, name: str = "roster.csv") -> None:
    # AppTest cannot drive st.file_uploader; the page reads the upload through this one function.
    monkeypatch.setattr(admin_users, "_uploaded_roster", lambda: (name, text))


def open_import(world: World) -> AppTest:
    admin = world.user("chief", "admin")
    return section(world.app(admin, "users"), admin_users.IMPORT)


def test_a_roster_is_imported_with_a_progress_bar_and_passwords_to_download_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard: list[tuple[int, int]] = []
    create_users = Store.create_users

    def listening(
        self: Store, accounts: Any, progress: Callable[[int, int], None] | None = None, workers: int | None = None
    ) -> Any:
        assert progress is not None
        assert workers == auth.default_hash_slots()  # the page leaves cores to the learners

        def both(done: int, total: int) -> None:
            heard.append((done, total))
            progress(done, total)

        return create_users(self, accounts, progress=both, workers=workers)

    monkeypatch.setattr(Store, "create_users", listening)
    upload(monkeypatch, GOOD)
    at = open_import(world)
    assert "3 accounts ready to import" in texts(at)

    button(at, "Import 3 accounts").click().run()

    no_exceptions(at)
    assert heard == [(1, 3), (2, 3), (3, 3)]
    assert [user.username for user in world.store.list_users()] == ["ana", "ben", "chief", "cleo"]
    assert "shown only once" in texts(at)
    [download] = at.get("download_button")
    assert download.proto.label == "Download the generated passwords"
    button(at, "Import another roster").click().run()
    assert not at.get("download_button")


def test_a_smuggled_row_is_refused_by_line_and_nothing_is_imported(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload(
        monkeypatch,
        "username,display_name,role,teams,manages,password\n" + "carol,Carol\u2028mal,Mal,admin,,,Pw-1234567\n",
    )

    at = open_import(world)

    no_exceptions(at)
    assert "Nothing can be imported from roster\\.csv: 1 problem." in texts(at)
    table = at.dataframe[0].value
    assert list(table["Line"]) == [2]
    assert "more cells than columns" in table["Problem"][0]
    assert not [b for b in at.button if b.label.startswith("Import ")]
    assert [user.username for user in world.store.list_users()] == ["chief"]
