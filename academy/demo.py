"""A realistic demo organisation, so a new user sees a populated manager view after one command.

``python -m academy demo`` fills a database that has no accounts yet with three teams, a
manager for each, an administrator and thirty learners whose progress varies as a real
team's does: some finished the course, some are steady, some new, some struggle with a
quiz, some stalled half-way through a module, some went quiet weeks ago, two never
started, one is in the middle of a quiz. Everything they did is played through the real
engine (seeded question draws, scoring, role-play choices and their costs) and written
through the store's API, with the store's clock set to when each action happened over
the last eight weeks, so summaries, records and reports are exactly what real use gives.

It refuses a database that already has accounts. Passwords are random for every run
(or the one given with ``--password``) and printed once: demo accounts only.
"""

from __future__ import annotations

import math
import random
import secrets
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from heapq import heappop, heappush
from typing import Any

from academy import learning
from academy.auth import Role
from academy.content.schema import (
    Course,
    Module,
    Question,
    QuizBank,
    Scenario,
)
from academy.engine import quiz as quiz_engine
from academy.engine import roleplay
from academy.engine.questions import type_of
from academy.programme import demo as programme_demo
from academy.store import AttemptLimitError, NewAccount, Run, Store, User

TEAMS = ("Front desk", "Field service", "Billing")
MANAGERS = (("mara.lopez", "Mara Lopez"), ("theo.brandt", "Theo Brandt"), ("priya.nair", "Priya Nair"))
ADMIN = ("admin", "Academy administrator")
LEARNER_NAMES = (
    "Ana Silva",
    "Ben Okafor",
    "Chloe Martin",
    "Dev Patel",
    "Elena Rossi",
    "Farid Haddad",
    "Grace Kim",
    "Hugo Lefevre",
    "Ines Duarte",
    "Jonas Berg",
    "Kemi Adeyemi",
    "Liam Walsh",
    "Maya Cohen",
    "Noah Fischer",
    "Olivia Brown",
    "Pablo Ortiz",
    "Quinn Taylor",
    "Rosa Moreno",
    "Sam Novak",
    "Tara Singh",
    "Umar Khan",
    "Vera Ivanova",
    "Will Carter",
    "Xin Li",
    "Yara Haddad",
    "Zoe Clarke",
    "Aidan Murphy",
    "Bea Schmidt",
    "Carlos Mendes",
    "Dina Aziz",
)

HISTORY_DAYS = 56


class DemoRefusedError(RuntimeError):
    """The database already has accounts: the demo only fills a fresh one."""


@dataclass(frozen=True, slots=True)
class Persona:
    """How one demo learner behaves."""

    kind: str
    skill: float
    """Chance of a right answer to an average question, and of the best choice in a role-play."""
    modules: int
    """Modules gone through completely (lessons, role-plays, quiz until passed or out of attempts)."""
    partial_lessons: int
    """Lessons read in the module after those."""
    first_day: int
    """Days ago the learner started."""
    last_day: int
    """Days ago the learner's last session may be."""
    open_quiz: bool = False
    """Leave a quiz attempt half answered in the module after those."""


# The mix of one team of ten; each team gets the same mix with its own random details.
ALL_MODULES = 1_000
"""A persona's module count that means "every module in the course", however many there are."""

TEAM_MIX: tuple[tuple[str, float, int, int, tuple[int, int], tuple[int, int], bool], ...] = (
    # kind, skill, modules, partial lessons, first day range, last day range, open quiz
    ("finished", 0.92, ALL_MODULES, 0, (44, 54), (1, 6), False),
    ("steady", 0.82, 3, 2, (30, 42), (0, 3), False),
    ("steady", 0.78, 2, 1, (25, 40), (0, 4), False),
    ("new", 0.75, 1, 2, (5, 8), (0, 2), False),
    ("struggling", 0.3, 2, 0, (30, 40), (1, 5), False),
    ("stalled", 0.7, 1, 2, (28, 38), (9, 12), False),
    ("quiet", 0.6, 1, 1, (40, 52), (20, 30), False),
    ("mid-quiz", 0.7, 1, 0, (10, 14), (0, 1), True),
    ("steady", 0.85, 2, 3, (20, 35), (0, 5), False),
    ("never started", 0.0, 0, 0, (0, 0), (0, 0), False),
)


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    password: str
    note: str


@dataclass
class DemoResult:
    accounts: list[DemoAccount]
    learners: int
    teams: tuple[str, ...]
    records: int
    personas: dict[str, str] = field(default_factory=dict)
    """Learner username -> persona kind (for tests and curious readers)."""


class DemoClock:
    """The store's clock during the demo: set to when each simulated action happens."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


# --- one learner's actions, through the engine and the store ------------------------------


@dataclass
class Actor:
    """One demo learner acting on the store with the real engine."""

    store: Store
    course: Course
    user: User
    persona: Persona
    rng: random.Random
    clock: DemoClock

    def pause(self, low: float = 30, high: float = 240) -> None:
        self.clock.advance(self.rng.uniform(low, high))

    def read_lesson(self, module: Module, lesson_id: str) -> None:
        learning.view_lesson(self.store, self.course, self.user.id, module.id, lesson_id)
        self.pause(120, 600)
        learning.complete_lesson(self.store, self.course, self.user.id, module.id, lesson_id)
        self.pause()

    def play(self, module: Module, scenario: Scenario, *, give_up_after: int | None = None) -> Run:
        """Play a role-play to an ending (or give up after some steps), choosing as the persona would."""
        run = learning.start_roleplay(self.store, self.course, self.user.id, module.id, scenario.id)
        while run.status == "in_progress":
            if give_up_after is not None and len(run.path) >= give_up_after:
                learning.abandon_roleplay(self.store, run)
                return run
            index = self._pick_choice(scenario, learning.run_state(self.course, run))
            self.pause(15, 90)
            run = learning.choose(self.store, self.course, run, index).run
        self.pause()
        return run

    def _pick_choice(self, scenario: Scenario, state: roleplay.RunState) -> int:
        offered = roleplay.available_choices(scenario, state)
        costs = {index: roleplay.choose(scenario, state, index)[1].cost for index, _ in offered}
        best = [index for index, cost in costs.items() if cost == 0]
        others = [index for index in costs if index not in best]
        if best and (not others or self.rng.random() < self.persona.skill):
            return self.rng.choice(best)
        return self.rng.choice(others or best)

    def take_quiz(self, module: Module, *, stop_after: int | None = None) -> bool | None:
        """One attempt at the module's quiz; True/False when passed/failed, None when left open or refused."""
        bank = self.course.bank_for(module)
        if bank is None:
            return None
        try:
            attempt = learning.start_quiz(
                self.store, self.course, self.user.id, module.id, seed=self.rng.randrange(2**31)
            )
        except AttemptLimitError:
            return None
        # A resumed attempt keeps its own seed and draw.
        for position, (question, entry) in enumerate(learning.attempt_questions(self.course, attempt)):
            if stop_after is not None and position >= stop_after:
                return None
            if question.id in attempt.answered:
                continue
            response = self._respond(bank, question, entry)
            self.pause(20, 120)
            attempt = learning.answer_question(self.store, self.course, attempt, question.id, response)
        self.pause()
        return attempt.passed

    def _respond(self, bank: QuizBank, question: Question, entry: quiz_engine.DrawnQuestion) -> Any:
        if self.rng.random() < _chance(self.persona.skill, _difficulty(bank.id, question.id)):
            return quiz_engine.correct_response(question)
        return type_of(question).wrong_response(question, entry.order, self.rng)


def _difficulty(bank_id: str, question_id: str) -> float:
    """A fixed difficulty per question in -1..1, so some questions are easy and some hard."""
    return (zlib.crc32(f"{bank_id}/{question_id}".encode()) % 2001) / 1000 - 1


def _chance(skill: float, difficulty: float) -> float:
    skill = min(max(skill, 0.02), 0.98)
    logit = math.log(skill / (1 - skill)) - 1.3 * difficulty
    return 1 / (1 + math.exp(-logit))


# --- a learner's plan, session by session -------------------------------------------------


def plan(actor: Actor, modules: list[Module]) -> Iterator[Callable[[], object]]:
    """The learner's steps in order; the scheduler runs one to three of them per session."""
    persona = actor.persona
    for number, module in enumerate(modules[: persona.modules]):
        for lesson in module.lessons:
            yield partial(actor.read_lesson, module, lesson.id)
        for scenario in module.scenarios:
            give_up = 1 if actor.rng.random() < 0.1 else None
            yield partial(actor.play, module, scenario, give_up_after=give_up)
        bank = actor.course.bank_for(module)
        if bank is None:
            continue
        tries = bank.attempts or 4
        for _ in range(tries):
            outcome: list[bool | None] = []
            yield partial(_noting, outcome, partial(actor.take_quiz, module))
            if not outcome or outcome[0] is not False:
                break
        if number == 0 and persona.kind == "finished" and module.scenarios:
            # Good learners replay a role-play to find the better ending.
            yield partial(actor.play, module, module.scenarios[0])
    if persona.modules < len(modules):
        following = modules[persona.modules]
        for lesson in following.lessons[: persona.partial_lessons]:
            yield partial(actor.read_lesson, following, lesson.id)
        if persona.open_quiz:
            yield partial(actor.take_quiz, following, stop_after=4)


def _noting(outcome: list[bool | None], step: Callable[[], bool | None]) -> None:
    """Run ``step`` and keep its result, so the plan can decide whether to try the quiz again."""
    outcome.append(step())


def _schedule(actors: list[Actor], modules: list[Module], now: datetime, rng: random.Random) -> None:
    """Run every learner's plan in sessions spread from their first to their last day, in time order.

    One step (a lesson, a role-play, a quiz attempt) per session, sessions spaced so that
    the plan would end on the persona's last day. A learner whose plan is not done by then
    (a failed quiz taken again) stops there, as stalled and quiet learners do; except
    that one who was to finish everything catches up in that last session.
    """
    queue: list[tuple[datetime, int]] = []
    plans: dict[int, Iterator[Callable[[], object]]] = {}
    gaps: dict[int, timedelta] = {}
    ends: dict[int, datetime] = {}
    latest = now - timedelta(hours=4)  # room for a long last session before "now"
    for number, actor in enumerate(actors):
        persona = actor.persona
        if persona.kind == "never started":
            continue
        sessions = max(1, _count_steps(actor.course, modules, persona) - 1)
        start = min(_day(now, persona.first_day, rng), latest - timedelta(hours=1))
        end = min(max(_day(now, persona.last_day, rng), start + timedelta(hours=1)), latest)
        gaps[number] = (end - start) / sessions
        ends[number] = end
        plans[number] = plan(actor, modules)
        heappush(queue, (start, number))
    while queue:
        moment, number = heappop(queue)
        actors[number].clock.now = moment
        last_session = moment >= ends[number]
        wanted = 8 if last_session and actors[number].persona.kind == "finished" else 1
        done = 0
        for step in plans[number]:
            step()
            done += 1
            if done == wanted:
                break
        if done < wanted or last_session:
            continue
        following = _working_hours(moment + gaps[number] * rng.uniform(0.7, 1.3), rng)
        heappush(queue, (min(max(following, moment + timedelta(minutes=30)), ends[number]), number))


def _working_hours(moment: datetime, rng: random.Random) -> datetime:
    """The same day between 8 and 18 h (UTC), as people learn at work."""
    if 8 <= moment.hour < 18:
        return moment
    return moment.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59))


def _count_steps(course: Course, modules: list[Module], persona: Persona) -> int:
    count = 0
    for module in modules[: persona.modules]:
        count += len(module.lessons) + len(module.scenarios) + (1 if course.bank_for(module) else 0)
    count += persona.partial_lessons + (1 if persona.open_quiz else 0)
    return count


def _day(now: datetime, days_ago: int, rng: random.Random) -> datetime:
    """A working-hours moment ``days_ago`` days before ``now``."""
    day = now - timedelta(days=days_ago)
    moment = day.replace(hour=rng.randint(8, 16), minute=rng.randint(0, 59), second=0, microsecond=0)
    return min(moment, now - timedelta(hours=4))


# --- the whole organisation ---------------------------------------------------------------


def populate(
    store: Store,
    course: Course,
    clock: DemoClock,
    *,
    seed: int = 2026,
    password: str | None = None,
    learners_per_team: int = len(TEAM_MIX),
) -> DemoResult:
    """Create the demo organisation in ``store``, whose clock must be ``clock``.

    Raises DemoRefusedError when the database already has accounts.
    """
    if store.list_users():
        raise DemoRefusedError("this database already has accounts; the demo only fills a fresh database")
    rng = random.Random(seed)
    now = clock.now
    clock.now = now - timedelta(days=HISTORY_DAYS + 7)  # accounts exist before anyone starts
    staff_password = password or secrets.token_urlsafe(9)
    learner_password = password or secrets.token_urlsafe(9)
    names = list(LEARNER_NAMES)
    rng.shuffle(names)
    personas: list[tuple[NewAccount, Persona]] = []
    for team_number, team in enumerate(TEAMS):
        for slot in range(learners_per_team):
            kind, skill, module_count, partial_lessons, first, last, open_quiz = TEAM_MIX[slot % len(TEAM_MIX)]
            name = names[(team_number * learners_per_team + slot) % len(names)]
            username = _username(name, team_number * learners_per_team + slot, len(names))
            persona = Persona(
                kind,
                max(0.0, min(1.0, skill + rng.uniform(-0.05, 0.05))),
                module_count,
                partial_lessons,
                rng.randint(*first),
                rng.randint(*last),
                open_quiz,
            )
            personas.append((NewAccount(username, learner_password, name, Role.LEARNER.value, teams=(team,)), persona))
    staff = [NewAccount(ADMIN[0], staff_password, ADMIN[1], Role.ADMIN.value)]
    staff += [
        NewAccount(username, staff_password, display, Role.MANAGER.value, manages=(team,))
        for (username, display), team in zip(MANAGERS, TEAMS, strict=True)
    ]
    created = store.create_users(staff + [account for account, _ in personas])
    by_name = {user.username: user for user in created}
    programme_demo.assign(store, course, TEAMS, by_name[ADMIN[0]], now, days_before=HISTORY_DAYS + 7)
    modules = sorted(course.modules, key=lambda module: (module.order, module.id))
    actors = [
        Actor(store, course, by_name[account.username], persona, random.Random(rng.random()), clock)
        for account, persona in personas
    ]
    _schedule(actors, modules, now, rng)
    clock.now = now
    programme_demo.certify(store, course, [actor.user.id for actor in actors], now)
    accounts = [DemoAccount(ADMIN[0], ADMIN[1], Role.ADMIN.value, staff_password, "sees every team")]
    accounts += [
        DemoAccount(username, display, Role.MANAGER.value, staff_password, f"manages {team}")
        for (username, display), team in zip(MANAGERS, TEAMS, strict=True)
    ]
    example = next(account for account, persona in personas if persona.kind == "steady")
    accounts.append(
        DemoAccount(
            example.username,
            example.display_name,
            Role.LEARNER.value,
            learner_password,
            f"a learner in {example.teams[0]}; every demo learner has this password",
        )
    )
    return DemoResult(
        accounts=accounts,
        learners=len(personas),
        teams=TEAMS,
        records=store.count_records(),
        personas={account.username: persona.kind for account, persona in personas},
    )


def _username(name: str, number: int, pool: int) -> str:
    base = name.lower().replace(" ", ".")
    return base if number < pool else f"{base}{number // pool + 1}"


def describe(result: DemoResult, url: str, *, start_hint: bool = True) -> str:
    """What the demo made and how to sign in, for the terminal (and how to start the app, unless
    the caller is about to start it)."""
    width = max(len(account.username) for account in result.accounts)
    lines = [
        f"Demo organisation created in {url}:",
        f"  {len(result.teams)} teams ({', '.join(result.teams)}), {len(result.teams)} managers, "
        f"{result.learners} learners, {result.records} learning records.",
        "",
        "Sign in with (demo passwords, shown only now):",
    ]
    for account in result.accounts:
        lines.append(f"  {account.role:<8} {account.username:<{width}}  {account.password}   {account.note}")
    if start_hint:
        lines += ["", "Start the app with: bash scripts/run.sh"]
    return "\n".join(lines)
