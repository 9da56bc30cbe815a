"""FastAPI dependency aliases shared by every domain's api.py and web.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.auth import service as auth_service
from trustdesk.auth.customer_tokens import verify_customer_token
from trustdesk.config import Settings
from trustdesk.db import open_session
from trustdesk.errors import Forbidden, InvalidInput, Unauthorized
from trustdesk.kit.clock import utcnow
from trustdesk.kit.pagination import MAX_LIMIT, decode_cursor, encode_cursor
from trustdesk.models import Agent, AgentRole, Customer


# Dependencies are `async def` even when they do not await: FastAPI runs a plain `def`
# dependency in a worker thread, a hop that costs more than the function itself.
async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async for session in open_session(request.app.state.sessionmaker):
        yield session


async def get_now() -> datetime:
    """The request's clock. Tests override this dependency to move time."""
    return utcnow()


def request_now(request: Request) -> datetime:
    """`get_now` for code FastAPI does not inject into (the fast lane's endpoints), honouring
    an override of it as FastAPI would."""
    clock = request.app.dependency_overrides.get(get_now)
    return clock() if clock is not None else utcnow()


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
NowDep = Annotated[datetime, Depends(get_now)]


async def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str:
    if not authorization:
        raise Unauthorized("missing Authorization header (Bearer token)")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization must be 'Bearer <token>'")
    return token.strip()


BearerDep = Annotated[str, Depends(bearer_token)]


async def current_agent(session: SessionDep, token: BearerDep, now: NowDep) -> Agent:
    if not token.startswith(auth_service.AGENT_TOKEN_PREFIX):
        raise Unauthorized("this endpoint needs an agent token")
    return await auth_service.authenticate_agent(session, token, now=now)


async def current_customer(
    session: SessionDep, token: BearerDep, now: NowDep, settings: SettingsDep
) -> Customer:
    if token.startswith(auth_service.AGENT_TOKEN_PREFIX):
        raise Unauthorized("this endpoint needs a customer token signed by the exchange")
    claims = verify_customer_token(
        token, settings.customer_token_secret, now=now, issuer=settings.customer_token_issuer
    )
    return await auth_service.resolve_customer(session, claims)


CurrentAgent = Annotated[Agent, Depends(current_agent)]
CurrentCustomer = Annotated[Customer, Depends(current_customer)]


def require_role(*roles: AgentRole) -> Callable[..., Coroutine[Any, Any, Agent]]:
    """An agent with one of these roles (admins pass every check)."""

    async def _check(agent: CurrentAgent) -> Agent:
        if agent.role != AgentRole.admin and agent.role not in roles:
            raise Forbidden(f"needs role: {', '.join(roles) or 'admin'}")
        return agent

    return _check


AdminAgent = Annotated[Agent, Depends(require_role(AgentRole.admin))]
LeadAgent = Annotated[Agent, Depends(require_role(AgentRole.lead))]


IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Retry-safe creation: same key, same answer."),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]


def cursor_after(cursor: str | None) -> int | None:
    """The id a page starts after; a cursor the client made up is a 422, not a 500."""
    try:
        return decode_cursor(cursor)
    except ValueError as exc:
        raise InvalidInput("invalid cursor: pass back the next_cursor of a previous page") from exc


def next_cursor(ids: list[int], limit: int) -> str | None:
    """The cursor of the next page, or None when this page was the last."""
    return encode_cursor(ids[-1]) if ids and len(ids) == limit else None
