"""Course Markdown images: only files from the lessons folder, never an outside address or data: URL."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest

from academy import settings
from academy.content.images import images, refusal
from academy.course.loader import load_files
from academy.ui import text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_MODULE = ROOT / "lessons" / "orientation.yaml"
EXAMPLE_BANK = ROOT / "quizzes" / "orientation.yaml"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

OUTSIDE = [
    "https://elsewhere.example/p.png",
    "http://127.0.0.1:9/beacon.png",
    "//elsewhere.example/p.png",
    "data:image/png;base64,AAAA",
    "DATA:image/svg+xml,<svg/>",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "/etc/passwd.png",
    "../../secrets.png",
    "images\\\\..\\\\..\\\\x.png",
    "notes.txt",
]


@pytest.mark.parametrize("target", OUTSIDE)
def test_only_relative_image_files_are_allowed(target: str) -> None:
    assert refusal(target) is not None
    assert refusal("images/queue.png") is None


def test_images_are_found_inline_and_by_reference() -> None:
    markdown = (
        '![a](https://x.example/a.png "title") and ![b](<images/b.png>)\n'
        "![c][ref] and ![D][] and a [link](https://fine.example)\n\n"
        "[ref]: https://x.example/c.png\n[d]: data:image/png;base64,AAAA\n"
    )
    assert [(image.alt, image.target) for image in images(markdown)] == [
        ("a", "https://x.example/a.png"),
        ("b", "images/b.png"),
        ("c", "https://x.example/c.png"),
        ("D", "data:image/png;base64,AAAA"),
    ]


def test_the_linter_refuses_an_outside_image_with_its_line(tmp_path: Path) -> None:
    module = tmp_path / "lessons" / "orientation.yaml"
    module.parent.mkdir()
    source = EXAMPLE_MODULE.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    at = next(index for index, line in enumerate(lines) if line.rstrip().endswith("body: |")) + 1
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at, f"{indent}![x](https://elsewhere.example/p.png)\n")
    module.write_text("".join(lines), encoding="utf-8")
    line = at + 1

    result = load_files([module], [EXAMPLE_BANK])

    problems = [problem for problem in result.problems if "image" in problem.message]
    assert len(problems) == 1
    assert problems[0].line in (line - 1, line)  # the block scalar's line or its first line
    assert "outside address" in problems[0].message
    assert result.course.modules == ()


def test_the_linter_refuses_a_data_url_in_a_quiz_bank(tmp_path: Path) -> None:
    bank = tmp_path / "quizzes" / "orientation.yaml"
    bank.parent.mkdir()
    shutil.copy(EXAMPLE_BANK, bank)
    source = bank.read_text(encoding="utf-8")
    marker = "explanation: "
    at = source.index(marker) + len(marker)
    source = source[:at] + "'![p](data:image/png;base64,AAAA)' # " + source[at:]
    bank.write_text(source, encoding="utf-8")

    result = load_files([EXAMPLE_MODULE], [bank])

    assert any("data: URL" in problem.message for problem in result.problems)


def test_the_renderer_never_emits_an_outside_image(tmp_path: Path) -> None:
    shown = text.course("Look: ![beacon](https://elsewhere.example/p.png) ![d](data:image/png;base64,AAAA)", tmp_path)

    assert "elsewhere" not in shown
    assert "data:" not in shown
    assert "beacon" in shown


def test_the_renderer_embeds_images_from_the_lessons_folder(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "queue.png").write_bytes(PNG)
    (tmp_path.parent / "outside.png").write_bytes(PNG)

    shown = text.course("![The queue](images/queue.png) and ![gone](images/missing.png) ![o](../outside.png)", tmp_path)

    assert shown.startswith("![The queue](data:image/png;base64," + base64.b64encode(PNG).decode())
    assert shown.endswith(" and gone o")


def test_without_a_folder_the_renderer_uses_the_configured_lessons_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "queue.png").write_bytes(PNG)
    monkeypatch.setenv(settings.LESSONS_DIR_ENV, str(tmp_path))

    shown = text.course("![The queue](images/queue.png)")

    assert shown.startswith("![The queue](data:image/png;base64,")
