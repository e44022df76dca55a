"""Text going into Streamlit's Markdown: course text keeps its Markdown, user text keeps nothing.

Streamlit never renders HTML here (``unsafe_allow_html`` is never used), but its Markdown
would still turn ``$5 and $10`` into LaTeX and a typed ``**name**`` or ``[x](y)`` into
formatting or a link. Course text is written by trainers in Markdown, so only ``$`` is
escaped; anything a user typed is escaped completely.

Escaping is not enough for GitHub-flavoured Markdown's autolinks: after the escapes are
read, a transform still turns bare ``http://...``, ``www.x.y`` and ``a@b.c`` in the text
into links. An invisible WORD JOINER (U+2060) inside each of those markers breaks the
pattern without changing what is shown.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")
WORD_JOINER = "\u2060"
# Where GFM would start an autolink: a scheme's "://" (http, https, or any other), "www." and "@".
_AUTOLINK_MARKERS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)


def course(text: str) -> str:
    """Trainer Markdown, with dollars shown as dollars rather than LaTeX."""
    return text.replace("\\$", "$").replace("$", "\\$")


def plain(text: str) -> str:
    """User text shown literally inside Markdown (names, usernames, team names)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", _AUTOLINK_MARKERS.sub(WORD_JOINER, text))
