"""SLA policies, live state of a ticket's clocks, and the sweep that escalates before a breach."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.audit import service as audit
from trustdesk.kit.cache import TTLCache
from trustdesk.models import Agent, Customer, Queue, SlaEvent, SlaPolicy, Ticket, TicketMessage
from trustdesk.models.agent import AgentRole, Presence
from trustdesk.models.ticket import AuthorType
from trustdesk.routing import repository as routing_repository
from trustdesk.routing import service as routing
from trustdesk.sla import repository
from trustdesk.sla.calendar import BusinessCalendar
from trustdesk.sla.deadlines import (
    PRIORITY_TARGETS,
    HistoryEvent,
    HistoryKind,
    SlaEventKind,
    SlaMetric,
    SlaState,
    SlaTargets,
    SlaTransition,
    compute_sla,
    sla_transitions,
)

FIRST_RESPONSE = SlaMetric.first_response
NEXT_RESPONSE = SlaMetric.next_response
RESOLUTION = SlaMetric.resolution
RESPONSE_METRICS = (FIRST_RESPONSE, NEXT_RESPONSE)


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


async def ensure_default_policies(session: AsyncSession) -> None:
    """Create the built-in policies once: one per priority, and a tighter one for VIPs."""
    if await repository.active_policies(session):
        return
    for priority, targets in PRIORITY_TARGETS.items():
        session.add(
            SlaPolicy(
                name=f"Default {priority}",
                priority=priority,
                min_vip_level=0,
                first_response_seconds=_seconds(targets.first_response),
                first_response_max_seconds=_seconds(targets.first_response_max),
                next_response_seconds=_seconds(targets.next_response),
                resolution_seconds=_seconds(targets.resolution),
                warn_ratio=targets.warn_ratio,
            )
        )
    session.add(
        SlaPolicy(
            name="VIP desk",
            priority=None,
            min_vip_level=1,
            first_response_seconds=60,
            first_response_max_seconds=600,
            next_response_seconds=300,
            resolution_seconds=4 * 3600,
        )
    )
    await session.flush()
    forget_policies()


@dataclass(frozen=True)
class PolicySnapshot:
    """An SLA policy as routing reads it on every request: cached, detached from sessions."""

    id: int
    name: str
    priority: str | None
    min_vip_level: int
    first_response_seconds: int
    first_response_max_seconds: int | None
    next_response_seconds: int
    resolution_seconds: int
    warn_ratio: float
    calendar: dict[str, Any] | None
    active: bool


# Policies change rarely; other processes pick up a change within this many seconds.
_policies: TTLCache[tuple[PolicySnapshot, ...]] = TTLCache(ttl=30.0)


async def cached_policies(session: AsyncSession) -> tuple[PolicySnapshot, ...]:
    async def load() -> tuple[PolicySnapshot, ...]:
        return tuple(
            PolicySnapshot(**{f: getattr(p, f) for f in PolicySnapshot.__dataclass_fields__})
            for p in await repository.active_policies(session)
        )

    return await _policies.get("active", load)


def forget_policies() -> None:
    _policies.clear()


def choose_policy(
    policies: Sequence[PolicySnapshot], priority: str, vip_level: int
) -> PolicySnapshot | None:
    """The most specific active policy: highest VIP threshold met, then exact priority."""
    matching = [
        p
        for p in policies
        if p.active and (p.priority in (None, priority)) and p.min_vip_level <= vip_level
    ]
    if not matching:
        return None
    return max(matching, key=lambda p: (p.min_vip_level, p.priority is not None, -p.id))


def targets_of(policy: PolicySnapshot | None, priority: str) -> SlaTargets:
    if policy is None:
        return PRIORITY_TARGETS.get(priority, PRIORITY_TARGETS["P3"])
    return SlaTargets(
        first_response=timedelta(seconds=policy.first_response_seconds),
        first_response_max=(
            timedelta(seconds=policy.first_response_max_seconds)
            if policy.first_response_max_seconds
            else None
        ),
        next_response=timedelta(seconds=policy.next_response_seconds),
        resolution=timedelta(seconds=policy.resolution_seconds),
        warn_ratio=policy.warn_ratio,
        calendar=(
            BusinessCalendar.from_dict(policy.calendar)
            if policy.calendar
            else BusinessCalendar.always()
        ),
    )


async def history_of(session: AsyncSession, ticket: Ticket) -> list[HistoryEvent]:
    """The ticket's life as the SLA clock sees it: messages and status changes, in order."""
    events = [HistoryEvent(at=ticket.created_at, kind=HistoryKind.created)]
    messages = await repository.public_messages(session, ticket.id)
    # The message that opened the ticket is its creation, not a second customer message.
    for message in messages[1:] if messages else ():
        kind = (
            HistoryKind.customer_message
            if message.author_type == AuthorType.customer
            else HistoryKind.agent_reply
        )
        events.append(HistoryEvent(at=message.created_at, kind=kind))
    for change in await repository.status_changes(session, ticket.id):
        status = (change.after or {}).get("status")
        if change.action == "reopened":
            events.append(HistoryEvent(at=change.at, kind=HistoryKind.reopened, status=status))
        elif status:
            events.append(
                HistoryEvent(at=change.at, kind=HistoryKind.status_changed, status=status)
            )
    # Stable sort: at equal instants the order of writing is kept.
    events.sort(key=lambda e: e.at)
    return events


@dataclass(frozen=True)
class SlaView:
    """A ticket's SLA state with the policy it was measured against."""

    state: SlaState
    policy: PolicySnapshot | None
    targets: SlaTargets

    def due(self, metric: SlaMetric) -> datetime | None:
        current = self.state.get(metric)
        if current is None or current.finished:
            return None
        return current.due_at


async def state_for(
    session: AsyncSession,
    ticket: Ticket,
    *,
    now: datetime,
    history: list[HistoryEvent] | None = None,
) -> SlaView:
    """The ticket's SLA state at `now`. Within one request, the state `refresh` just computed
    is reused as long as the ticket has not changed since (it is the costly part of a view)."""
    cached = session.info.get("sla_views", {}).get(ticket.id)
    if cached is not None and cached[0] == (now, ticket.updated_at, ticket.status):
        return cached[1]  # type: ignore[no-any-return]
    policy = None
    if ticket.sla_policy_id is not None:
        by_id = {p.id: p for p in await cached_policies(session)}
        policy = by_id.get(ticket.sla_policy_id)
        if policy is None:
            # Created in another process within the cache's lifetime, or deactivated since.
            forget_policies()
            policy = {p.id: p for p in await cached_policies(session)}.get(ticket.sla_policy_id)
    targets = targets_of(policy, ticket.priority)
    if history is None:
        history = await history_of(session, ticket)
    state = compute_sla(targets, history, now)
    return SlaView(state=state, policy=policy, targets=targets)


async def _record_new(
    session: AsyncSession,
    ticket: Ticket,
    state: SlaState,
    *,
    now: datetime,
    recorded: Sequence[SlaEvent] | None = None,
) -> list[SlaTransition]:
    """Store each SLA moment once; return the ones not seen before. `recorded`: the ticket's
    stored events when the caller knows them (none for a new ticket), else they are read."""
    reached = sla_transitions(None, state)
    if not reached:
        return []
    if recorded is None:
        recorded = await repository.recorded_events(session, ticket.id)
    seen = {(e.metric, e.kind, e.cycle_started_at) for e in recorded}
    new: list[SlaTransition] = []
    for t in reached:
        key = (str(t.metric), str(t.kind), t.started_at)
        if key in seen:
            continue
        seen.add(key)
        new.append(t)
        session.add(
            SlaEvent(
                ticket_id=ticket.id,
                metric=t.metric,
                kind=t.kind,
                cycle_started_at=t.started_at,
                due_at=t.due_at,
                details={"reached_at": t.at.isoformat()},
                at=now,
            )
        )
    await session.flush()
    return new


async def _deadlines(
    session: AsyncSession, ticket: Ticket, customer: Customer, *, now: datetime, created: bool
) -> SlaView:
    policy = choose_policy(await cached_policies(session), ticket.priority, customer.vip_level)
    ticket.sla_policy_id = policy.id if policy else None
    history = [HistoryEvent(at=ticket.created_at, kind=HistoryKind.created)] if created else None
    view = await state_for(session, ticket, now=now, history=history)
    ticket.sla_due_at = view.state.next_deadline
    ticket.sla_check_at = view.state.next_check_at
    return view


async def plan(session: AsyncSession, ticket: Ticket, customer: Customer, *, now: datetime) -> None:
    """Set the deadlines of a ticket being opened before its INSERT, so that the `refresh`
    after routing finds them unchanged and writes no UPDATE."""
    await _deadlines(session, ticket, customer, now=now, created=True)


async def refresh(
    session: AsyncSession,
    ticket: Ticket,
    customer: Customer,
    *,
    now: datetime,
    created: bool = False,
) -> SlaView:
    """Recompute after any change: pick the policy, store the next deadline and checkpoint.

    `created`: the ticket was opened in this transaction, so its history is only its creation
    and it has no SLA events yet; nothing needs to be read back."""
    session.info.get("sla_views", {}).pop(ticket.id, None)
    view = await _deadlines(session, ticket, customer, now=now, created=created)
    session.info.setdefault("sla_views", {})[ticket.id] = (
        (now, ticket.updated_at, ticket.status),
        view,
    )
    new = await _record_new(session, ticket, view.state, now=now, recorded=() if created else None)
    if any(t.kind != SlaEventKind.met for t in new):
        # A threshold is already behind us: let the sweep escalate at once.
        ticket.sla_check_at = now
    await session.flush()
    return view


@dataclass
class SweepReport:
    checked: int = 0
    warnings: int = 0
    breaches: int = 0
    escalations: list[tuple[int, str]] = field(default_factory=list)


async def sweep(session: AsyncSession, *, now: datetime, limit: int = 200) -> SweepReport:
    """Look at every ticket whose SLA checkpoint has come; warn, escalate, record.

    Runs in the worker (or inside the web process in embedded mode). On PostgreSQL, several
    workers can sweep at once: each locks the tickets it takes and skips the others' rows.
    """
    report = SweepReport()
    for ticket in await repository.tickets_to_check(session, now, limit):
        report.checked += 1
        customer = await session.get(Customer, ticket.customer_id)
        assert customer is not None
        view = await state_for(session, ticket, now=now)
        new = await _record_new(session, ticket, view.state, now=now)
        for t in new:
            if t.kind == SlaEventKind.warning:
                report.warnings += 1
            elif t.kind in (SlaEventKind.breached, SlaEventKind.hard_breached):
                report.breaches += 1
        urgent = [t for t in new if t.kind != SlaEventKind.met]
        if urgent:
            worst = max(urgent, key=lambda t: _SEVERITY[t.kind])
            for action in await escalate_before_breach(session, ticket, worst, now=now):
                report.escalations.append((ticket.id, action))
        await refresh(session, ticket, customer, now=now)
    await routing.drain_queues(session, now=now)
    await session.flush()
    return report


_SEVERITY = {
    SlaEventKind.warning: 1,
    SlaEventKind.breached: 2,
    SlaEventKind.hard_breached: 3,
    SlaEventKind.met: 0,
}


async def _pick_lead(session: AsyncSession, queue: Queue) -> Agent | None:
    leads = [
        a
        for a, _ in await routing_repository.agents_with_load(session, online_only=False)
        if a.role in (AgentRole.lead, AgentRole.admin)
    ]
    if not leads:
        return None

    def rank(agent: Agent) -> tuple[int, int, int]:
        return (
            0 if agent.presence == Presence.online else 1,
            0 if queue.key in (agent.queues or []) else 1,
            agent.id,
        )

    return min(leads, key=rank)


async def escalate_before_breach(
    session: AsyncSession, ticket: Ticket, trigger: SlaTransition, *, now: datetime
) -> list[str]:
    """Act, not just notify: reassign to a free agent, tier up, and raise to a lead.

    1. An assignee who is away or offline loses the ticket to someone present.
    2. An unassigned ticket goes to a free agent of its queue.
    3. Still nobody, and the ticket is in tier 1: a free tier-2 specialist takes it.
    4. Nobody could take it, or the deadline has passed: a lead is alerted on the ticket.
    """
    actions: list[str] = []
    queue = await session.get(Queue, ticket.queue_id)
    assert queue is not None
    is_response = trigger.metric in RESPONSE_METRICS
    if is_response and ticket.assignee_id is not None:
        assignee = await session.get(Agent, ticket.assignee_id)
        if assignee is None or assignee.presence != Presence.online:
            before, after = audit.diff(ticket, {"assignee_id": None})
            audit.record(
                session,
                entity="ticket",
                entity_id=ticket.id,
                ticket_id=ticket.id,
                action="unassigned",
                actor=None,
                at=now,
                before=before,
                after={**after, "reason": f"sla {trigger.kind}: assignee not online"},
            )
            actions.append("unassigned_absent_agent")
    if is_response and ticket.assignee_id is None:
        agent = await routing.auto_assign(session, ticket, queue, now=now, reason="sla")
        if agent is not None:
            actions.append(f"reassigned:{agent.id}")
        elif queue.key == "tier1":
            tier2 = await routing_repository.queues_by_key(session)
            target = tier2.get("tier2")
            if target is not None:
                specialist = await routing.auto_assign(
                    session, ticket, target, now=now, reason="sla tier up"
                )
                if specialist is not None:
                    before = {"queue_id": ticket.queue_id, "tier": ticket.tier}
                    ticket.queue_id, ticket.tier = target.id, target.key
                    ticket.escalation_level += 1
                    audit.record(
                        session,
                        entity="ticket",
                        entity_id=ticket.id,
                        ticket_id=ticket.id,
                        action="escalated",
                        actor=None,
                        at=now,
                        before=before,
                        after={"queue": target.key, "reason": f"sla {trigger.kind}"},
                    )
                    actions.append(f"tier_up:{specialist.id}")
    if ticket.assignee_id is None or trigger.kind != SlaEventKind.warning or not is_response:
        lead = await _pick_lead(session, queue)
        if lead is not None:
            ticket.escalation_level += 1
            when = "is due" if trigger.kind == SlaEventKind.warning else "was due"
            due = trigger.due_at.isoformat(timespec="seconds") if trigger.due_at else "now"
            session.add(
                TicketMessage(
                    ticket_id=ticket.id,
                    author_type=AuthorType.system,
                    body=f"SLA {trigger.kind}: {trigger.metric} {when} at {due}. "
                    f"Raised to {lead.name}.",
                    internal=True,
                    created_at=now,
                )
            )
            audit.record(
                session,
                entity="ticket",
                entity_id=ticket.id,
                ticket_id=ticket.id,
                action="lead_alerted",
                actor=None,
                at=now,
                after={"lead_id": lead.id, "metric": trigger.metric, "trigger": trigger.kind},
            )
            actions.append(f"lead_alerted:{lead.id}")
    ticket.updated_at = now
    session.add(
        SlaEvent(
            ticket_id=ticket.id,
            metric=trigger.metric,
            kind=f"escalated_{trigger.kind}",
            cycle_started_at=trigger.started_at,
            due_at=trigger.due_at,
            details={"actions": actions},
            at=now,
        )
    )
    await session.flush()
    return actions
