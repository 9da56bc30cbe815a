"""Staff management (admins) and each agent's own presence."""

from __future__ import annotations

from fastapi import APIRouter

from trustdesk.agents import service
from trustdesk.agents.schemas import AgentCreate, AgentLoad, AgentRead, AgentUpdate, PresenceUpdate
from trustdesk.db import commit
from trustdesk.deps import AdminAgent, CurrentAgent, NowDep, SessionDep
from trustdesk.errors import NotFound
from trustdesk.models import Agent
from trustdesk.routing import repository as routing_repository

router = APIRouter(prefix="/api/v1/agents", tags=["agents"])


@router.get("", response_model=list[AgentLoad])
async def list_agents(session: SessionDep, agent: CurrentAgent) -> list[AgentLoad]:
    """Everyone on the desk with presence and current load."""
    rows = await routing_repository.agents_with_load(session, online_only=False)
    return [
        AgentLoad.model_validate({**AgentRead.model_validate(a).model_dump(), "open_tickets": n})
        for a, n in rows
    ]


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
