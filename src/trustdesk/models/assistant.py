"""The AI assistant's conversations and every message in them (customer, assistant, system)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.db import Base, JSONType, UTCDateTime
from trustdesk.kit.clock import utcnow


class ConversationStatus(StrEnum):
    open = "open"
    handed_off = "handed_off"
    closed = "closed"


class HandoffState(StrEnum):
    none = "none"
    offered = "offered"
    queued = "queued"
    agent_joined = "agent_joined"


class MessageRole(StrEnum):
    customer = "customer"
    assistant = "assistant"


class Conversation(Base):
    """A customer's chat with the assistant; a handoff links it to the ticket a human works."""

    __tablename__ = "assistant_conversations"
    __table_args__ = (Index("ix_assistant_conversations_customer_created", "customer_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[ConversationStatus] = mapped_column(String(16), default=ConversationStatus.open)
    intent: Mapped[str | None] = mapped_column(String(64))
    flow: Mapped[str | None] = mapped_column(String(64))
    # The running flow's memory: what it waits for, the last diagnosis, the offered buttons.
    state: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    handoff_state: Mapped[HandoffState] = mapped_column(String(16), default=HandoffState.none)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConversationMessage(Base):
    """One message. Assistant replies keep their structured fields, sources, model and prompt
    version, so every AI answer can be audited; customer text is stored redacted only."""

    __tablename__ = "assistant_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("assistant_conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MessageRole] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    # Kinds of secrets masked before storing (never the secret itself).
    redactions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    language: Mapped[str | None] = mapped_column(String(8))
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    # The reply's structured fields (actions, citations, facts, buttons, handoff).
    reply: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # What the answer was built from: article ids, look-ups, diagnosis verdicts.
    sources: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # "rules" or the LLM model name, and the template / prompt version that produced the text.
    model: Mapped[str | None] = mapped_column(String(120))
    prompt_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
