"""`SandboxConnector`: the `ExchangeConnector` over the sandbox tables.

Confirmations come from the chain clock (`chain_clock.py`), so they grow with `clock()`; a
confirming deposit whose transaction reaches the crediting threshold reads as credited (unless
it is held, its network is in maintenance, or the file set `auto_credit: false`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustdesk.exchange import repository
from trustdesk.exchange.addresses import address_key, validate_memo
from trustdesk.exchange.chains import ChainRegistry, RegistryError
from trustdesk.exchange.diagnosis import txid_key
from trustdesk.exchange.errors import ExchangeConflict, ExchangeObjectNotFound
from trustdesk.exchange.sandbox.chain_clock import ChainClock
from trustdesk.exchange.types import (
    AccountState,
    Balance,
    ChainTransaction,
    CustomerProfile,
    Deposit,
    DepositAddress,
    DepositStatus,
    KycStatus,
    SecurityEvent,
    SecurityEventKind,
    Withdrawal,
    WithdrawalStatus,
)
from trustdesk.models.exchange import (
    SandboxBalance,
    SandboxChainTransaction,
    SandboxDeposit,
    SandboxNetwork,
    SandboxWithdrawal,
)

__all__ = ["SandboxConnector", "plain_decimal"]

SUPPORT_HOLD_CODE = "support_hold"


def plain_decimal(value: Decimal) -> Decimal:
    """Drop the trailing zeros a Numeric(38, 18) column adds, without going to 1E+2."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


class SandboxConnector:
    """Reads and acts on the sandbox exchange.

    `source` is the request's session (writes are flushed; the request commits) or a session
    maker (each call opens a session and commits its own writes, as a remote exchange would).
    """

    def __init__(
        self,
        source: AsyncSession | async_sessionmaker[AsyncSession],
        registry: ChainRegistry,
        clock: Callable[[], datetime],
    ) -> None:
        self._source = source
        self.registry = registry
        self._clock = clock

    @contextlib.asynccontextmanager
    async def _session(self, write: bool = False) -> AsyncIterator[AsyncSession]:
        if isinstance(self._source, AsyncSession):
            yield self._source
            if write:
                await self._source.flush()
            return
        async with self._source() as session:
            yield session
            if write:
                await session.commit()

    # -- chain clock ---------------------------------------------------------------------------

    def _clocks(self, rows: Mapping[str, SandboxNetwork]) -> dict[str, ChainClock]:
        clocks = {}
        for code, row in rows.items():
            net = self.registry.find_network(code)
            if net is not None:
                clocks[code] = ChainClock(row.base_height, row.base_time, net.block_time_seconds)
        return clocks

    def _tx(
        self, row: SandboxChainTransaction, clocks: Mapping[str, ChainClock], now: datetime
    ) -> ChainTransaction:
        clock = clocks.get(row.network)
        height = row.block_height if row.broadcast else None
        confirmations = clock.confirmations(height, now) if clock else 0
        mined = clock is not None and height is not None and confirmations > 0
        return ChainTransaction(
            txid=row.txid,
            network=row.network,
            asset=row.asset,
            token_contract=row.token_contract,
            from_address=row.from_address,
            to_address=row.to_address,
            memo=row.memo,
            amount=plain_decimal(row.amount),
            confirmations=confirmations,
            block_time=clock.time_of(height) if mined and clock and height else None,
            broadcast=row.broadcast,
        )

    def _deposit(
        self,
        row: SandboxDeposit,
        tx: ChainTransaction | None,
        clocks: Mapping[str, ChainClock],
        nets: Mapping[str, SandboxNetwork],
        now: datetime,
    ) -> Deposit:
        confirmations = tx.confirmations if tx is not None else row.confirmations
        status = DepositStatus(row.status)
        credited_at = row.credited_at
        entry = self.registry.find_asset_network(row.asset, row.network)
        net = nets.get(row.network)
        if (
            status is DepositStatus.CONFIRMING
            and row.auto_credit
            and not row.compliance_hold
            and entry is not None
            and entry.deposits_enabled
            and not (net and net.maintenance)
            and row.amount >= entry.min_deposit
            and confirmations >= entry.confirmations_to_credit
        ):
            # The exchange credits at the crediting threshold; when that block came is known.
            status = DepositStatus.CREDITED
            clock = clocks.get(row.network)
            credited_at = now
            if clock is not None and tx is not None and tx.block_time is not None:
                height = clock.height_at(now) - confirmations + 1
                credited_at = clock.time_of(height + entry.confirmations_to_credit - 1)
        return Deposit(
            id=row.deposit_id,
            asset=row.asset,
            network=row.network,
            amount=plain_decimal(row.amount),
            txid=row.txid,
            from_address=row.from_address,
            to_address=row.to_address,
            memo=row.memo,
            status=status,
            confirmations=confirmations,
            detected_at=row.detected_at,
            credited_at=credited_at,
            compliance_hold=row.compliance_hold,
        )

    def _withdrawal(self, row: SandboxWithdrawal, tx: ChainTransaction | None) -> Withdrawal:
        return Withdrawal(
            id=row.withdrawal_id,
            asset=row.asset,
            network=row.network,
            amount=plain_decimal(row.amount),
            fee=plain_decimal(row.fee),
            to_address=row.to_address,
            memo=row.memo,
            status=WithdrawalStatus(row.status),
            txid=row.txid,
            confirmations=tx.confirmations if tx is not None else row.confirmations,
            hold_reason_code=row.hold_reason_code,
            reject_code=row.reject_code,
            created_at=row.created_at,
        )

    # -- reads ---------------------------------------------------------------------------------

    async def get_profile(self, user_id: str) -> CustomerProfile | None:
        async with self._session() as session:
            row = await repository.account(session, user_id)
        if row is None:
            return None
        return CustomerProfile(
            user_id=row.user_id,
            email=row.email,
            phone=row.phone,
            vip_level=row.vip_level,
            kyc_level=row.kyc_level,
            kyc_status=KycStatus(row.kyc_status),
            account_state=AccountState(row.account_state),
        )

    async def list_security_events(self, user_id: str, since: datetime) -> Sequence[SecurityEvent]:
        async with self._session() as session:
            rows = await repository.security_events(session, user_id, since)
        return [
            SecurityEvent(
                kind=SecurityEventKind(r.kind),
                at=r.at,
                ip=r.ip,
                device_id=r.device_id,
                country=r.country,
                asn=r.asn,
            )
            for r in rows
        ]

    async def list_deposit_addresses(self, user_id: str) -> Sequence[DepositAddress]:
        async with self._session() as session:
            rows = await repository.deposit_addresses(session, user_id)
        return [DepositAddress(r.asset, r.network, r.address, r.memo) for r in rows]

    async def list_deposits(self, user_id: str, since: datetime | None = None) -> Sequence[Deposit]:
        now = self._clock()
        async with self._session() as session:
            rows = await repository.deposits(session, user_id, since)
            txs = await repository.chain_transactions(
                session, (r.txid_key for r in rows if r.txid_key)
            )
            nets = await repository.networks(session)
        clocks = self._clocks(nets)
        chain = {key: self._tx(tx, clocks, now) for key, tx in txs.items()}
        return [self._deposit(r, chain.get(r.txid_key or ""), clocks, nets, now) for r in rows]

    async def find_chain_transaction(self, txid: str) -> ChainTransaction | None:
        now = self._clock()
        async with self._session() as session:
            found = await repository.chain_transactions(session, [txid_key(txid)])
            nets = await repository.networks(session)
        row = found.get(txid_key(txid))
        return None if row is None else self._tx(row, self._clocks(nets), now)

    async def list_withdrawals(self, user_id: str) -> Sequence[Withdrawal]:
        now = self._clock()
        async with self._session() as session:
            rows = await repository.withdrawals(session, user_id)
            txs = await repository.chain_transactions(
                session, (r.txid_key for r in rows if r.txid_key)
            )
            nets = await repository.networks(session)
        clocks = self._clocks(nets)
        return [
            self._withdrawal(
                r, self._tx(txs[r.txid_key], clocks, now) if r.txid_key in txs else None
            )
            for r in rows
        ]

    async def get_balances(self, user_id: str) -> Sequence[Balance]:
        async with self._session() as session:
            rows = await repository.balances(session, user_id)
        return [Balance(r.asset, plain_decimal(r.available), plain_decimal(r.locked)) for r in rows]

    # -- extras the support service uses (see service.py) -------------------------------------

    async def network_maintenance(self) -> Mapping[str, bool]:
        """Network code -> maintenance switch, for networks the sandbox has a clock for."""
        async with self._session() as session:
            return {
                code: row.maintenance for code, row in (await repository.networks(session)).items()
            }

    async def is_attributed_destination(self, network: str, address: str, memo: str | None) -> bool:
        """Whether a transfer to (address, memo) on `network` belongs to *some* exchange account:
        a dedicated deposit address, or a shared one with a memo that was issued."""
        try:
            net = self.registry.network(network)
        except RegistryError:
            return False
        async with self._session() as session:
            rows = await repository.addresses_by_key(session, address_key(net.family, address))
        sent = validate_memo(net, memo).normalized if net.memo else None
        return any(row.memo is None or (sent is not None and row.memo == sent) for row in rows)

    # -- actions -------------------------------------------------------------------------------

    async def freeze_account(self, user_id: str, reason: str) -> None:
        async with self._session(write=True) as session:
            row = await repository.account(session, user_id)
            if row is None:
                raise ExchangeObjectNotFound(f"no exchange user {user_id!r}", status=404)
            row.account_state = AccountState.FROZEN.value
            row.frozen_reason = reason
            row.updated_at = self._clock()

    async def hold_withdrawal(self, withdrawal_id: str, reason: str) -> Withdrawal:
        async with self._session(write=True) as session:
            row = await self._withdrawal_row(session, withdrawal_id)
            status = WithdrawalStatus(row.status)
            if status in (WithdrawalStatus.REQUESTED, WithdrawalStatus.PROCESSING):
                row.status = WithdrawalStatus.HELD.value
                row.hold_reason_code = SUPPORT_HOLD_CODE
            elif status is not WithdrawalStatus.HELD:
                raise ExchangeConflict(
                    f"withdrawal {withdrawal_id} is {status.value}; only a withdrawal not yet "
                    "broadcast can be held",
                    status=409,
                )
        return self._withdrawal(row, None)

    async def release_withdrawal(self, withdrawal_id: str) -> Withdrawal:
        async with self._session(write=True) as session:
            row = await self._withdrawal_row(session, withdrawal_id)
            status = WithdrawalStatus(row.status)
            if status is WithdrawalStatus.HELD:
                row.status = WithdrawalStatus.PROCESSING.value
                row.hold_reason_code = None
            elif status not in (WithdrawalStatus.REQUESTED, WithdrawalStatus.PROCESSING):
                raise ExchangeConflict(
                    f"withdrawal {withdrawal_id} is {status.value}; it is not held", status=409
                )
        return self._withdrawal(row, None)

    async def _withdrawal_row(self, session: AsyncSession, withdrawal_id: str) -> SandboxWithdrawal:
        row = await repository.withdrawal(session, withdrawal_id)
        if row is None:
            raise ExchangeObjectNotFound(f"no withdrawal {withdrawal_id!r}", status=404)
        return row

    async def credit_recovered_deposit(
        self,
        user_id: str,
        asset: str,
        network: str,
        amount: Decimal,
        reference: str,
        *,
        source_txid: str | None = None,
    ) -> Deposit:
        now = self._clock()
        txid = source_txid.strip() if source_txid and source_txid.strip() else None
        entry = self.registry.asset_network(asset, network)
        async with self._session(write=True) as session:
            existing = await repository.deposit_by_reference(session, reference)
            if existing is not None:
                if existing.user_id != user_id:
                    raise ExchangeConflict(
                        f"reference {reference!r} was used for another user", status=409
                    )
                row = existing
            else:
                if await repository.account(session, user_id) is None:
                    raise ExchangeObjectNotFound(f"no exchange user {user_id!r}", status=404)
                own = [
                    a
                    for a in await repository.deposit_addresses(session, user_id)
                    if a.asset == entry.asset and a.network == entry.network
                ]
                row = SandboxDeposit(
                    deposit_id=f"recovery-{reference}"[:64],
                    user_id=user_id,
                    asset=entry.asset,
                    network=entry.network,
                    amount=amount,
                    # Recorded under the recovered transaction, as an exchange's back office
                    # does: a later look-up of that txid finds this credit, not the old problem.
                    txid=txid,
                    txid_key=txid_key(txid) if txid else None,
                    to_address=own[0].address if own else "",
                    memo=own[0].memo if own else None,
                    status=DepositStatus.CREDITED.value,
                    confirmations=0,
                    auto_credit=False,
                    compliance_hold=False,
                    detected_at=now,
                    credited_at=now,
                    reference=reference,
                )
                session.add(row)
                bal = await repository.balance(session, user_id, entry.asset)
                if bal is None:
                    session.add(
                        SandboxBalance(
                            user_id=user_id, asset=entry.asset, available=amount, locked=0
                        )
                    )
                else:
                    bal.available = bal.available + amount
        return self._deposit(row, None, {}, {}, now)
