"""Queries of the SLA: policies, a ticket's history, tickets due for a check."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models import AuditEvent, SlaEvent, SlaPolicy, Ticket, TicketMessage
from trustdesk.models.ticket import OPEN_STATUSES, AuthorType


async def active_policies(session: AsyncSession) -> Sequence[SlaPolicy]:
    stmt = select(SlaPolicy).where(SlaPolicy.active.is_(True)).order_by(SlaPolicy.id)
    return (await session.execute(stmt)).scalars().all()


async def public_messages(session: AsyncSession, ticket_id: int) -> Sequence[TicketMessage]:
    """Messages that move the SLA: public ones from the customer or a human agent."""
    stmt = (
        select(TicketMessage)
        .where(
            TicketMessage.ticket_id == ticket_id,
            TicketMessage.internal.is_(False),
            TicketMessage.author_type.in_((AuthorType.customer, AuthorType.agent)),
        )
        .order_by(TicketMessage.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def status_changes(session: AsyncSession, ticket_id: int) -> Sequence[AuditEvent]:
    stmt = (
        select(AuditEvent)
        .where(
            AuditEvent.ticket_id == ticket_id,
            AuditEvent.action.in_(("status_changed", "reopened")),
        )
        .order_by(AuditEvent.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def recorded_events(session: AsyncSession, ticket_id: int) -> Sequence[SlaEvent]:
    stmt = select(SlaEvent).where(SlaEvent.ticket_id == ticket_id).order_by(SlaEvent.id)
    return (await session.execute(stmt)).scalars().all()


async def tickets_to_check(session: AsyncSession, now: datetime, limit: int) -> Sequence[Ticket]:
    """Open tickets whose next SLA checkpoint has come. Workers skip each other's rows."""
    stmt = (
        select(Ticket)
        .where(
            Ticket.sla_check_at.is_not(None),
            Ticket.sla_check_at <= now,
            Ticket.status.in_(OPEN_STATUSES),
        )
        .order_by(Ticket.sla_check_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(stmt)).scalars().all()


async def breaching_soon(session: AsyncSession, before: datetime, limit: int) -> Sequence[Ticket]:
    stmt = (
        select(Ticket)
        .where(
            Ticket.sla_due_at.is_not(None),
            Ticket.sla_due_at <= before,
            Ticket.status.in_(OPEN_STATUSES),
        )
        .order_by(Ticket.sla_due_at)
        .limit(limit)
    )
    return (await session.execute(stmt)).scalars().all()
