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

import base64
import mimetypes
import re
from functools import lru_cache
from pathlib import Path

from academy import settings
from academy.content.images import images, refusal

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")
WORD_JOINER = "\u2060"
# Where GFM would start an autolink: a scheme's "://" (http, https, or any other), "www." and "@".
_AUTOLINK_MARKERS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)


MAX_IMAGE_BYTES = 2_000_000  # embedded in the page on every run: keep course images small


def course(text: str, folder: Path | None = None) -> str:
    """Trainer Markdown, with dollars shown as dollars rather than LaTeX.

    Images come only from the lessons ``folder`` (default: the course being served), embedded
    in the page; any other image (an outside address, a data: URL, a missing file) is shown
    as its alt text, so showing a lesson never makes the browser fetch from anywhere else.
    """
    if "![" in text:
        text = _course_images(text, folder)
    return text.replace("\\$", "$").replace("$", "\\$")


def _course_images(text: str, folder: Path | None) -> str:
    if folder is None:
        folder = settings.lessons_dir()  # the lessons folder of the course being served
    pieces: list[str] = []
    end = 0
    for image in images(text):
        start, stop = image.span
        if start < end:
            continue
        source = None if refusal(image.target) else _embedded(folder.resolve(), image.target)
        pieces += [text[end:start], f"![{image.alt}]({source})" if source else plain(image.alt)]
        end = stop
    return "".join(pieces) + text[end:]


def _embedded(folder: Path, target: str) -> str | None:
    path = (folder / target).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        return None
    stat = path.stat()
    return _data_url(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _data_url(path: str, _mtime_ns: int, size: int) -> str | None:
    media_type = mimetypes.guess_type(path)[0]
    if size > MAX_IMAGE_BYTES or media_type is None or not media_type.startswith("image/"):
        return None
    return f"data:{media_type};base64,{base64.b64encode(Path(path).read_bytes()).decode('ascii')}"


def plain(text: str) -> str:
    """User text shown literally inside Markdown (names, usernames, team names)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", _AUTOLINK_MARKERS.sub(WORD_JOINER, text))
