"""Assign tickets to agents and drain queues when agents free up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.audit import service as audit
from trustdesk.models import Agent, Customer, Queue, Ticket
from trustdesk.models.agent import Presence
from trustdesk.routing import repository
from trustdesk.routing.scoring import Candidate, RoutingNeed, choose_agent


def _candidate(agent: Agent, load: int) -> Candidate:
    return Candidate(
        agent_id=agent.id,
        queues=frozenset(agent.queues or ()),
        languages=frozenset(agent.languages or ()),
        topics=frozenset(agent.topics or ()),
        capacity=agent.capacity,
        open_tickets=load,
        online=agent.presence == Presence.online,
        last_assigned_at=agent.last_assigned_at,
    )


async def assign(
    session: AsyncSession,
    ticket: Ticket,
    agent: Agent,
    *,
    now: datetime,
    actor: Agent | Customer | None,
    reason: str,
) -> None:
    """Give the ticket to `agent` and record who decided it and why."""
    before = {"assignee_id": ticket.assignee_id}
    ticket.assignee_id = agent.id
    ticket.updated_at = now
    agent.last_assigned_at = now
    audit.record(
        session,
        entity="ticket",
        entity_id=ticket.id,
        ticket_id=ticket.id,
        action="assigned",
        actor=actor,
        at=now,
        before=before,
        after={"assignee_id": agent.id, "reason": reason},
    )
    await session.flush()


async def auto_assign(
    session: AsyncSession, ticket: Ticket, queue: Queue, *, now: datetime, reason: str = "routing"
) -> Agent | None:
    """Route one ticket to the best free agent, or leave it waiting in its queue."""
    rows = await repository.agents_with_load(session)
    candidates = [_candidate(a, n) for a, n in rows]
    need = RoutingNeed(queue=queue.key, language=ticket.language, topic=ticket.intent)
    for _attempt in range(3):
        agent_id = choose_agent(need, candidates)
        if agent_id is None:
            return None
        agent = await repository.lock_agent(session, agent_id)
        # Under the lock, recount: a concurrent request may just have filled this agent.
        if (
            agent is not None
            and agent.presence == Presence.online
            and await repository.open_load(session, agent_id) < agent.capacity
        ):
            await assign(session, ticket, agent, now=now, actor=None, reason=reason)
            return agent
        # Busy elsewhere or full: try the next best; the queue sweep catches any leftover.
        candidates = [c for c in candidates if c.agent_id != agent_id]
    return None


async def drain_queues(session: AsyncSession, *, now: datetime, limit: int = 200) -> int:
    """Hand waiting tickets to free agents, VIP desk first, then by priority and age."""
    queues = await repository.queues_by_key(session)
    by_id = {q.id: q for q in queues.values()}
    waiting = await repository.waiting_tickets(session, list(by_id), limit=limit)
    assigned = 0
    for ticket in waiting:
        if await auto_assign(session, ticket, by_id[ticket.queue_id], now=now, reason="queue"):
            assigned += 1
    return assigned
