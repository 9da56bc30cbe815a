"""Request and response bodies of the ticket API."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from trustdesk.models.ticket import AuthorType, Channel, Priority, TicketStatus

TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-:.]{0,47}$")


def clean_tags(tags: list[str]) -> list[str]:
    cleaned = sorted({t.strip().lower() for t in tags})
    bad = [t for t in cleaned if not TAG_PATTERN.match(t)]
    if bad:
        raise ValueError(f"invalid tags {bad}: lowercase letters, digits, _-:. (max 48)")
    return cleaned


class _Strict(BaseModel):
    # Unknown fields are an error: a typo in a field name must not be silently ignored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TicketCreate(_Strict):
    """A customer opening a case (web form, widget, or the exchange's app)."""

    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=20_000)
    channel: Channel = Channel.web
    language: str | None = Field(
        default=None, description="Force a language; detected from the text when absent."
    )
    intent: str | None = Field(default=None, max_length=64)
    tags: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: list[str]) -> list[str]:
        return clean_tags(tags)


class AgentTicketCreate(TicketCreate):
    """An agent opening a case for a customer (phone call, walk-in escalation)."""

    customer_id: int
    priority: Priority | None = None


class MessageCreate(_Strict):
    body: str = Field(min_length=1, max_length=20_000)


class AgentMessageCreate(MessageCreate):
    internal: bool = Field(default=False, description="An internal note the customer never sees.")
    status: TicketStatus | None = Field(
        default=None, description="Set the status in the same step (e.g. pending_customer)."
    )


class TicketUpdate(_Strict):
    status: TicketStatus | None = None
    priority: Priority | None = None
    intent: str | None = Field(default=None, max_length=64)
    category: str | None = Field(default=None, max_length=64)
    language: str | None = None
    tags: list[str] | None = Field(default=None, max_length=20)
    assignee_id: int | None = None
    unassign: bool = False

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: list[str] | None) -> list[str] | None:
        return None if tags is None else clean_tags(tags)


class EscalateRequest(_Strict):
    to_queue: str | None = Field(
        default=None, description="Queue key; default is the next tier (tier1 → tier2)."
    )
    note: str = Field(min_length=1, max_length=5_000, description="Why: an internal note.")


class CollaboratorCreate(_Strict):
    queue: str = Field(description="Department queue key: engineering, legal, security, …")
    agent_id: int | None = None
    note: str = Field(min_length=1, max_length=5_000)


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    author_type: AuthorType
    author_agent_id: int | None
    author_name: str | None = None
    body: str
    internal: bool
    redactions: list[str]
    created_at: datetime


class CustomerMessageRead(BaseModel):
    """What a customer sees of a message: no internal fields, agent first name only."""

    id: int
    author_type: AuthorType
    author_name: str | None
    body: str
    created_at: datetime


class SlaMetricRead(BaseModel):
    metric: str
    status: str
    due_at: datetime | None
    hard_due_at: datetime | None = None
    fraction: float
    paused: bool


class Estimate(BaseModel):
    queue_position: int | None = Field(
        description="1 = next to be picked up; null once an agent has the ticket."
    )
    queue_position_at_least: bool = Field(
        default=False,
        description="true: the queue is deeper than is counted; the position is a lower bound.",
    )
    first_response_at: datetime | None = Field(
        description="When a person will answer: null once answered."
    )
    resolution_at: datetime | None


class TicketRead(BaseModel):
    """The agent's view of a ticket."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int
    subject: str
    status: TicketStatus
    priority: Priority
    channel: Channel
    language: str
    intent: str | None
    category: str | None
    tags: list[str]
    tier: str
    queue: str
    assignee_id: int | None
    security: bool
    vip: bool
    sentiment: float | None
    reopen_count: int
    escalation_level: int
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    sla_due_at: datetime | None


class TicketDetail(TicketRead):
    messages: list[MessageRead]
    collaborators: list[dict[str, Any]]
    sla: list[SlaMetricRead]
    estimate: Estimate


class CustomerTicketRead(BaseModel):
    """A customer's view of their own case ("My tickets")."""

    id: int
    subject: str
    status: TicketStatus
    channel: Channel
    language: str
    created_at: datetime
    updated_at: datetime
    assigned: bool
    agent_name: str | None
    estimate: Estimate


class CustomerTicketDetail(CustomerTicketRead):
    messages: list[CustomerMessageRead]


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    actor_type: str
    actor_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime
