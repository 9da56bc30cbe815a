"""Record changes. Rows are only ever inserted: nothing updates or deletes them."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models import Agent, AuditEvent, Customer


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def actor_of(actor: Agent | Customer | None) -> tuple[str, int | None]:
    if isinstance(actor, Agent):
        return "agent", actor.id
    if isinstance(actor, Customer):
        return "customer", actor.id
    return "system", None


def record(
    session: AsyncSession,
    *,
    entity: str,
    entity_id: int,
    action: str,
    actor: Agent | Customer | None,
    at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ticket_id: int | None = None,
) -> AuditEvent:
    """Add one audit event to the current transaction (it lands with the change or not at all)."""
    actor_type, actor_id = actor_of(actor)
    event = AuditEvent(
        entity=entity,
        entity_id=entity_id,
        ticket_id=ticket_id,
        action=action,
        actor_type=actor_type,
        actor_id=actor_id,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        at=at,
    )
    session.add(event)
    return event


def diff(obj: Any, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply `changes` to `obj` and return (before, after) of the fields that really changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for field, value in changes.items():
        old = getattr(obj, field)
        if old != value:
            before[field] = old
            after[field] = value
            setattr(obj, field, value)
    return before, after
