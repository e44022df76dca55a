"""What a review finding is, and the catalogue of rules that produce them.

A finding belongs to one file of the course (a module or a quiz bank, by id), points at a
value inside it by its field path (as the validator does), names the item or node it is
about, and says what is weak. Errors are flaws that make a score mean less than it says
(a shortcut that scores without knowledge, a gate the learner cannot know about); warnings
are weaknesses an author should look at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from academy.engine._results import Result

Severity = Literal["error", "warning"]
FileKind = Literal["module", "bank"]
PathPart = str | int


class Finding(Result):
    rule: str
    severity: Severity
    kind: FileKind
    """Whether ``owner`` is a module id or a quiz bank id."""
    owner: str
    path: tuple[PathPart, ...]
    """Field path inside the file, e.g. ("questions", 3, "options", 1)."""
    subject: str
    """The item or node, e.g. "question market-today" or "scenario callback, node call"."""
    message: str


@dataclass(frozen=True)
class Rule:
    id: str
    area: Literal["quiz", "bank", "role-play"]
    title: str
    why: str


_RULES = [
    Rule(
        "correct-longest",
        "quiz",
        "The correct option is the longest by a clear margin",
        "Authors qualify the right answer until it is airtight, so it grows; test-wise learners know "
        "this and pick the longest option without reading the question.",
    ),
    Rule(
        "correct-shortest",
        "quiz",
        "The correct option is the shortest by a clear margin",
        "The opposite cue: padded distractors next to a crisp answer stand out just as well.",
    ),
    Rule(
        "longest-wins",
        "quiz",
        "Across a bank, the longest option is correct far more often than chance",
        "One item with a long answer is chance; a bank where 'pick the longest' beats chance scores "
        "test-wiseness instead of knowledge.",
    ),
    Rule(
        "stem-echo",
        "quiz",
        "The correct option repeats a word of the question that no distractor has",
        "A learner matches the word and finds the answer without knowing it (the 'clang association').",
    ),
    Rule(
        "absolute-terms",
        "quiz",
        "Absolute words (always, never, only, all) in distractors or true/false statements",
        "Test-wise learners know absolute statements are usually false and eliminate them unread.",
    ),
    Rule(
        "all-none-above",
        "quiz",
        "'All of the above', 'none of the above' or 'both A and B' as an option",
        "Spotting two right options is enough to choose 'all of the above'; 'none of the above' "
        "only shows the learner knows a wrong answer, not the right one.",
    ),
    Rule(
        "negative-stem",
        "quiz",
        "A negative question (NOT, EXCEPT, least) without the negative emphasised",
        "Readers skip the small word and answer the opposite question; if a negative is needed, "
        "write it in capitals or bold.",
    ),
    Rule(
        "true-false-balance",
        "bank",
        "True/false answers are lopsided in a bank (outside 35 to 65 % true)",
        "When most statements are false, 'always answer false' scores well; outside 25 to 75 % it is an error.",
    ),
    Rule(
        "option-lengths",
        "quiz",
        "Options of very different lengths (the longest more than twice the shortest)",
        "Uneven options draw the eye to the odd one out; options of one shape make the learner read them.",
    ),
    Rule(
        "near-duplicate",
        "bank",
        "Two questions in one bank ask nearly the same thing",
        "Drawn together, one answers the other and the attempt tests less than it seems.",
    ),
    Rule(
        "weak-feedback",
        "quiz",
        "A wrong answer gets no real feedback (a few words, or the same text as another option)",
        "Feedback on the wrong answer is where a quiz teaches; 'Incorrect.' teaches nothing.",
    ),
    Rule(
        "source-recall",
        "quiz",
        "The question asks which article, study or person said something",
        "Knowing who said it is not knowing what to do with it; ask about the idea instead.",
    ),
    Rule(
        "level-mix",
        "bank",
        "Questions without a level, or a bank that is mostly recall",
        "A service rep needs to apply what they learned; a bank of recall questions passes people "
        "who can recite figures but not handle a customer.",
    ),
    Rule(
        "blueprint-coverage",
        "bank",
        "A tag or group that a random draw often misses entirely",
        "If an attempt can skip an objective, passing the quiz does not show the objective was learned.",
    ),
    Rule(
        "untested-tag",
        "bank",
        "A checklist line the lessons teach that no question covers",
        "What is taught but never tested is invisible in every report.",
    ),
    Rule(
        "test-wise-player",
        "role-play",
        "A player who ignores the content (always the longest, shortest or first reply, or at random) "
        "scores near the best or reaches the best ending",
        "Then the score measures a habit, not the skill; managers would read test-wiseness as competence.",
    ),
    Rule(
        "longest-is-best",
        "role-play",
        "At most decision points the longest reply is the best one",
        "Good replies are written with more care and grow longer; learners notice within one role-play.",
    ),
    Rule(
        "lone-raiser",
        "role-play",
        "At most decision points exactly one reply raises trust",
        "With one good reply and caricatured alternatives the choice is obvious; real conversations "
        "offer several decent replies of different worth.",
    ),
    Rule(
        "hidden-gate",
        "role-play",
        "A reply or ending depends on a condition the learner is never told about",
        "A learner cannot aim for what they cannot see; a hidden trust threshold makes the best "
        "ending luck. Give the condition a `hint:`.",
    ),
    Rule(
        "narrow-best",
        "role-play",
        "Only one path reaches the best ending",
        "One slip anywhere rules the best ending out, so the outcome says little about the skill.",
    ),
    Rule(
        "unused-variable",
        "role-play",
        "A variable is set but no condition reads it",
        "It looks as though the choice matters later when it does not; either read it or drop it.",
    ),
    Rule(
        "ending-assumes",
        "role-play",
        "An ending's `assumes:` step is skipped by some path that reaches it",
        "The debrief would praise a step the learner did not take.",
    ),
    Rule(
        "ending-names-skipped-step",
        "role-play",
        "An ending's text echoes a reply that some paths reaching it skip",
        "The debrief may praise a step the learner did not take; a human should check, and list "
        "the steps the ending relies on with `assumes:`.",
    ),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
