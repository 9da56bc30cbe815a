"""Shared helpers for the sandbox, API and HTTP connector tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustdesk.db import commit
from trustdesk.exchange.sandbox import load_sandbox_file

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sandbox.yaml"


def tx(n: int, evm: bool = False) -> str:
    return ("0x" if evm else "") + f"{n:064x}"


async def load_fixture(maker: async_sessionmaker[AsyncSession], now) -> None:  # type: ignore[no-untyped-def]
    async with maker() as session:
        await load_sandbox_file(session, FIXTURE, now=now)
        await commit(session)
