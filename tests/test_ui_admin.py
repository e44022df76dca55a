"""Administrator pages (AppTest): users, teams, course health."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from academy.auth import Role
from academy.settings import LESSONS_DIR_ENV as LESSONS_ENV
from academy.settings import QUIZZES_DIR_ENV as QUIZZES_ENV
from tests.test_ui_catalog import broken_course
from tests.ui_helpers import PASSWORD, World, button, no_exceptions, texts, world

__all__ = ["world"]

NEW_PASSWORD = "another-long-password"


def add_user_form(
    at: AppTest,
    username: str,
    password: str,
    confirmation: str | None = None,
    *,
    role: Role = Role.LEARNER,
    teams: tuple[str, ...] = (),
    manages: tuple[str, ...] = (),
) -> AppTest:
    fields = {element.label: element for element in at.text_input}
    fields["Username"].input(username)
    fields["Password"].input(password)
    fields["Repeat the password"].input(password if confirmation is None else confirmation)
    next(element for element in at.selectbox if element.label == "Role").set_value(role)
    boxes = {element.label: element for element in at.multiselect}
    boxes["Member of teams"].set_value(list(teams))
    boxes["Manages teams"].set_value(list(manages))
    return button(at, "Add user").click().run()


def section(at: AppTest, name: str) -> AppTest:
    at.button_group(key="users-section").set_value(name)
    return at.run()


def manage(at: AppTest, username: str) -> AppTest:
    section(at, "Manage a user")
    next(element for element in at.text_input if element.key == "manage-username").input(username)
    return at.run()


# --- users -----------------------------------------------------------------------------------


def test_an_admin_adds_a_learner_in_a_team_and_a_manager_of_it(world: World) -> None:
    admin = world.user("chief", "admin")
    team = world.store.create_team("Front desk")
    at = world.app(admin, "users")
    add_user_form(at, "ana", PASSWORD, teams=("Front desk",))
    no_exceptions(at)
    assert "Added ana (learner, in Front desk)." in [element.value for element in at.success]
    add_user_form(at, "mara", PASSWORD, role=Role.MANAGER, manages=("Front desk",))
    ana = world.store.user_by_name("ana")
    mara = world.store.user_by_name("mara")
    assert ana.role is Role.LEARNER
    assert mara.role is Role.MANAGER
    assert [user.username for user in world.store.team_members(team.id)] == ["ana"]
    assert [user.username for user in world.store.team_managers(team.id)] == ["mara"]
    assert world.store.authenticate("ana", PASSWORD).ok


def test_after_adding_a_user_the_form_is_empty_and_the_confirmation_comes_first(world: World) -> None:
    """Once kept every field, so changing the username and pressing Add again made a second
    account with the same password; and the confirmation was drawn below the tall form."""
    admin = world.user("chief", "admin")
    world.store.create_team("Front desk")
    at = add_user_form(world.app(admin, "users"), "ana", PASSWORD, teams=("Front desk",))
    no_exceptions(at)
    assert {element.label: element.value for element in at.text_input} == {
        "Username": "",
        "Display name (optional)": "",
        "Password": "",
        "Repeat the password": "",
    }
    assert all(not element.value for element in at.multiselect)
    assert at.success[0].value == "Added ana (learner, in Front desk)."
    assert not at.error
    kinds = [node.type for node in at.main.children.values()]
    assert kinds.index("success") < kinds.index("form"), kinds
    button(at, "Add user").click().run()
    assert [user.username for user in world.store.list_users()] == ["ana", "chief"]
    assert at.error[0].value == "Choose a username."


def test_with_no_team_yet_the_admin_is_told_to_create_one(world: World) -> None:
    admin = world.user("chief", "admin")
    at = world.app(admin, "users")
    no_exceptions(at)
    assert all(element.placeholder == "No teams yet: create one under Teams" for element in at.multiselect)
    assert "First steps" in texts(at)
    world.store.create_team("Front desk")
    world.user("ana")
    at = world.app(admin, "users")
    assert "First steps" not in texts(at)


@pytest.mark.parametrize(
    ("username", "password", "confirmation", "problem"),
    [
        ("ana", "short", None, "at least 10 characters"),
        ("ana", PASSWORD, PASSWORD + "x", "The two passwords differ."),
        ("not a name!", PASSWORD, None, "A username has up to 64 characters"),
        ("chief", PASSWORD, None, "The username chief is already taken: choose another."),
        ("", "", None, "Choose a username."),
    ],
)
def test_adding_a_user_refuses_bad_input(
    world: World, username: str, password: str, confirmation: str | None, problem: str
) -> None:
    admin = world.user("chief", "admin")
    at = add_user_form(world.app(admin, "users"), username, password, confirmation)
    assert problem in at.error[0].value
    assert [user.username for user in world.store.list_users()] == ["chief"]


def test_an_admin_disables_and_enables_an_account(world: World) -> None:
    admin = world.user("chief", "admin")
    world.user("ana")
    at = manage(world.app(admin, "users"), "ana")
    button(at, "Disable the account").click().run()
    assert world.store.user_by_name("ana").disabled
    assert not world.store.authenticate("ana", PASSWORD).ok
    button(at, "Enable the account").click().run()
    assert not world.store.user_by_name("ana").disabled


def test_an_admin_resets_a_password(world: World) -> None:
    admin = world.user("chief", "admin")
    world.user("ana")
    at = manage(world.app(admin, "users"), "ana")
    fields = {element.label: element for element in at.text_input}
    fields["New password"].input(NEW_PASSWORD)
    fields["Repeat the new password"].input(NEW_PASSWORD)
    button(at, "Reset password").click().run()
    assert at.success[0].value.startswith("Password reset.")
    assert world.store.authenticate("ana", NEW_PASSWORD).ok
    assert not world.store.authenticate("ana", PASSWORD).ok


def test_an_admin_changes_a_role_and_team_membership(world: World) -> None:
    admin = world.user("chief", "admin")
    ana = world.user("ana")
    north = world.store.create_team("North")
    south = world.store.create_team("South")
    world.store.add_member(north.id, ana.id)
    at = manage(world.app(admin, "users"), "ana")
    at.selectbox(key=f"role-{ana.id}").set_value(Role.MANAGER).run()
    button(at, "Change role").click().run()
    assert world.store.user_by_name("ana").role is Role.MANAGER
    boxes = {element.label: element for element in at.multiselect}
    boxes["Member of"].set_value(["South"])
    boxes["Manages"].set_value(["North"])
    button(at, "Save teams").click().run()
    assert [team.name for team in world.store.teams_of(ana.id)] == ["South"]
    assert [team.name for team in world.store.teams_managed_by(ana.id)] == ["North"]
    assert world.store.team_members(south.id)[0].id == ana.id


def test_an_admin_cannot_disable_or_demote_themselves(world: World) -> None:
    admin = world.user("chief", "admin")
    at = manage(world.app(admin, "users"), "chief")
    assert button(at, "Disable the account").disabled
    assert at.selectbox(key=f"role-{admin.id}").disabled


def test_an_unknown_username_is_reported(world: World) -> None:
    at = manage(world.app(world.user("chief", "admin"), "users"), "ghost")
    assert at.warning[0].value == "No user has that username."


def test_the_user_list_can_be_searched(world: World) -> None:
    admin = world.user("chief", "admin")
    world.user("ana.silva", display_name="Ana Silva")
    world.user("ben")
    at = section(world.app(admin, "users"), "All users")
    assert list(at.dataframe[0].value["Username"]) == ["ana.silva", "ben", "chief"]
    next(element for element in at.text_input if element.key == "user-search").input("silva").run()
    assert list(at.dataframe[0].value["Username"]) == ["ana.silva"]


def test_user_names_are_shown_as_plain_text(world: World) -> None:
    admin = world.user("chief", "admin")
    world.user("mal", display_name="**Bold** [link](http://evil.example) <img src=x>")
    at = manage(world.app(admin, "users"), "mal")
    shown = texts(at)
    assert "**Bold**" not in shown
    assert "\\*\\*Bold\\*\\* \\[link\\]\\(http\\:\u2060//evil\\.example\\) \\<img src=x\\>" in shown


# --- teams -----------------------------------------------------------------------------------


def test_an_admin_creates_a_team_and_edits_its_members(world: World) -> None:
    admin = world.user("chief", "admin")
    ana = world.user("ana")
    mara = world.user("mara", "manager")
    at = world.app(admin, "teams")
    assert at.info[0].value == "No teams yet."
    at.text_input[0].input("Billing")
    button(at, "Create team").click().run()
    team = world.store.team_by_name("Billing")
    assert team is not None
    fields = {element.label: element for element in at.text_input}
    fields["Username"].input("ana")
    button(at, "Add to team").click().run()
    {element.label: element for element in at.text_input}["Username"].input("mara")
    next(element for element in at.checkbox if element.label == "As a manager of this team").check()
    button(at, "Add to team").click().run()
    assert [user.id for user in world.store.team_members(team.id)] == [ana.id]
    assert [user.id for user in world.store.team_managers(team.id)] == [mara.id]
    assert "**Members (1):** ana" in texts(at)
    assert "**Managers:** mara" in texts(at)
    next(element for element in at.multiselect if element.label == "Remove from the team").set_value(["ana (member)"])
    button(at, "Remove").click().run()
    assert world.store.team_members(team.id) == []


def test_a_duplicate_team_name_is_refused(world: World) -> None:
    admin = world.user("chief", "admin")
    world.store.create_team("Billing")
    at = world.app(admin, "teams")
    at.text_input[0].input("Billing")
    button(at, "Create team").click().run()
    assert "exists already" in at.error[0].value


# --- course health ---------------------------------------------------------------------------


def test_course_health_lists_broken_files_with_their_line_and_learners_do_not_see_them(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lessons, quizzes = broken_course(tmp_path)
    monkeypatch.setenv(LESSONS_ENV, str(lessons))
    monkeypatch.setenv(QUIZZES_ENV, str(quizzes))
    at = world.app(world.user("chief", "admin"), "course-health")
    no_exceptions(at)
    broken = lessons / "broken-tour.yaml"
    line = next(number for number, row in enumerate(broken.read_text().splitlines(), 1) if "pass_mark: 7" in row)
    report = "\n".join(element.value for element in at.code)
    assert f"{broken}:{line}:" in report
    assert "pass_mark" in report
    assert "1 file left out of the course" in at.error[0].value
    assert [metric.value for metric in at.metric][:1] == [str(len(world.course.modules))]
    learner_view = world.app(world.user("ana"), "catalog")
    assert "A broken tour" not in texts(learner_view)


def test_course_health_is_green_for_the_real_course(world: World) -> None:
    at = world.app(world.user("chief", "admin"), "course-health")
    assert at.success[0].value == "Every course file validated."
    assert not at.code


# --- sessions and the last administrator ------------------------------------------------------


def test_a_password_reset_by_an_admin_signs_the_account_out_everywhere(world: World) -> None:
    admin = world.user("chief", "admin")
    ana = world.user("ana")
    _, code = world.store.start_session(ana.id)
    token = world.store.claim_handover(code)
    assert token is not None
    at = manage(world.app(admin, "users"), "ana")
    fields = {element.label: element for element in at.text_input}
    fields["New password"].input(NEW_PASSWORD)
    fields["Repeat the new password"].input(NEW_PASSWORD)
    button(at, "Reset password").click().run()

    assert world.store.session_user(token) is None


def test_an_admin_sees_where_an_account_is_signed_in_and_ends_its_sessions(world: World) -> None:
    admin = world.user("chief", "admin")
    ana = world.user("ana")
    for address in ("192.0.2.1", "198.51.100.2"):
        world.store.start_session(ana.id, user_agent="Firefox/140.0", address=address)
    at = manage(world.app(admin, "users"), "ana")
    no_exceptions(at)
    [table] = [frame for frame in at.dataframe if "Address" in frame.value.columns]
    assert sorted(table.value["Address"]) == ["192.0.2.1", "198.51.100.2"]

    button(at, "End this session").click().run()
    assert len(world.store.active_sessions(ana.id)) == 1
    button(at, "End all sessions").click().run()
    assert world.store.active_sessions(ana.id) == []
    assert "Not signed in anywhere." in texts(at)


def test_the_store_refusing_the_last_admin_shows_a_message_not_a_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In the page an admin can only meet this in a race (another admin demoted them a moment
    # before): the store refuses; the page must say why.
    from academy.auth import LastAdminError
    from academy.store import Store

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise LastAdminError("this is the last enabled administrator: make another account an administrator first")

    admin = world.user("chief", "admin")
    world.user("root", "admin")
    monkeypatch.setattr(Store, "disable_user", refuse)
    at = manage(world.app(admin, "users"), "root")
    button(at, "Disable the account").click().run()

    no_exceptions(at)
    assert "last enabled administrator" in at.error[0].value
