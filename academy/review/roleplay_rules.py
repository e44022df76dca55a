"""Role-play rules: shortcuts, hidden gates, dead variables and endings that assume too much."""

from __future__ import annotations

import re
from dataclasses import dataclass

from academy.content.schema import Condition, Module, Node, Scenario
from academy.engine import roleplay
from academy.engine.similarity import content_words
from academy.review.findings import Finding, PathPart, Severity
from academy.review.players import PlayerFigures, all_players, best_outcome

SHORTCUT_ERROR = 0.9
"""A content-blind player scoring this share of the best (and reaching the best ending) is an error."""
SHORTCUT_WARNING = 0.75
PATTERN_SHARE = 0.6
"""A pattern (longest is best, one reply raises trust) at this share of decision points is reported."""
MAX_PATHS = 20_000
ECHO_WORDS = 2
"""An ending sharing this many distinctive words with an optional reply is worth a human look."""


@dataclass(frozen=True)
class RunPath:
    """One way through a scenario on a simple path: the decisions taken and the ending reached."""

    steps: tuple[tuple[str, int], ...]
    ending: str
    state: roleplay.RunState


def run_paths(scenario: Scenario, limit: int = MAX_PATHS) -> list[RunPath] | None:
    """Every simple path from the start to an ending that honours the conditions; None past ``limit``."""
    found: list[RunPath] = []

    def walk(state: roleplay.RunState, visited: frozenset[str]) -> bool:
        for index, choice in roleplay.available_choices(scenario, state):
            if choice.next in visited:
                continue
            after = roleplay.replay(scenario, [*state.choices_made, index])
            if after.finished:
                steps = tuple((step.node, step.choice) for step in after.path)
                found.append(RunPath(steps, after.node, after))
                if len(found) > limit:
                    return False
            elif not walk(after, visited | {after.node}):
                return False
        return True

    start = roleplay.start(scenario)
    return found if walk(start, frozenset({start.node})) else None


class _Scenario:
    """Findings about one scenario, located inside its module file."""

    def __init__(self, module: Module, index: int, scenario: Scenario) -> None:
        self.module, self.index, self.scenario = module, index, scenario
        self.findings: list[Finding] = []
        self.node_index = {node.id: i for i, node in enumerate(scenario.nodes)}
        self.ending_index = {ending.id: i for i, ending in enumerate(scenario.endings)}

    def add(self, rule: str, severity: Severity, path: tuple[PathPart, ...], where: str, message: str) -> None:
        subject = f"scenario {self.scenario.id}" + (f", {where}" if where else "")
        self.findings.append(
            Finding(
                rule=rule,
                severity=severity,
                kind="module",
                owner=self.module.id,
                path=("scenarios", self.index, *path),
                subject=subject,
                message=message,
            )
        )


def review_module_scenarios(module: Module, figures: dict[str, list[PlayerFigures]] | None = None) -> list[Finding]:
    """Every role-play finding of a module; ``figures`` may hold the players' figures already computed."""
    findings: list[Finding] = []
    for index, scenario in enumerate(module.scenarios):
        analysis = roleplay.analyse(scenario)
        if not analysis.complete or analysis.best is None:
            continue  # the validator already says why it cannot be played through
        out = _Scenario(module, index, scenario)
        players = (figures or {}).get(scenario.id) or all_players(scenario)
        _test_wise(out, players)
        _patterns(out, analysis)
        _hidden_gates(out, analysis)
        _unused_variables(out)
        paths = run_paths(scenario)
        if paths is not None:
            _narrow_best(out, paths)
            _endings(out, paths)
        findings += out.findings
    return findings


def _test_wise(out: _Scenario, players: list[PlayerFigures]) -> None:
    for figures in players:
        reaches = figures.best_ending_share
        if figures.runs == 1:
            if figures.share_of_best >= SHORTCUT_ERROR and reaches:
                severity: Severity | None = "error"
            elif figures.share_of_best >= SHORTCUT_WARNING or reaches:
                severity = "warning"
            else:
                severity = None
            note = ""
            if severity and figures.player == "first":
                # The role-play page shuffles the replies, so a learner cannot see the written order.
                severity, note = (
                    "warning",
                    " (the page shuffles replies, but the file shows a habit of writing the best first)",
                )
            if severity:
                ending = f" and reaches the best ending ('{figures.ending}')" if reaches else ""
                out.add(
                    "test-wise-player",
                    severity,
                    (),
                    "",
                    f"a player who picks {figures.label} scores {figures.share_of_best:.0%} of the best{ending}{note}",
                )
        elif figures.share_of_best >= SHORTCUT_WARNING:
            out.add(
                "test-wise-player",
                "warning",
                (),
                "",
                f"a player who picks {figures.label} scores {figures.share_of_best:.0%} of the best on average "
                f"and reaches the best ending in {reaches:.0%} of runs",
            )


def _patterns(out: _Scenario, analysis: roleplay.ScenarioAnalysis) -> None:
    longest_best: list[str] = []
    lone: list[str] = []
    points = 0
    for node in out.scenario.nodes:
        if len(node.choices) < 2 or node.id not in analysis.reachable_nodes:
            continue
        points += 1
        lengths = [len(" ".join(choice.text.split())) for choice in node.choices]
        longest = lengths.index(max(lengths))
        if longest in analysis.best_choices.get(node.id, ()):
            longest_best.append(node.id)
        if len(node.choices) >= 3 and sum(choice.trust > 0 for choice in node.choices) == 1:
            lone.append(node.id)
    if points and len(longest_best) / points >= PATTERN_SHARE:
        out.add(
            "longest-is-best",
            "warning",
            (),
            "",
            f"at {len(longest_best)} of {points} decision points the longest reply is a best reply "
            f"({', '.join(longest_best)})",
        )
    if points and len(lone) / points >= PATTERN_SHARE:
        out.add(
            "lone-raiser",
            "warning",
            (),
            "",
            f"at {len(lone)} of {points} decision points exactly one reply raises trust ({', '.join(lone)})",
        )


def _describe(condition: object) -> str:
    variable, op, value = (getattr(condition, name) for name in ("variable", "op", "value"))
    return f"{variable} {op} {value}"


def _hidden_gates(out: _Scenario, analysis: roleplay.ScenarioAnalysis) -> None:
    for i, node in enumerate(out.scenario.nodes):
        for j, choice in enumerate(node.choices):
            if choice.when is None or choice.when.hint or _told(out.scenario, node, choice.when):
                continue
            best = j in analysis.best_choices.get(node.id, ())
            on_meter = choice.when.variable == roleplay.TRUST
            target = "an ending" if choice.next in out.ending_index else f"node '{choice.next}'"
            if best and on_meter:
                why = "; it is on the best path, so the best score depends on a threshold the learner cannot see"
            elif best:
                why = "; it is on the best path, and nothing says an earlier reply opens it"
            else:
                why = ""
            out.add(
                "hidden-gate",
                # A threshold on the meter the learner watches is a secret rule; a variable set by an
                # earlier reply is a consequence of that reply, worth a hint but no score-breaker.
                "error" if best and on_meter else "warning",
                ("nodes", i, "choices", j, "when"),
                f"node {node.id}",
                f"the reply leading to {target} is offered only when {_describe(choice.when)}, and the learner is "
                f"never told{why}; add a `hint:` to the condition",
            )


def _told(scenario: Scenario, node: Node, condition: Condition) -> bool:
    """Whether the brief or the node's narration states a trust gate's threshold in words.

    "Some replies are only offered once the customer's trust reaches 70" tells the learner as
    well as a ``hint:`` does; a gate on another variable needs its ``hint:``.
    """
    if condition.variable != roleplay.TRUST:
        return False
    number = re.compile(rf"(?<!\d){condition.value}(?!\d)")
    texts = [scenario.brief, node.narration or ""]
    return any(
        "trust" in sentence.lower() and number.search(sentence)
        for text in texts
        for sentence in re.split(r"(?<=[.!?])\s+", text)
    )


def _unused_variables(out: _Scenario) -> None:
    read = {choice.when.variable for node in out.scenario.nodes for choice in node.choices if choice.when}
    reported: set[str] = set()
    for i, node in enumerate(out.scenario.nodes):
        for j, choice in enumerate(node.choices):
            for name in choice.set:
                if name not in read and name not in reported and not _assumed(out.scenario, name):
                    reported.add(name)
                    out.add(
                        "unused-variable",
                        "warning",
                        ("nodes", i, "choices", j, "set", name),
                        f"node {node.id}",
                        f"'{name}' is set here but no condition and no ending's `assumes:` reads it",
                    )


def _assumed(scenario: Scenario, name: str) -> bool:
    return any(name in ending.assumes for ending in scenario.endings)


def _narrow_best(out: _Scenario, paths: list[RunPath]) -> None:
    top = best_outcome(out.scenario)
    if top is None:
        return
    outcome_of = {ending.id: ending.outcome for ending in out.scenario.endings}
    winning = [path for path in paths if outcome_of[path.ending] == top]
    if len(winning) == 1 and len(paths) > 1:
        only = winning[0]
        out.add(
            "narrow-best",
            "warning",
            ("endings", out.ending_index[only.ending]),
            f"ending {only.ending}",
            f"only one of {len(paths)} paths reaches the best outcome ({top}): all {len(only.steps)} decisions "
            "on it must be exactly right",
        )


def _satisfies(path: RunPath, step: str) -> bool:
    return any(node == step for node, _ in path.steps) or path.state.variable(step) != 0


def _endings(out: _Scenario, paths: list[RunPath]) -> None:
    scenario = out.scenario
    known = set(out.node_index) | {name for node in scenario.nodes for choice in node.choices for name in choice.set}
    for ending in scenario.endings:
        reaching = [path for path in paths if path.ending == ending.id]
        where = ("endings", out.ending_index[ending.id])
        for position, step in enumerate(ending.assumes):
            if step not in known:
                out.add(
                    "ending-assumes",
                    "error",
                    (*where, "assumes", position),
                    f"ending {ending.id}",
                    f"assumes '{step}', which is neither a node nor a variable of this scenario",
                )
                continue
            skipping = [path for path in reaching if not _satisfies(path, step)]
            if skipping:
                out.add(
                    "ending-assumes",
                    "error",
                    (*where, "assumes", position),
                    f"ending {ending.id}",
                    f"assumes '{step}', but {len(skipping)} of {len(reaching)} paths reach it without it, "
                    f"e.g. {_route(skipping[0])}",
                )
        if not ending.assumes and reaching:
            _echoes(out, ending.id, reaching)


def _route(path: RunPath) -> str:
    return " → ".join([*(node for node, _ in path.steps), path.ending])


def _echoes(out: _Scenario, ending_id: str, reaching: list[RunPath]) -> None:
    """Replies on some but not all paths to the ending whose own words the ending's text repeats."""
    scenario = out.scenario
    ending = scenario.endings[out.ending_index[ending_id]]
    text = content_words(" ".join(filter(None, [ending.title, ending.customer, ending.debrief])))
    on_paths = [set(path.steps) for path in reaching]
    first, *others = on_paths
    optional = first.union(*others) - first.intersection(*others)
    own = _own_words(scenario)
    matches: list[tuple[int, str, int, list[str]]] = []
    for node_id, choice_index in sorted(optional, key=lambda step: (out.node_index[step[0]], step[1])):
        echoed = sorted(own.get((node_id, choice_index), frozenset()) & text)
        if len(echoed) >= ECHO_WORDS:
            matches.append((len(echoed), node_id, choice_index, echoed))
    if not matches:
        return
    _, node_id, choice_index, echoed = max(matches, key=lambda match: match[0])
    skipping = sum((node_id, choice_index) not in steps for steps in on_paths)
    out.add(
        "ending-names-skipped-step",
        "warning",
        ("endings", out.ending_index[ending_id]),
        f"ending {ending_id}",
        f"its text repeats {', '.join(repr(w) for w in echoed[:6])} from reply {choice_index + 1} at node "
        f"'{node_id}' (words no other reply uses), yet {skipping} of {len(reaching)} paths here skip that reply; "
        "check it, and list the steps the ending relies on with `assumes:`",
    )


def _own_words(scenario: Scenario) -> dict[tuple[str, int], frozenset[str]]:
    """Each reply's words that no other reply, customer line or the brief uses: what names that step."""
    replies = {
        (node.id, j): content_words(choice.text) for node in scenario.nodes for j, choice in enumerate(node.choices)
    }
    elsewhere: dict[str, int] = {}
    for words in replies.values():
        for word in words:
            elsewhere[word] = elsewhere.get(word, 0) + 1
    context = content_words(
        " ".join(
            [scenario.brief, scenario.customer.name, scenario.customer.situation, *(n.customer for n in scenario.nodes)]
        )
    )
    return {
        step: frozenset(w for w in words if elsewhere[w] == 1 and w not in context) for step, words in replies.items()
    }
