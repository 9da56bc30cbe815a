"""The sandbox exchange: a stand-in for a real exchange's back office, kept in our own database.

Loaded from a YAML file (see `trustdesk/exchange/SANDBOX.md`) and read through
`trustdesk.exchange.sandbox.SandboxConnector`. Every row but the per-network chain clock belongs
to one sandbox user, so a file load replaces a user's data wholesale.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.db import Amount as ExactAmount
from trustdesk.db import Base, UTCDateTime
from trustdesk.kit.clock import utcnow

# Enough for 18-decimal tokens and any realistic balance.
Amount = ExactAmount()


class SandboxNetwork(Base):
    """The chain clock of one network: its height at `base_time`, plus its maintenance switch.

    The current height is derived from `now` and the registry's block time, so confirmations
    grow as time passes without anything writing to the database.
    """

    __tablename__ = "sandbox_networks"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    base_height: Mapped[int] = mapped_column(BigInteger)
    base_time: Mapped[datetime] = mapped_column(UTCDateTime)
    maintenance: Mapped[bool] = mapped_column(Boolean, default=False)


class SandboxAccount(Base):
    """A sandbox exchange user (the profile support sees)."""

    __tablename__ = "sandbox_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    vip_level: Mapped[int] = mapped_column(Integer, default=0)
    kyc_level: Mapped[int] = mapped_column(Integer, default=0)
    kyc_status: Mapped[str] = mapped_column(String(16), default="none")
    account_state: Mapped[str] = mapped_column(String(16), default="active")
    frozen_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SandboxSecurityEvent(Base):
    """A login or credential change on a sandbox account."""

    __tablename__ = "sandbox_security_events"
    __table_args__ = (Index("ix_sandbox_security_events_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(64))
    device_id: Mapped[str | None] = mapped_column(String(128))
    country: Mapped[str | None] = mapped_column(String(2))
    asn: Mapped[int | None] = mapped_column(BigInteger)


class SandboxDepositAddress(Base):
    """A deposit address (and memo on shared-address networks) issued to a sandbox user."""

    __tablename__ = "sandbox_deposit_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    asset: Mapped[str] = mapped_column(String(16))
    network: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(128))
    # `addresses.address_key` of the address: one spelling per account, for lookups.
    address_key: Mapped[str] = mapped_column(String(128), index=True)
    memo: Mapped[str | None] = mapped_column(String(128))


class SandboxChainTransaction(Base):
    """Where a transaction actually is on chain. `block_height` None: not in a block yet."""

    __tablename__ = "sandbox_chain_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    txid: Mapped[str] = mapped_column(String(128))
    # `diagnosis.txid_key`: case- and 0x-insensitive.
    txid_key: Mapped[str] = mapped_column(String(128), unique=True)
    # The user whose file entry created it, so reloading that user replaces it.
    user_id: Mapped[str | None] = mapped_column(String(128), index=True)
    network: Mapped[str] = mapped_column(String(16))
    asset: Mapped[str | None] = mapped_column(String(16))
    token_contract: Mapped[str | None] = mapped_column(String(128))
    from_address: Mapped[str | None] = mapped_column(String(128))
    to_address: Mapped[str] = mapped_column(String(128))
    memo: Mapped[str | None] = mapped_column(String(128))
    amount: Mapped[Decimal] = mapped_column(Amount)
    block_height: Mapped[int | None] = mapped_column(BigInteger)
    broadcast: Mapped[bool] = mapped_column(Boolean, default=True)


class SandboxDeposit(Base):
    """A deposit the sandbox exchange attributed to a user."""

    __tablename__ = "sandbox_deposits"
    __table_args__ = (Index("ix_sandbox_deposits_user_detected", "user_id", "detected_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deposit_id: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(128))
    asset: Mapped[str] = mapped_column(String(16))
    network: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Amount)
    txid: Mapped[str | None] = mapped_column(String(128))
    txid_key: Mapped[str | None] = mapped_column(String(128), index=True)
    from_address: Mapped[str | None] = mapped_column(String(128))
    to_address: Mapped[str] = mapped_column(String(128))
    memo: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    # Used only when the chain has no record of the txid; otherwise the chain clock decides.
    confirmations: Mapped[int] = mapped_column(Integer, default=0)
    # A confirming deposit turns credited by itself once it has enough confirmations.
    auto_credit: Mapped[bool] = mapped_column(Boolean, default=True)
    compliance_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    credited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Recovery case id of a recovered-deposit credit: makes the credit idempotent.
    reference: Mapped[str | None] = mapped_column(String(128), unique=True)


class SandboxWithdrawal(Base):
    """A withdrawal request of a sandbox user."""

    __tablename__ = "sandbox_withdrawals"
    __table_args__ = (Index("ix_sandbox_withdrawals_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    withdrawal_id: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(128))
    asset: Mapped[str] = mapped_column(String(16))
    network: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Amount)
    fee: Mapped[Decimal] = mapped_column(Amount)
    to_address: Mapped[str] = mapped_column(String(128))
    memo: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    txid: Mapped[str | None] = mapped_column(String(128))
    txid_key: Mapped[str | None] = mapped_column(String(128))
    confirmations: Mapped[int] = mapped_column(Integer, default=0)
    hold_reason_code: Mapped[str | None] = mapped_column(String(64))
    reject_code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SandboxBalance(Base):
    """Spot balance of one asset of a sandbox user."""

    __tablename__ = "sandbox_balances"
    __table_args__ = (Index("uq_sandbox_balances_user_asset", "user_id", "asset", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    asset: Mapped[str] = mapped_column(String(16))
    available: Mapped[Decimal] = mapped_column(Amount)
    locked: Mapped[Decimal] = mapped_column(Amount)
