"""Ticket rules: creation with triage, messages, status, escalation, collaborators."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.audit import service as audit
from trustdesk.errors import Conflict, InvalidInput, NotFound
from trustdesk.kit.cache import TTLCache
from trustdesk.live.bus import emit
from trustdesk.models import Agent, Customer, Queue, Ticket, TicketCollaborator, TicketMessage
from trustdesk.models.queue import QueueKind
from trustdesk.models.ticket import AuthorType, Priority, TicketStatus
from trustdesk.routing import repository as routing_repository
from trustdesk.routing import service as routing
from trustdesk.routing.repository import QueueRef
from trustdesk.sla import service as sla
from trustdesk.tickets import repository
from trustdesk.tickets.rules import EscalationFacts, automatic_escalation, can_transition
from trustdesk.tickets.schemas import Estimate, TicketCreate, TicketUpdate
from trustdesk.triage.language import detect_language, normalize_language_tag
from trustdesk.triage.priority import assess_priority
from trustdesk.triage.redaction import redact_secrets
from trustdesk.triage.sentiment import assess_sentiment
from trustdesk.trust.service import scan_inbound_message

_online_serving: TTLCache[int] = TTLCache(ttl=5.0)
_typical_wait: TTLCache[float | None] = TTLCache(ttl=60.0)


class TicketClosed(Conflict):
    """A closed ticket takes no more messages or changes."""


class InvalidTransition(Conflict):
    """The requested status cannot follow the current one."""


def announce(session: AsyncSession, ticket: Ticket, change: str, *, public: bool = True) -> None:
    """Tell live pages after commit: the desk sees every change; the customer, public ones."""
    event = {"type": change, "ticket_id": ticket.id, "status": ticket.status}
    emit(session, "desk", {**event, "queue_id": ticket.queue_id, "assignee_id": ticket.assignee_id})
    emit(session, f"ticket:{ticket.id}", {**event, "public": public})
    if public:
        emit(session, f"customer:{ticket.customer_id}", event)


async def _queue(session: AsyncSession, key: str) -> QueueRef:
    queue = await routing_repository.queue_ref(session, key)
    if queue is None:
        raise InvalidInput(f"unknown queue '{key}'")
    return queue


def _snapshot(ticket: Ticket) -> dict[str, object]:
    return {
        "status": ticket.status,
        "priority": ticket.priority,
        "queue_id": ticket.queue_id,
        "tier": ticket.tier,
        "language": ticket.language,
        "intent": ticket.intent,
        "assignee_id": ticket.assignee_id,
        "security": ticket.security,
        "vip": ticket.vip,
    }


async def create_ticket(
    session: AsyncSession,
    customer: Customer,
    data: TicketCreate,
    *,
    now: datetime,
    actor: Agent | Customer | None,
    priority: Priority | None = None,
) -> Ticket:
    """Open a case: redact secrets, triage (language, priority, sentiment), queue, route.

    `actor` None means TrustDesk itself opened it (a risk hold, a recovery case)."""
    redacted = redact_secrets(data.body)
    text = f"{data.subject}\n{redacted.text}"
    if data.language:
        language = normalize_language_tag(data.language)
        if language is None:
            raise InvalidInput(f"unsupported language '{data.language}'")
    else:
        language = detect_language(text, hint=customer.language).code or customer.language
    triage = assess_priority(
        text, vip_level=customer.vip_level, intent=data.intent, channel=data.channel
    )
    mood = assess_sentiment(text, language)
    queue = await _queue(session, triage.queue)
    author = (
        AuthorType.customer
        if isinstance(actor, Customer)
        else AuthorType.agent
        if isinstance(actor, Agent)
        else AuthorType.system
    )
    opening = TicketMessage(
        author_type=author,
        author_agent_id=actor.id if isinstance(actor, Agent) else None,
        body=redacted.text,
        redactions=list(redacted.redactions),
        created_at=now,
    )
    ticket = Ticket(
        customer_id=customer.id,
        subject=redact_secrets(data.subject).text,
        status=TicketStatus.new,
        priority=priority or Priority(triage.priority),
        channel=data.channel,
        language=language,
        intent=data.intent,
        tags=list(data.tags),
        tier=triage.tier,
        queue_id=queue.id,
        security=triage.security,
        sentiment=mood.score,
        vip=customer.vip_level > 0,
        created_at=now,
        updated_at=now,
        queued_at=now,
        # Through the relationship: one flush writes both, and the view reads it back from
        # memory (`ticket.messages` of a new ticket is this list, no query).
        messages=[opening],
    )
    # Deadlines before the INSERT: the common path then writes the ticket once.
    await sla.plan(session, ticket, customer, now=now)
    session.add(ticket)
    await session.flush()
    audit.record(
        session,
        entity="ticket",
        entity_id=ticket.id,
        ticket_id=ticket.id,
        action="created",
        actor=actor,
        at=now,
        after={**_snapshot(ticket), "triage": triage.reasons, "sentiment": mood.label},
    )
    if isinstance(actor, Customer):
        await _warn_about_lookalikes(session, ticket, text, now=now)
    if await _apply_automatic_escalation(session, ticket, queue, now=now):
        queue = await routing_repository.queue_ref_by_id(session, ticket.queue_id) or queue
    await routing.auto_assign(session, ticket, queue, now=now, quick=True)
    await sla.refresh(session, ticket, customer, now=now, created=True)
    announce(session, ticket, "ticket_created")
    return ticket


async def _apply_automatic_escalation(
    session: AsyncSession, ticket: Ticket, queue: Queue | QueueRef, *, now: datetime
) -> bool:
    decision = automatic_escalation(
        EscalationFacts(
            queue=queue.key,
            priority=ticket.priority,
            security=ticket.security,
            intent=ticket.intent,
            reopen_count=ticket.reopen_count,
            sentiment=ticket.sentiment,
        )
    )
    if decision is None:
        return False
    target = await _queue(session, decision.to_queue)
    await _move_to_queue(
        session, ticket, target, actor=None, now=now, reason=decision.reason, auto=True
    )
    if decision.priority != ticket.priority:
        before, after = audit.diff(ticket, {"priority": decision.priority})
        audit.record(
            session,
            entity="ticket",
            entity_id=ticket.id,
            ticket_id=ticket.id,
            action="priority_changed",
            actor=None,
            at=now,
            before=before,
            after={**after, "reason": decision.reason},
        )
    return True


async def _move_to_queue(
    session: AsyncSession,
    ticket: Ticket,
    target: Queue | QueueRef,
    *,
    actor: Agent | None,
    now: datetime,
    reason: str,
    auto: bool,
) -> None:
    before = {"queue_id": ticket.queue_id, "tier": ticket.tier, "assignee_id": ticket.assignee_id}
    ticket.queue_id = target.id
    ticket.tier = target.key if target.kind != QueueKind.department else ticket.tier
    ticket.escalation_level += 1
    ticket.queued_at = now
    ticket.updated_at = now
    # The new team picks it up; the previous assignee stays informed through the audit trail.
    ticket.assignee_id = None
    audit.record(
        session,
        entity="ticket",
        entity_id=ticket.id,
        ticket_id=ticket.id,
        action="escalated",
        actor=actor,
        at=now,
        before=before,
        after={"queue": target.key, "tier": ticket.tier, "reason": reason, "automatic": auto},
    )
    await session.flush()


def _add_message(session: AsyncSession, ticket: Ticket, message: TicketMessage) -> None:
    """A ticket opened in this transaction holds its messages in memory (the create's answer
    shows them without a query); an older one's are never loaded, so add by id."""
    if "messages" in inspect(ticket).dict:
        ticket.messages.append(message)
    else:
        message.ticket_id = ticket.id
        session.add(message)


async def _warn_about_lookalikes(
    session: AsyncSession, ticket: Ticket, text: str, *, now: datetime
) -> None:
    """A customer quoting a look-alike of our channels is being phished: warn them publicly,
    brief the agent privately, and let the contact count in withdrawal risk scoring."""
    warnings = await scan_inbound_message(
        session, text=text, customer_id=ticket.customer_id, ticket_id=ticket.id, now=now
    )
    if not warnings:
        return
    _add_message(
        session,
        ticket,
        TicketMessage(
            author_type=AuthorType.system,
            body="\n".join(w.customer_text for w in warnings),
            created_at=now,
        ),
    )
    _add_message(
        session,
        ticket,
        TicketMessage(
            author_type=AuthorType.system,
            body="\n".join(w.agent_text for w in warnings),
            internal=True,
            created_at=now,
        ),
    )
    if "phishing" not in ticket.tags:
        ticket.tags = sorted({*ticket.tags, "phishing"})
    await session.flush()


async def route_to_queue(
    session: AsyncSession, ticket: Ticket, queue_key: str, *, reason: str, now: datetime
) -> None:
    """TrustDesk moves a ticket to another team (an automatic escalation) and routes it there."""
    target = await _queue(session, queue_key)
    if target.id == ticket.queue_id:
        return
    await _move_to_queue(session, ticket, target, actor=None, now=now, reason=reason, auto=True)
    await routing.auto_assign(session, ticket, target, now=now, reason="escalation")
    announce(session, ticket, "ticket_escalated", public=False)


def _ensure_open(ticket: Ticket) -> None:
    if ticket.status == TicketStatus.closed:
        raise TicketClosed(f"ticket {ticket.id} is closed; open a new ticket instead")


async def _set_status(
    session: AsyncSession,
    ticket: Ticket,
    status: TicketStatus,
    *,
    actor: Agent | Customer | None,
    now: datetime,
    action: str = "status_changed",
) -> bool:
    if status == ticket.status:
        return False
    if not can_transition(ticket.status, status):
        raise InvalidTransition(f"a {ticket.status} ticket cannot become {status}")
    before = {"status": ticket.status}
    ticket.status = status
    ticket.updated_at = now
    if status == TicketStatus.resolved:
        ticket.resolved_at = now
    elif status in (TicketStatus.open, TicketStatus.pending_customer, TicketStatus.on_hold):
        ticket.resolved_at = None
    audit.record(
        session,
        entity="ticket",
        entity_id=ticket.id,
        ticket_id=ticket.id,
        action=action,
        actor=actor,
        at=now,
        before=before,
        after={"status": status},
    )
    await session.flush()
    return True


async def add_customer_message(
    session: AsyncSession, ticket: Ticket, customer: Customer, body: str, *, now: datetime
) -> TicketMessage:
    """The customer writes: a resolved ticket reopens; a pending one goes back to the team."""
    _ensure_open(ticket)
    redacted = redact_secrets(body)
    message = TicketMessage(
        ticket_id=ticket.id,
        author_type=AuthorType.customer,
        body=redacted.text,
        redactions=list(redacted.redactions),
        created_at=now,
    )
    session.add(message)
    ticket.updated_at = now
    if ticket.status == TicketStatus.resolved:
        ticket.reopen_count += 1
        await _set_status(
            session, ticket, TicketStatus.open, actor=customer, now=now, action="reopened"
        )
        queue = await repository.queue(session, ticket.queue_id)
        assert queue is not None
        if await _apply_automatic_escalation(session, ticket, queue, now=now):
            queue = await repository.queue(session, ticket.queue_id)
            assert queue is not None
        if ticket.assignee_id is None:
            await routing.auto_assign(session, ticket, queue, now=now)
    elif ticket.status == TicketStatus.pending_customer:
        await _set_status(session, ticket, TicketStatus.open, actor=customer, now=now)
    await _warn_about_lookalikes(session, ticket, redacted.text, now=now)
    mood = assess_sentiment(redacted.text, ticket.language)
    if mood.score <= (ticket.sentiment if ticket.sentiment is not None else 0.0):
        ticket.sentiment = mood.score
    await session.flush()
    await sla.refresh(session, ticket, customer, now=now)
    announce(session, ticket, "message_added")
    return message


async def add_agent_message(
    session: AsyncSession,
    ticket: Ticket,
    agent: Agent,
    body: str,
    *,
    internal: bool,
    status: TicketStatus | None,
    now: datetime,
) -> TicketMessage:
    """An agent replies (public) or leaves an internal note; a public reply opens the ticket."""
    _ensure_open(ticket)
    message = TicketMessage(
        ticket_id=ticket.id,
        author_type=AuthorType.agent,
        author_agent_id=agent.id,
        body=body,
        internal=internal,
        created_at=now,
    )
    session.add(message)
    ticket.updated_at = now
    if not internal:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
        if ticket.assignee_id is None:
            # Answering an unassigned ticket takes it: the customer now has a person.
            await routing.assign(session, ticket, agent, now=now, actor=agent, reason="replied")
        if status is None and ticket.status == TicketStatus.new:
            status = TicketStatus.open
    if status is not None:
        await _set_status(session, ticket, status, actor=agent, now=now)
    await session.flush()
    await _after_status(session, ticket, now=now)
    announce(session, ticket, "message_added", public=not internal)
    return message


async def _after_status(session: AsyncSession, ticket: Ticket, *, now: datetime) -> None:
    if ticket.status in (TicketStatus.resolved, TicketStatus.closed):
        # The agent has room again: hand them (or anyone free) the next waiting ticket.
        await routing.drain_queues(session, now=now, limit=20)
    customer = await session.get(Customer, ticket.customer_id)
    assert customer is not None
    await sla.refresh(session, ticket, customer, now=now)


async def update_ticket(
    session: AsyncSession, ticket: Ticket, agent: Agent, data: TicketUpdate, *, now: datetime
) -> Ticket:
    """Change status, priority, classification, tags or assignee, each change audited."""
    _ensure_open(ticket)
    if data.status is not None:
        await _set_status(session, ticket, data.status, actor=agent, now=now)
    changes: dict[str, object] = {}
    if data.priority is not None:
        changes["priority"] = data.priority
    if data.intent is not None:
        changes["intent"] = data.intent
    if data.category is not None:
        changes["category"] = data.category
    if data.tags is not None:
        changes["tags"] = data.tags
    if data.language is not None:
        language = normalize_language_tag(data.language)
        if language is None:
            raise InvalidInput(f"unsupported language '{data.language}'")
        changes["language"] = language
    before, after = audit.diff(ticket, changes)
    if after:
        ticket.updated_at = now
        audit.record(
            session,
            entity="ticket",
            entity_id=ticket.id,
            ticket_id=ticket.id,
            action="updated",
            actor=agent,
            at=now,
            before=before,
            after=after,
        )
    if data.unassign and ticket.assignee_id is not None:
        before, after = audit.diff(ticket, {"assignee_id": None, "queued_at": now})
        audit.record(
            session,
            entity="ticket",
            entity_id=ticket.id,
            ticket_id=ticket.id,
            action="unassigned",
            actor=agent,
            at=now,
            before=before,
            after=after,
        )
    elif data.assignee_id is not None and data.assignee_id != ticket.assignee_id:
        target = await session.get(Agent, data.assignee_id)
        if target is None or not target.active:
            raise InvalidInput(f"no active agent with id {data.assignee_id}")
        await routing.assign(session, ticket, target, now=now, actor=agent, reason="manual")
    await session.flush()
    await _after_status(session, ticket, now=now)
    announce(session, ticket, "ticket_updated")
    return ticket


async def escalate(
    session: AsyncSession,
    ticket: Ticket,
    agent: Agent,
    *,
    to_queue: str | None,
    note: str,
    now: datetime,
) -> Ticket:
    """Tier up (tier1 → tier2 by default) or hand to another queue, with an internal note."""
    _ensure_open(ticket)
    current = await repository.queue(session, ticket.queue_id)
    assert current is not None
    if to_queue is None:
        if current.kind != QueueKind.tier or (current.level or 0) >= 2:
            raise Conflict(f"'{current.key}' has no higher tier; name the queue to escalate to")
        to_queue = "tier2"
    target = await _queue(session, to_queue)
    if target.id == current.id:
        raise Conflict(f"ticket {ticket.id} is already in '{target.key}'")
    await _move_to_queue(session, ticket, target, actor=agent, now=now, reason=note, auto=False)
    session.add(
        TicketMessage(
            ticket_id=ticket.id,
            author_type=AuthorType.agent,
            author_agent_id=agent.id,
            body=f"Escalated to {target.name}: {note}",
            internal=True,
            created_at=now,
        )
    )
    await routing.auto_assign(session, ticket, target, now=now, reason="escalation")
    await session.flush()
    await _after_status(session, ticket, now=now)
    announce(session, ticket, "ticket_escalated", public=False)
    return ticket


async def add_collaborator(
    session: AsyncSession,
    ticket: Ticket,
    agent: Agent,
    *,
    queue_key: str,
    agent_id: int | None,
    note: str,
    now: datetime,
) -> TicketCollaborator:
    """Pull in another department (engineering, legal, security…) without moving the ticket."""
    _ensure_open(ticket)
    target = await _queue(session, queue_key)
    if target.kind != QueueKind.department:
        raise InvalidInput(f"'{queue_key}' is not a department; use escalate to change tier")
    if agent_id is not None:
        member = await session.get(Agent, agent_id)
        if member is None or not member.active or target.key not in (member.queues or []):
            raise InvalidInput(f"agent {agent_id} is not an active member of '{target.key}'")
    if await repository.find_collaborator(session, ticket.id, target.id, agent_id):
        raise Conflict(f"'{target.key}' already collaborates on ticket {ticket.id}")
    collaborator = TicketCollaborator(
        ticket_id=ticket.id,
        queue_id=target.id,
        agent_id=agent_id,
        added_by_agent_id=agent.id,
        reason=note,
        created_at=now,
    )
    session.add(collaborator)
    session.add(
        TicketMessage(
            ticket_id=ticket.id,
            author_type=AuthorType.agent,
            author_agent_id=agent.id,
            body=f"Asked {target.name} to help: {note}",
            internal=True,
            created_at=now,
        )
    )
    ticket.updated_at = now
    await session.flush()
    audit.record(
        session,
        entity="ticket",
        entity_id=ticket.id,
        ticket_id=ticket.id,
        action="collaborator_added",
        actor=agent,
        at=now,
        after={"queue": target.key, "agent_id": agent_id, "note": note},
    )
    return collaborator


async def estimate(
    session: AsyncSession, ticket: Ticket, *, now: datetime, view: sla.SlaView | None = None
) -> Estimate:
    """Queue position and expected times, from the live queue and the SLA.

    Pass the SLA `view` when the caller has already computed it: it is the costly part.
    """
    state = view or await sla.state_for(session, ticket, now=now)
    first_due = state.due(sla.FIRST_RESPONSE)
    resolution_due = state.due(sla.RESOLUTION)
    if ticket.status in (TicketStatus.resolved, TicketStatus.closed):
        return Estimate(queue_position=None, first_response_at=None, resolution_at=None)
    if ticket.first_response_at is not None:
        return Estimate(queue_position=None, first_response_at=None, resolution_at=resolution_due)
    if ticket.assignee_id is not None:
        return Estimate(
            queue_position=None,
            first_response_at=max(now, first_due) if first_due else None,
            resolution_at=resolution_due,
        )
    position, beyond_count = await routing_repository.queue_position(session, ticket)
    queue = await routing_repository.queue_ref_by_id(session, ticket.queue_id)
    assert queue is not None
    key = queue.key
    # Staffing and typical waits move slowly: a few seconds' staleness is fine for an estimate.
    online = await _online_serving.get(
        key, lambda: routing_repository.online_agents_serving(session, key)
    )
    typical = await _typical_wait.get(
        key,
        lambda: repository.median_first_response_seconds(
            session, ticket.queue_id, now - timedelta(hours=24)
        ),
    )
    if online == 0 or typical is None or beyond_count:
        # Nobody free to measure from, or a queue too deep to count: the SLA is the promise,
        # and escalation enforces it.
        eta = first_due
    else:
        eta = now + timedelta(seconds=math.ceil(position / online) * typical)
    return Estimate(
        queue_position=position,
        queue_position_at_least=beyond_count,
        first_response_at=max(now, eta) if eta else None,
        resolution_at=resolution_due,
    )


async def get_ticket(session: AsyncSession, ticket_id: int, *, for_update: bool = False) -> Ticket:
    ticket = await repository.get(session, ticket_id, for_update=for_update)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket


async def get_customer_ticket(
    session: AsyncSession, customer: Customer, ticket_id: int, *, for_update: bool = False
) -> Ticket:
    # Another customer's ticket is "not found", never "forbidden": ids reveal nothing.
    ticket = await repository.get_for_customer(
        session, customer.id, ticket_id, for_update=for_update
    )
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket
