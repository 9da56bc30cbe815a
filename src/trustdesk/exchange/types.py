"""Value types the exchange connector returns.

Every type is a frozen dataclass: amounts are `Decimal`, datetimes are timezone-aware UTC. The
connector implementations (sandbox, HTTP) build them; the pure diagnosis and recovery functions
read them. Nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum


class AddressFamily(StrEnum):
    """How a chain encodes addresses; one family can serve several networks (EVM)."""

    BITCOIN = "bitcoin"
    EVM = "evm"
    TRON = "tron"
    SOLANA = "solana"
    XRP = "xrp"
    XLM = "xlm"
    TON = "ton"
    COSMOS = "cosmos"


class KycStatus(StrEnum):
    NONE = "none"
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class AccountState(StrEnum):
    ACTIVE = "active"
    FROZEN = "frozen"
    LOCKED = "locked"


class SecurityEventKind(StrEnum):
    LOGIN = "login"
    PASSWORD_CHANGE = "password_change"
    TWO_FA_CHANGE = "2fa_change"
    EMAIL_CHANGE = "email_change"
    PHONE_CHANGE = "phone_change"
    TWO_FA_FAILED = "2fa_failed"


class DepositStatus(StrEnum):
    CONFIRMING = "confirming"
    CREDITED = "credited"
    # Detected but under the minimum; credited once the address's total reaches the minimum
    # (where the asset's policy accumulates).
    BELOW_MINIMUM = "below_minimum"
    # Recorded but not being credited right now (compliance hold, network maintenance).
    HELD = "held"


class WithdrawalStatus(StrEnum):
    REQUESTED = "requested"
    PROCESSING = "processing"
    BROADCAST = "broadcast"
    COMPLETED = "completed"
    HELD = "held"
    REJECTED = "rejected"


def _require_utc(name: str, value: datetime | None) -> None:
    # A naive datetime silently shifts by the server's offset; refuse it at the boundary.
    if value is not None and value.utcoffset() != timedelta(0):
        raise ValueError(f"{name} must be a timezone-aware UTC datetime, got {value!r}")


@dataclass(frozen=True, slots=True)
class CustomerProfile:
    """An exchange account as support sees it."""

    user_id: str
    email: str | None
    phone: str | None
    vip_level: int
    kyc_level: int
    kyc_status: KycStatus
    account_state: AccountState

    def __post_init__(self) -> None:
        if not 0 <= self.vip_level <= 9:
            raise ValueError(f"vip_level must be 0-9, got {self.vip_level}")
        if self.kyc_level < 0:
            raise ValueError(f"kyc_level must be >= 0, got {self.kyc_level}")


@dataclass(frozen=True, slots=True)
class SecurityEvent:
    """One security-relevant action on an account (login, credential change, failed 2FA)."""

    kind: SecurityEventKind
    at: datetime
    ip: str | None = None
    device_id: str | None = None
    country: str | None = None
    asn: int | None = None

    def __post_init__(self) -> None:
        _require_utc("at", self.at)


@dataclass(frozen=True, slots=True)
class DepositAddress:
    """An address (plus memo/tag on shared-address networks) the exchange gave the customer."""

    asset: str
    network: str
    address: str
    memo: str | None = None


@dataclass(frozen=True, slots=True)
class Deposit:
    """A deposit the exchange has detected and attributed to the customer."""

    id: str
    asset: str
    network: str
    amount: Decimal
    txid: str | None
    from_address: str | None
    to_address: str
    memo: str | None
    status: DepositStatus
    confirmations: int
    detected_at: datetime
    credited_at: datetime | None = None
    compliance_hold: bool = False

    def __post_init__(self) -> None:
        _require_utc("detected_at", self.detected_at)
        _require_utc("credited_at", self.credited_at)


@dataclass(frozen=True, slots=True)
class ChainTransaction:
    """What the chain itself shows for a txid, on whichever network it actually is.

    `token_contract` is None for a transfer of the network's native coin; `asset` is the
    symbol when the indexer knows it. `broadcast` is False when the txid is known (e.g. from the
    sending platform) but the network has not seen it.
    """

    txid: str
    network: str
    asset: str | None
    token_contract: str | None
    from_address: str | None
    to_address: str
    memo: str | None
    amount: Decimal
    confirmations: int
    block_time: datetime | None
    broadcast: bool = True

    def __post_init__(self) -> None:
        _require_utc("block_time", self.block_time)


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A withdrawal request and where it stands.

    `hold_reason_code` and `reject_code` are internal: never show them to the customer.
    """

    id: str
    asset: str
    network: str
    amount: Decimal
    fee: Decimal
    to_address: str
    memo: str | None
    status: WithdrawalStatus
    txid: str | None
    confirmations: int
    hold_reason_code: str | None
    reject_code: str | None
    created_at: datetime

    def __post_init__(self) -> None:
        _require_utc("created_at", self.created_at)


@dataclass(frozen=True, slots=True)
class Balance:
    """Spot balance of one asset."""

    asset: str
    available: Decimal
    locked: Decimal

    @property
    def total(self) -> Decimal:
        return self.available + self.locked
