"""Request and response bodies of risk scoring, verification and security cases."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from trustdesk.models.risk import (
    CaseStatus,
    RiskDecision,
    VerificationMethod,
    VerificationStatus,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("must carry a timezone (e.g. 2026-11-22T06:00:00Z)")
    return value


class EventKind(StrEnum):
    login = "login"
    password_change = "password_change"
    twofa_change = "2fa_change"
    email_change = "email_change"
    phone_change = "phone_change"
    twofa_failed = "2fa_failed"


Country = Field(default=None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")


class EventIn(_Strict):
    """A login or security change on the exchange."""

    event_id: str = Field(min_length=1, max_length=128)
    user_id: str = Field(min_length=1, max_length=128)
    kind: EventKind
    at: datetime
    ip: str | None = Field(default=None, max_length=64)
    device_id: str | None = Field(default=None, max_length=128)
    country: str | None = Country
    asn: int | None = Field(default=None, ge=0, le=4_294_967_295)
    user_agent: str | None = Field(default=None, max_length=500)

    _at = field_validator("at")(lambda cls, v: _aware(v))


class RecentEventIn(_Strict):
    """An event sent along with a withdrawal (the user is the withdrawal's)."""

    event_id: str = Field(min_length=1, max_length=128)
    kind: EventKind
    at: datetime
    ip: str | None = Field(default=None, max_length=64)
    device_id: str | None = Field(default=None, max_length=128)
    country: str | None = Country
    asn: int | None = Field(default=None, ge=0, le=4_294_967_295)
    user_agent: str | None = Field(default=None, max_length=500)

    _at = field_validator("at")(lambda cls, v: _aware(v))


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    event_id: str
    user_id: str
    kind: str
    at: datetime
    stored: bool = True
    replayed: bool = False


class WithdrawalIn(_Strict):
    """A withdrawal request as the exchange sees it, sent before it is processed."""

    withdrawal_id: str = Field(min_length=1, max_length=128)
    user_id: str = Field(min_length=1, max_length=128)
    asset: str = Field(min_length=1, max_length=16)
    network: str = Field(min_length=1, max_length=16)
    # NUMERIC(38, 18) keeps 20 digits before the point: more is a 422, not a database error.
    amount: Decimal = Field(gt=0, lt=Decimal(10) ** 20, max_digits=38, decimal_places=18)
    to_address: str = Field(min_length=1, max_length=256)
    memo: str | None = Field(default=None, max_length=128)
    balance_before: Decimal = Field(ge=0, lt=Decimal(10) ** 20, max_digits=38, decimal_places=18)
    device_id: str | None = Field(default=None, max_length=128)
    ip: str | None = Field(default=None, max_length=64)
    country: str | None = Country
    asn: int | None = Field(default=None, ge=0, le=4_294_967_295)
    login_at: datetime | None = None
    user_agent: str | None = Field(default=None, max_length=500)
    recent_events: list[RecentEventIn] = Field(default_factory=list, max_length=50)

    _login_at = field_validator("login_at")(lambda cls, v: _aware(v))

    @field_validator("asset", "network")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.strip().upper()

    @model_validator(mode="after")
    def _amount_vs_balance(self) -> WithdrawalIn:
        if self.amount > self.balance_before:
            raise ValueError("amount exceeds balance_before")
        return self


class Reason(BaseModel):
    code: str
    text: str
    points: float


class DecisionRead(BaseModel):
    """The answer to the exchange. `reasons` are for the exchange's and our agents' eyes only;
    show the customer `customer_message`."""

    withdrawal_id: str
    decision: RiskDecision
    score: int
    reasons: list[Reason]
    customer_message: str
    rules_version: int
    model_version: str
    assessment_id: int
    replayed: bool = False


class SignalRead(BaseModel):
    code: str
    value: Any
    strength: float
    weight: float
    contribution: float
    detail: dict[str, Any]


class AssessmentRead(BaseModel):
    """Every intermediate value of one decision (agents: security, leads, admins)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    withdrawal_id: str
    user_id: str
    asset: str
    network: str
    amount: Decimal
    balance_before: Decimal
    to_address: str
    decision: RiskDecision
    score: int
    signals: list[SignalRead]
    detail: dict[str, Any]
    reasons: list[Reason]
    rules_version: int
    model_version: str
    action_state: str | None
    ticket_id: int | None
    created_at: datetime


class RuleSetIn(_Strict):
    rules: dict[str, Any]
    note: str = Field(min_length=1, max_length=2000, description="Why this change")


class RuleSetRead(BaseModel):
    version: int
    rules: dict[str, Any]
    note: str
    created_by_agent_id: int | None
    created_at: datetime | None
    stored: bool


# -- customers -------------------------------------------------------------------------------


class VerificationRead(BaseModel):
    """What the customer sees: no score, no reasons."""

    id: int
    method: VerificationMethod
    status: VerificationStatus
    attempts_left: int
    expires_at: datetime
    withdrawal_id: str
    asset: str
    amount: Decimal
    message: str


class CodeIn(_Strict):
    code: str = Field(min_length=6, max_length=8, pattern=r"^[0-9]+$")


class VerificationResult(BaseModel):
    id: int
    status: VerificationStatus
    attempts_left: int
    message: str


class TotpEnrolment(BaseModel):
    secret: str
    provisioning_uri: str


# -- security cases --------------------------------------------------------------------------


class CaseCreate(_Strict):
    customer_id: int
    reason: str = Field(default="manual", min_length=1, max_length=64)
    summary: str = Field(default="", max_length=5000)


class CaseUpdate(_Strict):
    status: CaseStatus | None = None
    outcome: str | None = Field(default=None, min_length=1, max_length=64)
    assignee_ids: list[int] | None = Field(default=None, max_length=20)


class NoteCreate(_Strict):
    body: str = Field(min_length=1, max_length=10_000)


class NoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    agent_id: int | None
    body: str
    created_at: datetime


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int
    user_id: str
    assessment_id: int | None
    ticket_id: int | None
    reason: str
    summary: str
    status: CaseStatus
    outcome: str | None
    assignee_ids: list[int]
    account_frozen: bool
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class TimelineEntry(BaseModel):
    at: datetime
    kind: str  # login, security_change, device, withdrawal, deposit, ticket, verification, note
    summary: str
    data: dict[str, Any] = Field(default_factory=dict)


class DeviceRead(BaseModel):
    device_id: str
    first_seen: datetime
    last_seen: datetime
    countries: list[str]
    ips: list[str]


class CaseDetail(CaseRead):
    notes: list[NoteRead]
    devices: list[DeviceRead]
    timeline: list[TimelineEntry]
    sources_unavailable: list[str] = Field(
        default_factory=list, description="Parts of the timeline the exchange could not give."
    )
