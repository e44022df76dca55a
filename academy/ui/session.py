"""The signed-in user, and the store and course shared by every session of the server.

The store (its connection pool) and the loaded course are made once per process with
``st.cache_resource``: no rerun reconnects or re-reads YAML. ``st.session_state`` only
remembers *who* is signed in (a user id); everything a learner does is in the store, so
a reload or a server restart loses nothing but the sign-in itself.

Pages use::

    user = session.require_role(MANAGERS)   # stops the page for anyone else
    store = session.store()
    course = session.course()
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

import streamlit as st

from academy.auth import Role, User
from academy.content.loader import DEFAULT_LESSONS, DEFAULT_QUIZZES, LoadResult, load_course
from academy.content.schema import Course, Module
from academy.store import ENV_VAR, Store, open_store

USER_KEY = "academy_user_id"
SECRETS_URL_FIELD = "database_url"
LESSONS_ENV = "ACADEMY_LESSONS_DIR"
QUIZZES_ENV = "ACADEMY_QUIZZES_DIR"


# --- store -------------------------------------------------------------------------------


def database_url() -> str | None:
    """$ACADEMY_DATABASE_URL, else ``database_url`` in st.secrets, else None (the store's default)."""
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return from_env
    try:
        from_secrets = st.secrets.get(SECRETS_URL_FIELD)
    except (FileNotFoundError, KeyError, AttributeError):  # no secrets.toml at all
        return None
    return str(from_secrets) if from_secrets else None


def _close_store(store: Store) -> None:
    store.close()


@st.cache_resource(show_spinner=False, max_entries=8, on_release=_close_store)
def _store_at(url: str | None) -> Store:
    # Migrations run here, once per process and URL.
    return open_store(url)


def store() -> Store:
    return _store_at(database_url())


# --- course ------------------------------------------------------------------------------


def content_dirs() -> tuple[Path, Path]:
    """Where lessons and quiz banks are read from ($ACADEMY_LESSONS_DIR / $ACADEMY_QUIZZES_DIR)."""
    lessons = os.environ.get(LESSONS_ENV)
    quizzes = os.environ.get(QUIZZES_ENV)
    return Path(lessons) if lessons else DEFAULT_LESSONS, Path(quizzes) if quizzes else DEFAULT_QUIZZES


@st.cache_resource(show_spinner=False, max_entries=8)
def _course_at(lessons: str, quizzes: str) -> LoadResult:
    return load_course(Path(lessons), Path(quizzes))


def course_result() -> LoadResult:
    """The loaded course with the problems of the files left out (for Course health)."""
    lessons, quizzes = content_dirs()
    return _course_at(str(lessons), str(quizzes))


def reload_course() -> None:
    """Read the course files again (after a trainer fixed one); every session sees the new course."""
    _course_at.clear()


def course() -> Course:
    """Only the modules that validated: learners never see a broken module."""
    return course_result().course


def modules() -> list[Module]:
    """The course's modules in catalog order."""
    return sorted(course().modules, key=lambda module: (module.order, module.title))


def find_module(module_id: str | None) -> Module | None:
    if not module_id:
        return None
    return next((module for module in course().modules if module.id == module_id), None)


# --- who is signed in --------------------------------------------------------------------


def sign_in(user: User) -> None:
    # A fresh session state: nothing cached for a previous user survives.
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[USER_KEY] = user.id


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def current_user() -> User | None:
    """The signed-in user, read from the store on every run so a disabled account is out at once."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    user = store().get_user(int(user_id))
    if user is None or user.disabled:
        sign_out()
        return None
    return user


def require_role(roles: Collection[Role]) -> User:
    """The signed-in user if their role is in ``roles``; otherwise a refusal, and the page stops."""
    user = current_user()
    if user is None:
        st.warning("Please sign in.", icon=":material/lock:")
        st.stop()
    if user.role not in roles:
        st.error("This page is not available to your account.", icon=":material/block:")
        st.stop()
    return user


def require_user() -> User:
    return require_role(frozenset(Role))


def cached(key: str) -> object | None:
    """A value this session cached (e.g. a drawn quiz); always re-derivable from the store."""
    return st.session_state.get(f"cache:{key}")


def remember(key: str, value: object) -> None:
    st.session_state[f"cache:{key}"] = value
