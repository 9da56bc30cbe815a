"""JSON shapes of the exchange endpoints."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from trustdesk.exchange.diagnosis import DepositDiagnosis, WithdrawalDiagnosis
from trustdesk.exchange.sandbox.store import LoadResult
from trustdesk.exchange.service import CustomerPanel


class DepositDiagnosisRead(BaseModel):
    verdict: str
    next_step: str
    facts: dict[str, Any]
    deposit_id: str | None
    auto_recoverable: bool

    @classmethod
    def of(cls, d: DepositDiagnosis) -> DepositDiagnosisRead:
        return cls(
            verdict=d.verdict.value,
            next_step=d.next_step.value,
            facts=d.facts,
            deposit_id=d.deposit_id,
            auto_recoverable=d.auto_recoverable,
        )


class WithdrawalDiagnosisRead(BaseModel):
    verdict: str
    next_step: str
    facts: dict[str, Any]
    withdrawal_id: str | None

    @classmethod
    def of(cls, d: WithdrawalDiagnosis) -> WithdrawalDiagnosisRead:
        return cls(
            verdict=d.verdict.value,
            next_step=d.next_step.value,
            facts=d.facts,
            withdrawal_id=d.withdrawal_id,
        )


class ProfileRead(BaseModel):
    user_id: str
    email: str | None
    phone: str | None
    vip_level: int
    kyc_level: int
    kyc_status: str
    account_state: str


class BalanceRead(BaseModel):
    asset: str
    available: Decimal
    locked: Decimal


class DepositRead(BaseModel):
    id: str
    asset: str
    network: str
    amount: Decimal
    txid: str | None
    to_address: str
    memo: str | None
    status: str
    confirmations: int
    detected_at: datetime
    credited_at: datetime | None
    compliance_hold: bool
    diagnosis: DepositDiagnosisRead


class WithdrawalRead(BaseModel):
    """Agents only: carries the internal hold and reject codes."""

    id: str
    asset: str
    network: str
    amount: Decimal
    fee: Decimal
    to_address: str
    memo: str | None
    status: str
    txid: str | None
    confirmations: int
    hold_reason_code: str | None
    reject_code: str | None
    created_at: datetime
    diagnosis: WithdrawalDiagnosisRead


class SecurityEventRead(BaseModel):
    kind: str
    at: datetime
    ip: str | None
    device_id: str | None
    country: str | None
    asn: int | None


class CustomerExchangeRead(BaseModel):
    customer_id: int
    profile: ProfileRead
    balances: list[BalanceRead]
    deposits: list[DepositRead]
    withdrawals: list[WithdrawalRead]
    security_events: list[SecurityEventRead]

    @classmethod
    def of(cls, customer_id: int, panel: CustomerPanel) -> CustomerExchangeRead:
        p = panel.profile
        return cls(
            customer_id=customer_id,
            profile=ProfileRead(
                user_id=p.user_id,
                email=p.email,
                phone=p.phone,
                vip_level=p.vip_level,
                kyc_level=p.kyc_level,
                kyc_status=p.kyc_status.value,
                account_state=p.account_state.value,
            ),
            balances=[
                BalanceRead(asset=b.asset, available=b.available, locked=b.locked)
                for b in panel.balances
            ],
            deposits=[
                DepositRead(
                    id=d.id,
                    asset=d.asset,
                    network=d.network,
                    amount=d.amount,
                    txid=d.txid,
                    to_address=d.to_address,
                    memo=d.memo,
                    status=d.status.value,
                    confirmations=d.confirmations,
                    detected_at=d.detected_at,
                    credited_at=d.credited_at,
                    compliance_hold=d.compliance_hold,
                    diagnosis=DepositDiagnosisRead.of(diag),
                )
                for d, diag in panel.deposits
            ],
            withdrawals=[
                WithdrawalRead(
                    id=w.id,
                    asset=w.asset,
                    network=w.network,
                    amount=w.amount,
                    fee=w.fee,
                    to_address=w.to_address,
                    memo=w.memo,
                    status=w.status.value,
                    txid=w.txid,
                    confirmations=w.confirmations,
                    hold_reason_code=w.hold_reason_code,
                    reject_code=w.reject_code,
                    created_at=w.created_at,
                    diagnosis=WithdrawalDiagnosisRead.of(diag),
                )
                for w, diag in panel.withdrawals
            ],
            security_events=[
                SecurityEventRead(
                    kind=e.kind.value,
                    at=e.at,
                    ip=e.ip,
                    device_id=e.device_id,
                    country=e.country,
                    asn=e.asn,
                )
                for e in panel.security_events
            ],
        )


class SandboxLoadRead(BaseModel):
    users: int
    deposits: int
    withdrawals: int
    chain_transactions: int

    @classmethod
    def of(cls, r: LoadResult) -> SandboxLoadRead:
        return cls(
            users=r.users,
            deposits=r.deposits,
            withdrawals=r.withdrawals,
            chain_transactions=r.chain_transactions,
        )
