"""Withdrawal risk control: rule sets, streamed events, scored withdrawals, step-up
verifications, look-alike contacts and security cases."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.db import Amount as ExactAmount
from trustdesk.db import Base, JSONType, UTCDateTime
from trustdesk.kit.clock import utcnow

Amount = ExactAmount()


class RiskDecision(StrEnum):
    approve = "approve"
    step_up = "step_up"
    hold = "hold"
    decline = "decline"


class VerificationMethod(StrEnum):
    totp = "totp"
    email = "email"


class VerificationStatus(StrEnum):
    pending = "pending"
    verified = "verified"
    failed = "failed"
    denied = "denied"  # the customer said "this was not me"
    expired = "expired"


class CaseStatus(StrEnum):
    open = "open"
    investigating = "investigating"
    closed = "closed"


class RiskRuleSet(Base):
    """One published version of the scoring rules. Rows are never updated: a change is a new
    version, so every score can be replayed against the exact rules that produced it."""

    __tablename__ = "risk_rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RiskEvent(Base):
    """A login or security change the exchange streamed to us (idempotent by its event id)."""

    __tablename__ = "risk_events"
    __table_args__ = (Index("ix_risk_events_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), unique=True)
    user_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(64))
    device_id: Mapped[str | None] = mapped_column(String(128))
    country: Mapped[str | None] = mapped_column(String(2))
    asn: Mapped[int | None] = mapped_column(BigInteger)
    user_agent: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RiskAssessment(Base):
    """One scored withdrawal request with every intermediate value, for audit and replay."""

    __tablename__ = "risk_assessments"
    __table_args__ = (
        Index("ix_risk_assessments_user_created", "user_id", "created_at"),
        # The worker's sweep for holds answered but never acted on: only those rows.
        Index(
            "ix_risk_assessments_acting",
            "created_at",
            postgresql_where=text("action_state = 'acting'"),
            sqlite_where=text("action_state = 'acting'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    withdrawal_id: Mapped[str] = mapped_column(String(128), unique=True)
    user_id: Mapped[str] = mapped_column(String(128))
    asset: Mapped[str] = mapped_column(String(16))
    network: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Amount)
    balance_before: Mapped[Decimal] = mapped_column(Amount)
    to_address: Mapped[str] = mapped_column(String(256))
    memo: Mapped[str | None] = mapped_column(String(128))
    device_id: Mapped[str | None] = mapped_column(String(128))
    ip: Mapped[str | None] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(2))
    asn: Mapped[int | None] = mapped_column(BigInteger)
    decision: Mapped[RiskDecision] = mapped_column(String(16))
    score: Mapped[int] = mapped_column(Integer)
    # Every signal: value, weight, contribution; points, thresholds, forcing rule.
    signals: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    rules_version: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[str] = mapped_column(String(32))
    # The request as received (login time, user agent, events), for replay.
    request: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # What happened after: held, released, frozen (None while nothing was done).
    action_state: Mapped[str | None] = mapped_column(String(32))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RiskTotpSecret(Base):
    """A customer's TOTP secret for step-up verification."""

    __tablename__ = "risk_totp_secrets"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), unique=True
    )
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RiskVerification(Base):
    """A step-up verification the customer must pass to release a held withdrawal."""

    __tablename__ = "risk_verifications"
    __table_args__ = (Index("ix_risk_verifications_customer_status", "customer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    assessment_id: Mapped[int] = mapped_column(ForeignKey("risk_assessments.id"), index=True)
    method: Mapped[VerificationMethod] = mapped_column(String(16))
    # E-mailed codes: only an HMAC of the code is kept.
    code_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[VerificationStatus] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SecurityCase(Base):
    """A compromised-account investigation."""

    __tablename__ = "security_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("risk_assessments.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    reason: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[CaseStatus] = mapped_column(String(16), default=CaseStatus.open, index=True)
    outcome: Mapped[str | None] = mapped_column(String(64))
    assignee_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    account_frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SecurityCaseNote(Base):
    """An analyst's note on a security case."""

    __tablename__ = "security_case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("security_cases.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
