"""Where the academy finds its project root, course, database and secrets: read here and nowhere else.

Every setting but the project root is read when asked for (never frozen at import), so a
test or an operator changing the environment is seen at once. The order is always: a value
given by the caller (e.g. ``--database-url``), then the environment, then
``.streamlit/secrets.toml``, then the default under the project root.

=========================  ================================  ===============================
setting                    environment / secrets.toml        default
=========================  ================================  ===============================
project root               ``ACADEMY_HOME`` (read once)      the checkout, else the working
                                                             directory (an installed copy)
database URL               ``ACADEMY_DATABASE_URL`` /        ``sqlite:///progress/academy.db``
                           ``database_url``
lessons folder             ``ACADEMY_LESSONS_DIR``           ``<project>/lessons``
quiz banks folder          ``ACADEMY_QUIZZES_DIR``           ``<project>/quizzes``
learning paths folder      ``ACADEMY_PATHS_DIR``             ``<project>/paths``
organisation's time zone   ``ACADEMY_TIMEZONE``              UTC (checked by academy.programme)
xAPI home page             ``ACADEMY_XAPI_HOME_PAGE``        ``http://localhost:8501``
PostgreSQL pool size       ``ACADEMY_DB_POOL_SIZE``          20 connections per process
=========================  ================================  ===============================

The app passes ``st.secrets`` in (so Streamlit's own secrets configuration holds); elsewhere
the secrets are read with ``tomllib`` from the files Streamlit reads by default (the user's
``~/.streamlit/secrets.toml``, then the project's ``.streamlit/secrets.toml``, which wins),
so the CLI and the app agree on the database without this module importing Streamlit.

Other features read their own settings through ``value(NAME)`` (the environment, then the
same key in secrets.toml), e.g. academy.programme's ``ACADEMY_APP_URL`` and SMTP server.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

HOME_ENV = "ACADEMY_HOME"
DATABASE_URL_ENV = "ACADEMY_DATABASE_URL"
LESSONS_DIR_ENV = "ACADEMY_LESSONS_DIR"
QUIZZES_DIR_ENV = "ACADEMY_QUIZZES_DIR"
PATHS_DIR_ENV = "ACADEMY_PATHS_DIR"
TIMEZONE_ENV = "ACADEMY_TIMEZONE"
XAPI_HOME_PAGE_ENV = "ACADEMY_XAPI_HOME_PAGE"
DB_POOL_SIZE_ENV = "ACADEMY_DB_POOL_SIZE"
# Streamlit runs each busy session's script in its own thread, each holding a connection for
# its transaction: with fewer pooled connections than scripts running at once, the extra ones
# were opened and closed for every transaction (a PostgreSQL backend started each time:
# 14 a second at 40 learners, a fifth of the machine). docs/benchmarks.md
DEFAULT_DB_POOL_SIZE = 20

DATABASE_URL_KEY = "database_url"  # its key in secrets.toml

_PACKAGE_PARENT = Path(__file__).resolve().parents[1]


def project_root() -> Path:
    """The folder holding ``lessons/``, ``quizzes/`` and ``progress/``.

    Run from a checkout (``python -m academy``, ``streamlit run app.py`` or an editable
    install) it is that checkout, wherever the command is started. An installed copy
    (``pip install .``) lives in site-packages, next to no course, so there the root is
    ``$ACADEMY_HOME`` if set, else the working directory.
    """
    home = _environment(HOME_ENV)
    if home:
        return Path(home).expanduser().resolve()
    if (_PACKAGE_PARENT / "lessons").is_dir():
        return _PACKAGE_PARENT
    return Path.cwd()


def _environment(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


# Fixed when the process starts: every default below, and relative SQLite paths, hang from it.
PROJECT_ROOT = project_root()

DEFAULT_DATABASE_URL = "sqlite:///progress/academy.db"
DEFAULT_LESSONS_DIR = PROJECT_ROOT / "lessons"
DEFAULT_QUIZZES_DIR = PROJECT_ROOT / "quizzes"
DEFAULT_PATHS_DIR = PROJECT_ROOT / "paths"
DEFAULT_XAPI_HOME_PAGE = "http://localhost:8501"


class SettingsError(ValueError):
    """A settings file the academy cannot use (the message names the file and the fault)."""


def secrets_files() -> tuple[Path, ...]:
    """The secrets files, later ones overriding earlier ones (Streamlit's order)."""
    project = PROJECT_ROOT / ".streamlit" / "secrets.toml"
    try:
        home = Path.home()
    except RuntimeError:  # no home directory (some service accounts): only the project's file
        return (project,)
    return (home / ".streamlit" / "secrets.toml", project)


def secrets() -> dict[str, Any]:
    """Top-level entries of every secrets file that exists, merged; {} when there is none."""
    merged: dict[str, Any] = {}
    for path in secrets_files():
        merged.update(_read_toml(path))
    return merged


# The app asks for the database URL on every page run: parse each file once per change.
_parsed: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        status = path.stat()
    except OSError:
        return {}
    stamp = (status.st_mtime_ns, status.st_size)
    cached = _parsed.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path}: cannot read the secrets: {error}") from None
    _parsed[path] = (stamp, values)
    return values


SecretsSource = Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None
"""Secrets in place of the files: a mapping, or a function read only when the environment has no answer."""


def _secrets_from(given: SecretsSource) -> Mapping[str, Any]:
    if given is None:
        return secrets()
    return given() if callable(given) else given


def value(name: str, default: str = "", *, secrets_given: SecretsSource = None) -> str:
    """Any other setting: ``$NAME`` if set, else its key in secrets.toml (``name`` in lower
    case without ``ACADEMY_``, e.g. ``smtp_host`` for ``ACADEMY_SMTP_HOST``), else ``default``."""
    from_environment = _environment(name)
    if from_environment:
        return from_environment
    key = name.removeprefix("ACADEMY_").lower()
    found = _secrets_from(secrets_given).get(key)
    return str(found) if found not in (None, "") else default


def database_url(given: str | None = None, secrets_given: SecretsSource = None) -> str:
    """The database URL as written: the caller's, $ACADEMY_DATABASE_URL, secrets, or the default.

    ``secrets_given`` replaces the secrets files (the app passes a reader of ``st.secrets``). The store
    turns the result into a connection URL (drivers, relative SQLite paths): see
    ``academy.store.config.resolve_url``.
    """
    if given:
        return given
    from_environment = _environment(DATABASE_URL_ENV)
    if from_environment:
        return from_environment
    from_secrets = _secrets_from(secrets_given).get(DATABASE_URL_KEY)
    if from_secrets:
        return str(from_secrets)
    return DEFAULT_DATABASE_URL


def lessons_dir() -> Path:
    """The folder of module files: $ACADEMY_LESSONS_DIR, else ``lessons/`` in the project."""
    return _folder(LESSONS_DIR_ENV, DEFAULT_LESSONS_DIR)


def quizzes_dir() -> Path:
    """The folder of quiz banks: $ACADEMY_QUIZZES_DIR, else ``quizzes/`` in the project."""
    return _folder(QUIZZES_DIR_ENV, DEFAULT_QUIZZES_DIR)


def paths_dir() -> Path:
    """The folder of learning paths: $ACADEMY_PATHS_DIR, else ``paths/`` in the project."""
    return _folder(PATHS_DIR_ENV, DEFAULT_PATHS_DIR)


def timezone_name() -> str | None:
    """$ACADEMY_TIMEZONE as written (None when unset); academy.programme checks and defaults it."""
    return _environment(TIMEZONE_ENV)


def _folder(variable: str, default: Path) -> Path:
    value = _environment(variable)
    return Path(value).expanduser() if value else default


def xapi_home_page() -> str:
    """The accounts' homePage and activity id root of xAPI statements."""
    return _environment(XAPI_HOME_PAGE_ENV) or DEFAULT_XAPI_HOME_PAGE


def db_pool_size() -> int:
    """Connections each process keeps open to PostgreSQL: $ACADEMY_DB_POOL_SIZE, else 20."""
    written = value(DB_POOL_SIZE_ENV, str(DEFAULT_DB_POOL_SIZE))
    try:
        size = int(written)
    except ValueError:
        size = 0
    if not 1 <= size <= 500:
        raise SettingsError(f"{DB_POOL_SIZE_ENV} must be a whole number from 1 to 500, not {written!r}")
    return size
