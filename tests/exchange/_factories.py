"""Plain factory functions for exchange tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from trustdesk.exchange.types import (
    AccountState,
    ChainTransaction,
    CustomerProfile,
    Deposit,
    DepositAddress,
    DepositStatus,
    KycStatus,
    Withdrawal,
    WithdrawalStatus,
)

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

# Addresses generated with bip-utils encoders from fixed test keys.
EVM_ADDR = "0xbDCd2Ad921ABd6b64d03f61f095cf7fa533eFBEe"
TRON_ADDR = "TTGnVbQsvzAj5K9SbNTZb4ZfqvPtmo7jT6"
XRP_SHARED = "raYary5iMGw3JKJbeinXWH6UnSXjbVuuPB"
TON_SHARED = "EQAdTcc7IESBlLnDQEXn2uwnMrG7TCVwMpv5Pd-4QPvcwI6p"
TON_SHARED_NON_BOUNCEABLE = "UQAdTcc7IESBlLnDQEXn2uwnMrG7TCVwMpv5Pd-4QPvcwNNs"
BTC_ADDR = "bc1q8jumv26lfzeuaqa6pc6stvprfqe686ck9r5a34"
SOURCE_EVM = "0x52908400098527886E0F7030069857D2E4169EE7"
SOURCE_XRP = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
ELSEWHERE_EVM = "0x8617E340B3D01FA5F11F306F4090FD50E238070D"
USDT_ERC20 = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
USDT_BEP20 = "0x55d398326f99059fF775485246999027B3197955"


def txid(n: int) -> str:
    return f"{n:064x}"


def profile(vip_level: int = 0, state: AccountState = AccountState.ACTIVE) -> CustomerProfile:
    return CustomerProfile(
        user_id="u1",
        email="alice@example.com",
        phone=None,
        vip_level=vip_level,
        kyc_level=2,
        kyc_status=KycStatus.VERIFIED,
        account_state=state,
    )


def addresses() -> list[DepositAddress]:
    return [
        DepositAddress("USDT", "ETH", EVM_ADDR),
        DepositAddress("USDT", "TRX", TRON_ADDR),
        DepositAddress("XRP", "XRP", XRP_SHARED, memo="123456"),
        DepositAddress("TON", "TON", TON_SHARED, memo="998877"),
        DepositAddress("BTC", "BTC", BTC_ADDR),
    ]


def deposit(
    id: str = "d1",
    *,
    asset: str = "USDT",
    network: str = "TRX",
    amount: str = "100",
    status: DepositStatus = DepositStatus.CONFIRMING,
    confirmations: int = 0,
    txid_: str | None = None,
    to_address: str = TRON_ADDR,
    from_address: str | None = None,
    memo: str | None = None,
    detected_ago: timedelta = timedelta(minutes=5),
    compliance_hold: bool = False,
) -> Deposit:
    detected = NOW - detected_ago
    return Deposit(
        id=id,
        asset=asset,
        network=network,
        amount=Decimal(amount),
        txid=txid_ if txid_ is not None else txid(int.from_bytes(id.encode(), "big")),
        from_address=from_address,
        to_address=to_address,
        memo=memo,
        status=status,
        confirmations=confirmations,
        detected_at=detected,
        credited_at=detected + timedelta(minutes=2) if status is DepositStatus.CREDITED else None,
        compliance_hold=compliance_hold,
    )


def chain_tx(
    *,
    network: str = "ETH",
    to_address: str = EVM_ADDR,
    amount: str = "100",
    token_contract: str | None = USDT_ERC20,
    asset: str | None = "USDT",
    memo: str | None = None,
    confirmations: int = 50,
    from_address: str | None = SOURCE_EVM,
    block_ago: timedelta | None = timedelta(minutes=10),
    broadcast: bool = True,
    txid_: str | None = None,
) -> ChainTransaction:
    return ChainTransaction(
        txid=txid_ or "0x" + txid(777),
        network=network,
        asset=asset,
        token_contract=token_contract,
        from_address=from_address,
        to_address=to_address,
        memo=memo,
        amount=Decimal(amount),
        confirmations=confirmations,
        block_time=None if block_ago is None else NOW - block_ago,
        broadcast=broadcast,
    )


def withdrawal(
    status: WithdrawalStatus,
    *,
    asset: str = "USDT",
    network: str = "TRX",
    txid_: str | None = None,
    confirmations: int = 0,
    hold_reason_code: str | None = None,
    reject_code: str | None = None,
    created_ago: timedelta = timedelta(minutes=5),
    to_address: str = "TFEkshkSXo8yMe8vcA6P77XmiLfstNWHyT",
) -> Withdrawal:
    return Withdrawal(
        id="w1",
        asset=asset,
        network=network,
        amount=Decimal("250"),
        fee=Decimal("1"),
        to_address=to_address,
        memo=None,
        status=status,
        txid=txid_,
        confirmations=confirmations,
        hold_reason_code=hold_reason_code,
        reject_code=reject_code,
        created_at=NOW - created_ago,
    )
