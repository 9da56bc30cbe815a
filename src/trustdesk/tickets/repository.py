"""Every ticket query. Customer reads start from a statement already limited to their tickets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models import (
    Agent,
    AuditEvent,
    Queue,
    Ticket,
    TicketCollaborator,
    TicketMessage,
)


def all_tickets() -> Select[Ticket]:
    """Agents see every ticket; filters narrow it down."""
    return select(Ticket)


def customer_tickets(customer_id: int) -> Select[Ticket]:
    """The only starting point for anything a customer reads."""
    return select(Ticket).where(Ticket.customer_id == customer_id)


async def get(session: AsyncSession, ticket_id: int, *, for_update: bool = False) -> Ticket | None:
    stmt = select(Ticket).where(Ticket.id == ticket_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_for_customer(
    session: AsyncSession, customer_id: int, ticket_id: int, *, for_update: bool = False
) -> Ticket | None:
    stmt = customer_tickets(customer_id).where(Ticket.id == ticket_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


@dataclass(frozen=True)
class TicketFilter:
    status: Sequence[str] = ()
    priority: Sequence[str] = ()
    queue_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    customer_id: int | None = None
    language: str | None = None
    intent: str | None = None
    tag: str | None = None
    vip: bool | None = None
    due_before: datetime | None = None


def apply_filter(stmt: Select[Ticket], f: TicketFilter) -> Select[Ticket]:
    if f.status:
        stmt = stmt.where(Ticket.status.in_(f.status))
    if f.priority:
        stmt = stmt.where(Ticket.priority.in_(f.priority))
    if f.queue_id is not None:
        stmt = stmt.where(Ticket.queue_id == f.queue_id)
    if f.assignee_id is not None:
        stmt = stmt.where(Ticket.assignee_id == f.assignee_id)
    if f.unassigned:
        stmt = stmt.where(Ticket.assignee_id.is_(None))
    if f.customer_id is not None:
        stmt = stmt.where(Ticket.customer_id == f.customer_id)
    if f.language:
        stmt = stmt.where(Ticket.language == f.language)
    if f.intent:
        stmt = stmt.where(Ticket.intent == f.intent)
    if f.vip is not None:
        stmt = stmt.where(Ticket.vip.is_(f.vip))
    if f.due_before is not None:
        stmt = stmt.where(Ticket.sla_due_at.is_not(None), Ticket.sla_due_at <= f.due_before)
    return stmt


async def page(
    session: AsyncSession,
    stmt: Select[Ticket],
    *,
    after_id: int | None,
    limit: int,
    tag: str | None = None,
) -> Sequence[Ticket]:
    """Newest first, keyset on id. Tags live in a JSON list, so they are filtered in Python
    over a bounded window rather than with dialect-specific JSON operators."""
    if after_id is not None:
        stmt = stmt.where(Ticket.id < after_id)
    stmt = stmt.order_by(Ticket.id.desc())
    if tag is None:
        return (await session.execute(stmt.limit(limit))).scalars().all()
    found: list[Ticket] = []
    window = stmt.limit(limit * 20)
    for ticket in (await session.execute(window)).scalars():
        if tag in (ticket.tags or []):
            found.append(ticket)
            if len(found) == limit:
                break
    return found


async def messages(
    session: AsyncSession, ticket_id: int, *, public_only: bool
) -> Sequence[TicketMessage]:
    stmt = select(TicketMessage).where(TicketMessage.ticket_id == ticket_id)
    if public_only:
        stmt = stmt.where(TicketMessage.internal.is_(False))
    return (await session.execute(stmt.order_by(TicketMessage.id))).scalars().all()


async def collaborators(
    session: AsyncSession, ticket_id: int
) -> Sequence[tuple[TicketCollaborator, Queue]]:
    stmt = (
        select(TicketCollaborator, Queue)
        .join(Queue, Queue.id == TicketCollaborator.queue_id)
        .where(TicketCollaborator.ticket_id == ticket_id)
        .order_by(TicketCollaborator.id)
    )
    return [(c, q) for c, q in (await session.execute(stmt)).all()]


async def find_collaborator(
    session: AsyncSession, ticket_id: int, queue_id: int, agent_id: int | None
) -> TicketCollaborator | None:
    stmt = select(TicketCollaborator).where(
        TicketCollaborator.ticket_id == ticket_id,
        TicketCollaborator.queue_id == queue_id,
        TicketCollaborator.agent_id.is_(None)
        if agent_id is None
        else TicketCollaborator.agent_id == agent_id,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def audit_events(session: AsyncSession, ticket_id: int) -> Sequence[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.ticket_id == ticket_id).order_by(AuditEvent.id)
    return (await session.execute(stmt)).scalars().all()


async def agent_names(session: AsyncSession, agent_ids: set[int]) -> dict[int, str]:
    if not agent_ids:
        return {}
    rows = await session.execute(select(Agent.id, Agent.name).where(Agent.id.in_(agent_ids)))
    return {i: n for i, n in rows.all()}


async def queue(session: AsyncSession, queue_id: int) -> Queue | None:
    return await session.get(Queue, queue_id)


async def queue_by_key(session: AsyncSession, key: str) -> Queue | None:
    return (await session.execute(select(Queue).where(Queue.key == key))).scalar_one_or_none()


async def median_first_response_seconds(
    session: AsyncSession, queue_id: int, since: datetime
) -> float | None:
    """Typical wait for a first human answer in this queue recently (for customer estimates)."""
    stmt = (
        select(Ticket.created_at, Ticket.first_response_at)
        .where(
            Ticket.queue_id == queue_id,
            Ticket.first_response_at.is_not(None),
            Ticket.created_at >= since,
        )
        .order_by(Ticket.id.desc())
        .limit(200)
    )
    waits = sorted(
        (fr - cr).total_seconds() for cr, fr in (await session.execute(stmt)).all() if fr and cr
    )
    if not waits:
        return None
    return waits[len(waits) // 2]


async def count_customer_tickets(session: AsyncSession, customer_id: int) -> int:
    stmt = select(func.count()).select_from(customer_tickets(customer_id).subquery())
    return int((await session.execute(stmt)).scalar_one())
