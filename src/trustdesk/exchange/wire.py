"""JSON wire format of the connector contract (`connector_openapi.yaml`), both directions.

Amounts travel as decimal strings, datetimes as ISO 8601 with an offset.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

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


def dump(value: Any) -> dict[str, Any]:
    """A connector value type as JSON-ready data."""

    def conv(v: Any) -> Any:
        if isinstance(v, Decimal):
            return str(v)
        if isinstance(v, datetime):
            return v.isoformat()
        if isinstance(v, Enum):
            return v.value
        return v

    return {k: conv(v) for k, v in asdict(value).items()}


def _dt(v: str | None) -> datetime | None:
    return None if v is None else datetime.fromisoformat(v)


def profile(d: dict[str, Any]) -> CustomerProfile:
    return CustomerProfile(
        user_id=d["user_id"],
        email=d.get("email"),
        phone=d.get("phone"),
        vip_level=int(d["vip_level"]),
        kyc_level=int(d["kyc_level"]),
        kyc_status=KycStatus(d["kyc_status"]),
        account_state=AccountState(d["account_state"]),
    )


def security_event(d: dict[str, Any]) -> SecurityEvent:
    return SecurityEvent(
        kind=SecurityEventKind(d["kind"]),
        at=datetime.fromisoformat(d["at"]),
        ip=d.get("ip"),
        device_id=d.get("device_id"),
        country=d.get("country"),
        asn=d.get("asn"),
    )


def deposit_address(d: dict[str, Any]) -> DepositAddress:
    return DepositAddress(d["asset"], d["network"], d["address"], d.get("memo"))


def deposit(d: dict[str, Any]) -> Deposit:
    return Deposit(
        id=d["id"],
        asset=d["asset"],
        network=d["network"],
        amount=Decimal(d["amount"]),
        txid=d.get("txid"),
        from_address=d.get("from_address"),
        to_address=d["to_address"],
        memo=d.get("memo"),
        status=DepositStatus(d["status"]),
        confirmations=int(d["confirmations"]),
        detected_at=datetime.fromisoformat(d["detected_at"]),
        credited_at=_dt(d.get("credited_at")),
        compliance_hold=bool(d.get("compliance_hold", False)),
    )


def chain_transaction(d: dict[str, Any]) -> ChainTransaction:
    return ChainTransaction(
        txid=d["txid"],
        network=d["network"],
        asset=d.get("asset"),
        token_contract=d.get("token_contract"),
        from_address=d.get("from_address"),
        to_address=d["to_address"],
        memo=d.get("memo"),
        amount=Decimal(d["amount"]),
        confirmations=int(d["confirmations"]),
        block_time=_dt(d.get("block_time")),
        broadcast=bool(d.get("broadcast", True)),
    )


def withdrawal(d: dict[str, Any]) -> Withdrawal:
    return Withdrawal(
        id=d["id"],
        asset=d["asset"],
        network=d["network"],
        amount=Decimal(d["amount"]),
        fee=Decimal(d["fee"]),
        to_address=d["to_address"],
        memo=d.get("memo"),
        status=WithdrawalStatus(d["status"]),
        txid=d.get("txid"),
        confirmations=int(d["confirmations"]),
        hold_reason_code=d.get("hold_reason_code"),
        reject_code=d.get("reject_code"),
        created_at=datetime.fromisoformat(d["created_at"]),
    )


def balance(d: dict[str, Any]) -> Balance:
    return Balance(d["asset"], Decimal(d["available"]), Decimal(d["locked"]))
