"""Plain factory functions that build data through the real service functions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustdesk.agents.schemas import AgentCreate
from trustdesk.agents.service import create_agent
from trustdesk.db import commit
from trustdesk.models import Agent
from trustdesk.models.agent import AgentRole, Presence

PASSWORD = "correct horse battery"


async def make_agent(
    maker: async_sessionmaker[AsyncSession],
    email: str,
    *,
    now: datetime,
    role: AgentRole = AgentRole.agent,
    languages: list[str] | None = None,
    queues: list[str] | None = None,
    topics: list[str] | None = None,
    capacity: int = 8,
    presence: Presence = Presence.online,
) -> Agent:
    async with maker() as session:
        agent = await create_agent(
            session,
            AgentCreate(
                email=email,
                name=email.split("@")[0].title() + " Tester",
                password=PASSWORD,
                role=role,
                languages=languages or ["en"],
                queues=queues if queues is not None else ["tier1"],
                topics=topics or [],
                capacity=capacity,
            ),
            actor=None,
            now=now,
        )
        agent.presence = presence
        await commit(session)
        return agent


async def login(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def open_ticket(
    client: httpx.AsyncClient, token: str, body: str = "My deposit has not arrived", **extra: Any
) -> dict[str, Any]:
    payload = {"subject": extra.pop("subject", "Help"), "body": body, **extra}
    response = await client.post(
        "/api/v1/me/tickets", json=payload, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]
