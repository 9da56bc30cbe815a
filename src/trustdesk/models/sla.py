from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.db import Base, JSONType, UTCDateTime
from trustdesk.kit.clock import utcnow


class SlaPolicy(Base):
    """Response and resolution targets for a priority and a minimum customer VIP level."""

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Null matches any priority; the most specific matching policy wins.
    priority: Mapped[str | None] = mapped_column(String(2))
    min_vip_level: Mapped[int] = mapped_column(Integer, default=0)
    first_response_seconds: Mapped[int] = mapped_column(Integer)
    first_response_max_seconds: Mapped[int | None] = mapped_column(Integer)
    next_response_seconds: Mapped[int] = mapped_column(Integer)
    resolution_seconds: Mapped[int] = mapped_column(Integer)
    warn_ratio: Mapped[float] = mapped_column(Float, default=0.8)
    # BusinessCalendar.to_dict(); null means 24/7.
    calendar: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SlaEvent(Base):
    """A recorded SLA moment: warning, breach, met, or an automatic escalation."""

    __tablename__ = "sla_events"
    # A warning or breach of one metric is recorded once per cycle (a cycle restarts per reply).
    __table_args__ = (UniqueConstraint("ticket_id", "metric", "kind", "cycle_started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(24))
    cycle_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
