"""Customer Service Academy: ``streamlit run app.py``.

This file is two things. Imported (by ``streamlit run``, which finds ``app`` below), it is
the ASGI server: an ``st.App`` with the academy's own routes (``/healthz``, the sign-in
cookie) and middleware (security headers) next to Streamlit's. Run by that server as the
page script (``__name__ == "__main__"``, on every rerun), it draws the pages.

Who is signed in is a session in the store (``academy.ui.session``): the page that signed in
holds it, and hands the browser an HttpOnly cookie for later reloads, tabs and servers
(``session.cookie_script``; docs/operations.md tells how and why). It decides which pages
exist for this session: a first run offers only
"Create the administrator", a signed-out visitor only "Sign in", and a signed-in user
the pages their role may open (``academy.ui.navigation``). Any other URL path falls back
to the default page, so no address reaches a page the role may not see. Signed out, every
address shows the sign-in form, and after signing in the page that address names.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit.navigation.page import StreamlitPage

from academy.auth import User
from academy.programme import verify
from academy.ui import faults, navigation, session, signin, startup
from academy.ui.text import plain
from academy.web import routes
from academy.web.headers import SecurityHeadersMiddleware

APP_TITLE = "Customer Service Academy"
# Served by this server: a Material icon as favicon would be fetched from Google's font CDN.
FAVICON = Path(__file__).resolve().parent / "academy" / "ui" / "assets" / "favicon.png"


def signed_in_menu(user: User) -> navigation.Menu:
    registry = navigation.registry()
    return navigation.menu(registry.for_role(user.role), registry.default_for(user.role))


def sidebar(user: User) -> None:
    with st.sidebar:
        st.caption(f":material/account_circle: {plain(user.display_name)} · {user.role.value}")
        if st.button("Sign out", icon=":material/logout:", key="sign-out"):
            session.sign_out()
            st.rerun()


def signed_out_pages(form: navigation.PageSpec) -> list[StreamlitPage]:
    """``form`` (sign-in or first-run setup), also under every page's address, so a reload or a
    bookmark shows the form there and, once signed in, the page itself (with its query
    parameters) instead of "page not found"."""
    aliases = [
        st.Page(form.render, title=form.title, icon=form.icon, url_path=spec.url_path, visibility="hidden")
        for spec in navigation.registry().all()
    ]
    return [navigation.st_page(form, default=True), *aliases]


def main() -> None:
    # The favicon before st.navigation: else the browser shows each page's Material icon, which it
    # fetches from Google's font CDN (an error offline or on an intranet).
    st.set_page_config(page_title=APP_TITLE, page_icon=str(FAVICON))
    store = session.store()
    user = session.current_user()
    wide = False
    if user is not None:
        menu = signed_in_menu(user)
        # Expanded: folded, "View 5 more" hid an admin's landing page (Users) and its highlight.
        page = st.navigation(menu.sections, position="sidebar", expanded=True)
        spec = menu.spec_of(page)
        wide = spec is not None and spec.wide
        sidebar(user)
    elif not store.has_any_admin():
        page = st.navigation(signed_out_pages(signin.SETUP), position="hidden")
    else:
        page = st.navigation(signed_out_pages(signin.SIGN_IN), position="hidden")
    # Once, after the page is known, so each page gets its own layout from the first paint.
    st.set_page_config(layout="wide" if wide else "centered")
    cookie_script = session.cookie_script()
    if cookie_script:  # just signed in or out: give this browser its session cookie, or take it away
        st.html(cookie_script, unsafe_allow_javascript=True)
    page.run()


def run_page() -> None:
    with session.run_scope():
        main()


if __name__ == "__main__":
    faults.run_guarded(run_page)  # a database outage: a plain message and a self-retry, not an error page
else:
    app = st.App(
        __file__,
        routes=[*routes.routes(store=session.store), *verify.routes(session.store)],
        middleware=[Middleware(SecurityHeadersMiddleware)],
        lifespan=startup.lifespan,
    )
