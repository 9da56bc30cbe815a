"""Deposit recovery cases: automatic credits of misdirected deposits and manual recovery cases.

One row per recovery. An automatic case is created already executed (the rules allowed the
credit); a manual case walks intake -> verification -> fee acceptance -> four-eyes approval ->
execution, each step stamped here and audited in `audit_events`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.db import Amount as ExactAmount
from trustdesk.db import Base, JSONType, UTCDateTime
from trustdesk.kit.clock import utcnow

Amount = ExactAmount()


class RecoveryKind(StrEnum):
    auto = "auto"
    manual = "manual"


class RecoveryStatus(StrEnum):
    intake_pending = "intake_pending"
    verifying = "verifying"
    awaiting_fee_acceptance = "awaiting_fee_acceptance"
    prepared = "prepared"
    approved = "approved"
    executed = "executed"
    rejected = "rejected"
    reversed = "reversed"


class ReversalMode(StrEnum):
    # The sandbox's balance was debited by a compensating adjustment.
    sandbox_adjustment = "sandbox_adjustment"
    # A real exchange has no debit call in the connector: its back office must execute it.
    exchange_must_execute = "exchange_must_execute"


class RecoveryCase(Base):
    """A deposit recovery, automatic or manual, with the diagnosis facts it was decided on."""

    __tablename__ = "recovery_cases"
    __table_args__ = (
        Index("ix_recovery_cases_customer", "customer_id", "id"),
        Index("ix_recovery_cases_customer_txid", "customer_id", "txid_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    # The customer's exchange user id at the time (the connector is keyed by it).
    exchange_user_id: Mapped[str] = mapped_column(String(128))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[RecoveryKind] = mapped_column(String(8))
    status: Mapped[RecoveryStatus] = mapped_column(String(32), index=True)
    rule: Mapped[str] = mapped_column(String(48))
    reason: Mapped[str] = mapped_column(Text, default="")
    verdict: Mapped[str] = mapped_column(String(32))
    txid: Mapped[str | None] = mapped_column(String(200))
    txid_key: Mapped[str | None] = mapped_column(String(200))
    asset: Mapped[str | None] = mapped_column(String(16))
    network: Mapped[str | None] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Amount)
    fee: Mapped[Decimal] = mapped_column(Amount)
    credited_amount: Mapped[Decimal | None] = mapped_column(Amount)
    # The idempotency reference given to the exchange's credit call; unique so a retried
    # automatic recovery finds its first case instead of crediting twice.
    reference: Mapped[str | None] = mapped_column(String(64), unique=True)
    exchange_deposit_id: Mapped[str | None] = mapped_column(String(64))
    facts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Deposit/transaction keys this recovery credited (several for a below-minimum total).
    covered: Mapped[list[str]] = mapped_column(JSONType, default=list)
    intake_questions: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    intake_answers: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    actor: Mapped[str] = mapped_column(String(16))
    verification_note: Mapped[str | None] = mapped_column(Text)
    verified_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fee_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    prepared_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    prepared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    executed_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    executed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    rejected_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reversal_reason: Mapped[str | None] = mapped_column(Text)
    reversal_mode: Mapped[str | None] = mapped_column(String(32))
    reversed_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
