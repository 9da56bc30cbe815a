"""The one source of "now": always timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def ensure_utc(value: datetime) -> datetime:
    """Reject naive datetimes: a naive value is a bug, not a local time to guess."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: every datetime in TrustDesk is timezone-aware")
    return value.astimezone(UTC)
