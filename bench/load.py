"""Live load benchmark: ``streamlit run app.py`` driven by N concurrent learners over the websocket.

One command per scenario (each bounded in time, loopback only, on a fresh database):

    python bench/load.py --learners 1 --think 0 --seconds 30               # one learner back to back
    python bench/load.py --learners 20 --think 0 --seconds 60 --quiz-only  # 20 answering back to back: answers/s
    python bench/load.py --learners 200 --think 10 --seconds 90            # a class of 200 taking the course
    python bench/load.py --learners 50 --think 5 --seconds 60 --burst 50   # 50 sign-ins while 50 learn
    python bench/load.py --learners 20 --think 0 --actions 10000 --seconds 1200 --floor-seconds 0   # soak
    python bench/load.py --learners 40 --think 0 --seconds 60 --quiz-only --replicas 1,2 \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test       # one, then two app servers
    python bench/load.py --learners 20 --think 2 --seconds 60 --replicas 2 --proxy   # through nginx
    python bench/load.py ... --env STREAMLIT_RUNNER_POST_SCRIPT_GC=true --env ACADEMY_STARTUP_SKIP=freeze,nodelay
                                                                           # A/B: the server as Streamlit ships it
    python bench/load.py ... --profile stacks.txt                          # py-spy the server meanwhile

The benchmark makes a fresh database (a SQLite file in a temporary folder, or a new schema
in the ``--postgres`` server, dropped afterwards) with one administrator and the learner
accounts, all sharing one real argon2 hash (made once, so setting up 200 accounts takes a
second, and signing in still costs what it costs in production). It starts ``--replicas``
app servers on free loopback ports on that database; learners are spread over them as a
sticky proxy would (``--proxy``: through nginx with docs/nginx-academy.conf). Every
learner signs in once over its own websocket (as one browser tab; sign-ins run two at a
time before the measured phase, pressing again when the server answers "busy"),
then, with ``--think`` seconds (±50%) between actions, repeatedly picks a module, opens a
lesson, takes the quiz (every question answered and submitted) and plays a role-play (every
reply chosen), until ``--seconds`` have passed or ``--actions`` actions were made.
``--quiz-only`` learners only take the quizzes that allow unlimited attempts, back to back.

An action is timed from the request to the end of the last script run it causes (a write
followed by ``st.rerun()`` is two runs, as the learner waits for both). It fails when the
server closes the tab, a run takes longer than a minute, or the page shows an exception or
an error. At the end the database is counted: every answer and role-play choice the
learners saw accepted must be stored exactly once.

Printed: per action count, failures, p50/p95/max; throughput; each server's CPU and RSS
(start, end, peak) and CPU per action; the load average; and, measured first in the same
run, an empty Streamlit page (one button) clicked back to back, served as Streamlit ships
(its post-run collection on, Nagle on): the floor of a stock Streamlit app on this machine
at this moment, to read the other figures against. Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from academy import auth  # noqa: E402
from academy.course.loader import load_course  # noqa: E402
from academy.store import open_store, resolve_url  # noqa: E402
from academy.store.accounts import NewAccount  # noqa: E402
from academy.store.model import Verb  # noqa: E402
from academy.store.tables import learning_records, quiz_answers, scenario_choices  # noqa: E402
from bench.live import Page, ProtocolError, Tab, Widget  # noqa: E402

APP = ROOT / "app.py"
PASSWORD = "bench-password-1"
ADMIN = "bench-admin"
START_TIMEOUT_S = 90.0
SIGN_IN_CONCURRENCY = 2
"""Learners signing in at once before the measured phase (a class trickles in, not all at once)."""
SIGN_IN_PATIENCE_S = 300.0
NGINX_SITE = ROOT / "docs" / "nginx-academy.conf"
ROUTE_COOKIE = "academy_route"
EMPTY_APP = 'import streamlit as st\n\nst.button("Again")\n'
QUESTION_FORM = "question-"


# --- accounts --------------------------------------------------------------------------


class OneHashHasher(PasswordHasher):
    """Hashes each distinct password once and hands out that hash again.

    Only for benchmark accounts: they all get one real argon2 hash with the production
    parameters, so creating them costs one hash and verifying a sign-in costs a real one.
    """

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, str] = {}
        self._lock = threading.Lock()

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        key = password if isinstance(password, str) else password.decode()
        with self._lock:
            if key not in self._made:
                self._made[key] = super().hash(password, salt=salt)
            return self._made[key]


def learner_name(number: int) -> str:
    return f"learner-{number:04d}"


def burst_name(number: int) -> str:
    return f"burst-{number:04d}"


def seed_accounts(database_url: str, learners: int, burst: int) -> None:
    """Migrate the database and create the administrator and the bench accounts in one go."""
    previous = auth._hasher
    auth.configure_hasher(OneHashHasher())
    try:
        store = open_store(database_url)
        try:
            accounts = [NewAccount(ADMIN, PASSWORD, "Bench administrator", role="admin")]
            accounts += [NewAccount(learner_name(n), PASSWORD, f"Learner {n}") for n in range(learners)]
            accounts += [NewAccount(burst_name(n), PASSWORD, f"Latecomer {n}") for n in range(burst)]
            store.create_users(accounts)
        finally:
            store.close()
    finally:
        auth.configure_hasher(previous)


# --- the learner's steps -----------------------------------------------------------------


async def sign_in(tab: Tab, username: str, password: str) -> tuple[Page, int]:
    """Sign in through the sign-in form as a person would; the page the app lands on, and the retries.

    A refused try is tried again after a short pause, as a person presses "Sign in" again:
    the server answers "busy" at once while its cap on concurrent password hashes is full.
    """
    deadline = time.monotonic() + SIGN_IN_PATIENCE_S
    retries = 0
    while True:
        page = tab.page
        fields = {widget.label: widget for widget in page.widgets("text_input")}
        submit = page.button(label="Sign in")
        if "Username" not in fields or "Password" not in fields or submit is None:
            raise ProtocolError("no sign-in form on the page")
        page = await tab.click(submit, [(fields["Username"], username), (fields["Password"], password)])
        if page.button(label="Sign in") is None:
            return page, retries
        if time.monotonic() > deadline:
            raise ProtocolError(f"still on the sign-in form after {retries + 1} tries: {page.alerts('ERROR')}")
        retries += 1
        await asyncio.sleep(random.uniform(0.3, 1.0))


def form_answer(page: Page, rng: random.Random) -> tuple[Widget, list[tuple[Widget, Any]]] | None:
    """The open question's submit button and a complete, well-formed answer; None without a question."""
    fields = [widget for widget in page.widgets() if widget.form_id.startswith(QUESTION_FORM)]
    submit = next((widget for widget in fields if widget.kind == "button"), None)
    if submit is None:
        return None
    values: list[tuple[Widget, Any]] = []
    boxes = [widget for widget in fields if widget.kind == "checkbox"]
    if boxes:
        ticked = [rng.random() < 0.5 for _ in boxes]
        ticked[rng.randrange(len(boxes))] = True  # an empty selection is refused as incomplete
        values += list(zip(boxes, ticked, strict=True))
    selects = [widget for widget in fields if widget.kind == "selectbox"]
    if selects:  # ordering and matching: each option once
        options = rng.sample(selects[0].options, len(selects))
        values += list(zip(selects, options, strict=True))
    for widget in fields:
        if widget.kind == "radio":
            values.append((widget, rng.choice(widget.options)))
        elif widget.kind == "number_input":
            values.append((widget, rng.randint(0, 100)))
    return submit, values


@dataclass
class Sample:
    action: str
    seconds: float
    ok: bool
    at: float
    """Monotonic time the action ended."""
    error: str = ""
    runs: int = 0
    """Script runs the action took (2 when the page saved and then called st.rerun())."""


@dataclass
class Tally:
    """What the learners saw happen; compared with the database at the end."""

    samples: list[Sample] = field(default_factory=list)
    answers: int = 0
    choices: int = 0
    actions: int = 0
    sign_in_retries: int = 0
    """Sign-in tries refused (busy, or throttled) and pressed again."""

    def add(self, sample: Sample) -> None:
        self.samples.append(sample)
        if sample.action != "sign_in":
            self.actions += 1


class Stop(Exception):  # noqa: N818 - not an error: the budget is spent
    """The run's time or action budget is spent."""


@dataclass
class Plan:
    base_urls: list[str]
    think: float
    deadline: float
    max_actions: int | None
    modules: list[dict[str, Any]]
    quiz_only: bool = False
    tally: Tally = field(default_factory=Tally)
    stopped: bool = False

    @property
    def unlimited_quizzes(self) -> list[dict[str, Any]]:
        """Modules whose quiz may be taken any number of times (a quiz-only learner loops on them)."""
        return [module for module in self.modules if module["quiz"] and module["attempts"] is None]

    def check(self) -> None:
        if self.stopped or time.monotonic() >= self.deadline:
            raise Stop
        if self.max_actions is not None and self.tally.actions >= self.max_actions:
            self.stopped = True
            raise Stop


class Learner:
    def __init__(self, plan: Plan, username: str, base_url: str, seed: int) -> None:
        self.plan = plan
        self.username = username
        self.rng = random.Random(seed)
        # A proxy's sticky-route cookie, as a browser would have it (ignored without a proxy).
        self.tab = Tab(base_url, cookies={ROUTE_COOKIE: f"{self.rng.getrandbits(64):016x}"})

    async def timed(self, action: str, step: Any, *, moved_from: str | None = None) -> Page:
        """Run one action; with ``moved_from`` (a question form id) the page must have moved past it."""
        started = time.perf_counter()
        try:
            page = await step
        except ProtocolError as error:
            self.record(action, started, error=str(error))
            raise
        # An exception on the page is a failure; st.error is not (a failed quiz is shown with it).
        problems = page.exceptions()
        if moved_from is not None and any(widget.form_id == moved_from for widget in page.widgets()):
            problems.append(f"the answer was not taken: {page.alerts('ERROR')}")
        problem = "; ".join(problems)
        self.record(action, started, error=problem, runs=page.runs)
        if problem:
            raise ProtocolError(f"{action}: {problem}")
        return page

    def record(self, action: str, started: float, *, error: str = "", runs: int = 0) -> None:
        now = time.perf_counter()
        self.plan.tally.add(Sample(action, now - started, not error, time.monotonic(), error, runs))

    async def think(self) -> None:
        self.plan.check()
        if self.plan.think > 0:
            pause = self.plan.think * self.rng.uniform(0.5, 1.5)
            await asyncio.sleep(min(pause, max(0.0, self.plan.deadline - time.monotonic())))
        self.plan.check()

    async def connect(self) -> None:
        await self.tab.open()
        started = time.perf_counter()
        try:
            _, retries = await sign_in(self.tab, self.username, PASSWORD)
        except ProtocolError as error:
            self.record("sign_in", started, error=str(error))
            raise
        self.record("sign_in", started)
        self.plan.tally.sign_in_retries += retries

    async def learn(self) -> None:
        """Modules one after another until the budget is spent; a failure opens a new tab."""
        if self.plan.think > 0:  # spread the class out instead of all clicking in step
            await asyncio.sleep(min(self.rng.uniform(0, self.plan.think), self.plan.deadline - time.monotonic()))
        while True:
            try:
                if self.plan.quiz_only:
                    await self.quiz(self.rng.choice(self.plan.unlimited_quizzes))
                    continue
                module = self.rng.choice(self.plan.modules)
                await self.lesson(module)
                await self.quiz(module)
                await self.roleplay(module)
            except Stop:
                return
            except ProtocolError:
                await self.tab.close()
                self.tab = Tab(self.tab.base_url, cookies=self.tab.cookies)
                try:
                    self.plan.check()
                    await self.connect()
                except (ProtocolError, OSError):
                    await asyncio.sleep(1)
                except Stop:
                    return

    async def lesson(self, module: dict[str, Any]) -> None:
        await self.think()
        lesson = self.rng.choice(module["lessons"])
        await self.timed("lesson", self.tab.goto("lesson", module=module["id"], lesson=lesson))

    async def quiz(self, module: dict[str, Any]) -> None:
        if not module["quiz"]:
            return
        await self.think()
        page = await self.timed("quiz_page", self.tab.goto("quiz", module=module["id"]))
        start = page.button(key_prefix="start-quiz-")
        if start is not None and form_answer(page, self.rng) is None:
            await self.think()
            page = await self.timed("quiz_start", self.tab.click(start))
        while (answer := form_answer(page, self.rng)) is not None:
            await self.think()
            submit, values = answer
            page = await self.timed("answer", self.tab.click(submit, values), moved_from=submit.form_id)
            self.plan.tally.answers += 1

    async def roleplay(self, module: dict[str, Any]) -> None:
        if not module["scenarios"]:
            return
        await self.think()
        scenario = self.rng.choice(module["scenarios"])
        page = await self.timed("roleplay_page", self.tab.goto("roleplay", module=module["id"], scenario=scenario))
        start = page.button(key_prefix=f"start-{scenario}") or page.button(key_prefix=f"again-{scenario}")
        if start is not None and not page.buttons("choice-"):
            await self.think()
            page = await self.timed("roleplay_start", self.tab.click(start))
        while choices := page.buttons("choice-"):
            await self.think()
            page = await self.timed("choice", self.tab.click(self.rng.choice(choices)))
            self.plan.tally.choices += 1


def course_outline() -> list[dict[str, Any]]:
    course = load_course().course
    return [
        {
            "id": module.id,
            "lessons": [lesson.id for lesson in module.lessons],
            "scenarios": [scenario.id for scenario in module.scenarios],
            "quiz": (bank := course.bank_for(module)) is not None,
            "attempts": bank.attempts if bank is not None else None,
        }
        for module in course.modules
    ]


# --- servers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def start_server(script: Path, database_url: str, log: Path, extra_env: dict[str, str] | None = None) -> Server:
    port = free_port()
    env = {**os.environ, "ACADEMY_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=script.parent, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(url, process, log)
        except OSError:
            time.sleep(0.2)
    stop_server(Server(url, process, log))
    raise RuntimeError(f"streamlit did not start within {START_TIMEOUT_S:.0f} s:\n{log.read_text()}")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def nginx_site(replica_urls: Sequence[str], listen_port: int) -> str:
    """docs/nginx-academy.conf with these replicas and this port: the tested config is the documented one."""
    lines = []
    replaced = False
    for line in NGINX_SITE.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("server 127.0.0.1:"):
            if not replaced:
                options = stripped.split(None, 2)[2] if len(stripped.split(None, 2)) > 2 else ";"
                for url in replica_urls:
                    lines.append(f"    server {url.removeprefix('http://')} {options}")
                replaced = True
            continue
        if stripped.startswith("listen "):
            line = f"    listen 127.0.0.1:{listen_port};"
        lines.append(line)
    if not replaced:
        raise RuntimeError(f"{NGINX_SITE} has no upstream server lines to replace")
    return "\n".join(lines) + "\n"


def start_nginx(replica_urls: Sequence[str], workdir: Path) -> Server:
    """nginx (Debian's package) on a free loopback port in front of the replicas; needs /usr/sbin/nginx."""
    binary = shutil.which("nginx", path=f"/usr/sbin{os.pathsep}{os.environ.get('PATH', '')}")
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    port = free_port()
    folder = workdir / "nginx"
    folder.mkdir(exist_ok=True)
    (folder / "academy.conf").write_text(nginx_site(replica_urls, port))
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main_conf = folder / "nginx.conf"
    main_conf.write_text(
        "daemon off;\nworker_processes 1;\n"
        f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n  access_log off;\n"
        f"  client_body_temp_path {temp['body']};\n  proxy_temp_path {temp['proxy']};\n"
        f"  fastcgi_temp_path {temp['fastcgi']};\n  uwsgi_temp_path {temp['uwsgi']};\n"
        f"  scgi_temp_path {temp['scgi']};\n"
        f"  include {folder / 'academy.conf'};\n}}\n"
    )
    log = folder / "nginx.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(main_conf)], stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(url, process, log)
        except OSError:
            time.sleep(0.2)
    stop_server(Server(url, process, log))
    raise RuntimeError(f"nginx did not answer within 20 s:\n{log.read_text()}")


@contextmanager
def servers(script: Path, database_url: str, count: int, workdir: Path) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        for index in range(count):
            started.append(start_server(script, database_url, workdir / f"{script.stem}-{index}.log"))
        yield started
    finally:
        for server in started:
            stop_server(server)


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def rss_mb(pid: int, field_name: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Usage:
    """A server's CPU and memory over the measured phase."""

    pid: int
    cpu_start: float = 0.0
    wall_start: float = 0.0
    rss_start: float = 0.0
    cpu_percent: float = 0.0
    cpu_seconds: float = 0.0
    rss_end: float = 0.0
    rss_peak: float = 0.0
    timeline: list[tuple[float, float]] = field(default_factory=list)
    """(seconds into the phase, RSS MB), every half second."""

    def begin(self) -> None:
        self.cpu_start, self.wall_start = cpu_seconds(self.pid), time.monotonic()
        self.rss_start = self.rss_peak = rss_mb(self.pid)

    def sample(self) -> None:
        rss = rss_mb(self.pid)
        self.rss_peak = max(self.rss_peak, rss)
        self.timeline.append((time.monotonic() - self.wall_start, rss))

    def rss_at(self, share: float) -> float:
        """RSS when ``share`` of the phase had passed (the warm-up is the first 10%)."""
        if not self.timeline:
            return self.rss_start
        moment = share * self.timeline[-1][0]
        return next(rss for at, rss in self.timeline if at >= moment)

    def end(self) -> None:
        wall = time.monotonic() - self.wall_start
        self.cpu_seconds = cpu_seconds(self.pid) - self.cpu_start
        self.cpu_percent = 100 * self.cpu_seconds / wall if wall else 0.0
        self.rss_end = rss_mb(self.pid)
        self.sample()


async def sample_usage(usages: Sequence[Usage], done: asyncio.Event) -> None:
    while not done.is_set():
        for usage in usages:
            usage.sample()
        with suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), 0.5)


# --- database --------------------------------------------------------------------------


@contextmanager
def fresh_database(postgres: str | None, workdir: Path) -> Iterator[str]:
    if postgres is None:
        yield f"sqlite:///{workdir / 'academy.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(resolve_url(postgres), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = resolve_url(postgres).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def stored_counts(database_url: str) -> dict[str, int]:
    """Answers and choices in the database, and how many of them are duplicates."""
    engine = create_engine(resolve_url(database_url))
    try:
        with engine.connect() as connection:
            answers = connection.execute(select(func.count()).select_from(quiz_answers)).scalar_one()
            distinct_answers = connection.execute(
                select(func.count()).select_from(
                    select(quiz_answers.c.attempt_id, quiz_answers.c.question_id).distinct().subquery()
                )
            ).scalar_one()
            choices = connection.execute(select(func.count()).select_from(scenario_choices)).scalar_one()
            answered_records = connection.execute(
                select(func.count())
                .select_from(learning_records)
                .where(learning_records.c.verb == Verb.ANSWER_SUBMITTED.value)
            ).scalar_one()
    finally:
        engine.dispose()
    return {
        "answers": int(answers),
        "duplicate_answers": int(answers) - int(distinct_answers),
        "answer_records": int(answered_records),
        "choices": int(choices),
    }


# --- scenarios -------------------------------------------------------------------------


@dataclass
class Options:
    learners: int = 20
    think: float = 10.0
    seconds: float = 60.0
    actions: int | None = None
    replicas: int = 1
    replica_counts: tuple[int, ...] = ()
    """``--replicas 1,2``: run once per count, one after the other, and compare (main only)."""
    proxy: bool = False
    """Learners go through nginx (docs/nginx-academy.conf) instead of straight to a replica."""
    postgres: str | None = None
    burst: int = 0
    quiz_only: bool = False
    """Learners only take quizzes (those allowing unlimited attempts), back to back: answers/s."""
    floor_seconds: float = 5.0
    seed: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)
    json: Path | None = None
    profile: Path | None = None
    """py-spy's collapsed stacks of the first server over the measured phase (needs py-spy)."""


@dataclass
class Result:
    options: Options
    samples: list[Sample]
    phase_start: float
    phase_end: float
    usages: list[Usage]
    floor: list[float]
    tally: Tally
    stored: dict[str, int]
    burst_window: tuple[float, float] | None = None
    load_average: tuple[float, float] = (0.0, 0.0)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        return {
            "options": {k: str(v) for k, v in vars(self.options).items() if k != "postgres"},
            "summary": summarise(self),
            "failures": self.failures,
        }


async def measure_floor(url: str, seconds: float) -> list[float]:
    """An empty page's click round trip, back to back, for ``seconds``."""
    tab = Tab(url)
    await tab.open()
    times: list[float] = []
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            button = tab.page.button(label="Again")
            if button is None:
                raise ProtocolError("the empty page has no button")
            started = time.perf_counter()
            await tab.click(button)
            times.append(time.perf_counter() - started)
    finally:
        await tab.close()
    return times


async def sign_in_all(learners: Sequence[Learner]) -> None:
    gate = asyncio.Semaphore(SIGN_IN_CONCURRENCY)

    async def one(learner: Learner) -> None:
        async with gate:
            await learner.connect()

    await asyncio.gather(*(one(learner) for learner in learners))


async def drive(options: Options, urls: list[str], pids: list[int], database_url: str) -> Result:
    modules = course_outline()
    plan = Plan(urls, options.think, float("inf"), options.actions, modules=modules, quiz_only=options.quiz_only)
    if options.quiz_only and not plan.unlimited_quizzes:
        raise RuntimeError("--quiz-only needs a module whose quiz allows unlimited attempts")
    learners = [
        Learner(plan, learner_name(n), urls[n % len(urls)], options.seed * 100_003 + n) for n in range(options.learners)
    ]
    try:
        await sign_in_all(learners)
        usages = [Usage(pid) for pid in pids]
        for usage in usages:
            usage.begin()
        phase_start = time.monotonic()
        profiler = start_profiler(options, pids[0])
        plan.deadline = phase_start + options.seconds  # a soak (--actions) is bounded by --seconds too
        done = asyncio.Event()
        sampler = asyncio.create_task(sample_usage(usages, done))
        tasks = [asyncio.create_task(learner.learn()) for learner in learners]
        burst_window = None
        if options.burst:
            await asyncio.sleep(options.seconds / 3)
            burst_window = await run_burst(options, plan, urls)
        await asyncio.gather(*tasks)
        phase_end = time.monotonic()
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
            profiler.wait(timeout=60)
        done.set()
        await sampler
        for usage in usages:
            usage.end()
    finally:
        await asyncio.gather(*(learner.tab.close() for learner in learners), return_exceptions=True)
    return Result(
        options,
        plan.tally.samples,
        phase_start,
        phase_end,
        usages,
        [],
        plan.tally,
        stored_counts(database_url),
        burst_window,
    )


def start_profiler(options: Options, pid: int) -> subprocess.Popen[bytes] | None:
    if options.profile is None:
        return None
    search = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    spy = shutil.which("py-spy", path=search) or "py-spy"
    # --gil: only the thread holding the GIL, i.e. where the process spends CPU, not where it waits.
    command = [spy, "record", "--pid", str(pid), "--rate", "200", "--format", "raw", "--threads", "--gil"]
    command += ["--output", str(options.profile), "--nonblocking"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def run_burst(options: Options, plan: Plan, urls: list[str]) -> tuple[float, float]:
    """``options.burst`` people open the app and sign in at the same moment; their window."""
    tabs = [Tab(urls[n % len(urls)], cookies={ROUTE_COOKIE: f"burst{n:012x}"}) for n in range(options.burst)]
    await asyncio.gather(*(tab.open() for tab in tabs))
    started = time.monotonic()

    async def one(number: int, tab: Tab) -> None:
        begun = time.perf_counter()
        error = ""
        try:
            _, retries = await sign_in(tab, burst_name(number), PASSWORD)
            plan.tally.sign_in_retries += retries
        except ProtocolError as problem:
            error = str(problem)
        plan.tally.samples.append(
            Sample("burst_sign_in", time.perf_counter() - begun, not error, time.monotonic(), error)
        )

    await asyncio.gather(*(one(n, tab) for n, tab in enumerate(tabs)))
    ended = time.monotonic()
    await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
    return started, ended


def run(options: Options) -> Result:
    """One scenario from start to end: database, servers, floor, learners, counts."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="academy-load-") as folder:
        workdir = Path(folder)
        floor: list[float] = []
        if options.floor_seconds > 0:
            empty = workdir / "empty_app.py"
            empty.write_text(EMPTY_APP)
            with servers(empty, "sqlite://", 1, workdir) as (server,):
                floor = asyncio.run(measure_floor(server.url, options.floor_seconds))
        with fresh_database(options.postgres, workdir) as database_url:
            seed_accounts(database_url, options.learners, options.burst)
            env_script = APP
            started: list[Server] = []
            try:
                for index in range(options.replicas):
                    log = workdir / f"app-{index}.log"
                    started.append(start_server(env_script, database_url, log, options.extra_env))
                pids = [server.process.pid for server in started]
                urls = [server.url for server in started]
                if options.proxy:
                    proxy = start_nginx(urls, workdir)
                    started.append(proxy)
                    urls = [proxy.url]
                result = asyncio.run(drive(options, urls, pids, database_url))
            except BaseException:
                for server in started:
                    sys.stderr.write(f"--- {server.log.name}\n{server.log.read_text()[-4000:]}\n")
                raise
            finally:
                for server in started:
                    stop_server(server)
    result.floor = floor
    result.load_average = (load_before, os.getloadavg()[0])
    result.failures = check(result)
    return result


def check(result: Result) -> list[str]:
    """What went wrong: failed actions, answers or choices lost or stored twice."""
    problems = [f"{s.action} failed: {s.error}" for s in result.samples if not s.ok]
    stored, tally = result.stored, result.tally
    if stored["answers"] != tally.answers:
        problems.append(f"{tally.answers} answers accepted, {stored['answers']} stored")
    if stored["duplicate_answers"]:
        problems.append(f"{stored['duplicate_answers']} answers stored twice")
    if stored["answer_records"] != stored["answers"]:
        problems.append(f"{stored['answers']} answers but {stored['answer_records']} answer records")
    if stored["choices"] != tally.choices:
        problems.append(f"{tally.choices} choices accepted, {stored['choices']} stored")
    return problems


# --- report ----------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def stats(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": 1000 * statistics.median(values) if values else float("nan"),
        "p95_ms": 1000 * percentile(values, 0.95),
        "max_ms": 1000 * max(values) if values else float("nan"),
    }


def summarise(result: Result) -> dict[str, Any]:
    by_action: dict[str, list[float]] = defaultdict(list)
    failed: dict[str, int] = defaultdict(int)
    in_phase = [s for s in result.samples if s.action not in ("sign_in", "burst_sign_in")]
    runs: dict[str, list[int]] = defaultdict(list)
    for sample in result.samples:
        by_action[sample.action].append(sample.seconds)
        failed[sample.action] += not sample.ok
        if sample.runs:
            runs[sample.action].append(sample.runs)
    seconds = max(result.phase_end - result.phase_start, 1e-9)
    answers = [s for s in in_phase if s.action == "answer" and s.ok]
    summary: dict[str, Any] = {
        "actions": {
            name: {**stats(values), "failed": failed[name], "runs": statistics.mean(runs[name]) if runs[name] else 0}
            for name, values in sorted(by_action.items())
        },
        "all_actions": stats([s.seconds for s in in_phase]),
        "seconds": seconds,
        "actions_per_s": len(in_phase) / seconds,
        # Less sensitive than latency to what else the machine runs: the servers' CPU per action.
        "cpu_ms_per_action": 1000 * sum(u.cpu_seconds for u in result.usages) / max(len(in_phase), 1),
        "answers_per_s": len(answers) / seconds,
        "servers": [
            {
                "cpu_percent": u.cpu_percent,
                "rss_start_mb": u.rss_start,
                "rss_warm_mb": u.rss_at(0.1),
                "rss_half_mb": u.rss_at(0.5),
                "rss_end_mb": u.rss_end,
                "rss_peak_mb": u.rss_peak,
            }
            for u in result.usages
        ],
        "floor": stats(result.floor),
        "stored": result.stored,
        "accepted": {"answers": result.tally.answers, "choices": result.tally.choices},
        "sign_in_retries": result.tally.sign_in_retries,
        "load_average": result.load_average,
    }
    if result.burst_window is not None:
        begin, end = result.burst_window
        before = [s.seconds for s in in_phase if s.at < begin]
        during = [s.seconds for s in in_phase if begin <= s.at <= end + 0.001]
        summary["burst"] = {"window_s": end - begin, "before": stats(before), "during": stats(during)}
    return summary


def _row(name: str, row: dict[str, float], *, failed: int | str = "", digits: int = 0) -> str:
    times = "".join(f"{row[column]:>10.{digits}f}" for column in ("p50_ms", "p95_ms", "max_ms"))
    runs = f"{row['runs']:>8.1f}" if row.get("runs") else ""
    return f"{name:<16}{row['n']:>7}{failed:>8}{times}{runs}"


def report(result: Result, command: str) -> str:
    summary = summarise(result)
    options = result.options
    lines = [
        f"$ {command}",
        f"learners {options.learners} · think {options.think:g} s · replicas {options.replicas} · "
        + ("through nginx · " if options.proxy else "")
        + ("quizzes only · " if options.quiz_only else "")
        + f"{'postgresql' if options.postgres else 'sqlite'} · measured {summary['seconds']:.1f} s · "
        f"load average {result.load_average[0]:.2f} before, {result.load_average[1]:.2f} after",
        "",
        f"{'action':<16}{'n':>7}{'failed':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'runs':>8}",
    ]
    lines += [_row(name, row, failed=row["failed"]) for name, row in summary["actions"].items()]
    lines.append(_row("all but sign-in", summary["all_actions"]))
    if summary["floor"]["n"]:
        lines.append(_row("empty page", summary["floor"], digits=1))
    lines.append("")
    lines.append(
        f"throughput: {summary['actions_per_s']:.1f} actions/s, {summary['answers_per_s']:.1f} answers/s; "
        f"server CPU {summary['cpu_ms_per_action']:.1f} ms per action"
    )
    for index, server in enumerate(summary["servers"]):
        lines.append(
            f"server {index}: CPU {server['cpu_percent']:.0f}% · RSS {server['rss_start_mb']:.0f} MB at start, "
            f"{server['rss_warm_mb']:.0f} MB after 10% of the run, {server['rss_half_mb']:.0f} MB at half, "
            f"{server['rss_end_mb']:.0f} MB at end, peak {server['rss_peak_mb']:.0f} MB"
        )
    if "burst" in summary:
        burst = summary["burst"]
        lines.append(
            f"burst of {options.burst} sign-ins took {burst['window_s']:.1f} s; other learners' p95 "
            f"{burst['before']['p95_ms']:.0f} ms before (n={burst['before']['n']}), "
            f"{burst['during']['p95_ms']:.0f} ms during (n={burst['during']['n']})"
        )
    lines.append(f"sign-in tries refused and pressed again: {result.tally.sign_in_retries}")
    stored = summary["stored"]
    lines.append(
        f"stored: {stored['answers']} answers ({result.tally.answers} accepted, {stored['duplicate_answers']} twice), "
        f"{stored['choices']} choices ({result.tally.choices} accepted)"
    )
    lines.append("OK: every action succeeded, nothing lost" if result.ok else "PROBLEMS:")
    lines += [f"  {problem}" for problem in result.failures[:20]]
    return "\n".join(lines)


def parse(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=20, help="concurrent learners (default 20)")
    parser.add_argument(
        "--think", type=float, default=10.0, help="seconds between a learner's actions, ±50%% (default 10)"
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the measured phase (default 60)")
    parser.add_argument("--actions", type=int, help="stop after this many actions (a soak; --seconds still bounds it)")
    parser.add_argument(
        "--replicas",
        default="1",
        help="app servers on the one database (default 1); a list such as 1,2 runs each in turn and "
        "compares their throughput",
    )
    parser.add_argument("--postgres", metavar="URL", help="use a fresh schema in this PostgreSQL server")
    parser.add_argument("--proxy", action="store_true", help="learners go through nginx (docs/nginx-academy.conf)")
    parser.add_argument(
        "--burst", type=int, default=0, help="this many extra people sign in at once, a third of the way in"
    )
    parser.add_argument(
        "--quiz-only", action="store_true", help="learners only take quizzes (unlimited attempts): answers/s"
    )
    parser.add_argument("--floor-seconds", type=float, default=5.0, help="empty-page measurement (0: skip)")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the app servers, for A/B runs (e.g. STREAMLIT_RUNNER_POST_SCRIPT_GC=true)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--profile", type=Path, help="py-spy the first server meanwhile; collapsed stacks to this file")
    args = parser.parse_args(argv)
    try:
        counts = [int(part) for part in str(args.replicas).split(",")]
    except ValueError:
        parser.error("--replicas must be a number or a list of numbers such as 1,2")
    if args.learners < 1 or min(counts) < 1:
        parser.error("--learners and --replicas must be at least 1")
    if args.seconds <= 0 or args.seconds > 1800:
        parser.error("--seconds must be between 0 and 1800")
    options = Options(
        learners=args.learners,
        think=args.think,
        seconds=args.seconds,
        actions=args.actions,
        replicas=counts[0],
        replica_counts=tuple(counts),
        proxy=args.proxy,
        postgres=args.postgres,
        burst=args.burst,
        quiz_only=args.quiz_only,
        floor_seconds=args.floor_seconds,
        seed=args.seed,
        extra_env=dict(pair.split("=", 1) for pair in args.env),
        json=args.json,
        profile=args.profile,
    )
    return options


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    options = parse(argv)
    command = "python bench/load.py " + shlex.join(argv)
    results: list[Result] = []
    for index, count in enumerate(options.replica_counts or (options.replicas,)):
        # The empty-page floor once, before the first: it does not depend on the replicas.
        each = replace(options, replicas=count, floor_seconds=options.floor_seconds if index == 0 else 0)
        results.append(run(each))
        print(report(results[-1], command), end="\n\n", flush=True)
    if len(results) > 1:
        print(scaling(results))
    if options.json is not None:
        figures = [result.to_dict() for result in results]
        options.json.write_text(json.dumps(figures[0] if len(figures) == 1 else figures, indent=2))
    return 0 if all(result.ok for result in results) else 1


def scaling(results: Sequence[Result]) -> str:
    """Each run's throughput against the first's (``--replicas 1,2``), measured back to back."""
    base = summarise(results[0])
    lines = ["scaling, against the first run:"]
    for result in results:
        summary = summarise(result)
        actions, answers = summary["actions_per_s"], summary["answers_per_s"]
        lines.append(
            f"  {result.options.replicas} replica(s): {actions:.1f} actions/s "
            f"= {actions / max(base['actions_per_s'], 1e-9):.2f}x, "
            f"{answers:.1f} answers/s = {answers / max(base['answers_per_s'], 1e-9):.2f}x"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
