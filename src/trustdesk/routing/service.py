"""Assign tickets to agents and drain queues when agents free up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.audit import service as audit
from trustdesk.db import after_commit
from trustdesk.kit.cache import TTLCache
from trustdesk.models import Agent, Customer, Queue, Ticket
from trustdesk.models.agent import Presence
from trustdesk.routing import repository
from trustdesk.routing.repository import QueueRef
from trustdesk.routing.scoring import Candidate, RoutingNeed, choose_agent

MAX_ATTEMPTS = 20

# Who could take a ticket, per process, for half a second. While every agent is at capacity
# (a busy hour: most creates), a new ticket then goes straight to its queue without reading
# every agent's load. Anything that frees capacity drains the queues itself, the SLA sweep
# drains them too, and a real assignment always re-reads the loads under the agent's lock.
_CANDIDATES: TTLCache[tuple[Candidate, ...]] = TTLCache(ttl=0.5)


def forget_candidates() -> None:
    _CANDIDATES.clear()


async def _cached_candidates(session: AsyncSession) -> tuple[Candidate, ...]:
    async def load() -> tuple[Candidate, ...]:
        return tuple(_candidate(a, n) for a, n in await repository.agents_with_load(session))

    return await _CANDIDATES.get(id(session.bind), load)


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
    quick: bool = False,
) -> Agent | None:
    """Route one ticket to the best free agent, or leave it waiting in its queue.

    Under concurrency the choice is made twice: once to pick whom to lock, and again with
    fresh loads once the lock is held, so two simultaneous tickets never both land on the
    same idle agent while a colleague stays idle. Each attempt runs in a savepoint: rolling
    it back releases the agent's lock, so a transaction holds at most one agent lock while it
    waits (no lock cycles, no deadlocks). `wait=False` skips agents being assigned elsewhere
    (for queue drains, which may already hold agent locks). `quick` (new tickets) trusts the
    half-second snapshot when it says nobody is free; the sweep and drains never do.
    """
    need = RoutingNeed(queue=queue.key, language=ticket.language, topic=ticket.intent)
    if quick and choose_agent(need, await _cached_candidates(session)) is None:
        return None
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
            forget_candidates()  # this agent's load just grew
            return agent
        # Someone else took this agent meanwhile: release the lock and choose again.
        await savepoint.rollback()
    return None


async def drain_queues(session: AsyncSession, *, now: datetime, limit: int = 200) -> int:
    """Hand waiting tickets to free agents, VIP desk first, then by priority and age."""
    # Called when capacity frees up: new tickets must see it at once, here and after commit.
    forget_candidates()
    after_commit(session, forget_candidates)
    queues = await repository.queues_by_key(session)
    by_id = {q.id: q for q in queues.values()}
    waiting = await repository.waiting_tickets(session, list(by_id), limit=limit)
    assigned = 0
    for ticket in waiting:
        queue = by_id[ticket.queue_id]
        if await auto_assign(session, ticket, queue, now=now, reason="queue", wait=False):
            assigned += 1
    return assigned
