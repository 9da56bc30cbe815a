"""Queries routing needs: candidates with their load, waiting tickets, queue positions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.kit.cache import TTLCache
from trustdesk.models import Agent, Presence, Queue, Ticket
from trustdesk.models.queue import QueueKind
from trustdesk.models.ticket import OPEN_STATUSES, TicketStatus

# Statuses in which a ticket occupies its assignee (pending/on-hold ones still count: the
# agent owns them and will be pinged back).
LOAD_STATUSES = (TicketStatus.new, TicketStatus.open)
WAITING_STATUSES = OPEN_STATUSES


@dataclass(frozen=True)
class QueueRef:
    """What routing needs of a queue, cached per process: queues are reference data that
    every ticket create would otherwise read."""

    id: int
    key: str
    name: str
    kind: QueueKind


_QUEUE_REFS: TTLCache[dict[str, QueueRef]] = TTLCache(ttl=30.0)


async def queue_refs(session: AsyncSession, *, fresh: bool = False) -> dict[str, QueueRef]:
    """Every queue by key. `fresh` re-reads them (a key or id not seen yet: a new queue)."""

    async def load() -> dict[str, QueueRef]:
        rows = (await session.execute(select(Queue))).scalars().all()
        return {q.key: QueueRef(q.id, q.key, q.name, QueueKind(q.kind)) for q in rows}

    cache_key = id(session.bind)
    if fresh:
        _QUEUE_REFS.forget(cache_key)
    return await _QUEUE_REFS.get(cache_key, load)


async def queue_ref(session: AsyncSession, key: str) -> QueueRef | None:
    found = (await queue_refs(session)).get(key)
    return found if found is not None else (await queue_refs(session, fresh=True)).get(key)


async def queue_ref_by_id(session: AsyncSession, queue_id: int) -> QueueRef | None:
    for fresh in (False, True):
        for ref in (await queue_refs(session, fresh=fresh)).values():
            if ref.id == queue_id:
                return ref
    return None


PRIORITY_ORDER = case(
    (Ticket.priority == "P1", 1),
    (Ticket.priority == "P2", 2),
    (Ticket.priority == "P3", 3),
    else_=4,
)


async def queues_by_key(session: AsyncSession) -> dict[str, Queue]:
    rows = (await session.execute(select(Queue))).scalars().all()
    return {q.key: q for q in rows}


async def agents_with_load(
    session: AsyncSession, *, online_only: bool = True
) -> Sequence[tuple[Agent, int]]:
    """Active agents and how many open tickets each holds, in one query."""
    load = (
        select(Ticket.assignee_id, func.count().label("n"))
        .where(Ticket.status.in_(LOAD_STATUSES), Ticket.assignee_id.is_not(None))
        .group_by(Ticket.assignee_id)
        .subquery()
    )
    stmt = (
        select(Agent, func.coalesce(load.c.n, 0))
        .outerjoin(load, load.c.assignee_id == Agent.id)
        .where(Agent.active.is_(True))
        .order_by(Agent.id)
    )
    if online_only:
        stmt = stmt.where(Agent.presence == Presence.online)
    return [(a, int(n)) for a, n in (await session.execute(stmt)).all()]


async def open_load(session: AsyncSession, agent_id: int) -> int:
    stmt = select(func.count()).where(
        Ticket.assignee_id == agent_id, Ticket.status.in_(LOAD_STATUSES)
    )
    return int((await session.execute(stmt)).scalar_one())


async def lock_agent(session: AsyncSession, agent_id: int, *, wait: bool) -> Agent | None:
    """Serialise assignments to one agent (PostgreSQL row lock; SQLite has one writer anyway).

    `wait=False` (SKIP LOCKED) returns None for an agent another transaction is assigning to.
    Only a transaction that holds no other agent lock may wait, or two could deadlock.
    """
    stmt = (
        select(Agent)
        .where(Agent.id == agent_id)
        .with_for_update(skip_locked=not wait)
        # The row read under the lock replaces whatever this session had cached.
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def waiting_tickets(
    session: AsyncSession, queue_ids: Sequence[int], *, limit: int
) -> Sequence[Ticket]:
    """Unassigned open tickets of these queues, in the order they are served."""
    stmt = (
        select(Ticket)
        .join(Queue, Queue.id == Ticket.queue_id)
        .where(
            Ticket.queue_id.in_(queue_ids),
            Ticket.assignee_id.is_(None),
            Ticket.status.in_((TicketStatus.new, TicketStatus.open)),
        )
        .order_by(Queue.rank, PRIORITY_ORDER, Ticket.queued_at, Ticket.id)
        .limit(limit)
        # Two drains at once (two agents freeing up) must not hand one ticket to both.
        .with_for_update(skip_locked=True, of=Ticket)
    )
    return (await session.execute(stmt)).scalars().all()


# Counting who is ahead reads every one of them: in a flood (a chain halts and thousands write
# in) that would make each new ticket cost more than the last. Deeper than this, a customer
# is told "more than N ahead", and the SLA, not the count, sets their expected time.
POSITION_COUNT_LIMIT = 500


async def queue_position(session: AsyncSession, ticket: Ticket) -> tuple[int, bool]:
    """(1 + the waiting tickets of the same queue that will be served first, whether the count
    stopped at POSITION_COUNT_LIMIT)."""
    mine = PRIORITY_ORDER_VALUE[ticket.priority]
    ahead = (
        select(Ticket.id)
        .where(
            Ticket.queue_id == ticket.queue_id,
            Ticket.assignee_id.is_(None),
            Ticket.status.in_((TicketStatus.new, TicketStatus.open)),
            Ticket.id != ticket.id,
            or_(
                literal(mine) > PRIORITY_ORDER,
                and_(
                    literal(mine) == PRIORITY_ORDER,
                    or_(
                        Ticket.queued_at < ticket.queued_at,
                        and_(Ticket.queued_at == ticket.queued_at, Ticket.id < ticket.id),
                    ),
                ),
            ),
        )
        .limit(POSITION_COUNT_LIMIT)
        .subquery()
    )
    count = int((await session.execute(select(func.count()).select_from(ahead))).scalar_one())
    return 1 + count, count >= POSITION_COUNT_LIMIT


async def online_agents_serving(session: AsyncSession, queue_key: str) -> int:
    # Queue membership lives in a JSON list; the online staff is small, so count in Python.
    stmt = select(Agent.queues).where(Agent.active.is_(True), Agent.presence == Presence.online)
    return sum(1 for queues in (await session.execute(stmt)).scalars() if queue_key in queues)


PRIORITY_ORDER_VALUE = {"P1": 1, "P2": 2, "P3": 3, "P4": 4}


async def waiting_counts(session: AsyncSession) -> dict[int, int]:
    stmt = (
        select(Ticket.queue_id, func.count())
        .where(
            Ticket.assignee_id.is_(None),
            Ticket.status.in_((TicketStatus.new, TicketStatus.open)),
        )
        .group_by(Ticket.queue_id)
    )
    return {q: int(n) for q, n in (await session.execute(stmt)).all()}
