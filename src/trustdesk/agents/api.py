"""Staff management (admins) and each agent's own presence."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from trustdesk.agents import repository, service
from trustdesk.agents.schemas import AgentCreate, AgentLoad, AgentRead, AgentUpdate, PresenceUpdate
from trustdesk.db import commit
from trustdesk.deps import (
    AdminAgent,
    CurrentAgent,
    Limit,
    NowDep,
    SessionDep,
    cursor_after,
    next_cursor,
)
from trustdesk.errors import NotFound
from trustdesk.kit.pagination import Page
from trustdesk.models import Agent, AgentRole, Presence

router = APIRouter(prefix="/api/v1/agents", tags=["agents"])


@router.get("", response_model=Page[AgentLoad])
async def list_agents(
    session: SessionDep,
    agent: CurrentAgent,
    role: AgentRole | None = None,
    presence: Presence | None = None,
    active: Annotated[bool, Query(description="false: the deactivated agents.")] = True,
    queue: str | None = None,
    language: str | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[AgentLoad]:
    """The desk's staff with presence and current load; filter by role, presence, queue and
    language."""
    f = repository.AgentFilter(
        role=role, presence=presence, active=active, queue=queue, language=language
    )
    rows = await repository.page_with_load(session, f, after_id=cursor_after(cursor), limit=limit)
    items = [
        AgentLoad.model_validate({**AgentRead.model_validate(a).model_dump(), "open_tickets": n})
        for a, n in rows
    ]
    return Page(items=items, next_cursor=next_cursor([a.id for a, _ in rows], limit))


@router.post("", status_code=201, response_model=AgentRead)
async def create_agent(
    data: AgentCreate, session: SessionDep, admin: AdminAgent, now: NowDep
) -> AgentRead:
    agent = await service.create_agent(session, data, actor=admin, now=now)
    await commit(session)
    return AgentRead.model_validate(agent)


@router.patch("/{agent_id}", response_model=AgentRead)
async def update_agent(
    agent_id: int, data: AgentUpdate, session: SessionDep, admin: AdminAgent, now: NowDep
) -> AgentRead:
    agent = await session.get(Agent, agent_id)
    if agent is None:
        raise NotFound(f"agent {agent_id} not found")
    await service.update_agent(session, agent, data, actor=admin, now=now)
    await commit(session)
    return AgentRead.model_validate(agent)


@router.put("/me/presence", response_model=AgentRead)
async def set_my_presence(
    data: PresenceUpdate, session: SessionDep, agent: CurrentAgent, now: NowDep
) -> AgentRead:
    """Online / away / offline. Coming online hands you waiting tickets at once."""
    await service.set_presence(session, agent, data.presence, now=now)
    await commit(session)
    return AgentRead.model_validate(agent)
