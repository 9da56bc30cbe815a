"""Assign tickets to agents and drain queues when agents free up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.audit import service as audit
from trustdesk.models import Agent, Customer, Queue, Ticket
from trustdesk.models.agent import Presence
from trustdesk.routing import repository
from trustdesk.routing.repository import QueueRef
from trustdesk.routing.scoring import Candidate, RoutingNeed, choose_agent

MAX_ATTEMPTS = 20


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
    session: AsyncSession,
    ticket: Ticket,
    queue: Queue | QueueRef,
    *,
    now: datetime,
    reason: str = "routing",
    wait: bool = True,
) -> Agent | None:
    """Route one ticket to the best free agent, or leave it waiting in its queue.

    Under concurrency the choice is made twice: once to pick whom to lock, and again with
    fresh loads once the lock is held, so two simultaneous tickets never both land on the
    same idle agent while a colleague stays idle. Each attempt runs in a savepoint: rolling
    it back releases the agent's lock, so a transaction holds at most one agent lock while it
    waits (no lock cycles, no deadlocks). `wait=False` skips agents being assigned elsewhere
    (for queue drains, which may already hold agent locks).
    """
    need = RoutingNeed(queue=queue.key, language=ticket.language, topic=ticket.intent)
    skipped: set[int] = set()
    # Each failed attempt means another ticket was just assigned: progress, so keep trying a
    # while; whatever is left waits in the queue for the next drain or sweep.
    for _attempt in range(MAX_ATTEMPTS):
        rows = await repository.agents_with_load(session)
        candidates = [_candidate(a, n) for a, n in rows if a.id not in skipped]
        agent_id = choose_agent(need, candidates)
        if agent_id is None:
            return None
        savepoint = await session.begin_nested()
        agent = await repository.lock_agent(session, agent_id, wait=wait)
        if agent is None:
            await savepoint.rollback()
            skipped.add(agent_id)
            continue
        fresh = [
            _candidate(a, n)
            for a, n in await repository.agents_with_load(session)
            if a.id not in skipped
        ]
        if choose_agent(need, fresh) == agent_id:
            await assign(session, ticket, agent, now=now, actor=None, reason=reason)
            await savepoint.commit()
            return agent
        # Someone else took this agent meanwhile: release the lock and choose again.
        await savepoint.rollback()
    return None


async def drain_queues(session: AsyncSession, *, now: datetime, limit: int = 200) -> int:
    """Hand waiting tickets to free agents, VIP desk first, then by priority and age."""
    queues = await repository.queues_by_key(session)
    by_id = {q.id: q for q in queues.values()}
    waiting = await repository.waiting_tickets(session, list(by_id), limit=limit)
    assigned = 0
    for ticket in waiting:
        queue = by_id[ticket.queue_id]
        if await auto_assign(session, ticket, queue, now=now, reason="queue", wait=False):
            assigned += 1
    return assigned
