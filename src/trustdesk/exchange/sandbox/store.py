"""Load a sandbox file into the database: the `trustdesk sandbox load` command and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.exchange import repository
from trustdesk.exchange.addresses import address_key
from trustdesk.exchange.chains import ChainRegistry, default_registry
from trustdesk.exchange.diagnosis import txid_key
from trustdesk.exchange.sandbox.chain_clock import DEFAULT_BASE_HEIGHT, ChainClock
from trustdesk.exchange.sandbox.spec import (
    ChainTxSpec,
    SandboxFileError,
    UserSpec,
    parse_sandbox,
    read_sandbox_file,
)
from trustdesk.exchange.types import WithdrawalStatus
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

__all__ = ["LoadResult", "load_demo_sandbox", "load_sandbox", "load_sandbox_file"]


@dataclass(frozen=True)
class LoadResult:
    users: int
    deposits: int
    withdrawals: int
    chain_transactions: int


async def network_clock(
    session: AsyncSession, registry: ChainRegistry, code: str, now: datetime
) -> ChainClock:
    """The chain clock of `code`, started at `now` the first time a network is used."""
    row = await session.get(SandboxNetwork, code)
    if row is None:
        row = SandboxNetwork(
            code=code, base_height=DEFAULT_BASE_HEIGHT, base_time=now, maintenance=False
        )
        session.add(row)
        await session.flush()
    return ChainClock(row.base_height, row.base_time, registry.network(code).block_time_seconds)


def _chain_txs(user: UserSpec) -> list[ChainTxSpec]:
    """The user's listed transactions plus one per deposit / sent withdrawal with a txid."""
    txs = {txid_key(tx.txid): tx for tx in user.chain_transactions}
    for dep in user.deposits:
        if dep.txid and txid_key(dep.txid) not in txs:
            txs[txid_key(dep.txid)] = ChainTxSpec(
                txid=dep.txid,
                network=dep.network,
                asset=dep.asset,
                token_contract=None,  # filled from the registry below
                from_address=dep.from_address,
                to_address=dep.to_address,
                memo=dep.memo,
                amount=dep.amount,
                confirmations=dep.confirmations,
                broadcast=True,
            )
    for wd in user.withdrawals:
        sent = wd.status in (WithdrawalStatus.BROADCAST, WithdrawalStatus.COMPLETED)
        if wd.txid and sent and txid_key(wd.txid) not in txs:
            txs[txid_key(wd.txid)] = ChainTxSpec(
                txid=wd.txid,
                network=wd.network,
                asset=wd.asset,
                token_contract=None,
                from_address=None,
                to_address=wd.to_address,
                memo=wd.memo,
                amount=wd.amount - wd.fee,
                confirmations=wd.confirmations,
                broadcast=True,
            )
    return list(txs.values())


async def _check_ids_free(session: AsyncSession, user: UserSpec, tx_keys: list[str]) -> None:
    # Ids are global (withdrawal actions name only the id): another user's id is an error,
    # not something to overwrite.
    for label, column, values in (
        ("deposit id", SandboxDeposit.deposit_id, [d.id for d in user.deposits]),
        ("withdrawal id", SandboxWithdrawal.withdrawal_id, [w.id for w in user.withdrawals]),
        ("txid", SandboxChainTransaction.txid_key, tx_keys),
    ):
        for value, owner in (await repository.owners(session, column, values)).items():
            if owner != user.id:
                raise SandboxFileError(
                    f"user {user.id}: {label} {value!r} already belongs to user {owner}"
                )


async def _load_user(
    session: AsyncSession, registry: ChainRegistry, user: UserSpec, now: datetime
) -> int:
    await repository.delete_user(session, user.id)
    await session.flush()
    txs = _chain_txs(user)
    await _check_ids_free(session, user, [txid_key(tx.txid) for tx in txs])
    session.add(
        SandboxAccount(
            user_id=user.id,
            email=user.email,
            phone=user.phone,
            vip_level=user.vip_level,
            kyc_level=user.kyc_level,
            kyc_status=user.kyc_status.value,
            account_state=user.account_state.value,
            created_at=now,
            updated_at=now,
        )
    )
    for asset, available, locked in user.balances:
        session.add(
            SandboxBalance(user_id=user.id, asset=asset, available=available, locked=locked)
        )
    for asset, network, address, memo in user.deposit_addresses:
        family = registry.network(network).family
        session.add(
            SandboxDepositAddress(
                user_id=user.id,
                asset=asset,
                network=network,
                address=address,
                address_key=address_key(family, address),
                memo=memo,
            )
        )
    for kind, at, ip, device, country, asn in user.security_events:
        session.add(
            SandboxSecurityEvent(
                user_id=user.id,
                kind=kind.value,
                at=at,
                ip=ip,
                device_id=device,
                country=country,
                asn=asn,
            )
        )
    for dep in user.deposits:
        session.add(
            SandboxDeposit(
                deposit_id=dep.id,
                user_id=user.id,
                asset=dep.asset,
                network=dep.network,
                amount=dep.amount,
                txid=dep.txid,
                txid_key=txid_key(dep.txid) if dep.txid else None,
                from_address=dep.from_address,
                to_address=dep.to_address,
                memo=dep.memo,
                status=dep.status.value,
                confirmations=dep.confirmations,
                auto_credit=dep.auto_credit,
                compliance_hold=dep.compliance_hold,
                detected_at=dep.detected_at,
                credited_at=dep.credited_at,
            )
        )
    for wd in user.withdrawals:
        session.add(
            SandboxWithdrawal(
                withdrawal_id=wd.id,
                user_id=user.id,
                asset=wd.asset,
                network=wd.network,
                amount=wd.amount,
                fee=wd.fee,
                to_address=wd.to_address,
                memo=wd.memo,
                status=wd.status.value,
                txid=wd.txid,
                txid_key=txid_key(wd.txid) if wd.txid else None,
                confirmations=wd.confirmations,
                hold_reason_code=wd.hold_reason_code,
                reject_code=wd.reject_code,
                created_at=wd.created_at,
            )
        )
    for tx in txs:
        clock = await network_clock(session, registry, tx.network, now)
        contract = tx.token_contract
        if contract is None and tx.asset:
            entry = registry.find_asset_network(tx.asset, tx.network)
            contract = entry.contract if entry else None
        session.add(
            SandboxChainTransaction(
                txid=tx.txid,
                txid_key=txid_key(tx.txid),
                user_id=user.id,
                network=tx.network,
                asset=tx.asset,
                token_contract=contract,
                from_address=tx.from_address,
                to_address=tx.to_address,
                memo=tx.memo,
                amount=tx.amount,
                block_height=clock.height_with_confirmations(tx.confirmations, now)
                if tx.broadcast
                else None,
                broadcast=tx.broadcast,
            )
        )
    await session.flush()
    return len(txs)


async def load_sandbox(
    session: AsyncSession, data: Any, *, now: datetime, registry: ChainRegistry | None = None
) -> LoadResult:
    """Check a sandbox document and replace each listed user's data with it (idempotent).

    Network settings (`height`, `maintenance`) are updated in place; users not in the document
    are left alone. Flushes, does not commit. Raises `SandboxFileError` naming the bad entry.
    """
    registry = registry or default_registry()
    spec = parse_sandbox(data, registry, now)
    for net in spec.networks:
        row = await session.get(SandboxNetwork, net.code)
        if row is None:
            row = SandboxNetwork(
                code=net.code, base_height=DEFAULT_BASE_HEIGHT, base_time=now, maintenance=False
            )
            session.add(row)
        if net.height is not None:
            row.base_height, row.base_time = net.height, now
        if net.maintenance is not None:
            row.maintenance = net.maintenance
    await session.flush()
    txs = 0
    for user in spec.users:
        txs += await _load_user(session, registry, user, now)
    return LoadResult(
        users=len(spec.users),
        deposits=sum(len(u.deposits) for u in spec.users),
        withdrawals=sum(len(u.withdrawals) for u in spec.users),
        chain_transactions=txs,
    )


async def load_sandbox_file(
    session: AsyncSession, path: str | Path, *, now: datetime, registry: ChainRegistry | None = None
) -> LoadResult:
    """`load_sandbox` on a YAML file."""
    return await load_sandbox(session, read_sandbox_file(path), now=now, registry=registry)


async def load_demo_sandbox(session: AsyncSession, now: datetime) -> LoadResult:
    """Load the packaged demo exchange (users u-1001..u-1016, one case per diagnosis verdict)."""
    text = resources.files("trustdesk.exchange").joinpath("demo_sandbox.yaml").read_text("utf-8")
    return await load_sandbox(session, yaml.safe_load(text), now=now)
