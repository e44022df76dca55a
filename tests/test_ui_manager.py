"""Manager pages in AppTest, over the demo organisation: each page renders, each viewer sees only their
teams, an admin sees everyone, and a learner reaches no manager page, even by typing its address."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from academy.auth import User
from academy.demo import DemoClock, populate
from academy.store import ENV_VAR, Store, open_store
from academy.ui import manager_overview, words
from academy.ui.session import USER_KEY
from tests.reports_helpers import course

APP = str(Path(__file__).resolve().parents[1] / "app.py")
MANAGER_PAGES = {
    "team": "Team overview",
    "at-risk": "At risk",
    "learner": "Learner detail",
    "skills": "Skills",
    "questions": "Question analysis",
    "decisions": "Decision analysis",
    "exports": "Exports",
}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path_factory.mktemp('ui-manager')}/demo.db"
    clock = DemoClock()
    store = open_store(url, clock=clock)
    populate(store, course(), clock, seed=11, password="demo password")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_VAR, url)
        yield store
    store.close()


def _user(store: Store, username: str) -> User:
    user = store.user_by_name(username)
    assert user is not None
    return user


def open_page(user: User, url_path: str, **query: str) -> AppTest:
    """The app as a browser sees it when the signed-in ``user`` opens ``/<url_path>?<query>``."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[USER_KEY] = user.id
    for name, value in query.items():
        at.query_params[name] = value
    # A page of st.navigation is requested by the hash of its url path, as the browser's URL does.
    at._page_hash = calc_hash(url_path)
    return at.run()


def _title(at: AppTest) -> str:
    return at.title[0].value if at.title else ""


def _team_names(store: Store, team: str) -> set[str]:
    found = store.team_by_name(team)
    assert found is not None
    return {user.display_name for user in store.team_members(found.id)}


def _all_text(at: AppTest) -> str:
    parts = [
        element.value
        for kind in ("markdown", "caption", "title", "subheader", "error", "info", "warning")
        for element in getattr(at, kind)
    ]
    frames = [frame.value for frame in at.dataframe]
    return " ".join(str(part) for part in parts) + " ".join(frame.to_string() for frame in frames)


@pytest.mark.parametrize(("url_path", "title"), list(MANAGER_PAGES.items()))
def test_every_manager_page_renders_for_a_manager(demo_store: Store, url_path: str, title: str) -> None:
    at = open_page(_user(demo_store, "mara.lopez"), url_path)
    assert not at.exception
    assert _title(at).endswith(title)
    assert not at.error


@pytest.mark.parametrize("url_path", list(MANAGER_PAGES))
def test_every_manager_page_renders_for_an_admin(demo_store: Store, url_path: str) -> None:
    at = open_page(_user(demo_store, "admin"), url_path)
    assert not at.exception
    assert _title(at).endswith(MANAGER_PAGES[url_path])


def test_a_manager_sees_their_team_and_not_another(demo_store: Store) -> None:
    at = open_page(_user(demo_store, "mara.lopez"), "team")
    matrix = at.dataframe[0].value
    shown = {label.rsplit(" (", 1)[0] for label in matrix.index}
    assert shown == _team_names(demo_store, "Front desk")
    text = _all_text(at)
    for outsider in _team_names(demo_store, "Billing") | _team_names(demo_store, "Field service"):
        assert outsider not in text


def test_an_admin_sees_every_learner(demo_store: Store) -> None:
    at = open_page(_user(demo_store, "admin"), "team")
    assert at.selectbox(key="team").value == -1  # "Everyone"
    assert len(at.dataframe[0].value) == 30


def test_the_at_risk_list_keeps_to_the_managers_team(demo_store: Store) -> None:
    at = open_page(_user(demo_store, "theo.brandt"), "at-risk")
    table = at.dataframe[0].value
    assert len(table)
    assert set(table["teams"]) == {"Field service"}
    assert all(reason for reason in table["reasons"])


def test_the_at_risk_thresholds_change_the_list(demo_store: Store) -> None:
    at = open_page(_user(demo_store, "admin"), "at-risk")
    before = len(at.dataframe[0].value)
    at.number_input[0].set_value(60).run()  # inactive for 60 days: nobody in an 8-week-old demo
    at.number_input[2].set_value(60).run()
    assert len(at.dataframe[0].value) < before


def test_a_manager_cannot_open_another_teams_learner_by_url(demo_store: Store) -> None:
    billing = demo_store.team_by_name("Billing")
    assert billing is not None
    outsider = demo_store.team_members(billing.id)[0]
    at = open_page(_user(demo_store, "mara.lopez"), "learner", learner=str(outsider.id))
    assert not at.exception
    assert "not in a team you can see" in at.error[0].value
    assert outsider.display_name not in _all_text(at)


def test_learner_detail_shows_the_learners_history(demo_store: Store) -> None:
    steady = next(
        user
        for user in demo_store.team_members(_team_id(demo_store, "Front desk"))
        if demo_store.attempts(user.id) and demo_store.runs(user.id)
    )
    at = open_page(_user(demo_store, "mara.lopez"), "learner", learner=str(steady.id))
    assert at.selectbox(key="learner-pick").value == steady.id
    assert any(steady.display_name in subheader.value for subheader in at.subheader)
    timeline = at.dataframe[1].value
    assert len(timeline) == len(list(demo_store.records(user_id=steady.id)))
    assert {"Started quiz", "Answered", "Chose"} <= set(timeline["action"])
    assert len(at.expander) >= 2  # one per attempt and per run


def _team_id(store: Store, name: str) -> int:
    team = store.team_by_name(name)
    assert team is not None
    return team.id


def test_question_analysis_shows_the_moodle_statistics(demo_store: Store) -> None:
    at = open_page(_user(demo_store, "admin"), "questions", bank="customer-creation")
    items = at.dataframe[0].value
    bank = course().banks["customer-creation"]
    assert list(items["prompt"]) == [question.prompt for question in bank.questions]
    assert {"facility", "sd", "discrimination", "efficiency"} <= set(items.columns)
    assert [metric.label for metric in at.metric][3] == "Cronbach's alpha"
    # Managers read question types in words, not the ids of the YAML files ("true_false").
    assert set(items["type"]) <= set(words.QUESTION_TYPE_LABELS.values())
    assert "(s)" not in _all_text(at)


def test_question_analysis_puts_what_a_manager_acts_on_before_the_details(demo_store: Store) -> None:
    """At 1280 px only the first seven or so columns show without scrolling sideways."""
    at = open_page(_user(demo_store, "admin"), "questions", bank="customer-creation")
    columns = list(at.dataframe[0].value.columns)
    assert columns.index("efficiency") < 5
    assert columns.index("discrimination") < 5


def test_decision_analysis_shows_nodes_and_endings(demo_store: Store) -> None:
    at = open_page(_user(demo_store, "priya.nair"), "decisions", scenario="callback")
    nodes = at.dataframe[0].value
    scenario = course().module("orientation").scenarios[0]
    assert list(nodes["customer"]) == [node.customer for node in scenario.nodes]
    assert list(nodes["point"]) == list(range(1, len(scenario.nodes) + 1))
    assert nodes["reached_learners"].iloc[0] <= len(_team_names(demo_store, "Billing"))


def test_decision_analysis_shows_no_internal_node_ids(demo_store: Store) -> None:
    at = open_page(_user(demo_store, "admin"), "decisions", scenario="callback")
    scenario = course().module("orientation").scenarios[0]
    assert "node_id" not in at.dataframe[0].value.columns
    labels = [expander.label for expander in at.expander]
    assert labels
    assert labels[0].startswith("Point 1 · “")
    assert all(label.startswith("Point ") for label in labels)
    assert not any(label.startswith(f"{node.id}:") for node in scenario.nodes for label in labels)


def test_skills_per_team_and_learner(demo_store: Store) -> None:
    at = open_page(_user(demo_store, "mara.lopez"), "skills")
    assert set(at.dataframe[0].value["team"]) == {"Front desk"}
    assert set(at.dataframe[1].value["display_name"]) <= _team_names(demo_store, "Front desk")


def test_the_xapi_export_covers_only_the_managers_team(demo_store: Store) -> None:
    at = open_page(_user(demo_store, "mara.lopez"), "exports")
    at.button[0].click().run()
    assert not at.exception
    members = demo_store.team_members(_team_id(demo_store, "Front desk"))
    expected = sum(len(list(demo_store.records(user_id=user.id))) for user in members)
    expected += len(demo_store.certificates_for([user.id for user in members]))  # one statement each
    assert f"{expected} statements ready." in at.success[0].value


@pytest.mark.parametrize("url_path", list(MANAGER_PAGES))
def test_a_learner_typing_a_manager_address_lands_on_their_own_page(demo_store: Store, url_path: str) -> None:
    learner = demo_store.team_members(_team_id(demo_store, "Front desk"))[0]
    at = open_page(learner, url_path)
    assert not at.exception
    assert not _title(at).endswith(MANAGER_PAGES[url_path])
    text = _all_text(at)
    for page_title in MANAGER_PAGES.values():
        assert page_title not in text
    assert "Progress by learner and module" not in text


def test_a_manager_page_run_directly_refuses_a_learner(demo_store: Store) -> None:
    # The second lock: even if navigation offered the page, it stops for a learner.
    learner = demo_store.team_members(_team_id(demo_store, "Front desk"))[0]
    at = AppTest.from_function(_run_overview, default_timeout=60)
    at.session_state[USER_KEY] = learner.id
    at.run()
    assert "not available to your account" in at.error[0].value
    assert not at.dataframe


def _run_overview() -> None:
    # AppTest runs this function's source on its own, so it imports what it needs.
    from academy.ui import manager_overview as page

    page.render()


def test_a_manager_lands_on_the_team_overview(demo_store: Store) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[USER_KEY] = _user(demo_store, "mara.lopez").id
    at.run()
    assert _title(at) == f"{manager_overview.PAGES[0].icon} Team overview"
