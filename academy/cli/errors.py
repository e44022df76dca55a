"""The CLI's one error boundary: any error becomes one line on stderr and exit status 1.

Handlers raise; they do not print errors themselves. ``CommandError`` is for refusals the
command words itself; the project's own errors (accounts, store, access, settings, demo)
and the operating system's (a missing file, a database that cannot be reached) are
worded here, once. An error nobody foresaw is still one line, with a hint to rerun with
``--traceback`` to see where it came from.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from academy.auth import AccountError, UnknownUserError
from academy.demo import DemoRefusedError
from academy.programme.remind import RemindError
from academy.reports.access import AccessDeniedError
from academy.settings import SettingsError
from academy.store import StoreError

FAILED = 1
INTERRUPTED = 130


class CommandError(Exception):
    """A refusal a command explains in one line (printed as is, exit 1)."""


# Errors whose own message is already the one line to show.
_SELF_EXPLAINED: tuple[type[BaseException], ...] = (
    CommandError,
    AccountError,
    AccessDeniedError,
    DemoRefusedError,
    RemindError,
    SettingsError,
    StoreError,
)


def one_line(error: BaseException) -> str:
    """What the user reads about ``error``: a single line, no traceback, no password."""
    return " ".join(_message(error).split())


def _message(error: BaseException) -> str:
    if isinstance(error, UnknownUserError):
        return f"no account named {str(error)!r}"
    if isinstance(error, _SELF_EXPLAINED):
        return str(error)
    if isinstance(error, DBAPIError):
        # The driver's own words (first line only: the rest is the SQL and a help link).
        reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error.orig).__name__
        return f"database error: {reason}"
    if isinstance(error, SQLAlchemyError):
        return f"database error: {str(error).splitlines()[0]}"
    if isinstance(error, UnicodeDecodeError):
        return f"cannot read a file as UTF-8 text: {error.reason} at byte {error.start}"
    if isinstance(error, OSError):
        return _os_message(error)
    return f"unexpected error: {type(error).__name__}: {error} (run again with --traceback to see where)"


def _os_message(error: OSError) -> str:
    if error.filename is None:
        return str(error)
    reason = "no such file or folder" if error.errno == errno.ENOENT else (error.strerror or str(error))
    return f"{error.filename}: {reason}"


def run_guarded(handler: Callable[[], int], *, traceback: bool = False) -> int:
    """Run a command's handler inside the boundary; with ``traceback`` errors propagate as they are."""
    if traceback:
        return handler()
    try:
        return handler()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, and keep Python from complaining at exit.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return FAILED
    except Exception as error:
        print(one_line(error), file=sys.stderr)
        return FAILED
