"""Step-up verification plumbing: settings, one-time codes, TOTP and the e-mail boundary."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import smtplib
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

import pyotp
from pydantic import BaseModel

from trustdesk.config import Settings, get_settings

log = logging.getLogger(__name__)

DEV_EXCHANGE_API_KEY = "dev-only-risk-exchange-key"


class RiskSettings(BaseModel):
    """Risk-control knobs, taken from trustdesk.config.Settings (TRUSTDESK_RISK_*)."""

    # The exchange authenticates its scoring calls with this key (X-Exchange-Key header).
    exchange_api_key: str = DEV_EXCHANGE_API_KEY
    # E-mailed codes: unset smtp_host logs the message instead of sending it (development).
    smtp_host: str | None = None
    smtp_port: int = 25
    mail_from: str = "security@trustdesk.local"
    code_ttl_minutes: int = 15
    max_attempts: int = 5
    totp_issuer: str = "TrustDesk"

    @classmethod
    def from_settings(cls, settings: Settings) -> RiskSettings:
        return cls(
            exchange_api_key=settings.risk_exchange_api_key,
            smtp_host=settings.risk_smtp_host,
            smtp_port=settings.risk_smtp_port,
            mail_from=settings.risk_mail_from,
            code_ttl_minutes=settings.risk_code_ttl_minutes,
            max_attempts=settings.risk_max_attempts,
            totp_issuer=settings.risk_totp_issuer,
        )


def get_risk_settings() -> RiskSettings:
    return RiskSettings.from_settings(get_settings())


class EmailSender(Protocol):
    """The boundary through which verification e-mails leave TrustDesk."""

    async def send(self, to: str, subject: str, body: str) -> None: ...


class SmtpEmailSender:
    """Plain SMTP (a local relay, or the exchange's mail service)."""

    def __init__(self, host: str, port: int, mail_from: str, timeout: float = 10.0) -> None:
        self.host, self.port, self.mail_from, self.timeout = host, port, mail_from, timeout

    def _send_sync(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)

    async def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.mail_from
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        await asyncio.to_thread(self._send_sync, message)


class LogEmailSender:
    """Development: the message goes to the log. Never configured in production."""

    async def send(self, to: str, subject: str, body: str) -> None:
        log.warning("verification e-mail (no SMTP configured) to %s: %s\n%s", to, subject, body)


def email_sender_from(settings: RiskSettings) -> EmailSender:
    if settings.smtp_host:
        return SmtpEmailSender(settings.smtp_host, settings.smtp_port, settings.mail_from)
    return LogEmailSender()


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def code_hash(secret_key: str, verification_key: str, code: str) -> str:
    """HMAC of the code bound to its verification: a leaked table cannot be brute-forced
    without the server key, and a code cannot be replayed on another verification."""
    message = f"{verification_key}:{code}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def code_matches(secret_key: str, verification_key: str, code: str, stored: str) -> bool:
    return hmac.compare_digest(code_hash(secret_key, verification_key, code), stored)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_matches(secret: str, code: str, *, now: datetime) -> bool:
    # One step either side tolerates a phone clock 30 s off.
    return pyotp.TOTP(secret).verify(code, for_time=now, valid_window=1)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)
