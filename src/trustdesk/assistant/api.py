"""Assistant endpoints (customers): conversations, messages, buttons and the handoff."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from trustdesk.assistant import service
from trustdesk.assistant.llm import LLMProvider
from trustdesk.assistant.schemas import (
    ActionRequest,
    AssistantReply,
    ConversationRead,
    ConversationStart,
    MessageSend,
)
from trustdesk.db import commit
from trustdesk.deps import CurrentCustomer, IdempotencyKey, NowDep, SessionDep, SettingsDep
from trustdesk.exchange.api import ConnectorDep, RegistryDep
from trustdesk.idempotency import run_idempotent

router = APIRouter(prefix="/api/v1/assistant", tags=["assistant (customers)"])


def _llm(request: Request) -> LLMProvider | None:
    # Built at start-up from the settings (tests put their own provider there).
    return getattr(request.app.state, "assistant_llm", None)


def _context(request: Request, connector: ConnectorDep, registry: RegistryDep) -> service.Context:
    return service.Context(connector=connector, registry=registry, llm=_llm(request))


@router.post("/conversations", status_code=201, response_model=ConversationRead)
async def start_conversation(
    data: ConversationStart,
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    connector: ConnectorDep,
    registry: RegistryDep,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Start a conversation, optionally with the first message (answered at once)."""
    ctx = _context(request, connector, registry)

    async def create() -> ConversationRead:
        return await service.start_conversation(session, customer, data, ctx, now=now)

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"customer:{customer.id}:assistant:conversations",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
    )


@router.get("/conversations/{conversation_id}", response_model=ConversationRead)
async def get_conversation(
    conversation_id: int, session: SessionDep, customer: CurrentCustomer, now: NowDep
) -> ConversationRead:
    """The history, including the replies of the agent who took over."""
    read = await service.get_conversation(session, customer, conversation_id, now=now)
    await commit(session)
    return read


@router.post(
    "/conversations/{conversation_id}/messages", status_code=201, response_model=AssistantReply
)
async def send_message(
    conversation_id: int,
    data: MessageSend,
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    connector: ConnectorDep,
    registry: RegistryDep,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Send a message; the answer carries language, intent, actions, facts, buttons, handoff."""
    ctx = _context(request, connector, registry)

    async def create() -> AssistantReply:
        return await service.send_message(
            session, customer, conversation_id, data.text, ctx, now=now
        )

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"customer:{customer.id}:assistant:{conversation_id}:messages",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
    )


@router.post(
    "/conversations/{conversation_id}/actions", status_code=201, response_model=AssistantReply
)
async def run_action(
    conversation_id: int,
    data: ActionRequest,
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    connector: ConnectorDep,
    registry: RegistryDep,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Press a button: freeze_account, start_recovery or talk_to_human."""
    ctx = _context(request, connector, registry)

    async def create() -> AssistantReply:
        return await service.run_action(
            session, customer, conversation_id, data.action, ctx, now=now
        )

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"customer:{customer.id}:assistant:{conversation_id}:actions",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
    )


@router.post(
    "/conversations/{conversation_id}/handoff", status_code=201, response_model=AssistantReply
)
async def handoff(
    conversation_id: int,
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    connector: ConnectorDep,
    registry: RegistryDep,
    now: NowDep,
) -> AssistantReply:
    """Talk to a person now: one ticket per conversation, with the whole context."""
    ctx = _context(request, connector, registry)
    reply = await service.request_handoff(session, customer, conversation_id, ctx, now=now)
    await commit(session)
    return reply
