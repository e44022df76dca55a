"""``python -m academy remind`` against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from academy.cli import main
from academy.programme import remind
from academy.programme.config import SettingsError, smtp_settings
from academy.store import Store, open_store
from tests.reports_helpers import PASSWORD, course, quiz

APP_URL = "https://academy.example.com"


@dataclass
class Inbox:
    """Every message the SMTP server accepted."""

    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [message for message in self.messages if address in message["To"]]

    @staticmethod
    def text(message: Message) -> str:
        parts = {
            part.get_content_type(): part.get_payload(decode=True).decode()
            for part in message.walk()
            if not part.is_multipart()
        }
        return parts["text/plain"] + parts["text/html"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    received = Inbox()
    port = free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("ACADEMY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ACADEMY_SMTP_PORT", str(port))
    monkeypatch.setenv("ACADEMY_SMTP_STARTTLS", "false")
    monkeypatch.setenv("ACADEMY_SMTP_FROM", "academy@example.com")
    monkeypatch.setenv("ACADEMY_APP_URL", APP_URL)
    yield received
    controller.stop()


class MovableClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Org:
    store: Store
    url: str
    today: date


@pytest.fixture
def org(database_url: str) -> Iterator[Org]:
    """Front desk (ana: passed; ben: due in 3 days; managed by mara), Billing (cleo: 4 days late;
    managed by theo), and dan in Billing, who has no e-mail address."""
    clock = MovableClock()
    store = open_store(database_url, clock=clock)
    today = clock.now.date()
    mara = store.create_user("mara@example.com", PASSWORD, display_name="Mara Lopez", role="manager")
    theo = store.create_user("theo", PASSWORD, display_name="Theo Brandt", role="manager")
    ana = store.create_user("ana", PASSWORD, display_name="Ana One")
    ben = store.create_user("ben", PASSWORD, display_name="Ben Two")
    cleo = store.create_user("cleo", PASSWORD, display_name="Cleo Three")
    dan = store.create_user("dan", PASSWORD, display_name="Dan Four")
    store.set_email(theo.id, "theo@example.com")
    for user in (ana, ben, cleo):
        store.set_email(user.id, f"{user.username}@example.com")
    front, billing = store.create_team("Front desk"), store.create_team("Billing")
    for team, members, manager in ((front, (ana, ben), mara), (billing, (cleo, dan), theo)):
        for member in members:
            store.add_member(team.id, member.id)
        store.add_member(team.id, manager.id, manager=True)
    for team, due in ((front, today + timedelta(days=3)), (billing, today - timedelta(days=4))):
        store.create_assignment(
            actor_id=None,
            title=f"Promises ({team.name})",
            modules=["promise-keeping"],
            team_id=team.id,
            due_on=due,
            days_allowed=10,
        )
    quiz(store, ana, "promise-keeping", [1.0, 1.0, 1.0])
    yield Org(store, database_url, today)
    store.close()


def test_remind_sends_the_right_digests_once_a_day(org: Org, inbox: Inbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["remind", "--database-url", org.url]) == 0

    recipients = sorted(message["To"].rsplit("<", 1)[-1].rstrip(">") for message in inbox.messages)
    assert recipients == ["ben@example.com", "cleo@example.com", "theo@example.com"]
    (ben,) = inbox.to("ben@example.com")
    assert "Due soon" in ben["Subject"]
    assert f"due {(org.today + timedelta(days=3)).isoformat()} (in 3 days)" in Inbox.text(ben)
    assert f"{APP_URL}/catalog" in Inbox.text(ben)
    (cleo,) = inbox.to("cleo@example.com")
    assert cleo["Subject"] == "1 overdue in the Customer Service Academy"
    assert "4 days late" in Inbox.text(cleo)
    (theo,) = inbox.to("theo@example.com")
    theo_text = Inbox.text(theo)
    assert "Cleo Three (Billing): Promises (Billing), 4 days late" in theo_text
    assert "Dan Four" in theo_text  # overdue too, though he cannot be mailed himself
    assert "Ben" not in theo_text
    assert f'href="{APP_URL}/team"' in theo_text
    assert all(m.is_multipart() and m.get_content_type() == "multipart/alternative" for m in inbox.messages)
    summary = capsys.readouterr().err
    assert "sent 3 digests (2 to learners, 1 to managers)" in summary
    assert "no e-mail address: dan" in summary
    # Ana passed: she gets nothing, and her certificate was issued on the way.
    assert [c.title for c in org.store.certificates_for([org.store.user_by_name("ana").id])] == [  # type: ignore[union-attr]
        "Promises (Front desk)"
    ]

    assert main(["remind", "--database-url", org.url]) == 0  # the same day again: nothing new
    assert len(inbox.messages) == 3
    assert "sent 0 digests" in capsys.readouterr().err


def test_the_next_day_the_reminders_go_again(org: Org, inbox: Inbox) -> None:
    later = datetime.combine(org.today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    assert main(["remind", "--database-url", org.url]) == 0
    assert len(inbox.messages) == 3

    found = remind.digests(org.store, course(), later + timedelta(days=1), APP_URL)

    assert sorted(digest.recipient.username for digest in found) == ["ben", "cleo", "dan", "theo"]


def test_dry_run_prints_and_sends_and_records_nothing(
    org: Org, inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["remind", "--dry-run", "--database-url", org.url]) == 0

    out, err = capsys.readouterr()
    assert "To: Ben Two <ben@example.com>" in out
    assert "To: Dan Four <(no e-mail address: would be skipped)>" in out
    assert "would send 3 digests" in err
    assert inbox.messages == []
    assert main(["remind", "--database-url", org.url]) == 0
    assert len(inbox.messages) == 3  # the dry run recorded nothing


def test_missing_mail_settings_are_named_and_nothing_is_recorded(
    org: Org, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ACADEMY_SMTP_HOST", raising=False)
    assert main(["remind", "--database-url", org.url]) == 1
    assert "ACADEMY_SMTP_HOST" in capsys.readouterr().err
    with pytest.raises(SettingsError, match="ACADEMY_SMTP_PORT"):
        smtp_settings({"smtp_host": "h", "smtp_from": "a@b.c", "smtp_port": "mail"})


def test_a_server_that_refuses_is_reported_without_a_traceback(
    org: Org, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACADEMY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ACADEMY_SMTP_PORT", str(free_port()))  # nothing listens there
    monkeypatch.setenv("ACADEMY_SMTP_STARTTLS", "false")
    monkeypatch.setenv("ACADEMY_SMTP_FROM", "academy@example.com")

    assert main(["remind", "--database-url", org.url]) == 1

    assert "failed after 0 digests" in capsys.readouterr().err
    assert org.store.sent_reminders({user.id: org.today for user in org.store.list_users()}) == set()
