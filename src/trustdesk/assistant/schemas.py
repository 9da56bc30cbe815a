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
    # The customer answered a security check (the outcome only: never the code).
    verification = "verification"


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


class WithdrawalSummary(BaseModel):
    """The held withdrawal a verification is about, as the customer may see it."""

    id: str
    amount: str
    asset: str
    network: str | None = None
    destination: str = Field(description="The destination address, shortened (start…end)")
    requested_at: datetime


class VerificationPrompt(BaseModel):
    """A step-up verification the customer must answer to release a held withdrawal.

    The code is posted to `submit_url` (`{"code": "123456"}`), never written in the chat: the
    assistant never asks for a 2FA code and masks one sent to it. `not_me_url` says "this was
    not me" (the account is locked at once)."""

    id: int
    method: str = Field(description="totp (authenticator app) or email (a code we e-mailed)")
    expires_at: datetime
    attempts_left: int
    withdrawal: WithdrawalSummary
    submit_url: str
    not_me_url: str


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
    # A pending security check of a held withdrawal, to answer in a form (never in the chat).
    verification: VerificationPrompt | None = None


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
