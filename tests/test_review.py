"""The course reviewer: each rule fires on tests/fixtures/review/flawed and stays silent on .../clean."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from academy.cli import main
from academy.content.schema import QuizBank, Scenario
from academy.course.loader import LoadResult, load_course, load_paths
from academy.review import RULES, Finding, course_players, review_course
from academy.review.players import player_figures
from academy.review.quiz_rules import review_bank
from academy.review.roleplay_rules import run_paths
from tests.test_roleplay_engine import build_scenario

FIXTURES = Path(__file__).parent / "fixtures" / "review"
FLAWED = [FIXTURES / "flawed" / "lessons", FIXTURES / "flawed" / "quizzes"]
CLEAN = [FIXTURES / "clean" / "lessons", FIXTURES / "clean" / "quizzes"]


def _review(paths: list[Path]) -> tuple[LoadResult, list[Finding]]:
    result = load_paths(paths)
    assert result.ok, result.problems
    return result, review_course(result.course)


@pytest.fixture(scope="module")
def flawed() -> tuple[LoadResult, list[Finding]]:
    return _review(FLAWED)


@pytest.fixture(scope="module")
def clean() -> tuple[LoadResult, list[Finding]]:
    return _review(CLEAN)


def _found(findings: list[Finding], rule: str, subject: str | None = None) -> list[Finding]:
    return [f for f in findings if f.rule == rule and (subject is None or f.subject == subject)]


def _line(result: LoadResult, finding: Finding) -> int:
    position = result.position(finding.kind, finding.owner, finding.path)
    assert position is not None
    return position[1]


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


FLAWED_BANK = FIXTURES / "flawed" / "quizzes" / "flawed.yaml"
FLAWED_MODULE = FIXTURES / "flawed" / "lessons" / "flawed.yaml"

# rule, subject, severity, (file, a text on the line the finding must point at)
EXPECTED = [
    ("correct-longest", "question longest", "warning", (FLAWED_BANK, "Before noon, exactly as promised")),
    ("correct-shortest", "question shortest", "warning", (FLAWED_BANK, '"Thursday; I will confirm."')),
    ("longest-wins", "bank flawed", "error", (FLAWED_BANK, "questions:")),
    ("stem-echo", "question echo", "warning", (FLAWED_BANK, "The delivery fault is ours")),
    ("absolute-terms", "question absolute", "warning", (FLAWED_BANK, "They always write")),
    ("absolute-terms", "question tf-2", "warning", (FLAWED_BANK, "Customers always complain")),
    ("all-none-above", "question above", "warning", (FLAWED_BANK, "All of the above")),
    ("negative-stem", "question negative", "warning", (FLAWED_BANK, "Which of these is not")),
    ("true-false-balance", "bank flawed", "error", (FLAWED_BANK, "questions:")),
    ("option-lengths", "question longest", "warning", (FLAWED_BANK, "    options:")),
    ("near-duplicate", "question odds-order", "warning", (FLAWED_BANK, "id: odds-order")),
    ("weak-feedback", "question feedback", "warning", (FLAWED_BANK, "Quote the terms")),
    ("source-recall", "question source", "warning", (FLAWED_BANK, "Which article says")),
    ("level-mix", "bank flawed", "warning", (FLAWED_BANK, "questions:")),
    ("blueprint-coverage", "covers low-expectations", "warning", (FLAWED_BANK, "draw: 3")),
    ("untested-tag", "covers snowball", "warning", (FLAWED_BANK, "questions:")),
    ("test-wise-player", "scenario shortcut", "error", (FLAWED_MODULE, "- id: shortcut")),
    ("longest-is-best", "scenario shortcut", "warning", (FLAWED_MODULE, "- id: shortcut")),
    ("lone-raiser", "scenario shortcut", "warning", (FLAWED_MODULE, "- id: shortcut")),
    ("hidden-gate", "scenario shortcut, node close", "error", (FLAWED_MODULE, 'when: {variable: trust, op: ">="')),
    ("narrow-best", "scenario shortcut, ending delighted", "warning", (FLAWED_MODULE, "- id: delighted")),
    ("unused-variable", "scenario shortcut, node open", "warning", (FLAWED_MODULE, "set: {noted: 1}")),
    ("ending-assumes", "scenario shortcut, ending lost", "error", (FLAWED_MODULE, "assumes: [check]")),
    (
        "ending-names-skipped-step",
        "scenario shortcut, ending satisfied",
        "warning",
        (FLAWED_MODULE, "- id: satisfied"),
    ),
]


def test_every_rule_is_exercised_by_the_flawed_fixture() -> None:
    assert {rule for rule, *_ in EXPECTED} == set(RULES)


@pytest.mark.parametrize(("rule", "subject", "severity", "where"), EXPECTED, ids=[e[0] + ":" + e[1] for e in EXPECTED])
def test_rule_fires_on_the_flawed_fixture_at_its_line(
    flawed: tuple[LoadResult, list[Finding]], rule: str, subject: str, severity: str, where: tuple[Path, str]
) -> None:
    result, findings = flawed
    found = _found(findings, rule, subject)
    assert found, f"{rule} did not fire on {subject}"
    path, text = where
    assert any(f.severity == severity for f in found)
    assert _line_of(path, text) in {_line(result, f) for f in found}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule_stays_silent_on_the_clean_fixture(clean: tuple[LoadResult, list[Finding]], rule: str) -> None:
    _, findings = clean
    assert _found(findings, rule) == []


# --- thresholds, each with a case just inside and just outside -------------------------------


def _bank(questions: list[dict[str, Any]], draw: int | None = None) -> QuizBank:
    return QuizBank.model_validate(
        {"schema_version": 1, "id": "b", "title": "B", "draw": draw or len(questions), "questions": questions}
    )


TOPICS = ["promises", "refunds", "couriers", "apologies", "referrals"]


def _true_false(index: int, answer: bool) -> dict[str, Any]:
    return {
        "id": f"tf-{index}",
        "type": "true_false",
        "prompt": f"Statement number {index} about {TOPICS[index % len(TOPICS)]}.",
        "answer": answer,
        "if_true": "Feedback that explains the answer at some length.",
        "if_false": "Other feedback that explains the answer at length.",
        "explanation": "Because.",
        "skills": ["listening"],
        "sources": ["creation-over-service"],
        "level": "understand",
    }


@pytest.mark.parametrize(
    ("trues", "total", "severity"),
    [(2, 4, None), (3, 8, None), (2, 6, "warning"), (1, 5, "error"), (4, 5, "error"), (4, 4, "error"), (1, 3, None)],
)
def test_true_false_balance_bounds(trues: int, total: int, severity: str | None) -> None:
    bank = _bank([_true_false(i, i < trues) for i in range(total)])
    found = _found(review_bank(bank), "true-false-balance")
    assert [f.severity for f in found] == ([severity] if severity else [])


def _single(question_id: str, correct: str, wrong: list[str]) -> dict[str, Any]:
    options = [{"id": "right", "text": correct, "correct": True, "feedback": "Right, and here is why it is."}]
    options += [
        {"id": f"w{i}", "text": text, "feedback": f"Not this one, and here is why {i}."} for i, text in enumerate(wrong)
    ]
    return {
        "id": question_id,
        "type": "single",
        "prompt": f"Question {question_id}?",
        "options": options,
        "explanation": "Because.",
        "skills": ["listening"],
        "sources": ["creation-over-service"],
        "level": "apply",
    }


def test_correct_longest_needs_a_clear_margin() -> None:
    close = _single("close", "Ring the customer at noon", ["Send a long email later", "Wait for the courier"])
    far = _single("far", "Ring the customer at noon with what you know so far", ["Email later", "Wait for it"])
    findings = review_bank(_bank([close, far]))
    assert [f.subject for f in _found(findings, "correct-longest")] == ["question far"]


def test_longest_wins_compares_with_chance() -> None:
    long_right = [
        _single(f"q{i}", "A reply that is clearly the longest of all", ["Short one", "Short two"]) for i in range(3)
    ]
    long_wrong = [
        _single(f"r{i}", "Short right", ["A wrong reply that is clearly the longest", "Short"]) for i in range(3)
    ]
    assert _found(review_bank(_bank(long_right + long_wrong)), "longest-wins") == []
    found = _found(review_bank(_bank([*long_right, *long_wrong[:1]])), "longest-wins")
    assert [f.severity for f in found] == ["error"]
    assert "3 of 4 single-choice questions" in found[0].message


def test_miss_chance_is_the_hypergeometric_tail() -> None:
    questions = [_true_false(i, i % 2 == 0) for i in range(10)]
    questions[0] = {**questions[0], "covers": ["snowball"]}
    questions[1] = {**questions[1], "covers": ["snowball"]}
    found = _found(review_bank(_bank(questions, draw=2)), "blueprint-coverage")
    # C(8, 2) / C(10, 2) = 28 / 45
    assert len(found) == 1
    assert "62% of attempts never ask about it" in found[0].message
    assert _found(review_bank(_bank(questions, draw=5)), "blueprint-coverage") == []  # 6 / 27 miss


# --- role-plays ------------------------------------------------------------------------------


def test_players_run_through_the_engine() -> None:
    # The longest reply is the worst: the longest player scores 0 %, the shortest the best.
    scenario = build_scenario(
        {
            "a": [
                {"next": "good", "trust": 10, "text": "Yes."},
                {"next": "bad", "trust": -10, "text": "A long, poor reply."},
            ]
        },
        {"good": 5, "bad": -5},
    )
    longest = player_figures(scenario, "longest")
    shortest = player_figures(scenario, "shortest")
    random_player = player_figures(scenario, "random")
    assert (longest.share_of_best, longest.best_ending_share, longest.ending) == (0.0, 0.0, "bad")
    assert (shortest.share_of_best, shortest.best_ending_share, shortest.ending) == (1.0, 1.0, "good")
    assert random_player.runs == 1000
    assert 0.4 < random_player.best_ending_share < 0.6  # one good ending of two, fixed seed
    assert player_figures(scenario, "random") == random_player


def test_run_paths_honour_conditions() -> None:
    scenario = build_scenario(
        {
            "a": [{"next": "b", "trust": 10}, {"next": "b", "trust": 0}],
            "b": [{"next": "good", "when": {"variable": "trust", "op": ">=", "value": 60}}, {"next": "bad"}],
        },
        {"good": 5, "bad": -5},
    )
    paths = run_paths(scenario)
    assert paths is not None
    assert sorted((p.steps, p.ending) for p in paths) == [
        ((("a", 0), ("b", 0)), "good"),
        ((("a", 0), ("b", 1)), "bad"),
        ((("a", 1), ("b", 1)), "bad"),
    ]


def test_a_gate_off_the_best_path_is_a_warning() -> None:
    scenario = build_scenario(
        {"a": [{"next": "good", "trust": 10}, {"next": "bad", "when": {"variable": "trust", "op": "<", "value": 90}}]},
        {"good": 5, "bad": -5},
    )
    module = _module_with(scenario)
    found = _found(review_course(module), "hidden-gate")
    assert [f.severity for f in found] == ["warning"]


def _module_with(scenario: Scenario) -> Any:
    from academy.content.schema import Course, Module

    module = Module.model_validate(
        {
            "schema_version": 1,
            "id": "m",
            "title": "M",
            "summary": "S",
            "objectives": ["O"],
            "estimated_minutes": 5,
            "pass_mark": 0.5,
            "lessons": [
                {
                    "id": "l",
                    "title": "L",
                    "body": "B",
                    "key_points": ["K"],
                    "try_this": "T",
                    "sources": ["creation-over-service"],
                }
            ],
            "scenarios": [scenario.model_dump()],
            "sources": ["creation-over-service"],
        }
    )
    return Course(modules=(module,))


# --- the shipped course and the command --------------------------------------------------------


BASELINE = [FIXTURES / "baseline" / "lessons", FIXTURES / "baseline" / "quizzes"]
"""The promise-keeping module and bank as shipped when the reviewer was written (before the
course rewrite): the flaws issue 12 counted by hand must be found by the reviewer."""


def test_the_course_as_it_was_shows_the_known_shortcuts() -> None:
    _, findings = _review(BASELINE)
    shortcuts = [f for f in _found(findings, "test-wise-player") if "longest reply" in f.message]
    assert [f.severity for f in shortcuts] == ["warning", "error"]  # 81 % of the best; 100 % and the best ending
    assert len(_found(findings, "longest-is-best")) == 2
    balance = _found(findings, "true-false-balance")
    assert [(f.severity, f.message.split(";")[0]) for f in balance] == [
        ("error", "1 of 5 true/false answers are true (20%)")
    ]
    assert _found(findings, "longest-wins")[0].severity == "error"
    gates = _found(findings, "hidden-gate")
    assert sorted(f.message.split(",")[0] for f in gates) == [
        "the reply leading to an ending is offered only when trust >= 75",
        "the reply leading to an ending is offered only when trust >= 80",
    ]
    assert all(f.severity == "error" for f in gates)


def test_a_threshold_stated_in_the_brief_is_told() -> None:
    nodes = {
        "a": [{"next": "b", "trust": 10}, {"next": "b"}],
        "b": [{"next": "good", "trust": 10, "when": "trust >= 60"}, {"next": "bad"}],
    }
    hidden = build_scenario(nodes, {"good": 5, "bad": -5})
    told = Scenario.model_validate(
        {**hidden.model_dump(), "brief": "Help him. Some replies only open once his trust reaches 60 on the meter."}
    )
    wrong_number = Scenario.model_validate({**hidden.model_dump(), "brief": "Trust reaches 600 here."})
    assert [f.severity for f in _found(review_course(_module_with(hidden)), "hidden-gate")] == ["error"]
    assert _found(review_course(_module_with(told)), "hidden-gate") == []
    assert len(_found(review_course(_module_with(wrong_number)), "hidden-gate")) == 1


def test_a_gate_on_a_variable_is_a_warning() -> None:
    scenario = build_scenario(
        {
            "a": [{"next": "b", "trust": 10, "set": {"kept": 1}}, {"next": "b"}],
            "b": [{"next": "good", "trust": 10, "when": "kept == 1"}, {"next": "bad"}],
        },
        {"good": 5, "bad": -5},
    )
    found = _found(review_course(_module_with(scenario)), "hidden-gate")
    assert [f.severity for f in found] == ["warning"]
    assert "nothing says an earlier reply opens it" in found[0].message


def test_the_shipped_course_is_reviewed_without_trouble() -> None:
    result = load_course()
    findings = review_course(result.course)
    assert all(f.rule in RULES for f in findings)
    assert all(result.position(f.kind, f.owner, f.path) is not None for f in findings)


def test_course_players_cover_every_scenario() -> None:
    course = load_course().course
    players = course_players(course)
    assert set(players) == {(m.id, s.id) for m in course.modules for s in m.scenarios}
    assert all(
        [f.player for f in figures] == ["longest", "shortest", "first", "random"] for figures in players.values()
    )


def test_review_command_text(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["review", *map(str, FLAWED)])
    out = capsys.readouterr().out
    assert code == 1  # errors found
    line = _line_of(FLAWED_BANK, "Which article says")
    assert f"flawed.yaml:{line}: warning [source-recall] question source:" in out
    assert "Test-wise players" in out
    assert "shortcut" in out
    assert out.rstrip().endswith("warnings")


def test_review_command_json_and_fail_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "--format", "json", "--fail-on", "never", *map(str, FLAWED)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["summary"]["errors"] == sum(f["severity"] == "error" for f in payload["findings"])
    record = next(f for f in payload["findings"] if f["rule"] == "hidden-gate")
    assert record["file"].endswith("flawed.yaml")
    assert record["line"] == _line_of(FLAWED_MODULE, 'when: {variable: trust, op: ">="')
    assert {"rule", "severity", "subject", "message", "path"} <= set(record)
    assert {p["player"] for p in payload["players"]} == {"longest", "shortest", "first", "random"}


def test_review_command_clean_exits_zero_even_on_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", *map(str, CLEAN)]) == 0
    assert main(["review", "--fail-on", "warning", *map(str, CLEAN)]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out


def test_review_command_missing_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "no/such/file.yaml"]) == 1
    assert "no/such/file.yaml: no such file or folder" in capsys.readouterr().err


def test_every_rule_is_explained_in_the_authoring_guide() -> None:
    guide = (Path(__file__).resolve().parents[1] / "docs" / "authoring.md").read_text(encoding="utf-8")
    headings = [line for line in guide.splitlines() if line.startswith("#### ")]
    for rule in RULES:
        assert any(f"`{rule}`" in heading for heading in headings), f"docs/authoring.md has no section for '{rule}'"


def test_health_table_puts_rule_and_data_side_by_side(flawed: tuple[LoadResult, list[Finding]]) -> None:
    import pandas as pd

    from academy.reports.course_review import bank_findings, health_table
    from academy.reports.items import analyse_answers

    result, findings = flawed
    bank = result.course.banks["flawed"]
    rows = []
    for attempt in range(6):
        strong = attempt < 3  # the learners who get tf-1 right get 'longest' wrong, and the other way round
        for question_id, points in (("tf-1", float(strong)), ("longest", float(not strong))):
            rows.append(
                {
                    "attempt_id": attempt,
                    "user_id": attempt,
                    "attempt_number": 1,
                    "question_id": question_id,
                    "response": None,
                    "points": points,
                    "max_points": 1.0,
                }
            )
    table = health_table(bank, findings, analyse_answers(bank, pd.DataFrame(rows))).set_index("question_id")
    assert table.loc["longest", "verdict"] == "flawed by rule and by data"
    assert table.loc["longest", "severity"] == "warning"
    assert {"correct-longest", "option-lengths"} <= set(table.loc["longest", "rules"].split(", "))
    assert table.loc["tf-1", "verdict"] == "flawed by data"
    assert table.loc["tf-1", "rules"] == ""
    assert table.loc["tf-3", "verdict"] == ""
    assert table.loc["tf-3", "attempts"] == 0
    assert table.loc["longest", "attempts"] == 6
    whole = {f.rule for f in bank_findings(bank, findings)}
    assert {"true-false-balance", "longest-wins", "level-mix", "blueprint-coverage"} <= whole
    assert "correct-longest" not in whole
