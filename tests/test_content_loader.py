"""The loader: every broken fixture is reported with its file, line, column, field and message."""

from __future__ import annotations

import shutil
import time
import tracemalloc
from pathlib import Path

import pytest

from academy.course.loader import load_course, load_files, load_paths
from academy.course.yaml_source import MAX_FILE_BYTES, YamlSourceError, read_yaml

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "fixtures" / "broken"
EXAMPLE_MODULE = ROOT / "lessons" / "orientation.yaml"
EXAMPLE_BANK = ROOT / "quizzes" / "orientation.yaml"

# fixture, the one problem it must produce as "line:column: field: message" (exactly).
EXACT = [
    ("alias_bomb.yaml", "3:8: anchors and aliases (*a) are not allowed in course files; write the text out"),
    ("bad_pass_mark.yaml", "15:12: pass_mark: Input should be less than or equal to 1 (got 60)"),
    (
        "bad_source.yaml",
        "46:17: lessons[0].facts[0].source: Input should be 'creation-over-service', "
        "'customer-keeping', 'service-not-by-chance', 'good-customers', 'partnering-over-prospecting', "
        "'hse-work-related-violence', 'uk-gdpr-article-5', 'wiseman-1996', 'reichheld-2003' or 'dixon-2010' "
        "(got 'creation-over-servise')",
    ),
    (
        "dead_end.yaml",
        "93:18: scenarios[0].nodes[2].choices: a node needs at least one choice; "
        "to end the conversation, point a choice at an ending",
    ),
    ("deep_nesting.yaml", "2:52: nesting is deeper than 48 levels"),
    ("draw_too_big.yaml", "5:7: draw: draw is 9 but the bank has only 6 questions"),
    ("duplicate_key.yaml", "15:1: estimated_minutes: duplicate key 'estimated_minutes' (first given at line 14)"),
    ("empty.yaml", "1:1: file is empty; a course file is a mapping that starts with schema_version"),
    (
        "matching_duplicate.yaml",
        "86:16: questions[4].pairs[2].right: right item 'Practise choosing what to say to a customer' is used twice",
    ),
    ("missing_field.yaml", "17:5: lessons[0].title: missing required field 'title'"),
    ("negative_tolerance.yaml", "95:16: questions[5].tolerance: Input should be greater than or equal to 0 (got -1)"),
    ("not_a_mapping.yaml", "1:1: a course file must be a mapping of fields, not a list"),
    ("not_utf8.yaml", "3:11: byte 0xe9 is not valid UTF-8; save the file as UTF-8"),
    ("python_tag.yaml", "2:5: id: the tag '!!python/object/apply:os.system' is not allowed in course files"),
    (
        "schema_version.yaml",
        "3:17: schema_version: Input should be 1 (this version of the academy reads schema_version 1)",
    ),
    ("syntax_error.yaml", "12:3: YAML syntax: expected the node content, but found '-'"),
    (
        "two_correct.yaml",
        "12:7: questions[0].options: a single-choice question needs exactly one correct option (found 2)",
    ),
    (
        "unknown_question_type.yaml",
        "53:5: questions[3]: unknown question type 'sorting'; expected one of: "
        "'single', 'multiple', 'true_false', 'ordering', 'matching', 'numeric'",
    ),
    (
        "wrong_type.yaml",
        "14:20: estimated_minutes: Input should be a valid integer, unable to parse string as an integer (got 'ten')",
    ),
]


def problems_of(name: str) -> list[str]:
    result = load_paths([BROKEN / name])
    assert not result.ok
    prefix = f"{Path('tests/fixtures/broken') / name}:" if Path.cwd() == ROOT else None
    lines = [str(p) for p in result.problems]
    if prefix:
        assert all(line.startswith(prefix) for line in lines), lines
    return [line.split(f"{name}:", 1)[1] for line in lines]


@pytest.mark.parametrize(("name", "expected"), EXACT, ids=[name for name, _ in EXACT])
def test_broken_fixture_reports_exact_place_and_message(name: str, expected: str) -> None:
    assert problems_of(name) == [expected]


def test_unknown_key_names_the_typo_and_suggests_the_field() -> None:
    problems = problems_of("unknown_key.yaml")
    assert (
        "70:13: scenarios[0].nodes[0].choices[0].feedbak: unknown field 'feedbak'; did you mean "
        "'feedback'? (allowed: feedback, next, set, skills, text, trust, when)" in problems
    )
    # The required field it was meant to be is reported as missing too, at the choice.
    assert "66:13: scenarios[0].nodes[0].choices[0].feedback: missing required field 'feedback'" in problems


def test_choice_pointing_nowhere_is_reported_at_its_next_field() -> None:
    problems = problems_of("bad_next.yaml")
    assert len(problems) >= 1
    assert any(p.startswith("73:19: scenarios[0].nodes[0].choices[1].next: ") and "anoyed" in p for p in problems)


def test_unreachable_node_is_reported_at_the_node() -> None:
    problems = problems_of("unreachable_node.yaml")
    assert any(p.startswith("91:9: scenarios[0].nodes[2]") and "annoyed" in p for p in problems), problems


def test_unknown_quiz_bank_is_reported_with_a_suggestion() -> None:
    [problem] = problems_of("bad_quiz_ref.yaml")
    assert problem.startswith("122:7: quiz: no quiz bank has id 'orientaton'; did you mean 'orientation'? (known: ")


def test_every_problem_in_a_file_is_listed_not_only_the_first(tmp_path: Path) -> None:
    text = EXAMPLE_MODULE.read_text()
    text = text.replace("estimated_minutes: 10", "estimated_minutes: ten")
    text = text.replace("pass_mark: 0.6", "pass_mark: 6")
    text = text.replace("    title: How this academy works\n", "    titel: How this academy works\n")
    path = tmp_path / "three.yaml"
    path.write_text(text)
    fields = {p.field for p in load_paths([path]).problems}
    assert {"estimated_minutes", "pass_mark", "lessons[0].titel", "lessons[0].title"} <= fields


def test_a_broken_module_does_not_take_the_course_down(tmp_path: Path) -> None:
    lessons, quizzes = tmp_path / "lessons", tmp_path / "quizzes"
    lessons.mkdir()
    quizzes.mkdir()
    shutil.copy(EXAMPLE_MODULE, lessons / "orientation.yaml")
    shutil.copy(EXAMPLE_BANK, quizzes / "orientation.yaml")
    shutil.copy(BROKEN / "wrong_type.yaml", lessons / "broken.yaml")
    result = load_course(lessons, quizzes)
    assert [m.id for m in result.course.modules] == ["orientation"]
    assert list(result.broken) == [str(lessons / "broken.yaml")]
    assert not result.ok


def test_a_module_whose_bank_is_broken_is_left_out_and_says_why(tmp_path: Path) -> None:
    lessons, quizzes = tmp_path / "lessons", tmp_path / "quizzes"
    lessons.mkdir()
    quizzes.mkdir()
    shutil.copy(EXAMPLE_MODULE, lessons / "orientation.yaml")
    shutil.copy(BROKEN / "two_correct.yaml", quizzes / "orientation.yaml")
    result = load_course(lessons, quizzes)
    assert result.course.modules == ()
    messages = [p.message for p in result.problems]
    assert "quiz bank 'orientation' has errors (listed with its file)" in messages


def test_duplicate_module_ids_across_files_are_refused(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(EXAMPLE_MODULE, tmp_path / name)
    result = load_files([tmp_path / "a.yaml", tmp_path / "b.yaml"], [EXAMPLE_BANK])
    assert len(result.course.modules) == 1
    assert [p.message for p in result.problems] == [f"module id is already used by {tmp_path / 'a.yaml'}"]


def test_alias_bomb_is_refused_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(YamlSourceError, match="aliases"):
        read_yaml(BROKEN / "alias_bomb.yaml")
    assert time.perf_counter() - started < 1.0


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        line = b"key: " + b"x" * 95 + b"\n"
        for _ in range(30 * 1024 * 1024 // len(line)):
            handle.write(line)
    tracemalloc.start()
    with pytest.raises(YamlSourceError, match=r"file is 31\.\d MB; course files are limited to 1\.0 MB"):
        read_yaml(huge)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < MAX_FILE_BYTES


def test_content_version_ignores_formatting_but_not_content(tmp_path: Path) -> None:
    original = load_paths([EXAMPLE_MODULE]).course
    reformatted = tmp_path / "lessons" / "orientation.yaml"
    reformatted.parent.mkdir()
    reformatted.write_text("# a comment\n\n" + EXAMPLE_MODULE.read_text().replace("trust: 50", "trust:    50"))
    assert load_paths([reformatted]).course.versions == original.versions
    reformatted.write_text(EXAMPLE_MODULE.read_text().replace("Dana Okafor", "Dana Okafor-Smith"))
    assert load_paths([reformatted]).course.versions["orientation"] != original.versions["orientation"]


def test_shipped_course_loads_cleanly() -> None:
    result = load_course()
    assert result.ok, "\n".join(str(p) for p in result.problems)
    assert {m.id for m in result.course.modules} >= {"orientation"}
    for module in result.course.modules:
        assert result.course.versions[module.id]


def test_a_new_optional_schema_field_keeps_every_version() -> None:
    from academy.content.schema import Module
    from academy.course.loader import content_version

    class Extended(Module):
        added_later: int = 0

    course = load_paths([EXAMPLE_MODULE]).course
    module = course.module("orientation")
    bank = course.bank_for(module)
    extended = Extended.model_validate(module.model_dump())
    assert content_version(extended, bank) == content_version(module, bank)
