"""Test fixtures: a real database (SQLite or PostgreSQL), the real app, a controllable clock.

Choose the database with TRUSTDESK_TEST_DATABASE_URL (default: a SQLite file in a temp dir).
The schema is built once per run by the Alembic migrations; every test then starts from empty
tables plus the reference data (queues, SLA policies).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustdesk.app import create_app
from trustdesk.auth.customer_tokens import issue_customer_token
from trustdesk.bootstrap import ensure_reference_data
from trustdesk.config import DEV_CUSTOMER_TOKEN_SECRET, Environment, Settings
from trustdesk.db import Base, commit
from trustdesk.deps import get_now
from trustdesk.kit.cache import clear_all
from trustdesk.migrate import upgrade


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TRUSTDESK_TEST_DATABASE_URL")
    if not url:
        path = Path(tmp_path_factory.mktemp("db")) / "test.db"
        url = f"sqlite+aiosqlite:///{path}"
    if url.startswith("postgresql"):
        # A clean schema per run: the suite owns this database.
        import psycopg

        sync_url = url.replace("postgresql+asyncpg://", "postgresql://")
        with psycopg.connect(sync_url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
    upgrade(url)
    return url


@dataclass
class Clock:
    now: datetime

    def advance(self, **kwargs: float) -> datetime:
        self.now = self.now + timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 2, 3, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        env=Environment.test,
        database_url=database_url,
        run_sweep_in_process=False,
    )


async def _reset(maker: async_sessionmaker[AsyncSession], dialect: str) -> None:
    clear_all()
    async with maker() as session:
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        if dialect == "postgresql":
            await session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                await session.execute(text(f"DELETE FROM {name}"))
        await ensure_reference_data(session)
        await commit(session)


@pytest.fixture
async def app(settings: Settings, clock: Clock) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    application.dependency_overrides[get_now] = lambda: clock.now
    await _reset(application.state.sessionmaker, application.state.engine.dialect.name)
    yield application
    await application.state.engine.dispose()


@pytest.fixture
def maker(app: FastAPI) -> async_sessionmaker[AsyncSession]:
    return app.state.sessionmaker  # type: ignore[no-any-return]


@pytest.fixture
async def session(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with maker() as s:
        yield s


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.fixture
def customer_token(clock: Clock) -> Any:
    """Sign a customer token the way the exchange does."""

    def make(external_id: str = "u-1", **profile: Any) -> str:
        return issue_customer_token(
            DEV_CUSTOMER_TOKEN_SECRET, external_id, now=clock.now, **profile
        )

    return make


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"
