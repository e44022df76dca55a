"""Sign-in under attack: a burst of tries with random usernames while learners answer quizzes.

    python bench/signin.py                       # 10 learners, 50 tries at once, SQLite
    python bench/signin.py --tries 100 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

One ``streamlit run app.py`` on a free loopback port and a fresh database (SQLite file, or
a new PostgreSQL schema dropped afterwards). ``--learners`` sign in and keep answering
quiz questions over their own websockets (bench/live.py, as bench/load.py does), with
``--think`` seconds between actions. A third of the way in, ``--tries`` more tabs open and
submit the sign-in form at the same moment, each with a random username and password (an
attacker, or a crowd of mistypes): every one costs the server a sign-in attempt, and
before issue 10 each cost a 64 MiB argon2 hash, all at once.

Printed: the load average (the machine may be shared), the server's RSS (at start, peak
before, during and after the burst), the learners' answer latency (p50/p95/max) before,
during and after the burst, and what the tries were told (busy / wrong / throttled) and
how fast.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shlex
import string
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.live import ProtocolError, Tab  # noqa: E402


@dataclass
class Options:
    learners: int = 10
    tries: int = 50
    seconds: float = 45.0
    think: float = 0.5
    postgres: str | None = None
    seed: int = 1


@dataclass
class Try:
    answer: str
    seconds: float


@dataclass
class Figures:
    options: Options
    load_average: tuple[float, float] = (0.0, 0.0)
    rss: list[tuple[float, float]] = field(default_factory=list)
    """(monotonic time, MB) samples of the server."""
    answers: list[load.Sample] = field(default_factory=list)
    tries: list[Try] = field(default_factory=list)
    window: tuple[float, float] = (0.0, 0.0)
    failures: list[str] = field(default_factory=list)


def random_name(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase + string.digits, k=12))


def classify(page: load.Page) -> str:
    """What the sign-in form told the try."""
    if page.button(label="Sign in") is None:
        return "signed in (!)"
    said = " ".join(page.alerts("WARNING") + page.alerts("ERROR"))
    if "try again in a moment" in said:
        return "busy"
    if "Too many attempts" in said:
        return "throttled"
    if "Wrong username or password" in said:
        return "wrong"
    return f"other: {said[:80]}"


async def attack(url: str, tries: int, rng: random.Random) -> tuple[list[Try], tuple[float, float]]:
    tabs = [Tab(url) for _ in range(tries)]
    await asyncio.gather(*(tab.open() for tab in tabs))
    names = [(random_name(rng), random_name(rng) + "-pw") for _ in tabs]
    started = time.monotonic()

    async def one(tab: Tab, username: str, password: str) -> Try:
        begun = time.perf_counter()
        fields = {widget.label: widget for widget in tab.page.widgets("text_input")}
        submit = tab.page.button(label="Sign in")
        if submit is None or "Username" not in fields:
            return Try("no sign-in form", 0.0)
        try:
            page = await tab.click(submit, [(fields["Username"], username), (fields["Password"], password)])
        except ProtocolError as error:
            return Try(f"failed: {error}", time.perf_counter() - begun)
        return Try(classify(page), time.perf_counter() - begun)

    results = await asyncio.gather(*(one(tab, *pair) for tab, pair in zip(tabs, names, strict=True)))
    ended = time.monotonic()
    await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
    return list(results), (started, ended)


async def sample_rss(pid: int, samples: list[tuple[float, float]], done: asyncio.Event) -> None:
    while not done.is_set():
        samples.append((time.monotonic(), load.rss_mb(pid)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), 0.1)


async def drive(options: Options, url: str, pid: int, figures: Figures) -> None:
    plan = load.Plan([url], options.think, deadline=float("inf"), max_actions=None, modules=quiz_modules())
    learners = [
        load.Learner(plan, load.learner_name(n), url, options.seed * 100_003 + n) for n in range(options.learners)
    ]
    rng = random.Random(options.seed)
    done = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pid, figures.rss, done))
    try:
        await load.sign_in_all(learners)
        start = time.monotonic()
        plan.deadline = start + options.seconds
        working = [asyncio.create_task(learner.learn()) for learner in learners]
        await asyncio.sleep(options.seconds / 3)
        figures.tries, figures.window = await attack(url, options.tries, rng)
        await asyncio.gather(*working)
    finally:
        done.set()
        await sampler
        await asyncio.gather(*(learner.tab.close() for learner in learners), return_exceptions=True)
    figures.answers = [sample for sample in plan.tally.samples if sample.action == "answer"]
    figures.failures = [f"{s.action}: {s.error}" for s in plan.tally.samples if not s.ok]


def quiz_modules() -> list[dict[str, object]]:
    """Only what a quiz needs: the learners do nothing but answer questions."""
    return [
        {**module, "lessons": module["lessons"][:1], "scenarios": []}
        for module in load.course_outline()
        if module["quiz"]
    ]


def run(options: Options) -> Figures:
    figures = Figures(options)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="academy-signin-") as folder:
        workdir = Path(folder)
        with load.fresh_database(options.postgres, workdir) as database_url:
            load.seed_accounts(database_url, options.learners, 0)
            server = load.start_server(load.APP, database_url, workdir / "app.log")
            try:
                figures.rss.append((time.monotonic(), load.rss_mb(server.process.pid)))
                asyncio.run(drive(options, server.url, server.process.pid, figures))
            except BaseException:
                sys.stderr.write(server.log.read_text()[-4000:])
                raise
            finally:
                load.stop_server(server)
    figures.load_average = (load_before, os.getloadavg()[0])
    return figures


def report(figures: Figures, command: str) -> str:
    begin, end = figures.window
    phases = {
        "before": lambda t: t < begin,
        "during": lambda t: begin <= t <= end + 0.001,
        "after": lambda t: t > end + 0.001,
    }
    options = figures.options
    lines = [
        f"$ {command}",
        f"{options.learners} learners answering (think {options.think:g} s) · {options.tries} sign-in tries at once · "
        f"{'postgresql' if options.postgres else 'sqlite'} · {os.cpu_count()} cores · "
        f"load average {figures.load_average[0]:.2f} before, {figures.load_average[1]:.2f} after",
        "",
        f"{'answers':<10}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'peak RSS MB':>14}",
    ]
    for name, inside in phases.items():
        row = load.stats([s.seconds for s in figures.answers if inside(s.at)])
        peak = max((mb for at, mb in figures.rss if inside(at)), default=float("nan"))
        lines.append(
            f"{name:<10}{row['n']:>6}{row['p50_ms']:>10.0f}{row['p95_ms']:>10.0f}{row['max_ms']:>10.0f}{peak:>14.0f}"
        )
    lines.append(f"server RSS at start {figures.rss[0][1]:.0f} MB, peak {max(mb for _, mb in figures.rss):.0f} MB")
    told = Counter(attempt.answer for attempt in figures.tries)
    timing = load.stats([attempt.seconds for attempt in figures.tries])
    lines.append(
        f"burst: {len(figures.tries)} tries answered within {end - begin:.2f} s "
        f"(each: p50 {timing['p50_ms']:.0f} ms, max {timing['max_ms']:.0f} ms); told: "
        + ", ".join(f"{answer} {count}" for answer, count in told.most_common())
    )
    lines.append("OK: every learner action succeeded" if not figures.failures else "PROBLEMS:")
    lines += [f"  {problem}" for problem in figures.failures[:10]]
    return "\n".join(lines)


def parse(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=10, help="learners answering quizzes (default 10)")
    parser.add_argument("--tries", type=int, default=50, help="sign-in tries submitted at once (default 50)")
    parser.add_argument("--seconds", type=float, default=45.0, help="length of the measured phase (default 45)")
    parser.add_argument("--think", type=float, default=0.5, help="seconds between a learner's actions (default 0.5)")
    parser.add_argument("--postgres", metavar="URL", help="use a fresh schema in this PostgreSQL server")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.learners < 1 or args.tries < 1 or not 0 < args.seconds <= 600:
        parser.error("--learners and --tries must be at least 1, --seconds between 0 and 600")
    return Options(args.learners, args.tries, args.seconds, args.think, args.postgres, args.seed)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    figures = run(parse(argv))
    print(report(figures, "python bench/signin.py " + shlex.join(argv)))
    return 0 if not figures.failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
