"""Queries for logins and identities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models import Agent, AgentToken, Customer


async def agent_by_email(session: AsyncSession, email: str) -> Agent | None:
    return (
        await session.execute(select(Agent).where(Agent.email == email.strip().lower()))
    ).scalar_one_or_none()


async def agent_by_token_hash(
    session: AsyncSession, token_hash: str, now: datetime
) -> Agent | None:
    stmt = (
        select(Agent)
        .join(AgentToken, AgentToken.agent_id == Agent.id)
        .where(
            AgentToken.token_hash == token_hash,
            AgentToken.revoked.is_(False),
            AgentToken.expires_at > now,
            Agent.active.is_(True),
        )
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def token_by_hash(session: AsyncSession, token_hash: str) -> AgentToken | None:
    return (
        await session.execute(select(AgentToken).where(AgentToken.token_hash == token_hash))
    ).scalar_one_or_none()


async def customer_by_external_id(session: AsyncSession, external_id: str) -> Customer | None:
    return (
        await session.execute(select(Customer).where(Customer.external_id == external_id))
    ).scalar_one_or_none()
