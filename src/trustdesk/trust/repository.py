"""Every query of the trust domain: register, look-alike contacts, chain data, tags, traces."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models.trust import (
    AddressTagEntry,
    ChainTransfer,
    ChannelRegisterState,
    FundTrace,
    LookalikeContact,
    OfficialChannelEntry,
)

__all__ = ["LookalikeContact", "lookalike_contacts"]

_STATE_ID = 1

# ---------------------------------------------------------------------------------------------
# Official-channel register
# ---------------------------------------------------------------------------------------------


async def channels_page(
    session: AsyncSession, *, after_id: int | None, limit: int, active: bool | None = None
) -> Sequence[OfficialChannelEntry]:
    stmt = select(OfficialChannelEntry).order_by(OfficialChannelEntry.id).limit(limit)
    if after_id is not None:
        stmt = stmt.where(OfficialChannelEntry.id > after_id)
    if active is not None:
        stmt = stmt.where(OfficialChannelEntry.active.is_(active))
    return (await session.execute(stmt)).scalars().all()


async def active_channels(session: AsyncSession) -> Sequence[OfficialChannelEntry]:
    stmt = (
        select(OfficialChannelEntry)
        .where(OfficialChannelEntry.active.is_(True))
        .order_by(OfficialChannelEntry.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def channel_by_key(session: AsyncSession, key: str) -> OfficialChannelEntry | None:
    stmt = select(OfficialChannelEntry).where(OfficialChannelEntry.channel_key == key)
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_channel(session: AsyncSession, channel_id: int) -> OfficialChannelEntry | None:
    return await session.get(OfficialChannelEntry, channel_id)


async def register_stamp(session: AsyncSession) -> str:
    """The register's current version stamp ("empty" before the first change)."""
    stmt = select(ChannelRegisterState.version, ChannelRegisterState.stamp).where(
        ChannelRegisterState.id == _STATE_ID
    )
    row = (await session.execute(stmt)).one_or_none()
    return f"{row.version}:{row.stamp}" if row else "empty"


async def bump_register_version(session: AsyncSession, now: datetime) -> None:
    """Mark the register changed; every process rebuilds its cached copy on next use."""
    stamp = uuid.uuid4().hex
    bump = (
        update(ChannelRegisterState)
        .where(ChannelRegisterState.id == _STATE_ID)
        .values(version=ChannelRegisterState.version + 1, stamp=stamp, updated_at=now)
    )
    if getattr(await session.execute(bump), "rowcount", 0):
        return
    try:
        # The very first change creates the row; a concurrent first change may win that race,
        # in which case ours becomes an ordinary bump.
        async with session.begin_nested():
            session.add(ChannelRegisterState(id=_STATE_ID, version=1, stamp=stamp, updated_at=now))
    except IntegrityError:
        await session.execute(bump)


# ---------------------------------------------------------------------------------------------
# Look-alike contacts
# ---------------------------------------------------------------------------------------------


async def lookalike_contacts(
    session: AsyncSession, customer_id: int, since: datetime
) -> list[LookalikeContact]:
    """The customer's look-alike contacts at or after `since`, oldest first (a risk signal)."""
    stmt = (
        select(LookalikeContact)
        .where(LookalikeContact.customer_id == customer_id, LookalikeContact.at >= since)
        .order_by(LookalikeContact.at, LookalikeContact.id)
    )
    return list((await session.execute(stmt)).scalars().all())


async def contacts_page(
    session: AsyncSession, *, customer_id: int, after_id: int | None, limit: int
) -> Sequence[LookalikeContact]:
    """Newest first: what an agent looks at."""
    stmt = (
        select(LookalikeContact)
        .where(LookalikeContact.customer_id == customer_id)
        .order_by(LookalikeContact.id.desc())
        .limit(limit)
    )
    if after_id is not None:
        stmt = stmt.where(LookalikeContact.id < after_id)
    return (await session.execute(stmt)).scalars().all()


# ---------------------------------------------------------------------------------------------
# Chain data and address tags
# ---------------------------------------------------------------------------------------------


async def outgoing_transfers(
    session: AsyncSession, network: str, address: str
) -> Sequence[ChainTransfer]:
    stmt = (
        select(ChainTransfer)
        .where(ChainTransfer.network == network, ChainTransfer.from_address == address)
        .order_by(ChainTransfer.at, ChainTransfer.txid, ChainTransfer.output_index)
    )
    return (await session.execute(stmt)).scalars().all()


async def transfers_by_txid(
    session: AsyncSession, network: str, txid: str
) -> Sequence[ChainTransfer]:
    stmt = (
        select(ChainTransfer)
        .where(ChainTransfer.network == network, ChainTransfer.txid == txid)
        .order_by(ChainTransfer.output_index, ChainTransfer.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def find_transfer(
    session: AsyncSession, network: str, txid: str, output_index: int, to_address: str
) -> ChainTransfer | None:
    stmt = select(ChainTransfer).where(
        ChainTransfer.network == network,
        ChainTransfer.txid == txid,
        ChainTransfer.output_index == output_index,
        ChainTransfer.to_address == to_address,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def tags_for(
    session: AsyncSession, network: str, addresses: Iterable[str]
) -> Sequence[AddressTagEntry]:
    wanted = list(dict.fromkeys(addresses))
    if not wanted:
        return []
    out: list[AddressTagEntry] = []
    # Chunked: keeps the IN list well under every driver's parameter limit.
    for i in range(0, len(wanted), 500):
        stmt = (
            select(AddressTagEntry)
            .where(
                AddressTagEntry.network == network,
                AddressTagEntry.address.in_(wanted[i : i + 500]),
            )
            .order_by(AddressTagEntry.id)
        )
        out.extend((await session.execute(stmt)).scalars().all())
    return out


async def find_tag(
    session: AsyncSession, network: str, address: str, category: str, source: str
) -> AddressTagEntry | None:
    stmt = select(AddressTagEntry).where(
        AddressTagEntry.network == network,
        AddressTagEntry.address == address,
        AddressTagEntry.category == category,
        AddressTagEntry.source == source,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_tag(session: AsyncSession, tag_id: int) -> AddressTagEntry | None:
    return await session.get(AddressTagEntry, tag_id)


async def tags_page(
    session: AsyncSession,
    *,
    after_id: int | None,
    limit: int,
    network: str | None = None,
    address: str | None = None,
    category: str | None = None,
) -> Sequence[AddressTagEntry]:
    stmt = select(AddressTagEntry).order_by(AddressTagEntry.id).limit(limit)
    if after_id is not None:
        stmt = stmt.where(AddressTagEntry.id > after_id)
    if network is not None:
        stmt = stmt.where(AddressTagEntry.network == network)
    if address is not None:
        stmt = stmt.where(AddressTagEntry.address == address)
    if category is not None:
        stmt = stmt.where(AddressTagEntry.category == category)
    return (await session.execute(stmt)).scalars().all()


# ---------------------------------------------------------------------------------------------
# Traces
# ---------------------------------------------------------------------------------------------


async def get_trace(session: AsyncSession, trace_id: int) -> FundTrace | None:
    return await session.get(FundTrace, trace_id)


async def traces_page(
    session: AsyncSession, *, after_id: int | None, limit: int, case_reference: str | None
) -> Sequence[FundTrace]:
    stmt = select(FundTrace).order_by(FundTrace.id.desc()).limit(limit)
    if after_id is not None:
        stmt = stmt.where(FundTrace.id < after_id)
    if case_reference is not None:
        stmt = stmt.where(FundTrace.case_reference == case_reference)
    return (await session.execute(stmt)).scalars().all()
