"""The programme's pages in AppTest: Assigned to you, certificates on My progress, the manager's
Assignments page and assignment view, the administrators' Certificates page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from academy import learning
from academy.store import format_code
from tests.ui_helpers import World, button, no_exceptions, texts, world

__all__ = ["world"]

TODAY = datetime.now(UTC).date()


def pass_quiz(world: World, user_id: int, module_id: str) -> None:
    bank = world.course.bank_for(world.course.module(module_id))
    assert bank is not None
    ids = [question.id for question in bank.questions][:2]
    attempt = world.store.start_attempt(user_id, module_id, bank.id, 1, ids, world.version(module_id))
    for question_id in ids:
        world.store.save_answer(attempt.id, question_id, None, 1.0, 1.0)
    world.store.finish_attempt(
        attempt.id,
        2.0,
        2.0,
        True,
        passes_module=learning.module_rule(world.course.module(module_id)),
        scaled=1.0,
    )


def test_assigned_work_comes_first_in_the_catalog_with_its_due_date_and_state(world: World) -> None:
    ana = world.user("ana", display_name="Ana")
    admin = world.user("root", "admin")
    world.store.create_assignment(
        actor_id=admin.id,
        title="New starter",
        modules=["promise-keeping", "orientation"],
        learner_ids=[ana.id],
        due_on=TODAY - timedelta(days=2),
        days_allowed=10,
    )
    world.store.create_assignment(
        actor_id=admin.id,
        title="Recovery",
        modules=["service-recovery"],
        learner_ids=[ana.id],
        due_on=TODAY + timedelta(days=30),
        days_allowed=10,
    )

    at = world.app(ana, "catalog")

    no_exceptions(at)
    headings = [element.value for element in at.subheader]
    assert headings[0].endswith("Assigned to you")
    assert headings[1] == ":material/school: All modules"
    shown = texts(at)
    assert "**New starter** · due" in shown
    assert "2 days late" in shown
    assert shown.index("New starter") < shown.index("Recovery")  # overdue first
    badges = [element.value for element in at.markdown if "-badge[" in element.value]
    assert any("Overdue" in badge for badge in badges)
    assert any("On track" in badge for badge in badges)
    # The modules of an assignment are listed in its order, each with a way in.
    opens = [b.key for b in at.button if b.key and b.key.startswith("assigned-")]
    assert opens[:2] == ["assigned-1-promise-keeping", "assigned-1-orientation"]
    at.button(key="assigned-1-promise-keeping").click().run()
    no_exceptions(at)
    assert at.title[0].value.endswith("Lessons")


def test_a_passed_assignment_shows_done_and_its_certificate_on_my_progress(world: World) -> None:
    ana = world.user("ana", display_name="Ana Learner")
    admin = world.user("root", "admin")
    world.store.create_assignment(
        actor_id=admin.id,
        title="Promises",
        modules=["promise-keeping"],
        learner_ids=[ana.id],
        due_on=TODAY + timedelta(days=5),
        days_allowed=10,
        recert_months=1,
    )
    pass_quiz(world, ana.id, "promise-keeping")

    catalog = world.app(ana, "catalog")
    no_exceptions(catalog)
    assert "Your certificate is on My progress." in texts(catalog)

    progress = world.app(ana, "progress")
    no_exceptions(progress)
    (certificate,) = world.store.certificates_for([ana.id])
    shown = texts(progress)
    assert "**Promises**" in shown
    assert f"code {format_code(certificate.code)}" in shown
    assert "score 100%" in shown
    assert "expires on" in texts(progress)  # a one-month certificate: its renewal is coming
    assert any(element.label.startswith("Download: Promises") for element in progress.get("download_button"))


def test_a_learner_sets_the_time_zone_their_due_dates_end_in(world: World) -> None:
    ana = world.user("ana")
    at = world.app(ana, "progress")
    at.selectbox(key="timezone").set_value("Pacific/Auckland").run()
    button(at, "Save time zone").click().run()
    no_exceptions(at)
    assert world.store.timezones([ana.id]) == {ana.id: "Pacific/Auckland"}


def test_a_manager_assigns_a_path_to_their_team_and_sees_it_on_the_team_overview(world: World) -> None:
    mara = world.user("mara", "manager")
    ana = world.user("ana", display_name="Ana")
    team = world.store.create_team("Front desk")
    other = world.store.create_team("Billing")
    world.store.add_member(team.id, ana.id)
    world.store.add_member(team.id, mara.id, manager=True)

    at = world.app(mara, "assign")
    no_exceptions(at)
    assert [o for o in at.selectbox(key="assign-team").options] == ["Front desk"]  # only their own team
    at.selectbox(key="assign-path").set_value("new-starter")
    at.date_input(key="assign-due").set_value(TODAY + timedelta(days=14))
    at.selectbox(key="assign-recert").set_value("Every year")
    button(at, "Assign").click().run()
    no_exceptions(at)

    (made,) = world.store.list_assignments()
    assert (made.title, made.team_id, made.due_on, made.recert_months) == (
        "New starter",
        team.id,
        TODAY + timedelta(days=14),
        12,
    )
    assert made.modules == ("orientation", "customer-creation", "promise-keeping")
    assert other.id != made.team_id
    # One heading per name on the page: the list below the form is not a second "Assignments".
    headings = [at.title[0].value] + [element.value for element in at.subheader]
    assert sum(heading.endswith("Assignments") for heading in headings) == 1

    overview = world.app(mara, "team")
    no_exceptions(overview)
    view = next(frame.value for frame in overview.dataframe if "assignment" in frame.value.columns)
    assert list(view["assignment"]) == ["New starter"]
    assert list(view["status"]) == ["not started"]


def test_a_manager_changes_and_withdraws_an_assignment_and_the_history_keeps_both(world: World) -> None:
    mara = world.user("mara", "manager")
    team = world.store.create_team("Front desk")
    world.store.add_member(team.id, mara.id, manager=True)
    made = world.store.create_assignment(
        actor_id=mara.id,
        title="Promises",
        modules=["promise-keeping"],
        team_id=team.id,
        due_on=TODAY + timedelta(days=3),
        days_allowed=10,
    )
    at = world.app(mara, "assign")
    at.date_input[-1].set_value(TODAY + timedelta(days=20))
    button(at, "Change the due date").click().run()
    no_exceptions(at)
    assert world.store.get_assignment(made.id).due_on == TODAY + timedelta(days=20)  # type: ignore[union-attr]

    at.text_input[-1].set_value("replaced by the path")
    button(at, "Withdraw").click().run()
    no_exceptions(at)
    history = world.store.assignment_history(made.id)
    assert [event.action for event in history] == ["created", "changed", "withdrawn"]
    assert history[-1].detail == {"reason": "replaced by the path"}


def test_an_admin_revokes_a_certificate_by_its_code(world: World) -> None:
    admin = world.user("root", "admin")
    ana = world.user("ana", display_name="Ana")
    world.store.create_assignment(
        actor_id=admin.id,
        title="Promises",
        modules=["promise-keeping"],
        learner_ids=[ana.id],
        due_on=date(2030, 1, 1),
        days_allowed=10,
    )
    pass_quiz(world, ana.id, "promise-keeping")
    world.app(ana, "progress")  # the learner's visit issues it
    (certificate,) = world.store.certificates_for([ana.id])

    at = world.app(admin, "certificates")
    no_exceptions(at)
    assert list(at.dataframe[0].value["Status"]) == ["Valid"]
    at.text_input(key="revoke-code").set_value(format_code(certificate.code).lower())
    at.text_input(key="revoke-reason").set_value("duplicate account")
    button(at, "Revoke").click().run()
    no_exceptions(at)

    assert world.store.certificates_for([ana.id])[0].revoke_reason == "duplicate account"
    assert list(at.dataframe[0].value["Status"]) == ["Revoked"]


def test_learners_and_managers_cannot_open_the_certificates_page(world: World) -> None:
    for user in (world.user("ana"), world.user("mara", "manager")):
        at = world.app(user, "certificates")
        assert not at.title or not at.title[0].value.endswith("Certificates")
    at = world.app(world.user("ben"), "assign")
    assert not at.title or not at.title[0].value.endswith("Assignments")
