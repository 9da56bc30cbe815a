"""Queries on the sandbox exchange's tables. Every user-facing read is keyed by the user."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models.exchange import (
    SandboxAccount,
    SandboxBalance,
    SandboxChainTransaction,
    SandboxDeposit,
    SandboxDepositAddress,
    SandboxNetwork,
    SandboxSecurityEvent,
    SandboxWithdrawal,
)

USER_TABLES = (
    SandboxSecurityEvent,
    SandboxDepositAddress,
    SandboxDeposit,
    SandboxWithdrawal,
    SandboxBalance,
    SandboxChainTransaction,
    SandboxAccount,
)


async def networks(session: AsyncSession) -> dict[str, SandboxNetwork]:
    rows = (await session.execute(select(SandboxNetwork))).scalars()
    return {row.code: row for row in rows}


async def account(session: AsyncSession, user_id: str) -> SandboxAccount | None:
    stmt = select(SandboxAccount).where(SandboxAccount.user_id == user_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def delete_user(session: AsyncSession, user_id: str) -> None:
    """Remove everything a user owns (their chain transactions included)."""
    for model in USER_TABLES:
        await session.execute(delete(model).where(model.user_id == user_id))


async def security_events(
    session: AsyncSession, user_id: str, since: datetime
) -> Sequence[SandboxSecurityEvent]:
    stmt = (
        select(SandboxSecurityEvent)
        .where(SandboxSecurityEvent.user_id == user_id, SandboxSecurityEvent.at >= since)
        .order_by(SandboxSecurityEvent.at, SandboxSecurityEvent.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def deposit_addresses(session: AsyncSession, user_id: str) -> Sequence[SandboxDepositAddress]:
    stmt = (
        select(SandboxDepositAddress)
        .where(SandboxDepositAddress.user_id == user_id)
        .order_by(SandboxDepositAddress.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def addresses_by_key(session: AsyncSession, key: str) -> Sequence[SandboxDepositAddress]:
    stmt = select(SandboxDepositAddress).where(SandboxDepositAddress.address_key == key)
    return (await session.execute(stmt)).scalars().all()


async def deposits(
    session: AsyncSession, user_id: str, since: datetime | None
) -> Sequence[SandboxDeposit]:
    stmt = select(SandboxDeposit).where(SandboxDeposit.user_id == user_id)
    if since is not None:
        stmt = stmt.where(SandboxDeposit.detected_at >= since)
    stmt = stmt.order_by(SandboxDeposit.detected_at.desc(), SandboxDeposit.id.desc())
    return (await session.execute(stmt)).scalars().all()


async def deposit_by_reference(session: AsyncSession, reference: str) -> SandboxDeposit | None:
    stmt = select(SandboxDeposit).where(SandboxDeposit.reference == reference)
    return (await session.execute(stmt)).scalar_one_or_none()


async def withdrawals(session: AsyncSession, user_id: str) -> Sequence[SandboxWithdrawal]:
    stmt = (
        select(SandboxWithdrawal)
        .where(SandboxWithdrawal.user_id == user_id)
        .order_by(SandboxWithdrawal.created_at.desc(), SandboxWithdrawal.id.desc())
    )
    return (await session.execute(stmt)).scalars().all()


async def withdrawal(session: AsyncSession, withdrawal_id: str) -> SandboxWithdrawal | None:
    stmt = select(SandboxWithdrawal).where(SandboxWithdrawal.withdrawal_id == withdrawal_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def balances(session: AsyncSession, user_id: str) -> Sequence[SandboxBalance]:
    stmt = (
        select(SandboxBalance)
        .where(SandboxBalance.user_id == user_id)
        .order_by(SandboxBalance.asset)
    )
    return (await session.execute(stmt)).scalars().all()


async def balance(session: AsyncSession, user_id: str, asset: str) -> SandboxBalance | None:
    stmt = select(SandboxBalance).where(
        SandboxBalance.user_id == user_id, SandboxBalance.asset == asset
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def chain_transactions(
    session: AsyncSession, keys: Iterable[str]
) -> dict[str, SandboxChainTransaction]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    stmt = select(SandboxChainTransaction).where(SandboxChainTransaction.txid_key.in_(wanted))
    return {row.txid_key: row for row in (await session.execute(stmt)).scalars()}


async def owners(session: AsyncSession, column: Any, values: Iterable[str]) -> dict[str, str]:
    """value -> owning user_id for rows whose `column` (e.g. SandboxDeposit.deposit_id) is in
    `values`: finds ids another user already holds."""
    wanted = sorted(set(values))
    if not wanted:
        return {}
    model = column.class_
    stmt = select(column, model.user_id).where(column.in_(wanted))
    return {value: user for value, user in (await session.execute(stmt)).all()}
