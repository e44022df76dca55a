"""Words of a text and how alike two texts are, for the course review and the blueprint draw.

Deliberately plain: lower-case word tokens, common function words dropped, a light
plural/tense trim, and Jaccard similarity of the resulting sets. Two question stems that
share most of their content words ask much the same thing, whatever their word order.
"""

from __future__ import annotations

import re
from functools import lru_cache

NEAR_DUPLICATE = 0.4
"""Two stems whose content words overlap this much (Jaccard) are near-duplicates."""

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

_STOPWORD_TEXT = """
    a about above after again against am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves one also may might must shall us it's i'm you're don't can't won't isn't
    according article say says said best following true false statement
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def words(text: str) -> list[str]:
    """Lower-case word tokens of ``text``, in order (apostrophes kept inside words)."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _trim(word: str) -> str:
    """A light stem, enough to match "customer" with "customers" and "refund" with "refunded"."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) < 6:
        return word
    if word.endswith("ing") or word.endswith("ed"):
        return word[: -3 if word.endswith("ing") else -2]
    if (word.endswith("es") and word[-3] in "sxz") or word.endswith(("ches", "shes")):
        return word[:-2]
    if word.endswith("s") and word[-2] not in "suiy":
        return word[:-1]
    return word


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """The trimmed words of ``text`` that carry meaning (no function words, no single letters)."""
    return frozenset(_trim(word) for word in words(text) if word not in STOPWORDS and len(word) > 1)


def similarity(first: str, second: str) -> float:
    """Jaccard similarity of the content words of two texts, 0 (nothing shared) to 1 (same words)."""
    a, b = content_words(first), content_words(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def near_duplicates(first: str, second: str, threshold: float = NEAR_DUPLICATE) -> bool:
    return similarity(first, second) >= threshold
