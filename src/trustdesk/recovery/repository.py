"""Every recovery query. Customer reads start from a statement limited to their own cases."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models.recovery import RecoveryCase, RecoveryKind, RecoveryStatus


def all_cases() -> Select[RecoveryCase]:
    return select(RecoveryCase)


def customer_cases(customer_id: int) -> Select[RecoveryCase]:
    """The only starting point for anything a customer reads."""
    return select(RecoveryCase).where(RecoveryCase.customer_id == customer_id)


async def get(
    session: AsyncSession, case_id: int, *, for_update: bool = False
) -> RecoveryCase | None:
    stmt = all_cases().where(RecoveryCase.id == case_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_for_customer(
    session: AsyncSession, customer_id: int, case_id: int, *, for_update: bool = False
) -> RecoveryCase | None:
    stmt = customer_cases(customer_id).where(RecoveryCase.id == case_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def for_ticket(
    session: AsyncSession, customer_id: int, ticket_id: int
) -> RecoveryCase | None:
    """The customer's case whose ticket this is (a case opens one ticket; newest if ever more)."""
    stmt = (
        customer_cases(customer_id)
        .where(RecoveryCase.ticket_id == ticket_id)
        .order_by(RecoveryCase.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_reference(session: AsyncSession, reference: str) -> RecoveryCase | None:
    stmt = all_cases().where(RecoveryCase.reference == reference)
    return (await session.execute(stmt)).scalar_one_or_none()


async def for_subject(
    session: AsyncSession, customer_id: int, subject_key: str
) -> Sequence[RecoveryCase]:
    """The customer's cases about one transaction or deposit, newest first."""
    stmt = (
        customer_cases(customer_id)
        .where(RecoveryCase.txid_key == subject_key)
        .order_by(RecoveryCase.id.desc())
    )
    return (await session.execute(stmt)).scalars().all()


async def auto_cases(session: AsyncSession, customer_id: int) -> Sequence[RecoveryCase]:
    """The customer's automatic recoveries (few per customer), to see what they covered."""
    stmt = customer_cases(customer_id).where(RecoveryCase.kind == RecoveryKind.auto)
    return (await session.execute(stmt.order_by(RecoveryCase.id))).scalars().all()


async def page(
    session: AsyncSession,
    stmt: Select[RecoveryCase],
    *,
    status: Sequence[RecoveryStatus] = (),
    kind: RecoveryKind | None = None,
    customer_id: int | None = None,
    after_id: int | None,
    limit: int,
) -> Sequence[RecoveryCase]:
    """Newest first, keyset-paginated on the id."""
    if status:
        stmt = stmt.where(RecoveryCase.status.in_(list(status)))
    if kind is not None:
        stmt = stmt.where(RecoveryCase.kind == kind)
    if customer_id is not None:
        stmt = stmt.where(RecoveryCase.customer_id == customer_id)
    if after_id is not None:
        stmt = stmt.where(RecoveryCase.id < after_id)
    stmt = stmt.order_by(RecoveryCase.id.desc()).limit(limit)
    return (await session.execute(stmt)).scalars().all()
