"""Request and response bodies of the recovery API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from trustdesk.exchange.schemas import DepositDiagnosisRead
from trustdesk.models.recovery import RecoveryCase, RecoveryKind, RecoveryStatus


class _Strict(BaseModel):
    # Unknown fields are an error: a typo in a field name must not be silently ignored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _amount(value: Decimal | None) -> str | None:
    if value is None:
        return None
    value = Decimal(value)
    return format(value.normalize(), "f") if value else "0"


class RecoverRequest(_Strict):
    """Recover one of my deposits: by txid, or (without one) my latest open deposit."""

    txid: str | None = Field(default=None, max_length=200)
    asset: str | None = Field(default=None, max_length=20)
    network: str | None = Field(default=None, max_length=40)
    manual: bool = Field(
        default=False, description="Open a manual case even where automatic recovery applies."
    )


class IntakeSubmit(_Strict):
    answers: dict[str, str] = Field(
        description="Question code -> answer, one for every question of the case."
    )


class FeeDecision(_Strict):
    accept: bool = True


class VerifyRequest(_Strict):
    evidence: str = Field(
        min_length=5,
        max_length=4000,
        description="How ownership was verified: a signed message, a withdrawal-record "
        "screenshot reference...",
    )
    fee: Decimal | None = Field(
        default=None, ge=0, description="Price an asset the fee rule cannot (unlisted tokens)."
    )


class PrepareRequest(_Strict):
    asset: str | None = Field(default=None, max_length=20, description="Credit in this asset")
    network: str | None = Field(default=None, max_length=40, description="on this network")
    note: str = Field(default="", max_length=4000)


class ApproveRequest(_Strict):
    note: str = Field(default="", max_length=4000)


class ReasonRequest(_Strict):
    reason: str = Field(min_length=3, max_length=2000)


class IntakeQuestionRead(BaseModel):
    code: str
    prompt: str


class RecoveryCaseRead(BaseModel):
    """What the customer sees of a recovery case."""

    id: int
    kind: RecoveryKind
    status: RecoveryStatus
    rule: str
    verdict: str
    txid: str | None
    asset: str | None
    network: str | None
    amount: str
    fee: str
    credit_amount: str = Field(description="What is (or will be) credited: amount minus fee")
    credited_amount: str | None
    ticket_id: int | None
    intake_questions: list[IntakeQuestionRead]
    intake_answers: dict[str, str]
    fee_accepted: bool
    rejection_reason: str | None
    facts: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    executed_at: datetime | None

    @classmethod
    def of(cls, case: RecoveryCase) -> RecoveryCaseRead:
        return cls(**_common(case))


class RecoveryCaseAgentRead(RecoveryCaseRead):
    """The agents' view: who did each step, the exchange reference, the internal reasons."""

    customer_id: int
    exchange_user_id: str
    reason: str
    actor: str
    reference: str | None
    exchange_deposit_id: str | None
    covered: list[str]
    verification_note: str | None
    verified_by_agent_id: int | None
    verified_at: datetime | None
    fee_accepted_at: datetime | None
    prepared_by_agent_id: int | None
    prepared_at: datetime | None
    approved_by_agent_id: int | None
    approved_at: datetime | None
    executed_by_agent_id: int | None
    rejected_by_agent_id: int | None
    rejected_at: datetime | None
    reversal_reason: str | None
    reversal_mode: str | None
    reversed_by_agent_id: int | None
    reversed_at: datetime | None

    @classmethod
    def of(cls, case: RecoveryCase) -> RecoveryCaseAgentRead:
        return cls(
            **_common(case),
            customer_id=case.customer_id,
            exchange_user_id=case.exchange_user_id,
            reason=case.reason,
            actor=case.actor,
            reference=case.reference,
            exchange_deposit_id=case.exchange_deposit_id,
            covered=list(case.covered or []),
            verification_note=case.verification_note,
            verified_by_agent_id=case.verified_by_agent_id,
            verified_at=case.verified_at,
            fee_accepted_at=case.fee_accepted_at,
            prepared_by_agent_id=case.prepared_by_agent_id,
            prepared_at=case.prepared_at,
            approved_by_agent_id=case.approved_by_agent_id,
            approved_at=case.approved_at,
            executed_by_agent_id=case.executed_by_agent_id,
            rejected_by_agent_id=case.rejected_by_agent_id,
            rejected_at=case.rejected_at,
            reversal_reason=case.reversal_reason,
            reversal_mode=case.reversal_mode,
            reversed_by_agent_id=case.reversed_by_agent_id,
            reversed_at=case.reversed_at,
        )


def _common(case: RecoveryCase) -> dict[str, Any]:
    amount = Decimal(case.amount)
    fee = Decimal(case.fee)
    return {
        "id": case.id,
        "kind": case.kind,
        "status": case.status,
        "rule": case.rule,
        "verdict": case.verdict,
        "txid": case.txid,
        "asset": case.asset,
        "network": case.network,
        "amount": _amount(amount),
        "fee": _amount(fee),
        "credit_amount": _amount(max(amount - fee, Decimal(0))),
        "credited_amount": _amount(case.credited_amount),
        "ticket_id": case.ticket_id,
        "intake_questions": [IntakeQuestionRead(**q) for q in case.intake_questions or []],
        "intake_answers": dict(case.intake_answers or {}),
        "fee_accepted": case.fee_accepted_at is not None,
        "rejection_reason": case.rejection_reason,
        "facts": dict(case.facts or {}),
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "executed_at": case.executed_at,
    }


class RecoverOutcome(StrEnum):
    credited = "credited"
    manual_case = "manual_case"
    not_applicable = "not_applicable"


class RecoverResult(BaseModel):
    """The answer to a recovery request: credited now, a manual case, or nothing to recover."""

    outcome: RecoverOutcome
    reason: str
    diagnosis: DepositDiagnosisRead
    case: RecoveryCaseRead | None
