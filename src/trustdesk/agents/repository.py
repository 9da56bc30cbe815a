from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models import Agent, AgentRole, Presence, Ticket
from trustdesk.routing.repository import LOAD_STATUSES


@dataclass(frozen=True)
class AgentFilter:
    role: AgentRole | None = None
    presence: Presence | None = None
    active: bool = True
    queue: str | None = None
    language: str | None = None

    def matches_skills(self, agent: Agent) -> bool:
        return (self.queue is None or self.queue in (agent.queues or ())) and (
            self.language is None or self.language in (agent.languages or ())
        )


async def by_email(session: AsyncSession, email: str) -> Agent | None:
    return (await session.execute(select(Agent).where(Agent.email == email))).scalar_one_or_none()


async def page_with_load(
    session: AsyncSession, f: AgentFilter, *, after_id: int | None, limit: int
) -> Sequence[tuple[Agent, int]]:
    """One page of agents in id order with their open-ticket load.

    Queues and languages are JSON lists, which the two databases query differently; a desk
    has hundreds of agents, not millions, so those two filters run here on the rows that
    passed the SQL ones, reading on until the page is full."""
    stmt = select(Agent).order_by(Agent.id)
    if after_id is not None:
        stmt = stmt.where(Agent.id > after_id)
    if f.role is not None:
        stmt = stmt.where(Agent.role == f.role)
    if f.presence is not None:
        stmt = stmt.where(Agent.presence == f.presence)
    stmt = stmt.where(Agent.active.is_(f.active))
    agents = [a for a in (await session.execute(stmt)).scalars() if f.matches_skills(a)][:limit]
    if not agents:
        return []
    load = dict(
        (
            await session.execute(
                select(Ticket.assignee_id, func.count())
                .where(
                    Ticket.assignee_id.in_([a.id for a in agents]),
                    Ticket.status.in_(LOAD_STATUSES),
                )
                .group_by(Ticket.assignee_id)
            )
        ).all()
    )
    return [(a, int(load.get(a.id, 0))) for a in agents]
