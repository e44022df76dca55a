"""Files with personal data or secrets: owner-only even over an existing file, complete or absent."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from academy.cli import main
from academy.private_files import private_output, write_private
from academy.store import open_store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_existing_world_readable_file_is_replaced_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(0o644)

    write_private(target, "new")

    assert (target.read_text(), mode(target)) == ("new", 0o600)
    assert [path.name for path in tmp_path.iterdir()] == ["out.json"]


def test_a_failure_halfway_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")

    def export() -> None:
        with private_output(target) as handle:
            handle.write("half")
            raise RuntimeError("export failed")

    with pytest.raises(RuntimeError):
        export()

    assert target.read_text() == "old"
    assert [path.name for path in tmp_path.iterdir()] == ["out.csv"]


@pytest.fixture
def url(tmp_path: Path) -> str:
    address = f"sqlite:///{tmp_path / 'academy.db'}"
    store = open_store(address)
    store.create_user("ana", "correct horse", display_name="Ana")
    store.close()
    return address


@pytest.mark.parametrize(
    "command",
    [
        ["learner", "export", "ana"],
        ["export", "csv", "at-risk"],
        ["export", "xapi"],
    ],
)
def test_exports_are_owner_only_and_a_bad_path_is_a_message(
    command: list[str], url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "export.out"
    target.write_text("")
    target.chmod(0o644)

    assert main([*command, "--database-url", url, "--out", str(target)]) == 0
    assert mode(target) == 0o600

    capsys.readouterr()
    assert main([*command, "--database-url", url, "--out", str(tmp_path / "missing" / "x")]) == 1
    err = capsys.readouterr().err
    assert "cannot write" in err
    assert "Traceback" not in err
