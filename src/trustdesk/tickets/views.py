"""Read models: what an agent and what a customer see of a ticket."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models import Queue, Ticket, TicketMessage
from trustdesk.sla import service as sla
from trustdesk.tickets import repository
from trustdesk.tickets.schemas import (
    CustomerMessageRead,
    CustomerTicketDetail,
    CustomerTicketRead,
    MessageRead,
    SlaMetricRead,
    TicketDetail,
    TicketRead,
)
from trustdesk.tickets.service import estimate


async def _queue_keys(session: AsyncSession, tickets: Sequence[Ticket]) -> dict[int, str]:
    keys: dict[int, str] = {}
    for queue_id in {t.queue_id for t in tickets}:
        queue = await session.get(Queue, queue_id)
        keys[queue_id] = queue.key if queue else "?"
    return keys


def _read(ticket: Ticket, queue_key: str) -> TicketRead:
    return TicketRead.model_validate({**ticket.__dict__, "queue": queue_key})


async def agent_list(session: AsyncSession, tickets: Sequence[Ticket]) -> list[TicketRead]:
    keys = await _queue_keys(session, tickets)
    return [_read(t, keys[t.queue_id]) for t in tickets]


async def agent_detail(session: AsyncSession, ticket: Ticket, *, now: datetime) -> TicketDetail:
    keys = await _queue_keys(session, [ticket])
    messages = await repository.messages(session, ticket.id, public_only=False)
    names = await repository.agent_names(
        session, {m.author_agent_id for m in messages if m.author_agent_id}
    )
    view = await sla.state_for(session, ticket, now=now)
    collaborators = [
        {
            "queue": q.key,
            "agent_id": c.agent_id,
            "reason": c.reason,
            "added_by_agent_id": c.added_by_agent_id,
            "created_at": c.created_at,
        }
        for c, q in await repository.collaborators(session, ticket.id)
    ]
    return TicketDetail(
        **_read(ticket, keys[ticket.queue_id]).model_dump(),
        messages=[
            MessageRead.model_validate(m).model_copy(
                update={"author_name": names.get(m.author_agent_id or 0)}
            )
            for m in messages
        ],
        collaborators=collaborators,
        sla=[
            SlaMetricRead(
                metric=m.metric,
                status=m.status,
                due_at=None if m.finished else m.due_at,
                hard_due_at=None if m.finished else m.hard_due_at,
                fraction=round(m.fraction, 3),
                paused=m.paused,
            )
            for m in view.state.current
        ],
        estimate=await estimate(session, ticket, now=now, view=view),
    )


def _first_name(full: str | None) -> str | None:
    return full.split()[0] if full else None


async def customer_summary(
    session: AsyncSession, ticket: Ticket, *, now: datetime
) -> CustomerTicketRead:
    names = await repository.agent_names(
        session, {ticket.assignee_id} if ticket.assignee_id else set()
    )
    return CustomerTicketRead(
        id=ticket.id,
        subject=ticket.subject,
        status=ticket.status,
        channel=ticket.channel,
        language=ticket.language,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        assigned=ticket.assignee_id is not None,
        agent_name=_first_name(names.get(ticket.assignee_id or 0)),
        estimate=await estimate(session, ticket, now=now),
    )


async def customer_detail(
    session: AsyncSession,
    ticket: Ticket,
    *,
    now: datetime,
    messages: Sequence[TicketMessage] | None = None,
) -> CustomerTicketDetail:
    """The customer's view: public history only, agents by first name, no internal fields.

    `messages`: the ticket's messages when the caller holds them all (a ticket it just opened)."""
    if messages is None:
        messages = await repository.messages(session, ticket.id, public_only=True)
    else:
        messages = [m for m in messages if not m.internal]
    names = await repository.agent_names(
        session, {m.author_agent_id for m in messages if m.author_agent_id}
    )
    summary = await customer_summary(session, ticket, now=now)
    return CustomerTicketDetail(
        **summary.model_dump(),
        messages=[
            CustomerMessageRead(
                id=m.id,
                author_type=m.author_type,
                author_name=_first_name(names.get(m.author_agent_id or 0)),
                body=m.body,
                created_at=m.created_at,
            )
            for m in messages
        ],
    )
