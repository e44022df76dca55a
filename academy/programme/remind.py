"""E-mail reminders: each learner a digest of what is due soon or overdue, each manager a
digest of their overdue people. Run by ``python -m academy remind`` from cron.

Nobody gets the same item twice on the same day (their own day, in their time zone): every
item sent is recorded in ``reminders_sent``, and a second run the same day finds it there.
An item is one assignment cycle for a learner, one overdue (learner, assignment cycle)
for a manager; a digest goes out only when it holds at least one item not sent today.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from html import escape

from academy.auth import Role, User
from academy.content.schema import Course
from academy.programme import rules, standing
from academy.programme.config import SmtpSettings
from academy.programme.rules import DUE_STATE_LABELS, DueState
from academy.programme.standing import Standing
from academy.store import Store

EMAIL_PATTERN = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
PRODUCT = "Customer Service Academy"


class RemindError(RuntimeError):
    """The mail server refused or could not be reached (nothing more was recorded as sent)."""


def check_email(address: str) -> str:
    cleaned = address.strip()
    if len(cleaned) > 254 or not EMAIL_PATTERN.fullmatch(cleaned):
        raise ValueError(f"not an e-mail address: {cleaned!r}")
    return cleaned


@dataclass(frozen=True)
class Digest:
    recipient: User
    address: str | None
    kind: str
    """``learner`` or ``manager``."""
    items: tuple[str, ...]
    """The reminder items it carries (recorded once sent)."""
    subject: str
    text: str
    html: str
    day: date
    """The recipient's own date."""


@dataclass
class Outcome:
    sent: list[Digest] = field(default_factory=list)
    no_address: list[Digest] = field(default_factory=list)

    def summary(self, *, dry_run: bool) -> str:
        verb = "would send" if dry_run else "sent"
        learners = sum(digest.kind == "learner" for digest in self.sent)
        managers = len(self.sent) - learners
        line = f"{verb} {len(self.sent)} digests ({learners} to learners, {managers} to managers)"
        if self.no_address:
            names = ", ".join(sorted({digest.recipient.username for digest in self.no_address}))
            line += f"; {len(self.no_address)} not sent, no e-mail address: {names}"
        return line


def address_of(user: User, saved: dict[int, str]) -> str | None:
    """The saved address, else the username when it is one."""
    if user.id in saved:
        return saved[user.id]
    return user.username if EMAIL_PATTERN.fullmatch(user.username) else None


def digests(store: Store, course: Course | None, now: datetime, app_url: str) -> list[Digest]:
    """Every digest due today that still carries something not sent today."""
    people = store.list_users(include_disabled=False)
    by_id = {user.id: user for user in people}
    facts = standing.read_facts(store, by_id)
    found = standing.standings(facts, now)
    if course is not None:  # issue what was earned first, so nobody is reminded of finished work
        earned = standing.earned(facts, found, {u.id: u.display_name for u in people}, course)
        if earned:
            store.issue_certificates(earned)
    saved = store.emails(by_id)
    zones = facts.timezones
    fallback = standing.default_timezone()

    def today_of(user_id: int) -> date:
        try:
            return rules.local_date(now, rules.zone(zones.get(user_id) or fallback))
        except rules.TimezoneError:
            return rules.local_date(now, rules.zone(fallback))

    candidates: list[Digest] = []
    per_learner: dict[int, list[Standing]] = {}
    for item in found:
        if item.state in (DueState.DUE_SOON, DueState.OVERDUE) and item.user_id in by_id:
            per_learner.setdefault(item.user_id, []).append(item)
    for user_id, waiting in per_learner.items():
        user = by_id[user_id]
        candidates.append(_learner_digest(user, address_of(user, saved), waiting, today_of(user_id), app_url))
    overdue = [item for item in found if item.state is DueState.OVERDUE]
    for manager in (user for user in people if user.role is Role.MANAGER):
        teams = store.teams_managed_by(manager.id)
        members = {member.id: team.name for team in teams for member in store.team_members(team.id)}
        theirs = [item for item in overdue if item.user_id in members and item.user_id in by_id]
        if theirs:
            today = today_of(manager.id)
            candidates.append(
                _manager_digest(manager, address_of(manager, saved), theirs, by_id, members, today, app_url)
            )
    sent = store.sent_reminders({digest.recipient.id: digest.day for digest in candidates})
    fresh = []
    for digest in candidates:
        if any((digest.recipient.id, item) not in sent for item in digest.items):
            fresh.append(digest)
    return fresh


def _learner_item(item: Standing) -> str:
    return f"due:{item.assignment.id}:{item.cycle}"


def _learner_digest(user: User, address: str | None, waiting: list[Standing], today: date, app_url: str) -> Digest:
    overdue = sum(item.state is DueState.OVERDUE for item in waiting)
    subject = (
        f"{overdue} overdue in the {PRODUCT}"
        if overdue
        else f"Due soon in the {PRODUCT}: {waiting[0].assignment.title}"
    )
    link = f"{app_url}/catalog"
    lines = [f"Hello {user.display_name},", "", "Here is what is waiting for you:", ""]
    html_rows = []
    for item in waiting:
        when = _when(item)
        lines.append(f"- {item.assignment.title}: {DUE_STATE_LABELS[item.state].lower()}, {when}")
        left = [module.module_id for module in item.open_modules]
        if left:
            lines.append(f"  still to pass: {', '.join(left)}")
        html_rows.append(
            f"<li><strong>{escape(item.assignment.title)}</strong>: {escape(DUE_STATE_LABELS[item.state].lower())}, "
            f"{escape(when)}</li>"
        )
    lines += ["", f"Open the academy: {link}", "", "Your due dates end at midnight in your time zone."]
    body_html = (
        f"<p>Hello {escape(user.display_name)},</p><p>Here is what is waiting for you:</p><ul>{''.join(html_rows)}</ul>"
        f'<p><a href="{escape(link, quote=True)}">Open the academy</a></p>'
        "<p>Your due dates end at midnight in your time zone.</p>"
    )
    items = tuple(_learner_item(item) for item in waiting)
    return Digest(user, address, "learner", items, subject, "\n".join(lines) + "\n", body_html, today)


def _manager_digest(
    manager: User,
    address: str | None,
    overdue: list[Standing],
    people: dict[int, User],
    teams: dict[int, str],
    today: date,
    app_url: str,
) -> Digest:
    ordered = sorted(overdue, key=lambda item: (-item.days_late, people[item.user_id].display_name))
    count = len({item.user_id for item in ordered})
    subject = f"{count} of your people {'is' if count == 1 else 'are'} overdue in the {PRODUCT}"
    link = f"{app_url}/team"
    lines = [f"Hello {manager.display_name},", "", "Overdue in your teams:", ""]
    html_rows = []
    for item in ordered:
        person = people[item.user_id]
        late = f"{item.days_late} day{'s' if item.days_late != 1 else ''} late"
        lines.append(f"- {person.display_name} ({teams[item.user_id]}): {item.assignment.title}, {late}")
        html_rows.append(
            f"<li><strong>{escape(person.display_name)}</strong> ({escape(teams[item.user_id])}): "
            f"{escape(item.assignment.title)}, {late}</li>"
        )
    lines += ["", f"See the team overview: {link}"]
    body_html = (
        f"<p>Hello {escape(manager.display_name)},</p><p>Overdue in your teams:</p><ul>{''.join(html_rows)}</ul>"
        f'<p><a href="{escape(link, quote=True)}">See the team overview</a></p>'
    )
    items = tuple(f"overdue:{item.assignment.id}:{item.cycle}:{item.user_id}" for item in ordered)
    return Digest(manager, address, "manager", items, subject, "\n".join(lines) + "\n", body_html, today)


def _when(item: Standing) -> str:
    left = (item.due - item.today).days
    if left < 0:
        return f"was due {item.due.isoformat()} ({-left} day{'s' if left != -1 else ''} late)"
    if left == 0:
        return "due today"
    return f"due {item.due.isoformat()} (in {left} day{'s' if left != 1 else ''})"


def message(digest: Digest, sender: str) -> EmailMessage:
    assert digest.address is not None
    mail = EmailMessage()
    mail["Subject"] = digest.subject
    mail["From"] = sender
    mail["To"] = formataddr((digest.recipient.display_name, digest.address))
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a robot
    mail.set_content(digest.text)
    mail.add_alternative(f"<!doctype html><html><body>{digest.html}</body></html>", subtype="html")
    return mail


def send(
    store: Store,
    found: Sequence[Digest],
    settings: SmtpSettings,
    *,
    connect: Callable[[SmtpSettings], smtplib.SMTP] | None = None,
) -> Outcome:
    """Send each digest with an address and record its items; one connection for the run."""
    outcome = Outcome()
    with_address = [digest for digest in found if digest.address]
    outcome.no_address = [digest for digest in found if not digest.address]
    if not with_address:
        return outcome
    try:
        with (connect or _connect)(settings) as server:
            for digest in with_address:
                server.send_message(message(digest, settings.sender))
                store.record_reminders(digest.recipient.id, digest.items, digest.day)
                outcome.sent.append(digest)
    except (smtplib.SMTPException, OSError) as error:
        raise RemindError(
            f"the mail server {settings.host}:{settings.port} failed after {len(outcome.sent)} digests: {error}"
        ) from None
    return outcome


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    server = smtplib.SMTP(settings.host, settings.port, timeout=30)
    try:
        if settings.starttls:
            server.starttls(context=ssl.create_default_context())
        if settings.user:
            server.login(settings.user, settings.password)
    except BaseException:
        server.close()
        raise
    return server


def dry_run_report(found: Iterable[Digest]) -> str:
    parts = []
    for digest in found:
        to = digest.address or "(no e-mail address: would be skipped)"
        parts.append(
            f"To: {digest.recipient.display_name} <{to}>\nSubject: {digest.subject}\n\n{digest.text}" + "-" * 60
        )
    return "\n".join(parts)
