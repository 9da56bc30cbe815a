from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trustdesk.db import Base, JSONType, UTCDateTime
from trustdesk.kit.clock import utcnow


class TicketStatus(StrEnum):
    new = "new"
    open = "open"
    pending_customer = "pending_customer"
    on_hold = "on_hold"
    resolved = "resolved"
    closed = "closed"


OPEN_STATUSES = (
    TicketStatus.new,
    TicketStatus.open,
    TicketStatus.pending_customer,
    TicketStatus.on_hold,
)


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class Channel(StrEnum):
    chat = "chat"
    web = "web"
    email = "email"
    phone = "phone"
    social = "social"
    api = "api"


class AuthorType(StrEnum):
    customer = "customer"
    agent = "agent"
    bot = "bot"
    system = "system"


class Ticket(Base):
    """One customer case, whatever channel it came from."""

    __tablename__ = "tickets"
    __table_args__ = (
        # The queue view: unassigned open tickets of a queue by priority then age.
        Index("ix_tickets_queue_waiting", "queue_id", "assignee_id", "status"),
        Index("ix_tickets_customer_created", "customer_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    status: Mapped[TicketStatus] = mapped_column(String(24), default=TicketStatus.new, index=True)
    priority: Mapped[Priority] = mapped_column(String(2), default=Priority.P3)
    channel: Mapped[Channel] = mapped_column(String(16), default=Channel.web)
    language: Mapped[str] = mapped_column(String(8), default="en")
    intent: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    tier: Mapped[str] = mapped_column(String(16), default="tier1")
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    security: Mapped[bool] = mapped_column(Boolean, default=False)
    sentiment: Mapped[float | None] = mapped_column(Float)
    vip: Mapped[bool] = mapped_column(Boolean, default=False)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the customer started waiting in the queue (creation, or a move to another queue).
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The earliest running SLA deadline, kept current so "breaching soon" is one indexed query.
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # When the SLA sweep must look at this ticket next (a warning point or a deadline).
    sla_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    sla_policy_id: Mapped[int | None] = mapped_column(ForeignKey("sla_policies.id"))

    messages: Mapped[list[TicketMessage]] = relationship(
        back_populates="ticket", order_by="TicketMessage.id", lazy="raise"
    )


class TicketMessage(Base):
    """A public message or an internal note on a ticket."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author_type: Mapped[AuthorType] = mapped_column(String(16))
    author_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    # What was masked before storing (passwords, seed phrases...): kinds only, never the secret.
    redactions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="messages", lazy="raise")


class TicketCollaborator(Base):
    """Another department pulled into a ticket, e.g. engineering or legal."""

    __tablename__ = "ticket_collaborators"
    __table_args__ = (UniqueConstraint("ticket_id", "queue_id", "agent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    added_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
