"""Two app servers on one database behind nginx (docs/nginx-academy.conf), and one of them dying.

A learner signs in through the proxy, starts the orientation quiz and answers two
questions; the replica holding their websocket is killed. The tab reconnects through the
proxy with its cookies (as the browser does), lands on the other replica still signed in,
and the quiz resumes at the third question; the learner finishes it. Every answer is
stored exactly once.

Needs Debian's nginx (``apt-get install nginx-light``; .ci/run installs it).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from academy.store import resolve_url
from academy.store.tables import quiz_answers, quiz_attempts
from bench import load
from bench.live import Page, ProtocolError, Tab

NGINX = shutil.which("nginx", path="/usr/sbin:/usr/bin")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx-light)"),
]
MODULE = "orientation"
ROUTE = {load.ROUTE_COOKIE: "one-learner"}


@pytest.fixture
def cluster(database_url: str, tmp_path: Path) -> Iterator[tuple[list[load.Server], load.Server]]:
    load.seed_accounts(database_url, learners=1, burst=0)
    started: list[load.Server] = []
    try:
        for index in range(2):
            started.append(load.start_server(load.APP, database_url, tmp_path / f"app-{index}.log"))
        proxy = load.start_nginx([server.url for server in started], tmp_path)
        yield started, proxy
        load.stop_server(proxy)
    finally:
        for server in started:
            load.stop_server(server)


def established_connections(port: int) -> int:
    """TCP connections accepted on this local port and still open (Linux /proc/net)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with suppress(FileNotFoundError), open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                local_port = int(fields[1].rsplit(":", 1)[1], 16)
                if local_port == port and fields[3] == "01":
                    count += 1
    return count


def question_number(page: Page) -> int | None:
    for text in page.texts():
        if text.startswith("Question "):
            return int(text.split()[1])
    return None


async def answer(tab: Tab) -> Page:
    found = load.form_answer(tab.page, load.random.Random(7))
    assert found is not None, "a question is on the page"
    submit, values = found
    page = await tab.click(submit, values)
    assert not page.exceptions()
    return page


async def open_quiz(proxy: load.Server, cookies: dict[str, str]) -> tuple[Tab, bool]:
    """A tab on the quiz page through the proxy, and whether the learner had to sign in."""
    tab = Tab(proxy.url, cookies=cookies)
    page = await tab.open("quiz", f"module={MODULE}")
    if page.button(label="Sign in") is None:
        return tab, False
    await load.sign_in(tab, load.learner_name(0), load.PASSWORD)
    await tab.goto("quiz", module=MODULE)
    return tab, True


def test_a_learner_keeps_every_answer_when_their_replica_dies(
    cluster: tuple[list[load.Server], load.Server], database_url: str
) -> None:
    replicas, proxy = cluster

    async def journey() -> tuple[int, int | None]:
        tab, signed_in = await open_quiz(proxy, ROUTE)
        assert signed_in
        assert "academy_session" in tab.cookies, "the page handed the browser its session cookie"
        start = tab.page.button(key_prefix="start-quiz-")
        assert start is not None
        await tab.click(start)
        assert question_number(tab.page) == 1
        await answer(tab)
        page = await answer(tab)
        assert question_number(page) == 3

        holding = [server for server in replicas if established_connections(int(server.url.rsplit(":", 1)[1]))]
        assert len(holding) == 1, "the tab's websocket is on exactly one replica"
        holding[0].process.kill()
        holding[0].process.wait()
        with pytest.raises(ProtocolError):
            await tab.rerun()  # the old tab sees its server gone
        with suppress(Exception):
            await tab.close()

        # The browser reconnects with its cookies: the proxy's route and the session.
        resumed, signed_in_again = await open_quiz(proxy, tab.cookies)
        assert not signed_in_again, "the session cookie signs the learner in on the other replica"
        position = question_number(resumed.page)
        answered = 2
        while load.form_answer(resumed.page, load.random.Random(answered)) is not None:
            await answer(resumed)
            answered += 1
        await resumed.close()
        return answered, position

    answered, resumed_at = asyncio.run(journey())

    assert resumed_at == 3, "the quiz resumed at the first unanswered question"
    engine = create_engine(resolve_url(database_url))
    try:
        with engine.connect() as connection:
            attempts = connection.execute(select(quiz_attempts.c.id, quiz_attempts.c.status)).all()
            answers = connection.execute(select(quiz_answers.c.attempt_id, quiz_answers.c.question_id)).all()
    finally:
        engine.dispose()
    assert len(attempts) == 1
    assert attempts[0].status == "finished"
    assert len(answers) == answered == len(set(answers))
