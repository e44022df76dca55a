"""Settings the programme reads from the environment (or, in the app, ``.streamlit/secrets.toml``).

* ``ACADEMY_APP_URL``: the address people open the academy at, put in e-mails and on
  certificates (default ``http://localhost:8501``);
* ``ACADEMY_TIMEZONE``: the organisation's time zone for learners who chose none;
* ``ACADEMY_SMTP_HOST``, ``_PORT``, ``_STARTTLS``, ``_USER``, ``_PASSWORD``, ``_FROM``: the
  mail server ``remind`` sends through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from academy import settings
from academy.settings import SettingsError

__all__ = ["APP_URL_ENV", "SettingsError", "SmtpSettings", "app_url", "setting", "smtp_settings"]

APP_URL_ENV = "ACADEMY_APP_URL"
DEFAULT_APP_URL = "http://localhost:8501"


def setting(name: str, default: str = "", *, secrets: Mapping[str, Any] | None = None) -> str:
    """``$NAME`` if set, else ``name`` (lower case, without ``ACADEMY_``) in secrets.toml, else ``default``."""
    return settings.value(name, default, secrets_given=secrets)


def app_url() -> str:
    return setting(APP_URL_ENV, DEFAULT_APP_URL).rstrip("/")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    starttls: bool
    user: str
    password: str
    sender: str

    def describe(self) -> str:
        login = f" as {self.user}" if self.user else ""
        return f"{self.host}:{self.port}{' with STARTTLS' if self.starttls else ''}{login}, from {self.sender}"


def smtp_settings(secrets: Mapping[str, Any] | None = None) -> SmtpSettings:
    """The mail server settings; SettingsError names what is missing or wrong."""
    found = secrets if secrets is not None else settings.secrets()
    host = setting("ACADEMY_SMTP_HOST", secrets=found)
    sender = setting("ACADEMY_SMTP_FROM", secrets=found)
    if not host or not sender:
        raise SettingsError("set ACADEMY_SMTP_HOST and ACADEMY_SMTP_FROM (or smtp_host and smtp_from in secrets.toml)")
    port_text = setting("ACADEMY_SMTP_PORT", "587", secrets=found)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"ACADEMY_SMTP_PORT must be a port number, not {port_text!r}")
    starttls_text = setting("ACADEMY_SMTP_STARTTLS", "true", secrets=found).strip().lower()
    if starttls_text not in {"true", "false", "1", "0", "yes", "no"}:
        raise SettingsError(f"ACADEMY_SMTP_STARTTLS must be true or false, not {starttls_text!r}")
    return SmtpSettings(
        host=host,
        port=int(port_text),
        starttls=starttls_text in {"true", "1", "yes"},
        user=setting("ACADEMY_SMTP_USER", secrets=found),
        password=setting("ACADEMY_SMTP_PASSWORD", secrets=found),
        sender=sender,
    )
