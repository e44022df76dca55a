"""The signed-in user, and the store and course shared by every session of the server.

The store (its connection pool) and the loaded course are made once per process with
``st.cache_resource``: no rerun reconnects or re-reads YAML. Who is signed in is a session
row in the store: the page that signed in holds its id in ``st.session_state``, and every
other page (a reload, a new tab, a reconnect to another app server) finds it through the
``HttpOnly`` session cookie (``st.context.cookies``). Each run checks the session again,
so signing out, a password reset, disabling or a role change takes effect at the next click.

Pages use::

    user = session.require_role(MANAGERS)   # stops the page for anyone else
    store = session.store()
    course = session.course()
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import streamlit as st

from academy import settings
from academy.auth import Role, SignedIn, User
from academy.content.schema import Course, Module
from academy.course.loader import LoadResult, load_course
from academy.store import Store, open_store
from academy.web.routes import COOKIE_NAME, SESSION_PATH, SIGN_OUT_PATH

# The signed-in user's id. The app sets it with SESSION_KEY; page tests (AppTest) set it
# alone to hand a session a user directly, without signing in.
USER_KEY = "academy_user_id"
SESSION_KEY = "academy_session_id"
HANDOVER_KEY = "academy_session_handover"
FORGET_COOKIE_KEY = "academy_forget_cookie"
# What one page run already knows (see run_scope); None outside a run.
_RUN_MEMO: ContextVar[dict[str, User | None] | None] = ContextVar("academy_run_memo", default=None)


# --- store -------------------------------------------------------------------------------


def database_url() -> str:
    """The configured URL (academy.settings), with Streamlit's own secrets standing in for the files."""
    # A reader, not the secrets: with $ACADEMY_DATABASE_URL set they are never parsed (every run asks).
    return settings.database_url(secrets_given=_streamlit_secrets)


def _streamlit_secrets() -> Mapping[str, Any]:
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, KeyError, AttributeError):  # no secrets.toml at all
        return {}


def _close_store(store: Store) -> None:
    store.close()


@st.cache_resource(show_spinner=False, max_entries=8, on_release=_close_store)
def _store_at(url: str) -> Store:
    # Migrations run here, once per process and URL.
    return open_store(url)


def store() -> Store:
    return _store_at(database_url())


# --- course ------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=8)
def _course_at(lessons: str, quizzes: str) -> LoadResult:
    return load_course(Path(lessons), Path(quizzes))


def course_result() -> LoadResult:
    """The loaded course with the problems of the files left out (for Course health)."""
    return _course_at(str(settings.lessons_dir()), str(settings.quizzes_dir()))


def reload_course() -> None:
    """Read the course files again (after a trainer fixed one); every session sees the new course."""
    _course_at.clear()


def course() -> Course:
    """Only the modules that validated: learners never see a broken module."""
    return course_result().course


def modules() -> list[Module]:
    """The course's modules in catalog order."""
    return sorted(course().modules, key=lambda module: (module.order, module.title))


# --- who is signed in --------------------------------------------------------------------


def client_address() -> str:
    """The client's IP address for the sign-in throttle ("local" for this machine and in tests)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "local"


def sign_in(user: User) -> None:
    """Start a session for ``user`` in the store and make this page its holder.

    The next run hands the browser its cookie (``handover_script``), so a reload, a new tab
    or another app server keeps the user signed in.
    """
    user_agent = st.context.headers.get("user-agent")
    session_id, code = store().start_session(
        user.id, user_agent=user_agent if isinstance(user_agent, str) else "", address=client_address()
    )
    _clear_state()
    st.session_state[USER_KEY] = user.id
    st.session_state[SESSION_KEY] = session_id
    st.session_state[HANDOVER_KEY] = code


def sign_out() -> None:
    """End every session of the signed-in account (each tab, browser and device), and forget the cookie here.

    All of them, not only this one: signing out is how a person makes sure a shared or lost
    device is no longer signed in as them.
    """
    user_id = st.session_state.get(USER_KEY)
    if user_id is not None:
        store().end_sessions(int(user_id))
    _clear_state()
    st.session_state[FORGET_COOKIE_KEY] = True


def _clear_state() -> None:
    # A fresh session state: nothing cached for a previous user survives.
    memo = _RUN_MEMO.get()
    if memo is not None:
        memo.clear()
    for key in list(st.session_state.keys()):
        del st.session_state[key]


@contextmanager
def run_scope() -> Iterator[None]:
    """One page run (``app.py`` wraps each in it): the session is checked once per run, not per ask.

    The app, its sidebar and the page all ask who is signed in; each ask was a database
    read. Signing in or out within the run forgets the answer.
    """
    token = _RUN_MEMO.set({})
    try:
        yield
    finally:
        _RUN_MEMO.reset(token)


def current_user() -> User | None:
    """The signed-in user, checked against the store once per run, or None."""
    memo = _RUN_MEMO.get()
    if memo is not None and "user" in memo:
        return memo["user"]
    user = _checked_user()
    if memo is not None:
        memo["user"] = user
    return user


def _checked_user() -> User | None:
    session_id = st.session_state.get(SESSION_KEY)
    if session_id is None:
        token = st.context.cookies.get(COOKIE_NAME)
        if isinstance(token, str) and token:  # (AppTest has no real request behind it)
            return _hold(store().session_user(token))
        return _test_user()
    return _hold(store().session_by_id(int(session_id)))


def _hold(signed_in: SignedIn | None) -> User | None:
    if signed_in is None:  # ended, expired, or the account was disabled
        if SESSION_KEY in st.session_state:
            _clear_state()
        return None
    if st.session_state.get(USER_KEY) != signed_in.user.id:
        _clear_state()
    st.session_state[USER_KEY] = signed_in.user.id
    st.session_state[SESSION_KEY] = signed_in.session_id
    return signed_in.user


def _test_user() -> User | None:
    """A user handed to the session directly (page tests); never set by the app itself."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    user = store().get_user(int(user_id))
    if user is None or user.disabled:
        _clear_state()
        return None
    return user


def cookie_script() -> str | None:
    """Once after signing in (or out): the script that gives this browser its cookie (or takes it away).

    The one-time code goes in a POST body to the app's own route, never in a URL.
    """
    code = st.session_state.pop(HANDOVER_KEY, None)
    if code is not None:
        return _post_script(SESSION_PATH, f"code={code}")
    if st.session_state.pop(FORGET_COOKIE_KEY, None):
        return _post_script(SIGN_OUT_PATH, "")
    return None


def _post_script(path: str, form: str) -> str:
    options = {
        "method": "POST",
        "credentials": "same-origin",
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "body": form,
    }
    return f"<script>fetch({json.dumps(path)}, {json.dumps(options)});</script>"


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
