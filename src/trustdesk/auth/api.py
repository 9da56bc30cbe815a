"""Agent login and logout; who am I."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response

from trustdesk.agents.schemas import AgentRead
from trustdesk.auth import service
from trustdesk.auth.schemas import CustomerMe, LoginRequest, LoginResponse
from trustdesk.db import commit
from trustdesk.deps import BearerDep, CurrentAgent, CurrentCustomer, NowDep, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/login", response_model=LoginResponse)
async def login(
    data: LoginRequest, session: SessionDep, now: NowDep, settings: SettingsDep
) -> LoginResponse:
    """Exchange an agent's e-mail and password for a bearer token."""
    ttl = timedelta(hours=settings.agent_token_ttl_hours)
    token, agent = await service.login(session, data.email, data.password, now=now, ttl=ttl)
    await commit(session)
    return LoginResponse(
        access_token=token, expires_at=now + ttl, agent_id=agent.id, role=agent.role
    )


@router.post("/auth/logout", status_code=204)
async def logout(session: SessionDep, agent: CurrentAgent, token: BearerDep) -> Response:
    await service.logout(session, token)
    await commit(session)
    return Response(status_code=204)


@router.get("/agents/me", response_model=AgentRead)
async def whoami(agent: CurrentAgent) -> AgentRead:
    return AgentRead.model_validate(agent)


@router.get("/me", response_model=CustomerMe)
async def customer_me(session: SessionDep, customer: CurrentCustomer) -> CustomerMe:
    """The customer as TrustDesk knows them, from the exchange's signed token."""
    await commit(session)
    return CustomerMe.model_validate(customer)
