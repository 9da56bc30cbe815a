"""The chat page's calls into the assistant: start or continue a conversation from a form."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.assistant import service
from trustdesk.assistant.schemas import ButtonAction, ConversationRead, ConversationStart
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
