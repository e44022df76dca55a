"""Screenshots of the main pages for the README: ``python scripts/screenshots.py [--out docs/screenshots]``.

Fills a temporary database with the demo organisation (``academy.demo``, played through
the real engine), starts ``streamlit run app.py`` on a free port, and photographs each
page in headless Chromium (Debian's /usr/bin/chromium) at a 1280x800 viewport.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from academy import learning  # noqa: E402
from academy.content.schema import Course  # noqa: E402
from academy.course.loader import load_course  # noqa: E402
from academy.demo import DemoClock, populate  # noqa: E402
from academy.engine import roleplay  # noqa: E402
from academy.store import Store, User, open_store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = secrets.token_urlsafe(12)  # a fresh throwaway password for the temporary demo accounts
VIEWPORT = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def seed(database_url: str) -> dict[str, str]:
    """The demo organisation, plus a role-play left half-way for the chat screenshot; returns who is who."""
    course = load_course().course
    clock = DemoClock()
    store = open_store(database_url, clock=clock)
    try:
        result = populate(store, course, clock, password=PASSWORD)
        kinds = result.personas
        steady = next(name for name, kind in kinds.items() if kind == "steady")
        mid_quiz = next(name for name, kind in kinds.items() if kind == "mid-quiz")
        manager = next(account.username for account in result.accounts if account.role == "manager")
        learner = store.user_by_name(steady)
        assert learner is not None
        debrief_module, debrief_scenario = _costliest_finished_run(store, learner)
        chat_module, chat_scenario = _half_play_a_scenario(store, course, learner)
        quizzing = store.user_by_name(mid_quiz)
        assert quizzing is not None
        open_quiz_module = next(
            module.id for module in course.modules if store.in_progress_attempt(quizzing.id, module.id) is not None
        )
        return {
            "learner": steady,
            "mid_quiz": mid_quiz,
            "manager": manager,
            "chat_module": chat_module,
            "chat_scenario": chat_scenario,
            "open_quiz_module": open_quiz_module,
            "debrief_module": debrief_module,
            "debrief_scenario": debrief_scenario,
        }
    finally:
        store.close()


def _costliest_finished_run(store: Store, user: User) -> tuple[str, str]:
    """The scenario whose latest finished run had the costliest decisions: the most telling debrief."""
    latest = {run.scenario_id: run for run in store.runs(user.id) if run.finished}
    run = max(latest.values(), key=lambda run: sum(choice.cost for choice in run.choices))
    return run.module_id, run.scenario_id


def _half_play_a_scenario(store: Store, course: Course, user: User) -> tuple[str, str]:
    """Two best choices into a role-play the learner has not finished, saved as a learner would."""
    played = {run.scenario_id for run in store.runs(user.id)}
    module, scenario = next(
        (module, scenario)
        for module in sorted(course.modules, key=lambda m: m.order)
        for scenario in module.scenarios
        if scenario.id not in played
    )
    run = learning.start_roleplay(store, course, user.id, module.id, scenario.id)
    for step in roleplay.analyse(scenario).best_path[:2]:
        run = learning.choose(store, course, run, step.choice).run
    return module.id, scenario.id


@contextmanager
def app_server(database_url: str) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "ACADEMY_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    process = subprocess.Popen(  # noqa: S603 (our own fixed command line)
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):  # noqa: S310 (http://127.0.0.1)
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("streamlit did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


class Camera:
    def __init__(self, page: Any, url: str, out: Path) -> None:
        self.page = page
        self.url = url
        self.out = out

    def sign_in(self, username: str, path: str = "") -> None:
        """Open ``path`` signed out, sign in there, and wait for the page itself."""
        page = self.page
        page.context.clear_cookies()  # the session cookie would sign the last person straight back in
        page.goto(f"{self.url}/{path}")
        page.get_by_role("heading", name="Sign in").wait_for()
        page.get_by_label("Username", exact=True).fill(username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Sign out").wait_for()

    def shot(self, name: str, *, wait_for: str, scroll_to: str | None = None) -> None:
        page = self.page
        page.get_by_text(wait_for).first.wait_for()
        page.wait_for_timeout(2500)  # let tables, charts and fonts settle (tables draw late on a busy machine)
        if scroll_to:
            page.get_by_text(scroll_to).first.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
        path = self.out / f"{name}.png"
        page.screenshot(path=str(path))
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def photograph(url: str, people: dict[str, str], out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.set_default_timeout(30_000)
        camera = Camera(page, url, out)

        page.goto(url)
        camera.shot("sign-in", wait_for="Password")

        learner = people["learner"]
        camera.sign_in(learner, "catalog")
        camera.shot("catalog", wait_for="Continue where you left off")
        camera.sign_in(learner, "lesson?module=customer-creation")
        camera.shot("lesson", wait_for="Key points")
        camera.sign_in(learner, f"roleplay?module={people['chat_module']}&scenario={people['chat_scenario']}")
        camera.shot("roleplay-chat", wait_for="What do you say?", scroll_to="What do you say?")
        camera.sign_in(learner, f"roleplay?module={people['debrief_module']}&scenario={people['debrief_scenario']}")
        camera.shot("roleplay-debrief", wait_for="Your decisions", scroll_to="Your decisions")
        camera.sign_in(learner, "quiz?module=orientation")
        camera.shot("quiz-result", wait_for="your result")
        camera.sign_in(learner, "progress")
        camera.shot("my-progress", wait_for="Modules passed")

        camera.sign_in(people["mid_quiz"], f"quiz?module={people['open_quiz_module']}")
        camera.shot("quiz-question", wait_for="Submit")

        page.set_viewport_size(PHONE)
        camera.sign_in(learner, f"roleplay?module={people['chat_module']}&scenario={people['chat_scenario']}")
        camera.shot("phone-roleplay", wait_for="What do you say?", scroll_to="What do you say?")
        page.set_viewport_size(VIEWPORT)

        camera.sign_in(people["manager"])
        if page.get_by_test_id("stSidebarNav").get_by_text("Manage").count():
            page.wait_for_timeout(2000)  # Altair charts draw after the page
            camera.shot("manager-overview", wait_for="Sign out")
            camera.sign_in(people["manager"], "assign")
            camera.shot("manager-assignments", wait_for="Current assignments", scroll_to="Current assignments")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{Path(folder) / 'demo.db'}"
        print("Seeding the demo organisation...")
        people = seed(database_url)
        with app_server(database_url) as url:
            print(f"Photographing {url} into {args.out}:")
            photograph(url, people, args.out)


if __name__ == "__main__":
    main()
