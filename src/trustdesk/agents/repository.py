from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models import Agent


async def by_email(session: AsyncSession, email: str) -> Agent | None:
    return (await session.execute(select(Agent).where(Agent.email == email))).scalar_one_or_none()
