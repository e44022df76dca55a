"""Files that hold personal data or secrets: owner-only (0600), and whole or not at all.

Generated passwords, a learner's data export, team reports: each is written to a new file
beside its destination (created 0600 whatever the umask), flushed to disk, then renamed
over the destination in one step. An existing file is replaced, not rewritten, so it can
never keep wider permissions from before; a failure halfway leaves no partial file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TextIO


class PrivateFile:
    """Prepared before, and put in place after, whatever must happen first (a commit).

    ``prepare`` writes the whole file next to ``destination``: if that fails (no such folder,
    no permission, disk full) nothing else has happened yet. ``publish`` renames it into
    place; ``discard`` (or leaving the ``with`` block unpublished) removes it.
    """

    def __init__(self, destination: Path) -> None:
        self.destination = Path(destination)
        self._temporary: Path | None = None

    def prepare(self, text: str) -> None:
        with self.open() as handle:
            handle.write(text)

    @contextmanager
    def open(self) -> Iterator[TextIO]:
        """A handle to write the file's text to; closed (and synced) when the block ends."""
        if self.destination.is_dir():
            raise IsADirectoryError(f"{self.destination} is a folder")
        # mkstemp creates the file with O_EXCL and mode 0600 whatever the umask.
        descriptor, name = tempfile.mkstemp(
            prefix=f".{self.destination.name}.", suffix=".tmp", dir=self.destination.parent
        )
        self._temporary = Path(name)
        try:
            with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            self.discard()
            raise

    def publish(self) -> None:
        if self._temporary is None:
            raise RuntimeError("prepare() first")
        os.replace(self._temporary, self.destination)
        self._temporary = None

    def discard(self) -> None:
        if self._temporary is not None:
            self._temporary.unlink(missing_ok=True)
            self._temporary = None

    def __enter__(self) -> PrivateFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.discard()


@contextmanager
def private_output(destination: Path | str) -> Iterator[TextIO]:
    """Write a private file in one go: it appears, 0600 and complete, only if the block succeeds."""
    with PrivateFile(Path(destination)) as target:
        with target.open() as handle:
            yield handle
        target.publish()


def write_private(destination: Path | str, text: str) -> None:
    with private_output(destination) as handle:
        handle.write(text)
