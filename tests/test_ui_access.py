"""Sign-in, first run, sign-out and who may open which page (AppTest)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from academy import auth
from academy.store import Store
from academy.ui import navigation
from academy.ui.session import SESSION_KEY, USER_KEY
from tests.ui_helpers import PASSWORD, TIMEOUT_S, World, button, goto, no_exceptions, texts, title, world

__all__ = ["world"]

LEARNER_PAGES = ["catalog", "lesson", "roleplay", "quiz", "progress"]
ADMIN_PAGES = ["users", "teams", "course-health"]


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    return at.button[0].click().run()


# --- first run ---------------------------------------------------------------------------


def test_first_run_asks_for_the_administrator_on_every_address(world: World) -> None:
    for path in [None, "catalog", "users"]:
        at = world.app(path=path)
        assert title(at) == "Create the administrator"
        assert [element.label for element in at.text_input] == [
            "Username",
            "Display name (optional)",
            "Password",
            "Repeat the password",
        ]


@pytest.mark.parametrize(
    ("password", "confirmation", "problem"),
    [("short", "short", "at least 10 characters"), ("long-enough-1", "long-enough-2", "differ")],
)
def test_first_run_refuses_a_weak_or_mistyped_password(
    world: World, password: str, confirmation: str, problem: str
) -> None:
    at = world.app()
    at.text_input[0].input("chief")
    at.text_input[2].input(password)
    at.text_input[3].input(confirmation)
    at.button[0].click().run()
    assert problem in at.error[0].value
    assert not world.store.has_any_admin()


def test_an_empty_first_run_form_asks_for_the_username_first(world: World) -> None:
    """Once it complained about the password's length before the missing username."""
    at = world.app()
    at.button[0].click().run()
    assert [element.value for element in at.error] == ["Choose a username."]
    at.text_input[0].input("not a name!")
    at.text_input[2].input(PASSWORD)
    at.text_input[3].input(PASSWORD)
    at.button[0].click().run()
    assert at.error[0].value.startswith("A username has up to 64 characters")
    assert "'" not in at.error[0].value  # no Python repr of what was typed
    assert not world.store.has_any_admin()


def test_first_run_creates_the_administrator_and_signs_them_in(world: World) -> None:
    at = world.app()
    at.text_input[0].input("chief")
    at.text_input[2].input(PASSWORD)
    at.text_input[3].input(PASSWORD)
    at.button[0].click().run()
    no_exceptions(at)
    admin = world.store.user_by_name("chief")
    assert admin is not None
    assert admin.role is auth.Role.ADMIN
    assert at.session_state[USER_KEY] == admin.id
    assert title(at) == "Users"
    # The form is gone for good: the next visitor gets the sign-in page.
    assert title(world.app()) == "Sign in"


# --- sign-in -----------------------------------------------------------------------------


def test_signed_out_visitors_see_only_sign_in_on_every_address(world: World) -> None:
    world.user("chief", "admin")
    for path in [None, *LEARNER_PAGES, *ADMIN_PAGES, "no-such-page"]:
        at = world.app(path=path)
        no_exceptions(at)
        assert title(at) == "Sign in"
        assert [element.label for element in at.text_input] == ["Username", "Password"]
        assert "Catalog" not in texts(at)


def test_sign_in_opens_the_roles_default_page(world: World) -> None:
    world.user("chief", "admin")
    learner = world.user("ana")
    at = sign_in(world.app(), "ana", PASSWORD)
    assert at.session_state[USER_KEY] == learner.id
    assert title(at) == "Catalog"


def test_sign_in_on_a_page_address_lands_on_that_page_with_its_parameters(world: World) -> None:
    world.user("chief", "admin")
    world.user("ana")
    at = sign_in(world.app(path="lesson", module="customer-creation"), "ana", PASSWORD)
    assert title(at) == "Lessons"
    assert at.selectbox[0].value == "customer-creation"


def test_wrong_password_and_unknown_user_get_the_same_words(world: World) -> None:
    world.user("chief", "admin")
    world.user("ana")
    wrong_password = sign_in(world.app(), "ana", "not-her-password")
    unknown_user = sign_in(world.app(), "nobody", "not-her-password")
    assert wrong_password.error[0].value == unknown_user.error[0].value == "Wrong username or password."
    assert USER_KEY not in wrong_password.session_state


def test_repeated_failures_show_the_stores_delay(world: World) -> None:
    world.user("chief", "admin")
    world.user("ana")
    messages = [sign_in(world.app(), "ana", "wrong-password").error[0].value for _ in range(auth.FREE_FAILURES + 1)]
    assert messages[0] == "Wrong username or password."
    assert messages[-1].startswith("Too many attempts, try again in ")
    # Even the right password waits out the lock, and an unknown name is throttled the same way.
    assert sign_in(world.app(), "ana", PASSWORD).error[0].value.startswith("Too many attempts")
    for _ in range(auth.FREE_FAILURES + 1):
        unknown = sign_in(world.app(), "ghost", "wrong-password").error[0].value
    assert unknown.startswith("Too many attempts, try again in ")


def test_a_disabled_account_cannot_sign_in_and_is_signed_out_at_once(world: World) -> None:
    world.user("chief", "admin")
    learner = world.user("ana")
    at = world.app(learner)
    assert title(at) == "Catalog"
    world.store.disable_user("ana")
    at.run()
    assert title(at) == "Sign in"
    assert sign_in(world.app(), "ana", PASSWORD).error[0].value == "Wrong username or password."


def test_sign_out_returns_to_sign_in_and_forgets_the_user(world: World) -> None:
    learner = world.user("ana")
    world.user("chief", "admin")
    at = world.app(learner)
    button(at.sidebar, "Sign out").click().run()
    assert title(at) == "Sign in"
    assert USER_KEY not in at.session_state


# --- sessions ------------------------------------------------------------------------------


def cookie_scripts(at: AppTest) -> list[str]:
    return [element.proto.body for element in at.get("html") if "fetch(" in element.proto.body]


def test_signing_in_starts_a_session_and_hands_the_browser_its_cookie_by_post(world: World) -> None:
    world.user("chief", "admin")
    learner = world.user("ana")
    at = sign_in(world.app(path="progress", module="x"), "ana", PASSWORD)

    assert title(at) == "My progress"
    [live] = world.store.active_sessions(learner.id)
    assert at.session_state[SESSION_KEY] == live.id
    [script] = cookie_scripts(at)
    assert '"/auth/session"' in script
    assert '"method": "POST"' in script
    assert '"body": "code=' in script
    code = script.split('"body": "code=')[1].split('"')[0]
    assert code not in str(at.query_params)
    assert world.store.claim_handover(code) is not None  # the code the page posts works, once
    assert cookie_scripts(at.run()) == []  # handed over once, not on every run


def test_each_run_checks_the_session_once_however_often_the_page_asks(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.user("chief", "admin")
    world.user("ana")
    at = sign_in(world.app(), "ana", PASSWORD)
    checks: list[int] = []
    real = Store.session_by_id

    def counted(self: Store, session_id: int) -> object:
        checks.append(session_id)
        return real(self, session_id)

    monkeypatch.setattr(Store, "session_by_id", counted)
    for path in ("quiz", "progress", "catalog"):
        at.run() if path == "catalog" else goto(at, path).run()
        no_exceptions(at)
    assert len(checks) == 3  # the app and the page both ask; one read per run
    assert title(button(at, "Sign out").click().run()) == "Sign in"  # forgotten at once on signing out


def test_a_session_ended_elsewhere_signs_the_page_out_at_its_next_run(world: World) -> None:
    world.user("chief", "admin")
    learner = world.user("ana")
    at = sign_in(world.app(), "ana", PASSWORD)
    assert title(at) == "Catalog"

    world.store.end_sessions(learner.id)  # signed out in another tab, or an admin ended it

    assert title(at.run()) == "Sign in"
    assert USER_KEY not in at.session_state


def test_signing_out_ends_every_session_of_the_account_and_forgets_the_cookie(world: World) -> None:
    world.user("chief", "admin")
    learner = world.user("ana")
    world.store.start_session(learner.id, address="198.51.100.2")  # her phone
    at = sign_in(world.app(), "ana", PASSWORD)
    button(at.sidebar, "Sign out").click().run()

    assert title(at) == "Sign in"
    assert world.store.active_sessions(learner.id) == []
    [script] = cookie_scripts(at)
    assert '"/auth/sign-out"' in script


def test_over_the_hash_cap_the_form_says_busy_after_a_short_wait(world: World) -> None:
    world.user("chief", "admin")
    world.user("ana")
    auth.configure_hash_slots(1, wait_s=0.2)
    try:
        with auth.sign_in_hashes.slot() as held:  # another sign-in is being checked right now
            assert held
            at = sign_in(world.app(), "ana", PASSWORD)
    finally:
        auth.configure_hash_slots(auth.default_hash_slots())

    assert title(at) == "Sign in"
    assert "try again in a moment" in at.warning[0].value
    assert sign_in(world.app(), "ana", PASSWORD).session_state[USER_KEY] is not None


def test_a_setup_form_submitted_after_someone_else_finished_shows_sign_in(world: World) -> None:
    at = world.app()
    assert title(at) == "Create the administrator"
    world.store.create_first_admin("first", PASSWORD)  # another visitor was quicker

    at.text_input[0].input("second")
    at.text_input[2].input(PASSWORD)
    at.text_input[3].input(PASSWORD)
    at.button[0].click().run()

    no_exceptions(at)
    assert title(at) == "Sign in"
    assert [user.username for user in world.store.list_users()] == ["first"]


# --- pages per role ------------------------------------------------------------------------


def menu(role: str) -> list[str]:
    return [spec.url_path for spec in navigation.registry().for_role(auth.Role(role))]


def test_each_role_is_offered_only_its_own_pages() -> None:
    assert set(LEARNER_PAGES) <= set(menu("learner"))
    assert not set(ADMIN_PAGES) & set(menu("learner"))
    assert not {spec.url_path for spec in navigation.registry().all() if spec.section == "Manage"} & set(
        menu("learner")
    )
    assert not set(ADMIN_PAGES) & set(menu("manager"))
    assert set(ADMIN_PAGES) | set(LEARNER_PAGES) <= set(menu("admin"))


@pytest.mark.parametrize("path", LEARNER_PAGES)
def test_a_learner_opens_every_learner_page(world: World, path: str) -> None:
    at = world.app(world.user("ana"), path)
    no_exceptions(at)
    assert navigation.registry().get(path).title == title(at)


@pytest.mark.parametrize("path", [*ADMIN_PAGES, "no-such-page"])
def test_a_learner_typing_another_roles_address_lands_on_the_catalog(world: World, path: str) -> None:
    at = world.app(world.user("ana"), path)
    no_exceptions(at)
    assert title(at) == "Catalog"


def test_a_learner_cannot_reach_any_manager_or_admin_page_by_address(world: World) -> None:
    learner = world.user("ana")
    forbidden = [spec for spec in navigation.registry().all() if learner.role not in spec.roles]
    assert forbidden
    for spec in forbidden:
        at = world.app(learner, spec.url_path)
        assert title(at) == "Catalog", spec.url_path


def test_a_manager_cannot_reach_admin_pages(world: World) -> None:
    manager = world.user("mara", "manager")
    for path in ADMIN_PAGES:
        at = world.app(manager, path)
        assert title(at) != navigation.registry().get(path).title


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_admin_opens_every_admin_page(world: World, path: str) -> None:
    at = world.app(world.user("chief", "admin"), path)
    no_exceptions(at)
    assert title(at) == navigation.registry().get(path).title


def test_pages_lock_themselves_even_if_reached_outside_the_menu(world: World) -> None:
    """The second lock: a page run for a role it does not allow stops with a refusal."""
    learner = world.user("ana")
    for spec in navigation.registry().all():
        if learner.role in spec.roles:
            continue
        at = AppTest.from_function(_run_page, args=(spec.url_path,), default_timeout=TIMEOUT_S)
        at.session_state[USER_KEY] = learner.id
        at.run()
        assert [element.value for element in at.error] == ["This page is not available to your account."]
        assert not at.title, spec.url_path
    signed_out = AppTest.from_function(_run_page, args=("catalog",), default_timeout=TIMEOUT_S).run()
    assert [element.value for element in signed_out.warning] == ["Please sign in."]


def _run_page(url_path: str) -> None:
    from academy.ui import navigation

    navigation.registry().get(url_path).render()
