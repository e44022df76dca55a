"""docs/course.md, rendered from the loaded course so it can never drift from the YAML."""

from __future__ import annotations

import re
from collections import Counter

from academy.content.schema import Course, Fact, Module
from academy.content.sources import SOURCES
from academy.review import PLAYERS, course_players

_FIGURE = re.compile(r"\d|\b(?:twice|two|three|four|five|six|seven|eight|nine|ten)\b|\bper ?cent\b", re.IGNORECASE)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _module_section(course: Course, module: Module) -> list[str]:
    bank = course.bank_for(module)
    lines = [
        f"## {module.title} (`{module.id}`)",
        "",
        _cell(module.summary),
        "",
        f"About {module.estimated_minutes} minutes; pass mark {module.pass_mark:.0%}.",
        "",
        "Objectives:",
        "",
        *[f"- {_cell(objective)}" for objective in module.objectives],
        "",
        "Lessons: " + "; ".join(lesson.title for lesson in module.lessons) + ".",
        "",
    ]
    if module.scenarios:
        lines.append("Role-plays:")
        lines.append("")
        for scenario in module.scenarios:
            outcomes = ", ".join(sorted({ending.outcome for ending in scenario.endings}))
            lines.append(
                f"- {scenario.title}: {scenario.customer.name}, {len(scenario.nodes)} decision points, "
                f"{len(scenario.endings)} endings ({outcomes})"
            )
        lines.append("")
    if bank:
        types = Counter(question.type for question in bank.questions)
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(types.items()))
        limit = f"{bank.attempts} attempts" if bank.attempts else "unlimited attempts"
        lines += [f"Quiz: {len(bank.questions)} questions ({kinds}); {bank.draw} drawn per attempt; {limit}.", ""]
        levels = Counter(question.level or "untagged" for question in bank.questions)
        lines += ["By level: " + ", ".join(f"{levels[level]} {level}" for level in sorted(levels)) + ".", ""]
        if bank.blueprint:
            rows = ", ".join(f"{row.draw} from {row.selector[1]}" for row in bank.blueprint if row.selector)
            lines += [f"Each attempt draws {rows}; the rest at random.", ""]
    return lines


def _figures(course: Course) -> list[str]:
    rows: list[tuple[str, Fact]] = [
        (module.id, fact)
        for module in course.modules
        for lesson in module.lessons
        for fact in lesson.facts
        if fact.reported_by or _FIGURE.search(fact.text)
    ]
    lines = [
        "## Figures and where they come from",
        "",
        "Every figure the course teaches, the article it is taken from, and whose figure it is when the",
        'article only reports it. Second-hand figures are taught as "reported by", not as laws.',
        "",
        "| module | figure | article (source id) | reported by |",
        "| --- | --- | --- | --- |",
    ]
    seen: set[tuple[str, str]] = set()
    for module_id, fact in rows:
        key = (module_id, fact.text)
        if key in seen:
            continue
        seen.add(key)
        lines.append(
            f"| {module_id} | {_cell(fact.text)} | {SOURCES[fact.source]} (`{fact.source}`) "
            f"| {_cell(fact.reported_by or 'the article itself')} |"
        )
    return [*lines, ""]


def _players(course: Course) -> list[str]:
    players = course_players(course)
    if not players:
        return []
    titles = {(module.id, scenario.id): scenario.title for module in course.modules for scenario in module.scenarios}
    lines = [
        "## Test-wise players",
        "",
        "Four players who never read the replies, run through every role-play by `python -m academy review`:",
        "always the longest reply, always the shortest, always the one written first, and one at random",
        "(1,000 runs, fixed seed). Each cell is the score as a share of the best (the debrief's headline)",
        "and the share of runs reaching the best ending. A content-blind player near 100 % means the",
        "score rewards a habit, not the skill (rules in [authoring.md](authoring.md#review-weak-not-broken)).",
        "",
        "| module | role-play | " + " | ".join(label for label, _, _ in PLAYERS.values()) + " |",
        "| --- | --- | " + " | ".join("---" for _ in PLAYERS) + " |",
    ]
    for (module_id, scenario_id), figures in players.items():
        cells = " | ".join(f"{f.share_of_best:.0%} / {f.best_ending_share:.0%}" for f in figures)
        lines.append(f"| {module_id} | {_cell(titles[module_id, scenario_id])} | {cells} |")
    return [*lines, ""]


def render_course_doc(course: Course) -> str:
    lines = [
        "# The course",
        "",
        "Generated from `lessons/` and `quizzes/` by `python -m academy course-doc > docs/course.md`;",
        "a test fails when it is out of date.",
        "",
        "Sources: " + "; ".join(f"`{key}`: {title}" for key, title in SOURCES.items()) + ".",
        "",
    ]
    for module in course.modules:
        lines += _module_section(course, module)
    lines += _figures(course)
    lines += _players(course)
    return "\n".join(lines)
