"""The queries behind the console's queue views and the lead board."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models import Queue, SlaEvent, Ticket
from trustdesk.models.queue import QueueKind
from trustdesk.models.ticket import OPEN_STATUSES

VIEWS = ("mine", "team", "unassigned", "vip", "breaching")


async def queue_view(
    session: AsyncSession,
    view: str,
    *,
    agent_id: int,
    team_queues: Sequence[str],
    now: datetime,
    breaching_before: datetime,
    limit: int = 100,
) -> Sequence[Ticket]:
    """Open tickets of one console view, the soonest SLA deadline first."""
    stmt = select(Ticket).where(Ticket.status.in_(OPEN_STATUSES))
    if view == "mine":
        stmt = stmt.where(Ticket.assignee_id == agent_id)
    elif view == "team":
        team = select(Queue.id).where(Queue.key.in_(list(team_queues)))
        stmt = stmt.where(Ticket.queue_id.in_(team))
    elif view == "unassigned":
        stmt = stmt.where(Ticket.assignee_id.is_(None))
    elif view == "vip":
        stmt = stmt.where(Ticket.vip.is_(True))
    elif view == "breaching":
        stmt = stmt.where(Ticket.sla_due_at.is_not(None), Ticket.sla_due_at <= breaching_before)
    # Tickets without a deadline (paused, waiting on the customer) go last.
    stmt = stmt.order_by(Ticket.sla_due_at.is_(None), Ticket.sla_due_at, Ticket.id).limit(limit)
    return (await session.execute(stmt)).scalars().all()


async def department_keys(session: AsyncSession) -> list[str]:
    """Departments an agent can pull into a ticket as collaborators."""
    stmt = select(Queue.key).where(Queue.kind == QueueKind.department).order_by(Queue.key)
    return list((await session.execute(stmt)).scalars())


async def queue_keys(session: AsyncSession) -> dict[int, str]:
    return {q.id: q.key for q in (await session.execute(select(Queue))).scalars()}


async def first_response_waits(session: AsyncSession, since: datetime) -> list[float]:
    """Seconds from opening to the first human answer, for tickets answered since `since`."""
    stmt = select(Ticket.created_at, Ticket.first_response_at).where(
        Ticket.first_response_at.is_not(None), Ticket.first_response_at >= since
    )
    return [
        max(0.0, (answered - opened).total_seconds())
        for opened, answered in (await session.execute(stmt)).all()
        if answered and opened
    ]


async def breaches_since(session: AsyncSession, since: datetime) -> int:
    stmt = select(func.count()).where(
        SlaEvent.kind.in_(("breached", "hard_breached")), SlaEvent.at >= since
    )
    return int((await session.execute(stmt)).scalar_one())


async def open_with_deadline(session: AsyncSession, limit: int = 200) -> Sequence[Ticket]:
    stmt = (
        select(Ticket)
        .where(Ticket.status.in_(OPEN_STATUSES), Ticket.sla_due_at.is_not(None))
        .order_by(Ticket.sla_due_at)
        .limit(limit)
    )
    return (await session.execute(stmt)).scalars().all()
