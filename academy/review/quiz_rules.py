"""Item-writing flaws in quiz banks (after Tarrant et al.'s rubric), one function per rule."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from academy.content.schema import (
    LEVELS,
    MultipleSelect,
    Numeric,
    Option,
    Question,
    QuizBank,
    SingleChoice,
    TrueFalse,
)
from academy.engine.similarity import content_words, near_duplicates, similarity, words
from academy.review.blueprint_rules import DrawChances, blueprint_findings
from academy.review.findings import Finding, PathPart, Severity

CLEAR_MARGIN = 1.15
"""An option is "clearly" longer than another when it has 15 % more characters ..."""
CLEAR_CHARACTERS = 8
"""... and at least this many more."""
LENGTH_SPREAD = 2.0
"""Options whose longest is more than this many times the shortest are far apart."""
TRUE_SHARE_WARNING = (0.35, 0.65)
TRUE_SHARE_ERROR = (0.25, 0.75)
MIN_TRUE_FALSE = 4
"""Fewer true/false questions than this in a bank are too few to judge their balance."""
LONGEST_WINS_WARNING = 0.4
LONGEST_WINS_ERROR = 0.5
MIN_SINGLE = 4
RECALL_SHARE = 0.4
"""A bank where more than this share of questions are recall is mostly recall."""
FEEDBACK_WORDS = 5

_ABSOLUTE_WORDS = "always never only all none every everyone everything nothing nobody entirely completely absolutely"
ABSOLUTE = frozenset([*_ABSOLUTE_WORDS.split(), "guaranteed", "guarantee"])
NEGATIVE = frozenset(["not", "except", "least", "incorrect", "untrue", "false"])
_AT_LEAST = re.compile(r"\bat least\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_ASKS = re.compile(r"\b(which|what|who|select|choose|pick|tick)\b", re.IGNORECASE)
_ABOVE = re.compile(
    r"\b(all|none) of (the above|these|them)\b|\bboth (of )?(the above|these|[a-e] and [a-e])\b"
    r"|\bneither [a-e] nor [a-e]\b",
    re.IGNORECASE,
)
_SOURCE = re.compile(
    r"\b(which|what) (article|source|study|studies|author|writer|publication|institute|report)\b"
    r"|\bwho (does|did) the (article|source|study) (credit|cite|quote|name)\b|\bcredit(s|ed)? with\b",
    re.IGNORECASE,
)
_EMPHASIS = re.compile(r"\*\*[^*]+\*\*|__[^_]+__|\*[^*]+\*|_[^_]+_")


class _Collector:
    def __init__(self, bank: QuizBank) -> None:
        self.bank = bank
        self.chances = DrawChances(bank)
        self.findings: list[Finding] = []

    def add(self, rule: str, severity: Severity, path: tuple[PathPart, ...], subject: str, message: str) -> None:
        self.findings.append(
            Finding(
                rule=rule,
                severity=severity,
                kind="bank",
                owner=self.bank.id,
                path=path,
                subject=subject,
                message=message,
            )
        )


def review_bank(bank: QuizBank, taught: frozenset[str] = frozenset()) -> list[Finding]:
    """Every finding of one bank; ``taught`` holds the checklist lines its module's lessons teach."""
    out = _Collector(bank)
    for index, question in enumerate(bank.questions):
        for check in _ITEM_CHECKS:
            check(out, index, question)
    for bank_check in _BANK_CHECKS:
        bank_check(out)
    out.findings += blueprint_findings(bank, taught, out.chances)
    return out.findings


# --- one question at a time -------------------------------------------------------------------


def _subject(question: Question) -> str:
    return f"question {question.id}"


def _distractors(question: SingleChoice | MultipleSelect) -> list[Option]:
    return [option for option in question.options if not option.correct]


def _length(text: str) -> int:
    return len(" ".join(text.split()))


def _clearly_longer(long: int, short: int) -> bool:
    return long >= short * CLEAR_MARGIN and long - short >= CLEAR_CHARACTERS


def correct_length(out: _Collector, index: int, question: Question) -> None:
    if not isinstance(question, SingleChoice):
        return
    correct = next((o for o in question.options if o.correct), None)
    others = [_length(option.text) for option in _distractors(question)]
    if correct is None or not others:
        return
    own = _length(correct.text)
    where = ("questions", index, "options", question.options.index(correct))
    if _clearly_longer(own, max(others)):
        out.add(
            "correct-longest",
            "warning",
            where,
            _subject(question),
            f"the correct option has {own} characters, the longest distractor {max(others)}: "
            "pad a distractor or trim the answer",
        )
    elif _clearly_longer(min(others), own):
        out.add(
            "correct-shortest",
            "warning",
            where,
            _subject(question),
            f"the correct option has {own} characters, the shortest distractor {min(others)}",
        )


def _generic_words(bank: QuizBank) -> frozenset[str]:
    """Words in at least a fifth of the bank's questions: the course's own vocabulary, no cue."""
    counts: dict[str, int] = {}
    for question in bank.questions:
        for word in content_words(question.prompt):
            counts[word] = counts.get(word, 0) + 1
    return frozenset(word for word, count in counts.items() if count >= max(2, len(bank.questions) / 5))


def stem_echo(out: _Collector, index: int, question: Question) -> None:
    if not isinstance(question, SingleChoice | MultipleSelect):
        return
    stem = content_words(question.prompt) - _generic_words(out.bank)
    distractor_words = frozenset().union(*(content_words(option.text) for option in _distractors(question)))
    echoed: set[str] = set()
    first: int | None = None
    for position, option in enumerate(question.options):
        if option.correct:
            found = (stem & content_words(option.text)) - distractor_words
            if found and first is None:
                first = position
            echoed |= found
    if first is not None:
        out.add(
            "stem-echo",
            "warning",
            ("questions", index, "options", first),
            _subject(question),
            f"the correct answer repeats {', '.join(repr(w) for w in sorted(echoed))} from the question "
            "and no distractor does",
        )


def _absolutes(text: str) -> list[str]:
    # "All of the above" has its own rule; its "all" is no cue of a false statement.
    return sorted({word for word in words(_ABOVE.sub(" ", text)) if word in ABSOLUTE})


def absolute_terms(out: _Collector, index: int, question: Question) -> None:
    if isinstance(question, TrueFalse):
        found = _absolutes(question.prompt)
        if found:
            out.add(
                "absolute-terms",
                "warning",
                ("questions", index, "prompt"),
                _subject(question),
                f"the statement says {', '.join(repr(w) for w in found)}: absolute statements are "
                "usually false, so the word gives the answer away",
            )
        return
    if not isinstance(question, SingleChoice | MultipleSelect):
        return
    if any(_absolutes(option.text) for option in question.options if option.correct):
        return  # the cue only works when the absolutes sit on wrong options
    for position, option in enumerate(question.options):
        found = _absolutes(option.text)
        if found:
            out.add(
                "absolute-terms",
                "warning",
                ("questions", index, "options", position),
                _subject(question),
                f"distractor '{option.id}' says {', '.join(repr(w) for w in found)} and no correct option "
                "does: test-wise learners rule it out unread",
            )


def all_none_above(out: _Collector, index: int, question: Question) -> None:
    if not isinstance(question, SingleChoice | MultipleSelect):
        return
    for position, option in enumerate(question.options):
        match = _ABOVE.search(option.text)
        if match:
            out.add(
                "all-none-above",
                "warning",
                ("questions", index, "options", position),
                _subject(question),
                f"option '{option.id}' says '{match.group(0)}'; write each option so it stands alone",
            )


def negative_stem(out: _Collector, index: int, question: Question) -> None:
    if isinstance(question, TrueFalse):
        return  # a statement may well be negative; the rule is about questions that ask for the odd one out
    # Only the asking sentence counts: "the part has not shipped. What do you do?" asks positively.
    asking = [s for s in _SENTENCE.split(_EMPHASIS.sub(" ", question.prompt)) if _ASKS.search(s) or "?" in s]
    plain = _AT_LEAST.sub(" ", " ".join(asking))
    hidden = sorted(
        {word.lower() for word in re.findall(r"[A-Za-z]+", plain) if word.lower() in NEGATIVE and not word.isupper()}
    )
    if hidden:
        out.add(
            "negative-stem",
            "warning",
            ("questions", index, "prompt"),
            _subject(question),
            f"the question turns on {', '.join(repr(w) for w in hidden)}: ask it positively, or write the "
            "negative in capitals or **bold**",
        )


def option_lengths(out: _Collector, index: int, question: Question) -> None:
    if not isinstance(question, SingleChoice | MultipleSelect):
        return
    lengths = [_length(option.text) for option in question.options]
    if min(lengths) and max(lengths) > LENGTH_SPREAD * min(lengths) and max(lengths) - min(lengths) >= 20:
        out.add(
            "option-lengths",
            "warning",
            ("questions", index, "options"),
            _subject(question),
            f"options run from {min(lengths)} to {max(lengths)} characters",
        )


def _thin(text: str) -> bool:
    return len(words(text)) < FEEDBACK_WORDS


def weak_feedback(out: _Collector, index: int, question: Question) -> None:
    if isinstance(question, SingleChoice | MultipleSelect):
        seen: dict[str, str] = {}
        for position, option in enumerate(question.options):
            key = " ".join(option.feedback.lower().split())
            if not option.correct and _thin(option.feedback):
                out.add(
                    "weak-feedback",
                    "warning",
                    ("questions", index, "options", position, "feedback"),
                    _subject(question),
                    f"the feedback on wrong option '{option.id}' is only '{option.feedback}'",
                )
            elif not option.correct and key in seen:
                out.add(
                    "weak-feedback",
                    "warning",
                    ("questions", index, "options", position, "feedback"),
                    _subject(question),
                    f"wrong option '{option.id}' repeats the feedback of '{seen[key]}'",
                )
            seen.setdefault(key, option.id)
    elif isinstance(question, TrueFalse):
        wrong_field = "if_true" if not question.answer else "if_false"
        wrong = question.if_true if not question.answer else question.if_false
        if _thin(wrong) or " ".join(question.if_true.split()) == " ".join(question.if_false.split()):
            out.add(
                "weak-feedback",
                "warning",
                ("questions", index, wrong_field),
                _subject(question),
                f"the feedback on the wrong answer is only '{wrong}'",
            )
    elif isinstance(question, Numeric) and _thin(question.if_wrong):
        out.add(
            "weak-feedback",
            "warning",
            ("questions", index, "if_wrong"),
            _subject(question),
            f"the feedback on a wrong number is only '{question.if_wrong}'",
        )


def source_recall(out: _Collector, index: int, question: Question) -> None:
    match = _SOURCE.search(question.prompt)
    if match:
        out.add(
            "source-recall",
            "warning",
            ("questions", index, "prompt"),
            _subject(question),
            f"the question asks '{match.group(0)}': it tests who said it, not what it means for a customer",
        )


_ITEM_CHECKS: list[Callable[[_Collector, int, Question], None]] = [
    correct_length,
    stem_echo,
    absolute_terms,
    all_none_above,
    negative_stem,
    option_lengths,
    weak_feedback,
    source_recall,
]


# --- the bank as a whole ----------------------------------------------------------------------


def true_false_balance(out: _Collector) -> None:
    answers = [q.answer for q in out.bank.questions if isinstance(q, TrueFalse)]
    if len(answers) < MIN_TRUE_FALSE:
        return
    true = sum(answers)
    share = true / len(answers)
    low, high = TRUE_SHARE_WARNING
    if low <= share <= high:
        return
    error_low, error_high = TRUE_SHARE_ERROR
    severity: Severity = "error" if share < error_low or share > error_high else "warning"
    majority = "false" if share < 0.5 else "true"
    right = len(answers) - true if majority == "false" else true
    out.add(
        "true-false-balance",
        severity,
        ("questions",),
        f"bank {out.bank.id}",
        f"{true} of {len(answers)} true/false answers are true ({share:.0%}); always answering "
        f"'{majority}' gets {right} of {len(answers)} right",
    )


def longest_wins(out: _Collector) -> None:
    singles = [q for q in out.bank.questions if isinstance(q, SingleChoice)]
    if len(singles) < MIN_SINGLE:
        return
    wins = [q for q in singles if _longest_is_correct(q)]
    share = len(wins) / len(singles)
    chance = sum(1 / len(q.options) for q in singles) / len(singles)
    if share <= LONGEST_WINS_WARNING or share <= chance * 1.5:
        return
    severity: Severity = "error" if share >= LONGEST_WINS_ERROR else "warning"
    out.add(
        "longest-wins",
        severity,
        ("questions",),
        f"bank {out.bank.id}",
        f"the correct option is the longest in {len(wins)} of {len(singles)} single-choice questions "
        f"({share:.0%}; chance would be {chance:.0%}): always picking the longest option beats chance "
        f"({', '.join(q.id for q in wins)})",
    )


def _longest_is_correct(question: SingleChoice) -> bool:
    longest = max(_length(option.text) for option in question.options)
    winners = [option for option in question.options if _length(option.text) == longest]
    return len(winners) == 1 and winners[0].correct


def near_duplicate(out: _Collector) -> None:
    questions = out.bank.questions
    for first, second in _similar_pairs(questions):
        alike = similarity(questions[first].prompt, questions[second].prompt)
        out.add(
            "near-duplicate",
            "warning",
            ("questions", second),
            _subject(questions[second]),
            f"asks nearly what '{questions[first].id}' asks ({alike:.0%} of their words shared); "
            f"{_together(out.chances, questions[first].id, questions[second].id)}",
        )


def _together(chances: DrawChances, first: str, second: str) -> str:
    chance = chances.together(first, second)
    if chance == 0:
        return "the draw never gives both in one attempt, so one of them is spare"
    if chance >= 1:
        return "every attempt is given both"
    return f"about one attempt in {1 / chance:.0f} is given both"


def _similar_pairs(questions: list[Question]) -> Iterator[tuple[int, int]]:
    for second in range(len(questions)):
        for first in range(second):
            if near_duplicates(questions[first].prompt, questions[second].prompt):
                yield first, second


def level_mix(out: _Collector) -> None:
    questions = out.bank.questions
    missing = [q for q in questions if q.level is None]
    if missing:
        out.add(
            "level-mix",
            "warning",
            ("questions",),
            f"bank {out.bank.id}",
            f"{len(missing)} of {len(questions)} questions have no `level:` ({', '.join(LEVELS)}), "
            "so the mix of recall and application cannot be checked",
        )
    levelled = [q for q in questions if q.level is not None]
    if not levelled:
        return
    recall = sum(q.level == "recall" for q in levelled)
    apply = sum(q.level == "apply" for q in levelled)
    if recall / len(levelled) > RECALL_SHARE:
        out.add(
            "level-mix",
            "warning",
            ("questions",),
            f"bank {out.bank.id}",
            f"{recall} of {len(levelled)} questions with a level are recall ({recall / len(levelled):.0%}); "
            "turn some into situations the learner must handle",
        )
    if apply == 0 and len(levelled) >= MIN_SINGLE:
        out.add(
            "level-mix",
            "warning",
            ("questions",),
            f"bank {out.bank.id}",
            "no question asks the learner to apply what they learned (level: apply)",
        )


_BANK_CHECKS: list[Callable[[_Collector], None]] = [true_false_balance, longest_wins, near_duplicate, level_mix]
