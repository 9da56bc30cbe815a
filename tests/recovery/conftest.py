"""Fixtures for the recovery tests: the recovery sandbox loaded, agents of each role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.factories import login, make_agent
from trustdesk.db import commit
from trustdesk.exchange.sandbox import load_sandbox_file
from trustdesk.models.agent import AgentRole

SANDBOX = Path(__file__).with_name("sandbox.yaml")


def txid(n: int, evm: bool = False) -> str:
    return ("0x" if evm else "") + f"{n:064x}"


MISSING_MEMO = txid(0x102)
WRONG_NETWORK = txid(0x103, evm=True)


@pytest.fixture
async def sandbox(maker, clock) -> None:  # type: ignore[no-untyped-def]
    async with maker() as session:
        await load_sandbox_file(session, SANDBOX, now=clock.now)
        await commit(session)


@pytest.fixture
async def staff(client, maker, clock) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Tokens for a tier-2 agent, two leads, and an admin."""
    roles = {
        "agent": AgentRole.agent,
        "lead": AgentRole.lead,
        "lead2": AgentRole.lead,
        "admin": AgentRole.admin,
    }
    tokens: dict[str, Any] = {}
    for name, role in roles.items():
        email = f"{name}@desk.example"
        agent = await make_agent(maker, email, now=clock.now, role=role, queues=["tier2"])
        tokens[name] = await login(client, email)
        tokens[f"{name}_id"] = agent.id
    return tokens
