"""Who sees whom in the reports: managers their teams, admins everyone, learners nothing."""

from __future__ import annotations

import pytest

from academy.reports.access import AccessDeniedError, learner, learners, operator_scope, scope_for
from academy.store import Store
from tests.reports_helpers import make_org


def test_a_manager_sees_only_the_members_of_the_teams_they_manage(store: Store) -> None:
    org = make_org(store)
    scope = scope_for(store, org.mara)
    assert [team.name for team in scope.teams] == ["Front desk"]
    assert [person.username for person in learners(store, scope)] == ["a1", "a2"]
    assert learner(store, scope, org.a1.id).teams == ("Front desk",)
    for outsider in (org.b1, org.loner, org.theo, org.admin):
        with pytest.raises(AccessDeniedError):
            learner(store, scope, outsider.id)


def test_a_manager_cannot_ask_for_another_team(store: Store) -> None:
    org = make_org(store)
    with pytest.raises(AccessDeniedError):
        learners(store, scope_for(store, org.mara), [org.billing])


def test_an_admin_sees_every_team_and_learners_in_none(store: Store) -> None:
    org = make_org(store)
    scope = scope_for(store, org.admin)
    assert {team.name for team in scope.teams} == {"Front desk", "Billing"}
    everyone = {person.username: person.team_label for person in learners(store, scope)}
    assert everyone == {"a1": "Front desk", "a2": "Front desk", "b1": "Billing", "loner": "(no team)"}
    assert [person.username for person in learners(store, scope, [org.billing])] == ["b1"]
    assert learner(store, scope, org.loner.id).username == "loner"


def test_the_command_line_operator_sees_everything(store: Store) -> None:
    org = make_org(store)
    assert {person.id for person in learners(store, operator_scope(store))} == {
        org.a1.id,
        org.a2.id,
        org.b1.id,
        org.loner.id,
    }


def test_learners_and_disabled_accounts_get_no_reports(store: Store) -> None:
    org = make_org(store)
    with pytest.raises(AccessDeniedError):
        scope_for(store, org.a1)
    disabled = store.disable_user("mara")
    with pytest.raises(AccessDeniedError):
        scope_for(store, disabled)


def test_disabled_learners_are_left_out_unless_asked_for(store: Store) -> None:
    org = make_org(store)
    store.disable_user("a2")
    scope = scope_for(store, org.mara)
    assert [person.username for person in learners(store, scope)] == ["a1"]
    assert [person.username for person in learners(store, scope, include_disabled=True)] == ["a1", "a2"]


def test_an_unknown_learner_is_refused_like_a_forbidden_one(store: Store) -> None:
    org = make_org(store)
    with pytest.raises(AccessDeniedError, match="not allowed"):
        learner(store, scope_for(store, org.admin), 9999)
