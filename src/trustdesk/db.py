"""Database engine, sessions and the column types every model shares."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, Numeric, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Named constraints let Alembic alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out. SQLite drops the offset, so it is put back on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime passed to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Amount(TypeDecorator[Decimal]):
    """An exact crypto amount: NUMERIC(38, 18) everywhere.

    SQLite stores NUMERIC as a binary float, and the default conversion back prints 18
    decimals of float noise (0.4 → 0.400000000000000022). Reading the float's shortest repr
    instead gives back the decimal that was written, for amounts of up to 15 significant
    digits; PostgreSQL keeps every digit.
    """

    impl = Numeric(38, 18)
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(38, 18, asdecimal=False))
        return dialect.type_descriptor(Numeric(38, 18))

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return float(value)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, float):
            return Decimal(repr(value))
        return Decimal(value)


# JSONB on PostgreSQL (indexable), plain JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _: Any) -> None:
            cursor = dbapi_conn.cursor()
            # WAL lets readers work while one writer commits; foreign keys are off by default.
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL's recommended durability: a crash of the app loses nothing; only an OS crash
            # or power cut may lose the last commits. Committing gets several times faster.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    # Recycle instead of pinging before every checkout: one round trip less per request.
    kwargs.setdefault("pool_recycle", 1800)
    return create_async_engine(url, **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after the request's single commit.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


AfterCommit = Any  # a zero-argument callable or coroutine function


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Queue work (live events, e-mails, jobs) that must only happen once the data is durable."""
    session.info.setdefault("after_commit", []).append(callback)


async def commit(session: AsyncSession) -> None:
    """Commit the request's single transaction, then run what waited for it."""
    await session.commit()
    callbacks = session.info.pop("after_commit", [])
    session.info.pop("sla_views", None)
    for callback in callbacks:
        result = callback()
        if hasattr(result, "__await__"):
            await result


async def open_session(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """Request-scoped session. The endpoint commits; anything uncommitted is rolled back."""
    async with maker() as session:
        try:
            yield session
        finally:
            session.info.pop("after_commit", None)
            if session.in_transaction():
                await session.rollback()
