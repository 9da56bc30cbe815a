"""Request and response bodies of the assistant API."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from trustdesk.models.assistant import ConversationStatus, HandoffState


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ActionType(StrEnum):
    lookup = "lookup"
    flow_started = "flow_started"
    case_opened = "case_opened"
    account_frozen = "account_frozen"
    handoff = "handoff"
    # "Start recovery": credited at once, or a manual recovery case opened (or the earlier one).
    deposit_recovered = "deposit_recovered"
    recovery_case_opened = "recovery_case_opened"


class ButtonAction(StrEnum):
    freeze_account = "freeze_account"
    start_recovery = "start_recovery"
    talk_to_human = "talk_to_human"


class ConversationStart(_Strict):
    """Open a conversation, optionally with the first message."""

    text: str | None = Field(default=None, min_length=1, max_length=4000)
    language: str | None = Field(
        default=None, description="Preferred language; detected from the text when absent."
    )


class MessageSend(_Strict):
    text: str = Field(min_length=1, max_length=4000)


class ActionRequest(_Strict):
    action: ButtonAction


class ActionTaken(BaseModel):
    type: ActionType
    detail: dict[str, Any] = Field(default_factory=dict)


class Citation(BaseModel):
    article_id: int | str
    slug: str | None = None
    title: str
    url: str | None = None
    snippet: str | None = None
    language: str | None = None
    category: str | None = None


class Button(BaseModel):
    action: ButtonAction
    label: str


class Handoff(BaseModel):
    state: HandoffState = HandoffState.none
    ticket_id: int | None = None
    queue_position: int | None = None
    estimated_wait_seconds: int | None = None
    agent_name: str | None = None


class AssistantReply(BaseModel):
    """One assistant turn: the text plus the fields a client (or a test) can rely on."""

    conversation_id: int
    message_id: int
    text: str
    language: str
    intent: str | None
    confidence: float | None
    flow: str | None
    actions_taken: list[ActionTaken]
    citations: list[Citation]
    facts: dict[str, Any]
    buttons: list[Button]
    handoff: Handoff
    # Kinds of secrets removed from the customer's message (never the secrets).
    redactions: list[str]
    # Whether the reply ends with a question the customer must answer (e.g. a txid).
    asks: str | None
    model: str
    prompt_version: str
    created_at: datetime


class HistoryMessage(BaseModel):
    id: str
    role: str  # customer | assistant | agent
    text: str
    author_name: str | None = None
    created_at: datetime
    reply: dict[str, Any] | None = None


class ConversationRead(BaseModel):
    id: int
    status: ConversationStatus
    language: str
    intent: str | None
    flow: str | None
    handoff: Handoff
    created_at: datetime
    updated_at: datetime
    messages: list[HistoryMessage]
    # On start: the assistant's answer to the first message (or its greeting).
    reply: AssistantReply | None = None
