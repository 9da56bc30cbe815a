"""Withdrawal risk control: score, act on the decision, verify the customer.

The scorer reads a bounded slice of the user's history (our stored events and scored
withdrawals, and the exchange's own records the first time we meet a user), computes every
signal, scores them with the current rule set and stores all of it. A hold acts at once:
the withdrawal is held at the exchange, a P1 security ticket alerts support, and the customer
is asked to verify (TOTP, or a code e-mailed after commit).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.db import after_commit
from trustdesk.errors import AppError, Conflict, InvalidInput, NotFound
from trustdesk.exchange.connector import ExchangeConnector
from trustdesk.exchange.errors import ConnectorError
from trustdesk.models import Agent, Customer, Ticket, TicketMessage
from trustdesk.models.risk import (
    RiskAssessment,
    RiskDecision,
    RiskEvent,
    RiskRuleSet,
    RiskTotpSecret,
    RiskVerification,
    VerificationMethod,
    VerificationStatus,
)
from trustdesk.models.ticket import AuthorType, Channel, Priority
from trustdesk.risk import cases, notices, repository
from trustdesk.risk import verification as v
from trustdesk.risk.anomaly import MODEL_VERSION
from trustdesk.risk.schemas import (
    DecisionRead,
    EventIn,
    Reason,
    RecentEventIn,
    VerificationRead,
    VerificationResult,
    WithdrawalIn,
)
from trustdesk.risk.scoring import (
    CUSTOMER_MESSAGES,
    RuleSetError,
    Verdict,
    default_rules,
    score_signals,
    validate_rules,
)
from trustdesk.risk.signals import (
    PastWithdrawal,
    SeenEvent,
    UserHistory,
    WithdrawalFacts,
    compute_signals,
)
from trustdesk.tickets import service as tickets
from trustdesk.tickets.schemas import TicketCreate

HOLD_REASON = "risk_review"
# A hold or decline answered before its follow-up (exchange hold, P1 ticket, verification,
# e-mail) ran: `act_on_assessment` replaces it with the outcome. An assessment left in this
# state (the process died in between) is visible and can be acted on again.
ACTING = "acting"
FRESH_FACTOR = timedelta(hours=72)
# How far ahead of our clock the exchange's timestamps may run (clock skew). Anything later is
# refused: a login "in the future" would, for instance, make every withdrawal look fast.
MAX_CLOCK_SKEW = timedelta(minutes=5)
# What we learnt from the exchange about a user we had never seen: kept a few minutes so a
# burst of first requests asks the exchange once.
_SEED_TTL_S = 300.0
_seed_cache: dict[str, tuple[float, UserHistory]] = {}


class VerificationClosed(Conflict):
    """The verification is no longer pending."""


class WrongCode(AppError):
    status_code = 422


# -- rule sets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveRules:
    version: int
    rules: Mapping[str, Any]
    row: RiskRuleSet | None


# Per database engine, for RULES_TTL_S: every decision would otherwise read the rule set.
# Other processes see a newly published version within that time; this one at once.
RULES_TTL_S = 2.0
_rules_cache: weakref.WeakKeyDictionary[Any, tuple[float, ActiveRules]] = (
    weakref.WeakKeyDictionary()
)


async def active_rules(session: AsyncSession, *, cached: bool = False) -> ActiveRules:
    engine = session.bind.engine if session.bind is not None else None
    if cached and engine is not None:
        hit = _rules_cache.get(engine)
        if hit is not None and time.monotonic() - hit[0] < RULES_TTL_S:
            return hit[1]
    row = await repository.latest_rule_set(session)
    active = (
        ActiveRules(1, default_rules(), None)
        if row is None
        else ActiveRules(row.version, row.rules, row)
    )
    if engine is not None:
        _rules_cache[engine] = (time.monotonic(), active)
    return active


async def publish_rules(
    session: AsyncSession, rules: dict[str, Any], *, note: str, agent: Agent, now: datetime
) -> RiskRuleSet:
    """Validate and store a new version; the packaged defaults become version 1 first."""
    try:
        validate_rules(rules)
    except RuleSetError as exc:
        raise InvalidInput(f"invalid rule set: {exc}") from exc
    latest = await repository.latest_rule_set(session)
    if latest is None:
        session.add(
            RiskRuleSet(version=1, rules=default_rules(), note="packaged defaults", created_at=now)
        )
        version = 2
    else:
        version = latest.version + 1
    row = RiskRuleSet(
        version=version, rules=rules, note=note, created_by_agent_id=agent.id, created_at=now
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("another rule set was published at the same time; retry") from exc
    if session.bind is not None:
        _rules_cache.pop(session.bind.engine, None)
    return row


# -- events ----------------------------------------------------------------------------------


def _event_values(data: EventIn | RecentEventIn, user_id: str, now: datetime) -> dict[str, Any]:
    """The stored columns of one event, streamed alone or sent with a withdrawal."""
    return dict(
        event_id=data.event_id,
        user_id=user_id,
        kind=data.kind.value,
        at=data.at,
        ip=data.ip,
        device_id=data.device_id,
        country=data.country.upper() if data.country else None,
        asn=data.asn,
        user_agent=data.user_agent,
        received_at=now,
    )


async def ingest_event(
    session: AsyncSession, data: EventIn, *, now: datetime
) -> tuple[RiskEvent, bool]:
    """Store a streamed event once; a replay of the same event id returns the stored one."""
    _not_in_future("at", data.at, now=now)
    existing = await repository.event_by_event_id(session, data.event_id)
    if existing is not None:
        if existing.user_id != data.user_id or existing.kind != data.kind.value:
            raise Conflict(f"event {data.event_id} was already received with other content")
        return existing, False
    row = RiskEvent(**_event_values(data, data.user_id, now))
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        found = await repository.event_by_event_id(session, data.event_id)
        if found is None:
            raise
        return found, False
    _seed_cache.pop(data.user_id, None)
    return row, True


async def _ingest_recent(
    session: AsyncSession, user_id: str, events: list[RecentEventIn], *, now: datetime
) -> None:
    await repository.store_new_events(
        session,
        [_event_values(e, user_id, now) for e in events],
    )


# -- scoring ---------------------------------------------------------------------------------


def _not_in_future(field: str, at: datetime | None, *, now: datetime) -> None:
    if at is not None and at > now + MAX_CLOCK_SKEW:
        raise InvalidInput(f"{field}: {at.isoformat()} is in the future")


async def _seed_from_exchange(
    connector: ExchangeConnector | None, user_id: str, *, since: datetime
) -> UserHistory:
    """The exchange's own records of a user we hold no history for."""
    if connector is None:
        return UserHistory()
    cached = _seed_cache.get(user_id)
    if cached is not None and time.monotonic() - cached[0] < _SEED_TTL_S:
        return cached[1]
    try:
        events = await connector.list_security_events(user_id, since)
        withdrawals = await connector.list_withdrawals(user_id)
    except ConnectorError:
        return UserHistory()
    history = UserHistory(
        events=[SeenEvent(e.kind.value, e.at, e.device_id, e.ip, e.country, e.asn) for e in events],
        withdrawals=[
            PastWithdrawal(
                at=w.created_at,
                asset=w.asset.upper(),
                amount=float(w.amount),
                to_address=w.to_address,
                completed=w.status.value in ("completed", "broadcast", "processing"),
            )
            for w in withdrawals
            if w.created_at >= since
        ],
    )
    if len(_seed_cache) > 10_000:
        _seed_cache.clear()
    _seed_cache[user_id] = (time.monotonic(), history)
    return history


async def load_history(
    session: AsyncSession,
    user_id: str,
    rules: Mapping[str, Any],
    *,
    now: datetime,
    connector: ExchangeConnector | None,
    withdrawal_id: str = "",
) -> repository.ScoringContext:
    since = now - timedelta(days=float(rules.get("history_days", 90)))
    contact_days = float(rules["signals"].get("lookalike_contact", {}).get("window_days", 14))
    ctx = await repository.scoring_context(
        session,
        user_id,
        withdrawal_id,
        since=since,
        contacts_since=now - timedelta(days=contact_days),
    )
    h = ctx.history
    if (
        not ctx.already_scored
        and not h.withdrawals
        and not any(e.at < now - timedelta(hours=1) for e in h.events)
    ):
        # A user we have never scored: the exchange's own records are the baseline.
        seed = await _seed_from_exchange(connector, user_id, since=since)
        h = UserHistory(
            [*h.events, *seed.events], list(seed.withdrawals), h.lookalike_contacts, h.under_review
        )
    return repository.ScoringContext(h, ctx.already_scored)


def facts_of(data: WithdrawalIn) -> WithdrawalFacts:
    return WithdrawalFacts(
        withdrawal_id=data.withdrawal_id,
        user_id=data.user_id,
        asset=data.asset,
        network=data.network,
        amount=data.amount,
        to_address=data.to_address,
        memo=data.memo,
        balance_before=data.balance_before,
        device_id=data.device_id,
        ip=data.ip,
        country=data.country.upper() if data.country else None,
        asn=data.asn,
        login_at=data.login_at,
        user_agent=data.user_agent,
    )


def evaluate(
    facts: WithdrawalFacts, history: UserHistory, rules: Mapping[str, Any], *, now: datetime
) -> Verdict:
    """The pure decision: signals → points → score → decision (used by the bench as is)."""
    return score_signals(compute_signals(facts, history, rules, now=now), rules)


def _read(row: RiskAssessment, *, replayed: bool = False) -> DecisionRead:
    return DecisionRead(
        withdrawal_id=row.withdrawal_id,
        decision=row.decision,
        score=row.score,
        reasons=[Reason(**r) for r in row.reasons],
        customer_message=CUSTOMER_MESSAGES[RiskDecision(row.decision)],
        rules_version=row.rules_version,
        model_version=row.model_version,
        assessment_id=row.id,
        replayed=replayed,
    )


async def _replay(session: AsyncSession, data: WithdrawalIn) -> DecisionRead:
    existing = await repository.assessment_by_withdrawal(session, data.withdrawal_id)
    if existing is None:
        raise Conflict(f"withdrawal {data.withdrawal_id} is being scored; retry")
    if existing.user_id != data.user_id:
        raise Conflict(f"withdrawal {data.withdrawal_id} was scored for another user")
    # A retry must be the same withdrawal: an id reused for another amount or address would
    # otherwise be answered with a decision taken on different facts.
    if (
        existing.asset != data.asset
        or existing.network != data.network
        or existing.to_address != data.to_address
        or Decimal(existing.amount) != data.amount
    ):
        raise Conflict(f"withdrawal {data.withdrawal_id} was already scored with other content")
    return _read(existing, replayed=True)


async def score_withdrawal(
    session: AsyncSession,
    data: WithdrawalIn,
    *,
    now: datetime,
    connector: ExchangeConnector | None,
    email_sender: v.EmailSender,
    settings: v.RiskSettings,
    secret_key: str,
    act_after_answer: bool = False,
) -> DecisionRead:
    """Score one withdrawal request, store every value, and act on a hold or decline.

    With `act_after_answer`, a hold or decline is stored with `action_state = "acting"` and
    not acted on here: the caller commits, answers, then runs `act_on_assessment` in its own
    transaction, so the exchange's answer does not wait for the ticket, the connector call
    and the verification.

    Idempotent by withdrawal id: the exchange may retry and gets the first decision back.

    The hot path (PostgreSQL; an approve or step-up decision, or a hold or decline answered
    first): nothing is written before the decision, so neither the history read nor the
    one INSERT of the assessment needs a transaction. Each joins
    the other decisions' reads and INSERTs of that moment in one statement (see
    `repository.hot_path`); the INSERT is autocommitted, so the decision is durable when it
    returns. Recent events sent with the request are stored first (a batched INSERT there
    too), so the history read sees them. A hold or decline acted on at once does its writes
    in the session's transaction (several rows that must land together: the assessment,
    the P1 ticket, the verification); so does everything on SQLite."""
    _not_in_future("login_at", data.login_at, now=now)
    for i, event in enumerate(data.recent_events):
        _not_in_future(f"recent_events[{i}].at", event.at, now=now)
    if data.recent_events:
        await _ingest_recent(session, data.user_id, data.recent_events, now=now)
    active = await active_rules(session, cached=True)
    ctx = await load_history(
        session,
        data.user_id,
        active.rules,
        now=now,
        connector=connector,
        withdrawal_id=data.withdrawal_id,
    )
    if ctx.already_scored:
        return await _replay(session, data)
    history = ctx.history
    verdict = evaluate(facts_of(data), history, active.rules, now=now)
    values: dict[str, Any] = dict(
        withdrawal_id=data.withdrawal_id,
        user_id=data.user_id,
        asset=data.asset,
        network=data.network,
        amount=data.amount,
        balance_before=data.balance_before,
        to_address=data.to_address,
        memo=data.memo,
        device_id=data.device_id,
        ip=data.ip,
        country=data.country.upper() if data.country else None,
        asn=data.asn,
        decision=verdict.decision,
        score=verdict.score,
        signals=[c.as_dict() for c in verdict.contributions],
        detail={
            **verdict.detail(active.rules),
            "history": {
                "events": len(history.events),
                "withdrawals": len(history.withdrawals),
                "lookalike_contacts": len(history.lookalike_contacts),
            },
        },
        reasons=verdict.reasons(),
        rules_version=active.version,
        model_version=MODEL_VERSION,
        request=data.model_dump(mode="json", exclude={"recent_events"})
        | {"recent_event_ids": [e.event_id for e in data.recent_events]},
        created_at=now,
    )
    acting = verdict.decision in (RiskDecision.hold, RiskDecision.decline)
    if acting and act_after_answer:
        values["action_state"] = ACTING
        acting = False  # answered now, acted on after the answer
    if acting:
        # The assessment and its follow-up commit together: begin the session's transaction
        # (the INSERT then runs in it, not on the batched hot path).
        await session.connection()
    try:
        assessment_id = await repository.insert_assessment(session, values)
    except IntegrityError:
        # The exchange retried while the first call was still running: answer with the first.
        await session.rollback()
        return await _replay(session, data)
    if assessment_id is None:  # the same, seen by the batched INSERT
        return await _replay(session, data)
    if not acting:
        return DecisionRead(
            withdrawal_id=data.withdrawal_id,
            decision=verdict.decision,
            score=verdict.score,
            reasons=[Reason(**r) for r in values["reasons"]],
            customer_message=CUSTOMER_MESSAGES[verdict.decision],
            rules_version=active.version,
            model_version=MODEL_VERSION,
            assessment_id=assessment_id,
        )
    row = await session.get(RiskAssessment, assessment_id)
    assert row is not None
    await _act(
        session,
        row,
        connector=connector,
        email_sender=email_sender,
        settings=settings,
        secret_key=secret_key,
        now=now,
    )
    return _read(row)


# -- acting on a decision --------------------------------------------------------------------


async def act_on_assessment(
    session: AsyncSession,
    assessment_id: int,
    *,
    connector: ExchangeConnector | None,
    email_sender: v.EmailSender,
    settings: v.RiskSettings,
    secret_key: str,
    now: datetime,
) -> bool:
    """The follow-up of a hold or decline stored as "acting": hold at the exchange, P1
    ticket, verification, e-mail (after commit). False if it was already done."""
    row = await repository.assessment_for_update(session, assessment_id)
    if row is None or row.action_state != ACTING:
        return False
    await _act(
        session,
        row,
        connector=connector,
        email_sender=email_sender,
        settings=settings,
        secret_key=secret_key,
        now=now,
    )
    return True


def _internal_note(session: AsyncSession, ticket_id: int, body: str, now: datetime) -> None:
    session.add(
        TicketMessage(
            ticket_id=ticket_id,
            author_type=AuthorType.system,
            body=body,
            internal=True,
            created_at=now,
        )
    )


def _agent_note(row: RiskAssessment) -> str:
    lines = [
        f"Risk decision {row.decision} (score {row.score}, rules v{row.rules_version}, "
        f"model {row.model_version}) for withdrawal {row.withdrawal_id}: "
        f"{row.amount.normalize():f} {row.asset} on {row.network} to {row.to_address}"
        + (f" (memo {row.memo})" if row.memo else ""),
        f"Balance before: {row.balance_before.normalize():f} {row.asset}; device "
        f"{row.device_id or '?'}, IP {row.ip or '?'}, country {row.country or '?'}.",
        "Reasons:",
        *(f"- {r['text']} [{r['code']}, +{r['points']}]" for r in row.reasons),
    ]
    if row.detail.get("forced_by"):
        lines.append(f"Forced by rule: {row.detail['forced_by']}")
    lines.append("Do not share these reasons with the customer.")
    return "\n".join(lines)


async def _act(
    session: AsyncSession,
    row: RiskAssessment,
    *,
    connector: ExchangeConnector | None,
    email_sender: v.EmailSender,
    settings: v.RiskSettings,
    secret_key: str,
    now: datetime,
) -> None:
    customer, new_customer = await repository.get_or_create_customer(session, row.user_id)
    held = row.decision == RiskDecision.hold
    state = "held" if held else "declined"
    hold_error = None
    if held:
        try:
            if connector is None:
                raise ConnectorError("no exchange connector")
            await connector.hold_withdrawal(row.withdrawal_id, HOLD_REASON)
        except ConnectorError as exc:
            # The exchange still receives "hold" in our answer and must hold it itself.
            state = "hold_requested"
            hold_error = str(exc)[:300]
    # The customer reads this ticket in My tickets: in their language, without any reason.
    language = customer.language
    facts = {"amount": f"{row.amount.normalize():f} {row.asset}", "reference": row.withdrawal_id}
    kind = "hold" if held else "decline"
    ticket = await tickets.create_ticket(
        session,
        customer,
        TicketCreate(
            subject=notices.render(f"{kind}_subject", language, facts),
            body=notices.render(f"{kind}_body", language, facts),
            channel=Channel.api,
            intent="account_compromised",
            tags=["risk-hold" if held else "risk-decline"],
            # The text is ours, in a known language: nothing to detect.
            language=language,
        ),
        now=now,
        actor=None,  # the system opens it: audited as "system"
        priority=Priority.P1,
    )
    _internal_note(session, ticket.id, _agent_note(row), now)
    # The row is changed only now: one UPDATE with the outcome, not one per step (each query
    # above would flush a change made earlier).
    if hold_error is not None:
        row.detail = {**row.detail, "hold_error": hold_error}
    row.ticket_id = ticket.id
    row.action_state = state
    if held:
        await _ask_to_verify(
            session,
            row,
            customer,
            ticket,
            new_customer=new_customer,
            email_sender=email_sender,
            settings=settings,
            secret_key=secret_key,
            now=now,
        )
    await session.flush()


async def _ask_to_verify(
    session: AsyncSession,
    row: RiskAssessment,
    customer: Customer,
    ticket: Ticket,
    *,
    new_customer: bool = False,
    email_sender: v.EmailSender,
    settings: v.RiskSettings,
    secret_key: str,
    now: datetime,
) -> RiskVerification | None:
    fired = {sig["code"] for sig in row.signals if sig.get("strength", 0) > 0}
    # A customer created for this hold has enrolled nothing yet.
    totp = None if new_customer else await repository.totp_secret(session, customer.id)
    # A factor the attacker may have set up is no proof: a TOTP enrolled in the last 72 h
    # (or right after a 2FA change), or an e-mail address changed recently.
    if totp is not None and (totp.created_at > now - FRESH_FACTOR or "twofa_changed" in fired):
        totp = None
    email = customer.email if "email_changed" not in fired else None
    if totp is None and not email:
        _internal_note(
            session,
            ticket.id,
            "No trustworthy verification factor (TOTP enrolled long enough ago, or an e-mail "
            "address not changed recently): verify the customer by other means.",
            now,
        )
        return None
    method = VerificationMethod.totp if totp is not None else VerificationMethod.email
    verification = RiskVerification(
        customer_id=customer.id,
        assessment_id=row.id,
        method=method,
        status=VerificationStatus.pending,
        attempts=0,
        max_attempts=settings.max_attempts,
        expires_at=now + timedelta(minutes=settings.code_ttl_minutes),
        created_at=now,
    )
    if method is VerificationMethod.totp:
        # The authenticator app's codes change every 30 s; give the customer time to act.
        verification.expires_at = now + timedelta(hours=24)
    session.add(verification)
    await session.flush()
    if method is VerificationMethod.email:
        code = v.new_code()
        verification.code_hash = v.code_hash(secret_key, str(verification.id), code)
        to = email or ""
        facts = {
            "code": code,
            "amount": f"{row.amount.normalize():f} {row.asset}",
            "minutes": settings.code_ttl_minutes,
        }
        subject = notices.render("code_subject", customer.language, facts)
        message = notices.render("code_body", customer.language, facts)

        async def send() -> None:
            await email_sender.send(to, subject, message)

        after_commit(session, send)
    _internal_note(
        session,
        ticket.id,
        f"Customer asked to verify by {method.value} (verification {verification.id}).",
        now,
    )
    return verification


# -- the customer's side ---------------------------------------------------------------------


async def _verification_view(
    session: AsyncSession, verification: RiskVerification
) -> VerificationRead:
    row = await repository.assessment(session, verification.assessment_id)
    assert row is not None
    return VerificationRead(
        id=verification.id,
        method=verification.method,
        status=verification.status,
        attempts_left=max(0, verification.max_attempts - verification.attempts),
        expires_at=verification.expires_at,
        withdrawal_id=row.withdrawal_id,
        asset=row.asset,
        amount=row.amount,
        message=CUSTOMER_MESSAGES[RiskDecision.hold],
    )


async def my_pending_verifications(
    session: AsyncSession, customer: Customer, *, now: datetime
) -> list[VerificationRead]:
    out = []
    for item in await repository.pending_verifications(session, customer.id):
        if item.expires_at <= now:
            item.status = VerificationStatus.expired
            item.resolved_at = now
            continue
        out.append(await _verification_view(session, item))
    await session.flush()
    return out


async def enrol_totp(
    session: AsyncSession, customer: Customer, *, settings: v.RiskSettings, now: datetime
) -> tuple[str, str]:
    """Provision (or re-provision) the customer's TOTP secret."""
    row = await repository.totp_secret(session, customer.id)
    secret = v.new_totp_secret()
    if row is None:
        session.add(RiskTotpSecret(customer_id=customer.id, secret=secret, created_at=now))
    else:
        if await repository.pending_verifications(session, customer.id):
            # Re-enrolling while a hold waits would let a hijacker mint their own TOTP.
            raise Conflict("a verification is pending: finish it before changing TOTP")
        row.secret = secret
        row.created_at = now
    await session.flush()
    account = customer.email or customer.external_id
    return secret, v.provisioning_uri(secret, account, settings.totp_issuer)


async def _pending(
    session: AsyncSession, customer: Customer, verification_id: int, *, now: datetime
) -> RiskVerification:
    item = await repository.customer_verification(
        session, customer.id, verification_id, for_update=True
    )
    if item is None:
        raise NotFound(f"no verification {verification_id}")
    if item.status == VerificationStatus.pending and item.expires_at <= now:
        item.status = VerificationStatus.expired
        item.resolved_at = now
        await session.flush()
    if item.status != VerificationStatus.pending:
        raise VerificationClosed(f"verification {verification_id} is {item.status}")
    return item


async def submit_code(
    session: AsyncSession,
    customer: Customer,
    verification_id: int,
    code: str,
    *,
    now: datetime,
    connector: ExchangeConnector | None,
    secret_key: str,
) -> VerificationResult:
    """Check a code. Success releases the hold; the last failed attempt freezes the account.

    A wrong code is answered (and committed) as a result with `status: pending`; the API turns
    it into a 422 after the attempt is counted."""
    item = await _pending(session, customer, verification_id, now=now)
    row = await repository.assessment(session, item.assessment_id)
    assert row is not None
    if item.method == VerificationMethod.totp:
        secret = await repository.totp_secret(session, customer.id)
        ok = secret is not None and v.totp_matches(secret.secret, code, now=now)
    else:
        ok = item.code_hash is not None and v.code_matches(
            secret_key, str(item.id), code, item.code_hash
        )
    if ok:
        item.status = VerificationStatus.verified
        item.resolved_at = now
        await _release(session, row, connector=connector, now=now)
        await session.flush()
        return VerificationResult(
            id=item.id,
            status=item.status,
            attempts_left=max(0, item.max_attempts - item.attempts),
            message="Thank you. Your withdrawal continues.",
        )
    item.attempts += 1
    if item.attempts >= item.max_attempts:
        item.status = VerificationStatus.failed
        item.resolved_at = now
        await _protect(
            session, customer, row, reason="verification_failed", connector=connector, now=now
        )
        await session.flush()
        return VerificationResult(
            id=item.id,
            status=item.status,
            attempts_left=0,
            message=(
                "Too many wrong codes. We have locked your account to protect it; our security "
                "team will contact you."
            ),
        )
    await session.flush()
    return VerificationResult(
        id=item.id,
        status=item.status,
        attempts_left=item.max_attempts - item.attempts,
        message="That code is not right. Please try again.",
    )


async def deny(
    session: AsyncSession,
    customer: Customer,
    verification_id: int,
    *,
    now: datetime,
    connector: ExchangeConnector | None,
) -> VerificationResult:
    """ "This was not me": freeze the account and open a security case."""
    item = await _pending(session, customer, verification_id, now=now)
    row = await repository.assessment(session, item.assessment_id)
    assert row is not None
    item.status = VerificationStatus.denied
    item.resolved_at = now
    await _protect(session, customer, row, reason="customer_denied", connector=connector, now=now)
    await session.flush()
    return VerificationResult(
        id=item.id,
        status=item.status,
        attempts_left=0,
        message=(
            "Thank you. We have locked your account and kept the withdrawal on hold. Our "
            "security team will contact you to secure your account."
        ),
    )


async def _release(
    session: AsyncSession,
    row: RiskAssessment,
    *,
    connector: ExchangeConnector | None,
    now: datetime,
) -> None:
    note = "Customer verified: withdrawal released."
    try:
        if connector is None:
            raise ConnectorError("no exchange connector")
        await connector.release_withdrawal(row.withdrawal_id)
        row.action_state = "released"
    except ConnectorError as exc:
        row.action_state = "release_requested"
        note = f"Customer verified, but the exchange did not release the withdrawal: {exc}"
    if row.ticket_id is not None:
        _internal_note(session, row.ticket_id, note, now)


async def _protect(
    session: AsyncSession,
    customer: Customer,
    row: RiskAssessment,
    *,
    reason: str,
    connector: ExchangeConnector | None,
    now: datetime,
) -> None:
    frozen = True
    try:
        if connector is None:
            raise ConnectorError("no exchange connector")
        await connector.freeze_account(row.user_id, f"security:{reason}")
    except ConnectorError as exc:
        frozen = False
        if row.ticket_id is not None:
            _internal_note(session, row.ticket_id, f"Account freeze failed: {exc}", now)
    row.action_state = "frozen" if frozen else row.action_state
    await cases.open_case(
        session,
        customer,
        reason=reason,
        summary=(
            f"Withdrawal {row.withdrawal_id} held (score {row.score}); "
            + (
                "customer said it was not them."
                if reason == "customer_denied"
                else "too many failed verification attempts."
            )
        ),
        assessment=row,
        account_frozen=frozen,
        actor=None,
        now=now,
    )
    if row.ticket_id is not None:
        _internal_note(
            session,
            row.ticket_id,
            f"Account {'frozen' if frozen else 'NOT frozen'}; security case opened ({reason}).",
            now,
        )
