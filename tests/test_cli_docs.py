"""Every command of ``python -m academy`` is documented in the README (sqlite-utils' habit)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from academy.cli import build_parser, main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _subcommands(parser: argparse.ArgumentParser, prefix: str = "") -> list[tuple[str, str]]:
    """(parent command, subcommand) for every level of the command tree."""
    found: list[tuple[str, str]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found.append((prefix, name))
                found += _subcommands(child, f"{prefix} {name}".strip())
    return found


COMMANDS = _subcommands(build_parser())


@pytest.mark.parametrize(("parent", "name"), COMMANDS, ids=[f"{p} {n}".strip() for p, n in COMMANDS])
def test_command_is_in_the_readme_commands_table(parent: str, name: str) -> None:
    row = next((line for line in README.splitlines() if line.startswith(f"| `{parent or name}")), None)
    assert row is not None, f"README's Commands table has no row for '{parent or name}'"
    assert name in row, f"README's row for '{parent}' does not mention '{name}'"


def test_help_lists_every_top_level_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert all(name in out for parent, name in COMMANDS if not parent)
