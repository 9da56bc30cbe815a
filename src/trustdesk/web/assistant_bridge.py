"""The chat page's link to the assistant (trustdesk.assistant), when it is installed.

The assistant is built by another team; until its service exists the chat falls back to a
person-only conversation (a ticket). Imports are deferred so this package never fails to load.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models import Customer

REQUIRED = ("Context", "start_conversation", "send_message", "run_action", "request_handoff")


def _service() -> ModuleType | None:
    try:
        module = importlib.import_module("trustdesk.assistant.service")
        importlib.import_module("trustdesk.assistant.schemas")
    except ImportError:
        return None
    return module if all(hasattr(module, name) for name in REQUIRED) else None


def available() -> bool:
    return _service() is not None


def context(request: Request, connector: Any, registry: Any) -> Any:
    service = _service()
    assert service is not None
    llm = getattr(request.app.state, "assistant_llm", None)
    return service.Context(connector=connector, registry=registry, llm=llm)


async def conversation(
    session: AsyncSession, customer: Customer, conversation_id: int, now: Any
) -> Any:
    service = _service()
    assert service is not None
    return await service.get_conversation(session, customer, conversation_id, now=now)


async def say(
    session: AsyncSession,
    customer: Customer,
    conversation_id: int | None,
    text: str,
    ctx: Any,
    *,
    language: str | None,
    now: Any,
) -> int:
    """Send the customer's line (starting a conversation if needed); the conversation id."""
    service = _service()
    assert service is not None
    if conversation_id is None:
        schemas = importlib.import_module("trustdesk.assistant.schemas")
        start = schemas.ConversationStart(text=text, language=language)
        read = await service.start_conversation(session, customer, start, ctx, now=now)
        return int(read.id)
    await service.send_message(session, customer, conversation_id, text, ctx, now=now)
    return conversation_id


async def press(
    session: AsyncSession, customer: Customer, conversation_id: int, action: str, ctx: Any, now: Any
) -> None:
    service = _service()
    assert service is not None
    schemas = importlib.import_module("trustdesk.assistant.schemas")
    await service.run_action(
        session, customer, conversation_id, schemas.ButtonAction(action), ctx, now=now
    )


async def handoff(
    session: AsyncSession,
    customer: Customer,
    conversation_id: int | None,
    text: str,
    ctx: Any,
    *,
    language: str | None,
    now: Any,
) -> int:
    service = _service()
    assert service is not None
    if conversation_id is None:
        conversation_id = await say(session, customer, None, text, ctx, language=language, now=now)
    await service.request_handoff(session, customer, conversation_id, ctx, now=now)
    return conversation_id
