"""Sign-in, and on a first run the form that creates the administrator.

These two pages are the only ones a signed-out visitor can reach; ``app.py`` offers them
instead of the registry's pages, so they are not in any ``PAGES`` list.
"""

from __future__ import annotations

import math

import streamlit as st

from academy import auth
from academy.auth import AccountError, AlreadySetUpError, Role, User
from academy.store import UserExistsError
from academy.ui import session
from academy.ui.navigation import PageSpec
from academy.ui.text import plain

WRONG_CREDENTIALS = "Wrong username or password."
BUSY = "Many people are signing in right now: try again in a moment."
MIN_PASSWORD = auth.MIN_PASSWORD_LENGTH


def password_problem(password: str, confirmation: str) -> str | None:
    """What is wrong with a new password as typed twice, or None."""
    if len(password) < MIN_PASSWORD:
        return f"The password needs at least {MIN_PASSWORD} characters."
    if password != confirmation:
        return "The two passwords differ."
    if password.strip() != password:
        return "The password must not start or end with a space."
    return None


def username_problem(username: str) -> str | None:
    """What is wrong with a new username as typed, in the form's words (auth.check_username decides), or None."""
    if not username.strip():
        return "Choose a username."
    try:
        auth.check_username(username)
    except AccountError:
        return (
            "A username has up to 64 characters: letters a-z, digits and . _ @ + - "
            "(no spaces), starting with a letter or a digit."
        )
    return None


def create_account(username: str, password: str, confirmation: str, *, display_name: str, role: Role) -> User | None:
    """Create an account from a form's values, or show why not and return None.

    The fields are checked top to bottom, so the first message is about the first field to fix."""
    problem = username_problem(username) or password_problem(password, confirmation)
    if problem:
        st.error(problem, icon=":material/error:")
        return None
    try:
        return session.store().create_user(username, password, display_name=display_name, role=role.value)
    except UserExistsError:
        taken = plain(auth.normalise_username(username))
        st.error(f"The username {taken} is already taken: choose another.", icon=":material/error:")
        return None
    except AccountError as error:
        st.error(plain(str(error)), icon=":material/error:")
        return None


def throttle_message(retry_after: float) -> str:
    return f"Too many attempts, try again in {math.ceil(retry_after)} s."


def render_sign_in() -> None:
    st.title(":material/login: Sign in", anchor=False)
    st.caption("Customer Service Academy")
    with st.form("sign-in", enter_to_submit=True):
        username = st.text_input("Username", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary", icon=":material/login:")
    if not submitted:
        return
    if not username.strip() or not password:
        st.error("Enter your username and password.", icon=":material/error:")
        return
    result = session.store().authenticate(username, password, address=session.client_address())
    if result.user is None:
        # The same words whether or not the username exists; only the store's lock shows.
        if result.busy:
            st.warning(BUSY, icon=":material/hourglass_top:")
            return
        message = throttle_message(result.retry_after) if result.retry_after > 0 else WRONG_CREDENTIALS
        st.error(message, icon=":material/error:")
        return
    session.sign_in(result.user)
    st.rerun()


def render_setup() -> None:
    st.title(":material/admin_panel_settings: Create the administrator", anchor=False)
    st.write(
        "This is a new installation with no administrator yet. Choose the administrator's "
        "username and password; the administrator then adds learners, managers and teams."
    )
    with st.form("setup"):
        username = st.text_input("Username", autocomplete="username")
        display_name = st.text_input("Display name (optional)")
        password = st.text_input(
            "Password", type="password", autocomplete="new-password", help=f"At least {MIN_PASSWORD} characters."
        )
        confirmation = st.text_input("Repeat the password", type="password", autocomplete="new-password")
        submitted = st.form_submit_button("Create the administrator", type="primary", icon=":material/person_add:")
    if not submitted:
        return
    problem = username_problem(username) or password_problem(password, confirmation)
    if problem:
        st.error(problem, icon=":material/error:")
        return
    # Anyone can reach this form on a new installation: its hash counts against the same cap.
    with auth.sign_in_hashes.slot() as free:
        if not free:
            st.warning(BUSY, icon=":material/hourglass_top:")
            return
        try:
            user = session.store().create_first_admin(username, password, display_name=display_name)
        except AlreadySetUpError:
            st.rerun()  # someone else finished the set-up meanwhile: the sign-in form follows
        except AccountError as error:
            st.error(plain(str(error)), icon=":material/error:")
            return
    session.sign_in(user)
    st.rerun()


SIGN_IN = PageSpec(render_sign_in, "Sign in", ":material/login:", "sign-in", frozenset())
SETUP = PageSpec(render_setup, "Create the administrator", ":material/admin_panel_settings:", "setup", frozenset())
