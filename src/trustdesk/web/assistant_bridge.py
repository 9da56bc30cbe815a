"""The chat page's calls into the assistant: start or continue a conversation from a form."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.assistant import service, stepup
from trustdesk.assistant.replies import render
from trustdesk.assistant.schemas import (
    ButtonAction,
    ConversationRead,
    ConversationStart,
    VerificationPrompt,
)
from trustdesk.exchange.chains import ChainRegistry
from trustdesk.exchange.connector import ExchangeConnector
from trustdesk.models import Customer


def context(
    request: Request, connector: ExchangeConnector, registry: ChainRegistry
) -> service.Context:
    llm = getattr(request.app.state, "assistant_llm", None)
    return service.Context(connector=connector, registry=registry, llm=llm)


async def conversation(
    session: AsyncSession, customer: Customer, conversation_id: int, now: datetime
) -> ConversationRead:
    return await service.get_conversation(session, customer, conversation_id, now=now)


async def say(
    session: AsyncSession,
    customer: Customer,
    conversation_id: int | None,
    text: str,
    ctx: service.Context,
    *,
    language: str | None,
    now: datetime,
) -> int:
    """Send the customer's line (starting a conversation if needed); the conversation id."""
    if conversation_id is None:
        start = ConversationStart(text=text, language=language)
        read = await service.start_conversation(session, customer, start, ctx, now=now)
        return int(read.id)
    await service.send_message(session, customer, conversation_id, text, ctx, now=now)
    return conversation_id


async def press(
    session: AsyncSession,
    customer: Customer,
    conversation_id: int,
    action: str,
    ctx: service.Context,
    now: datetime,
) -> None:
    await service.run_action(session, customer, conversation_id, ButtonAction(action), ctx, now=now)


async def handoff(
    session: AsyncSession,
    customer: Customer,
    conversation_id: int | None,
    text: str,
    ctx: service.Context,
    *,
    language: str | None,
    now: datetime,
) -> int:
    if conversation_id is None:
        conversation_id = await say(session, customer, None, text, ctx, language=language, now=now)
    await service.request_handoff(session, customer, conversation_id, ctx, now=now)
    return conversation_id


async def pending_verifications(
    session: AsyncSession, customer: Customer, now: datetime
) -> list[VerificationPrompt]:
    return await stepup.pending(session, customer, now=now)


def verification_texts(prompt: VerificationPrompt, language: str) -> list[str]:
    """What the assistant says when it offers a pending security check (the chat's opening)."""
    facts = stepup.prompt_facts(prompt, language)
    keys = ("verify_intro", f"verify_{prompt.method}")
    return [render(key, language, facts) for key in keys]


async def answer_verification(
    session: AsyncSession,
    customer: Customer,
    conversation_id: int | None,
    verification_id: int,
    ctx: service.Context,
    *,
    code: str | None,
    secret_key: str,
    language: str,
    now: datetime,
) -> int:
    """The chat's security-check form (a code, or "this wasn't me" with code=None); the
    conversation that now shows the outcome."""
    conversation, _ = await service.answer_verification(
        session, customer, conversation_id, verification_id, ctx,
        code=code, secret_key=secret_key, now=now, language=language,
    )  # fmt: skip
    return conversation
