"""Images in course Markdown: only files from the course folder, never an outside address.

A browser fetches an image as soon as the text is shown, sending the app's address as
Referer: ``![x](https://elsewhere/p.png)`` in a lesson would tell that host who reads what,
when. A ``data:`` URL hides content from review. So the linter refuses both, and the
renderer (``academy.ui.text.course``) shows such an image as its alt text, in case a file
skipped the linter. An image is a relative path inside the lessons folder
(``images/queue.png``), which the renderer embeds itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})

# ![alt](target "title") and ![alt](<target>); ![alt][ref], ![alt][] and ![alt] use definitions.
INLINE_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*(?:<(?P<angled>[^>]*)>|(?P<bare>[^)\s]*))(?:\s+[^)]*)?\)")
REFERENCE_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\](?:\[(?P<ref>[^\]]*)\])?")
DEFINITION = re.compile(r"^[ ]{0,3}\[(?P<label>[^\]]+)\]:\s*<?(?P<target>[^\s>]+)>?", re.MULTILINE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Image:
    alt: str
    target: str
    span: tuple[int, int]
    """Where the image's Markdown is in the text."""


def images(text: str) -> Iterator[Image]:
    """Every image in Markdown ``text``, inline or by reference."""
    if "![" not in text:
        return
    definitions = {_label(m["label"]): m["target"] for m in DEFINITION.finditer(text)}
    taken: list[tuple[int, int]] = []
    for match in INLINE_IMAGE.finditer(text):
        taken.append(match.span())
        target = match["angled"] if match["angled"] is not None else match["bare"]
        yield Image(match["alt"], target.strip(), match.span())
    for match in REFERENCE_IMAGE.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        label = _label(match["ref"] or match["alt"])
        if label in definitions:
            yield Image(match["alt"], definitions[label], match.span())


def _label(label: str) -> str:
    return " ".join(label.split()).casefold()


def refusal(target: str) -> str | None:
    """Why an image target may not be used in course text, or None when it is a course file."""
    if _SCHEME.match(target) or target.startswith("//") or target.startswith("\\\\"):
        kind = "a data: URL" if target.lower().startswith("data:") else f"an outside address ({target[:60]})"
        return (
            f"image {kind}: course images must be files in the lessons folder, such as images/photo.png"
            " (an outside image tells its host who reads the course; a data: URL hides it from review)"
        )
    path = PurePosixPath(target.split("?", 1)[0].split("#", 1)[0])
    if not target or path.is_absolute() or ".." in path.parts or "\\" in target:
        return f"image {target!r}: use a path inside the lessons folder, such as images/photo.png"
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return f"image {target!r}: use a {', '.join(sorted(IMAGE_SUFFIXES))} file"
    return None
