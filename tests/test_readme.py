"""What the README tells a newcomer holds: the demo accounts it names exist, and it promises no password."""

from __future__ import annotations

import re
from pathlib import Path

from academy.demo import ADMIN, MANAGERS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def paragraph_starting(words: str) -> str:
    start = README.index(words)
    return README[start : README.index("\n\n", start)]


def test_every_account_the_readme_names_for_the_demo_is_a_demo_account() -> None:
    """Each `code` word of the sign-in paragraph is a demo username: none is a password, since
    the demo makes up new passwords every run (once this said `demo`, which is refused as too short)."""
    named = re.findall(r"`([^`]+)`", paragraph_starting("The demo prints its accounts"))
    assert named, "the README no longer says whom to sign in as"
    usernames = {ADMIN[0], *(username for username, _ in MANAGERS)}
    assert set(named) <= usernames


def test_the_readme_run_commands_use_scripts_that_exist() -> None:
    root = Path(__file__).resolve().parents[1]
    for script in re.findall(r"bash (scripts/\S+\.sh)", README):
        assert (root / script).is_file(), script
