"""Ticket endpoints: the agents' desk (/tickets) and the customers' "My tickets" (/me/tickets)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from trustdesk.db import commit
from trustdesk.deps import (
    CurrentAgent,
    CurrentCustomer,
    IdempotencyKey,
    Limit,
    NowDep,
    SessionDep,
    SettingsDep,
    cursor_after,
    next_cursor,
)
from trustdesk.errors import InvalidInput
from trustdesk.idempotency import run_idempotent
from trustdesk.kit.pagination import Page
from trustdesk.models import Customer
from trustdesk.models.ticket import Priority, TicketStatus
from trustdesk.tickets import repository, service, views
from trustdesk.tickets.schemas import (
    AgentMessageCreate,
    AgentTicketCreate,
    AuditEventRead,
    CollaboratorCreate,
    CustomerTicketDetail,
    CustomerTicketRead,
    EscalateRequest,
    MessageCreate,
    MessageRead,
    TicketCreate,
    TicketDetail,
    TicketRead,
    TicketUpdate,
)

agent_router = APIRouter(prefix="/api/v1/tickets", tags=["tickets (agents)"])
customer_router = APIRouter(prefix="/api/v1/me/tickets", tags=["my tickets (customers)"])


@agent_router.get("", response_model=Page[TicketRead])
async def list_tickets(
    session: SessionDep,
    agent: CurrentAgent,
    now: NowDep,
    status: Annotated[list[TicketStatus] | None, Query()] = None,
    priority: Annotated[list[Priority] | None, Query()] = None,
    queue: str | None = None,
    assignee_id: int | None = None,
    mine: bool = False,
    unassigned: bool = False,
    customer_id: int | None = None,
    language: str | None = None,
    intent: str | None = None,
    tag: str | None = None,
    vip: bool | None = None,
    due_within_minutes: Annotated[int | None, Query(ge=0, le=7 * 24 * 60)] = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[TicketRead]:
    """The desk's queues: filter by status, priority, queue, assignee, language, tag, SLA due."""
    queue_id = None
    if queue is not None:
        found = await repository.queue_by_key(session, queue)
        if found is None:
            raise InvalidInput(f"unknown queue '{queue}'")
        queue_id = found.id
    f = repository.TicketFilter(
        status=status or (),
        priority=priority or (),
        queue_id=queue_id,
        assignee_id=agent.id if mine else assignee_id,
        unassigned=unassigned,
        customer_id=customer_id,
        language=language,
        intent=intent,
        vip=vip,
        due_before=now + timedelta(minutes=due_within_minutes)
        if due_within_minutes is not None
        else None,
    )
    tickets = await repository.page(
        session,
        repository.apply_filter(repository.all_tickets(), f),
        after_id=cursor_after(cursor),
        limit=limit,
        tag=tag,
    )
    items = await views.agent_list(session, tickets)
    return Page(items=items, next_cursor=next_cursor([t.id for t in tickets], limit))


@agent_router.post("", status_code=201, response_model=TicketDetail)
async def create_ticket_for_customer(
    data: AgentTicketCreate,
    session: SessionDep,
    agent: CurrentAgent,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Open a ticket on a customer's behalf (a phone call, a social mention)."""

    async def create() -> TicketDetail:
        customer = await session.get(Customer, data.customer_id)
        if customer is None:
            raise InvalidInput(f"no customer with id {data.customer_id}")
        create_data = TicketCreate(**data.model_dump(exclude={"customer_id", "priority"}))
        ticket = await service.create_ticket(
            session, customer, create_data, now=now, actor=agent, priority=data.priority
        )
        return await views.agent_detail(session, ticket, now=now)

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"agent:{agent.id}:tickets",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
    )


@agent_router.get("/{ticket_id}", response_model=TicketDetail)
async def get_ticket(
    ticket_id: int, session: SessionDep, agent: CurrentAgent, now: NowDep
) -> TicketDetail:
    ticket = await service.get_ticket(session, ticket_id)
    return await views.agent_detail(session, ticket, now=now)


@agent_router.patch("/{ticket_id}", response_model=TicketDetail)
async def update_ticket(
    ticket_id: int, data: TicketUpdate, session: SessionDep, agent: CurrentAgent, now: NowDep
) -> TicketDetail:
    ticket = await service.get_ticket(session, ticket_id, for_update=True)
    await service.update_ticket(session, ticket, agent, data, now=now)
    await commit(session)
    return await views.agent_detail(session, ticket, now=now)


@agent_router.post("/{ticket_id}/messages", status_code=201, response_model=MessageRead)
async def post_agent_message(
    ticket_id: int,
    data: AgentMessageCreate,
    session: SessionDep,
    agent: CurrentAgent,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Reply to the customer, or leave an internal note (`internal: true`)."""

    async def create() -> MessageRead:
        ticket = await service.get_ticket(session, ticket_id, for_update=True)
        message = await service.add_agent_message(
            session, ticket, agent, data.body, internal=data.internal, status=data.status, now=now
        )
        return MessageRead.model_validate(message).model_copy(update={"author_name": agent.name})

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"agent:{agent.id}:ticket:{ticket_id}:messages",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
    )


@agent_router.post("/{ticket_id}/escalate", response_model=TicketDetail)
async def escalate_ticket(
    ticket_id: int, data: EscalateRequest, session: SessionDep, agent: CurrentAgent, now: NowDep
) -> TicketDetail:
    """Tier up (default: tier 1 → tier 2) or move to another queue, with an internal note."""
    ticket = await service.get_ticket(session, ticket_id, for_update=True)
    await service.escalate(session, ticket, agent, to_queue=data.to_queue, note=data.note, now=now)
    await commit(session)
    return await views.agent_detail(session, ticket, now=now)


@agent_router.post("/{ticket_id}/collaborators", status_code=201, response_model=TicketDetail)
async def add_collaborator(
    ticket_id: int, data: CollaboratorCreate, session: SessionDep, agent: CurrentAgent, now: NowDep
) -> TicketDetail:
    """Pull in a department (engineering, legal, security) with an internal note."""
    ticket = await service.get_ticket(session, ticket_id, for_update=True)
    await service.add_collaborator(
        session,
        ticket,
        agent,
        queue_key=data.queue,
        agent_id=data.agent_id,
        note=data.note,
        now=now,
    )
    await commit(session)
    return await views.agent_detail(session, ticket, now=now)


@agent_router.get("/{ticket_id}/events", response_model=list[AuditEventRead])
async def ticket_events(
    ticket_id: int, session: SessionDep, agent: CurrentAgent
) -> list[AuditEventRead]:
    """The ticket's audit trail: every change, who made it, before and after."""
    await service.get_ticket(session, ticket_id)
    return [
        AuditEventRead.model_validate(e) for e in await repository.audit_events(session, ticket_id)
    ]


@customer_router.get("", response_model=Page[CustomerTicketRead])
async def my_tickets(
    session: SessionDep,
    customer: CurrentCustomer,
    now: NowDep,
    status: Annotated[list[TicketStatus] | None, Query()] = None,
    cursor: str | None = None,
    limit: Limit = 20,
) -> Page[CustomerTicketRead]:
    """The signed-in customer's tickets, newest first."""
    stmt = repository.apply_filter(
        repository.customer_tickets(customer.id), repository.TicketFilter(status=status or ())
    )
    tickets = await repository.page(session, stmt, after_id=cursor_after(cursor), limit=limit)
    items = [await views.customer_summary(session, t, now=now) for t in tickets]
    await commit(session)
    return Page(items=items, next_cursor=next_cursor([t.id for t in tickets], limit))


@customer_router.post("", status_code=201, response_model=CustomerTicketDetail)
async def open_my_ticket(
    data: TicketCreate,
    session: SessionDep,
    customer: CurrentCustomer,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Open a ticket. Send an Idempotency-Key so a retry never opens it twice."""

    async def create() -> CustomerTicketDetail:
        ticket = await service.create_ticket(session, customer, data, now=now, actor=customer)
        return await views.customer_detail(session, ticket, now=now, messages=ticket.messages)

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"customer:{customer.id}:tickets",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
    )


@customer_router.get("/{ticket_id}", response_model=CustomerTicketDetail)
async def my_ticket(
    ticket_id: int, session: SessionDep, customer: CurrentCustomer, now: NowDep
) -> CustomerTicketDetail:
    """Status, public history, queue position and estimated times of one of my tickets."""
    ticket = await service.get_customer_ticket(session, customer, ticket_id)
    detail = await views.customer_detail(session, ticket, now=now)
    await commit(session)
    return detail


@customer_router.post("/{ticket_id}/messages", status_code=201, response_model=CustomerTicketDetail)
async def reply_to_my_ticket(
    ticket_id: int,
    data: MessageCreate,
    session: SessionDep,
    customer: CurrentCustomer,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Reply; a resolved ticket reopens. A closed one answers 409: open a new ticket."""

    async def create() -> CustomerTicketDetail:
        ticket = await service.get_customer_ticket(session, customer, ticket_id, for_update=True)
        await service.add_customer_message(session, ticket, customer, data.body, now=now)
        return await views.customer_detail(session, ticket, now=now)

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"customer:{customer.id}:ticket:{ticket_id}:messages",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
    )


router = APIRouter()
router.include_router(agent_router)
router.include_router(customer_router)
