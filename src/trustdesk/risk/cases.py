"""Security cases: a compromised-account investigation with the account's whole timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.audit import service as audit
from trustdesk.errors import InvalidInput, NotFound
from trustdesk.exchange.connector import ExchangeConnector
from trustdesk.exchange.errors import ConnectorError
from trustdesk.models import Agent, Customer
from trustdesk.models.risk import (
    CaseStatus,
    RiskAssessment,
    SecurityCase,
    SecurityCaseNote,
)
from trustdesk.risk import repository
from trustdesk.risk.schemas import (
    CaseCreate,
    CaseDetail,
    CaseRead,
    CaseUpdate,
    DeviceRead,
    NoteRead,
    TimelineEntry,
)


@dataclass
class _Device:
    first: datetime
    last: datetime
    countries: set[str] = field(default_factory=set)
    ips: set[str] = field(default_factory=set)


SECURITY_CHANGES = {"password_change", "2fa_change", "email_change", "phone_change", "2fa_failed"}


async def open_case(
    session: AsyncSession,
    customer: Customer,
    *,
    reason: str,
    summary: str,
    assessment: RiskAssessment | None,
    account_frozen: bool,
    actor: Agent | None,
    now: datetime,
) -> SecurityCase:
    """Open a case, or add to the user's open one (one investigation per account at a time)."""
    existing = await repository.open_case_for_user(session, customer.external_id)
    if existing is not None:
        existing.account_frozen = existing.account_frozen or account_frozen
        existing.updated_at = now
        session.add(
            SecurityCaseNote(
                case_id=existing.id,
                agent_id=actor.id if actor else None,
                body=f"New trigger ({reason}): {summary}",
                created_at=now,
            )
        )
        await session.flush()
        return existing
    item = SecurityCase(
        customer_id=customer.id,
        user_id=customer.external_id,
        assessment_id=assessment.id if assessment else None,
        ticket_id=assessment.ticket_id if assessment else None,
        reason=reason,
        summary=summary,
        status=CaseStatus.open,
        assignee_ids=[],
        account_frozen=account_frozen,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    await session.flush()
    audit.record(
        session,
        entity="security_case",
        entity_id=item.id,
        action="created",
        actor=actor,
        at=now,
        after={"reason": reason, "customer_id": customer.id, "account_frozen": account_frozen},
    )
    return item


async def create_case(
    session: AsyncSession, data: CaseCreate, *, agent: Agent, now: datetime
) -> SecurityCase:
    customer = await session.get(Customer, data.customer_id)
    if customer is None:
        raise InvalidInput(f"no customer with id {data.customer_id}")
    return await open_case(
        session,
        customer,
        reason=data.reason,
        summary=data.summary,
        assessment=None,
        account_frozen=False,
        actor=agent,
        now=now,
    )


async def get_case(
    session: AsyncSession, case_id: int, *, for_update: bool = False
) -> SecurityCase:
    item = await repository.case(session, case_id, for_update=for_update)
    if item is None:
        raise NotFound(f"no security case {case_id}")
    return item


async def update_case(
    session: AsyncSession, item: SecurityCase, data: CaseUpdate, *, agent: Agent, now: datetime
) -> SecurityCase:
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        raise InvalidInput("nothing to change: send status, outcome or assignee_ids")
    if changes.get("status") == CaseStatus.closed and not (changes.get("outcome") or item.outcome):
        raise InvalidInput("closing a case needs an outcome (e.g. compromised, false_positive)")
    if data.assignee_ids is not None:
        ids = sorted(set(data.assignee_ids))
        if ids and await repository.count_agents(session, ids) != len(ids):
            raise InvalidInput("assignee_ids: unknown agent id")
        changes["assignee_ids"] = ids
    before = {k: getattr(item, k) for k in changes}
    for key, value in changes.items():
        setattr(item, key, value)
    if "status" in changes:
        item.closed_at = now if item.status == CaseStatus.closed else None
    item.updated_at = now
    audit.record(
        session,
        entity="security_case",
        entity_id=item.id,
        action="updated",
        actor=agent,
        at=now,
        before=before,
        after=changes,
    )
    await session.flush()
    return item


async def add_note(
    session: AsyncSession, item: SecurityCase, body: str, *, agent: Agent, now: datetime
) -> SecurityCaseNote:
    note = SecurityCaseNote(case_id=item.id, agent_id=agent.id, body=body, created_at=now)
    session.add(note)
    item.updated_at = now
    await session.flush()
    return note


async def case_detail(
    session: AsyncSession, item: SecurityCase, *, connector: ExchangeConnector | None
) -> CaseDetail:
    """The case with the account's activity in one view, newest first."""
    timeline: list[TimelineEntry] = []
    unavailable: list[str] = []
    devices: dict[str, _Device] = {}

    def see(device: str | None, at: datetime, country: str | None, ip: str | None) -> None:
        if not device:
            return
        d = devices.setdefault(device, _Device(at, at))
        d.first, d.last = min(d.first, at), max(d.last, at)
        if country:
            d.countries.add(country)
        if ip:
            d.ips.add(ip)

    for e in await repository.events_of_user(session, item.user_id):
        kind = "login" if e.kind == "login" else "security_change"
        where = ", ".join(x for x in (e.country, e.ip, e.device_id) if x)
        timeline.append(
            TimelineEntry(
                at=e.at,
                kind=kind,
                summary=f"{e.kind}" + (f" ({where})" if where else ""),
                data={
                    "event_id": e.event_id,
                    "kind": e.kind,
                    "device_id": e.device_id,
                    "ip": e.ip,
                    "country": e.country,
                    "asn": e.asn,
                    "user_agent": e.user_agent,
                },
            )
        )
        see(e.device_id, e.at, e.country, e.ip)
    scored = {}
    for a in await repository.assessments_of_user(session, item.user_id):
        scored[a.withdrawal_id] = a
        timeline.append(
            TimelineEntry(
                at=a.created_at,
                kind="withdrawal",
                summary=(
                    f"withdrawal {a.withdrawal_id}: {a.amount.normalize():f} {a.asset} to "
                    f"{a.to_address} - risk {a.decision} ({a.score})"
                    + (f", {a.action_state}" if a.action_state else "")
                ),
                data={
                    "withdrawal_id": a.withdrawal_id,
                    "assessment_id": a.id,
                    "decision": a.decision,
                    "score": a.score,
                    "reasons": [r["code"] for r in a.reasons],
                    "action_state": a.action_state,
                    "device_id": a.device_id,
                    "country": a.country,
                },
            )
        )
        see(a.device_id, a.created_at, a.country, a.ip)
    if connector is not None:
        try:
            for w in await connector.list_withdrawals(item.user_id):
                if w.id in scored:
                    continue
                timeline.append(
                    TimelineEntry(
                        at=w.created_at,
                        kind="withdrawal",
                        summary=(
                            f"withdrawal {w.id}: {w.amount.normalize():f} {w.asset} to "
                            f"{w.to_address} - {w.status.value}"
                        ),
                        data={"withdrawal_id": w.id, "status": w.status.value, "txid": w.txid},
                    )
                )
        except ConnectorError:
            unavailable.append("exchange withdrawals")
        try:
            for d in await connector.list_deposits(item.user_id):
                timeline.append(
                    TimelineEntry(
                        at=d.detected_at,
                        kind="deposit",
                        summary=(
                            f"deposit {d.id}: {d.amount.normalize():f} {d.asset} - {d.status.value}"
                        ),
                        data={"deposit_id": d.id, "status": d.status.value, "txid": d.txid},
                    )
                )
        except ConnectorError:
            unavailable.append("exchange deposits")
    else:
        unavailable.append("exchange")
    for t in await repository.customer_tickets(session, item.customer_id):
        timeline.append(
            TimelineEntry(
                at=t.created_at,
                kind="ticket",
                summary=f"ticket #{t.id} [{t.priority}] {t.subject} - {t.status}",
                data={"ticket_id": t.id, "status": t.status, "channel": t.channel},
            )
        )
    for ver in await repository.verifications_of_customer(session, item.customer_id):
        timeline.append(
            TimelineEntry(
                at=ver.resolved_at or ver.created_at,
                kind="verification",
                summary=f"step-up verification by {ver.method}: {ver.status}",
                data={"verification_id": ver.id, "attempts": ver.attempts},
            )
        )
    notes = await repository.case_notes(session, item.id)
    for n in notes:
        timeline.append(
            TimelineEntry(
                at=n.created_at, kind="note", summary=n.body[:200], data={"note_id": n.id}
            )
        )
    timeline.sort(key=lambda e: e.at, reverse=True)
    return CaseDetail(
        **CaseRead.model_validate(item).model_dump(),
        notes=[NoteRead.model_validate(n) for n in notes],
        devices=[
            DeviceRead(
                device_id=k,
                first_seen=d.first,
                last_seen=d.last,
                countries=sorted(d.countries),
                ips=sorted(d.ips),
            )
            for k, d in sorted(devices.items(), key=lambda kv: kv[1].last, reverse=True)
        ],
        timeline=timeline,
        sources_unavailable=unavailable,
    )
