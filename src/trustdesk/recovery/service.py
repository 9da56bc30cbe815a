"""Deposit recovery rules: automatic credits where the rules allow, otherwise a manual case
(intake -> ownership verification -> fee acceptance -> four-eyes approval -> execution).

Diagnosis and eligibility come from `trustdesk.exchange` (`diagnose_customer_deposit`,
`auto_recovery_decision`); money moves only through the connector's idempotent
`credit_recovered_deposit`. Every step is audited; every status change of a manual case is told
to the customer as a public message on the case's ticket, in their language.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.audit import service as audit
from trustdesk.errors import Conflict, Forbidden, InvalidInput, NotFound
from trustdesk.exchange import repository as exchange_repository
from trustdesk.exchange import service as exchange
from trustdesk.exchange.addresses import address_key
from trustdesk.exchange.chains import ChainRegistry, RegistryError
from trustdesk.exchange.connector import ExchangeConnector
from trustdesk.exchange.diagnosis import DepositDiagnosis, DepositVerdict, txid_key
from trustdesk.exchange.errors import ConnectorError, ExchangeConflict, ExchangeObjectNotFound
from trustdesk.exchange.recovery_rules import (
    CustomerHistory,
    RecoveryRule,
    auto_recovery_decision,
    manual_intake_questions,
    manual_recovery_fee,
)
from trustdesk.exchange.sandbox import SandboxConnector
from trustdesk.exchange.types import ChainTransaction, Deposit, DepositStatus
from trustdesk.models import Agent, AgentRole, Customer, Ticket, TicketMessage
from trustdesk.models.recovery import RecoveryCase, RecoveryKind, RecoveryStatus, ReversalMode
from trustdesk.models.ticket import AuthorType, Channel, TicketStatus
from trustdesk.recovery import messages, repository
from trustdesk.recovery.states import OPEN, can_transition
from trustdesk.tickets import repository as tickets_repository
from trustdesk.tickets import service as tickets
from trustdesk.tickets.schemas import TicketCreate, TicketUpdate
from trustdesk.triage.language import normalize_language_tag
from trustdesk.triage.redaction import redact_secrets

S = RecoveryStatus
APPROVER_ROLES = frozenset({AgentRole.lead, AgentRole.security, AgentRole.admin})
RECOVERY_QUEUE = "tier2"
MANUAL_REASON = "our recovery team will review this deposit with you"
INTAKE_ANSWER_MAX = 4000
# Verdicts whose facts come from the chain transaction rather than a recorded deposit.
_CHAIN_VERDICTS = frozenset(
    {
        DepositVerdict.MISSING_MEMO,
        DepositVerdict.WRONG_MEMO,
        DepositVerdict.WRONG_NETWORK,
        DepositVerdict.UNSUPPORTED_TOKEN,
        DepositVerdict.BELOW_MINIMUM,
    }
)


class RecoveryNotFound(NotFound):
    """No such recovery case (or not one of the customer's)."""


class InvalidRecoveryTransition(Conflict):
    """The case is not in a state where this step can happen."""


class FourEyesViolation(Conflict):
    """The preparer of a recovery tried to approve it themselves."""


class RecoveryInProgress(Conflict):
    """A concurrent request is recovering the same transaction."""


class IntakeInvalid(InvalidInput):
    """Intake answers that cannot be taken. `problems` maps each question code at fault to what
    is wrong with it (missing, too_long, unknown, not_a_txid), so a form can say it next to the
    field; the API returns it as `problems` beside the detail."""

    def __init__(self, detail: str, problems: dict[str, str]) -> None:
        super().__init__(detail, extra={"problems": problems})
        self.problems = problems


@dataclass(frozen=True)
class RecoverAttempt:
    outcome: str  # credited | manual_case | not_applicable
    reason: str
    diagnosis: DepositDiagnosis
    case: RecoveryCase | None
    # The case is an earlier one (a retry, or a second request about the same deposit): nothing
    # new was credited or opened.
    earlier: bool = False


@contextlib.contextmanager
def _exchange() -> Iterator[None]:
    try:
        yield
    except ExchangeObjectNotFound as exc:
        raise NotFound(str(exc)) from exc
    except ExchangeConflict as exc:
        raise Conflict(str(exc)) from exc
    except ConnectorError as exc:
        if exc.retryable:
            raise exchange.ExchangeUnavailable(f"the exchange is not answering: {exc}") from exc
        raise exchange.ExchangeRefused(f"the exchange refused the request: {exc}") from exc


def _reference(parts: Sequence[str]) -> str:
    """A stable exchange reference from what is being credited: the same transaction (or the
    same set of below-minimum deposits) always gives the same reference, so a retry, even one
    that lost our own database write, is credited once by the exchange."""
    digest = hashlib.sha256("|".join(sorted(parts)).encode()).hexdigest()
    return f"rcv-{digest[:40]}"


def _subject_key(diagnosis: DepositDiagnosis, txid: str | None) -> str | None:
    known = diagnosis.facts.get("txid") or txid
    if known:
        return txid_key(str(known))
    if diagnosis.deposit_id:
        return f"deposit:{diagnosis.deposit_id}"
    return None


def _language(customer: Customer) -> str:
    return normalize_language_tag(customer.language or "en") or "en"


def _snapshot(case: RecoveryCase) -> dict[str, Any]:
    return {
        "status": case.status,
        "kind": case.kind,
        "rule": case.rule,
        "asset": case.asset,
        "network": case.network,
        "amount": str(case.amount),
        "fee": str(case.fee),
    }


def _audit(
    session: AsyncSession,
    case: RecoveryCase,
    action: str,
    actor: Agent | Customer | None,
    now: datetime,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        entity="recovery_case",
        entity_id=case.id,
        action=action,
        actor=actor,
        at=now,
        before=before,
        after=after,
        ticket_id=case.ticket_id,
    )


async def _tell_customer(session: AsyncSession, case: RecoveryCase, *, now: datetime) -> None:
    """The status change as a public message on the case's ticket, in the ticket's language."""
    if case.ticket_id is None:
        return
    ticket = await session.get(Ticket, case.ticket_id)
    if ticket is None or ticket.status == TicketStatus.closed:
        return
    reason = case.rejection_reason if case.status == S.rejected else case.reversal_reason
    body = messages.status_message(
        ticket.language,
        case.status,
        case=case.id,
        asset=case.asset,
        amount=Decimal(case.amount),
        fee=Decimal(case.fee),
        reason=reason,
    )
    session.add(
        TicketMessage(ticket_id=ticket.id, author_type=AuthorType.system, body=body, created_at=now)
    )
    ticket.updated_at = now
    await session.flush()
    tickets.announce(session, ticket, "message_added")


async def _resolve_ticket(
    session: AsyncSession, case: RecoveryCase, agent: Agent, *, now: datetime
) -> None:
    """The agent who ends the case (credit made, or refused) resolves its ticket; a reply from
    the customer reopens it as usual."""
    if case.ticket_id is None:
        return
    ticket = await session.get(Ticket, case.ticket_id)
    if ticket is None or ticket.status in (TicketStatus.resolved, TicketStatus.closed):
        return
    await tickets.update_ticket(
        session, ticket, agent, TicketUpdate(status=TicketStatus.resolved), now=now
    )


async def _move(
    session: AsyncSession,
    case: RecoveryCase,
    new: RecoveryStatus,
    *,
    actor: Agent | Customer | None,
    now: datetime,
    action: str,
    details: dict[str, Any] | None = None,
) -> None:
    if not can_transition(case.kind, case.status, new):
        raise InvalidRecoveryTransition(
            f"recovery case {case.id} is {case.status}; it cannot become {new}"
        )
    before = {"status": case.status}
    case.status = new
    case.updated_at = now
    _audit(
        session, case, action, actor, now, before=before, after={"status": new, **(details or {})}
    )
    await session.flush()
    await _tell_customer(session, case, now=now)


# -- reads -------------------------------------------------------------------------------------


async def get_case(
    session: AsyncSession, case_id: int, *, for_update: bool = False
) -> RecoveryCase:
    case = await repository.get(session, case_id, for_update=for_update)
    if case is None:
        raise RecoveryNotFound(f"recovery case {case_id} not found")
    return case


async def get_customer_case(
    session: AsyncSession, customer: Customer, case_id: int, *, for_update: bool = False
) -> RecoveryCase:
    # Another customer's case is "not found", never "forbidden": ids reveal nothing.
    case = await repository.get_for_customer(session, customer.id, case_id, for_update=for_update)
    if case is None:
        raise RecoveryNotFound(f"recovery case {case_id} not found")
    return case


async def customer_case_for_ticket(
    session: AsyncSession, customer: Customer, ticket_id: int
) -> RecoveryCase | None:
    """The customer's recovery case followed on this ticket, if the ticket is a case's."""
    return await repository.for_ticket(session, customer.id, ticket_id)


# -- the customer asks -------------------------------------------------------------------------


async def recover_deposit(
    session: AsyncSession,
    connector: ExchangeConnector,
    registry: ChainRegistry,
    customer: Customer,
    *,
    txid: str | None,
    asset: str | None,
    network: str | None,
    manual: bool,
    now: datetime,
    channel: Channel = Channel.web,
) -> RecoverAttempt:
    """Diagnose the customer's deposit and recover it: credited at once when the automatic rules
    allow (idempotent per transaction), else a manual case with a ticket, else nothing to do.

    `channel` is where the customer asked (the case's ticket is opened on it: the assistant's
    chat, or the web/API)."""
    query = exchange.check_deposit_query(registry, txid=txid, asset=asset, network=network)
    registry = await exchange.effective_registry(connector, registry)
    user = customer.external_id
    diagnosis = await exchange.diagnose_customer_deposit(connector, registry, user, query, now=now)
    key = _subject_key(diagnosis, query.txid)

    if key is not None:
        earlier = await repository.for_subject(session, customer.id, key)
        replay = _earlier_answer(earlier, diagnosis)
        if replay is not None:
            return replay

    with _exchange():
        profile = await connector.get_profile(user)
        deposits = list(await connector.list_deposits(user))
        addresses = await connector.list_deposit_addresses(user)
        withdrawals = await connector.list_withdrawals(user)
        tx: Deposit | ChainTransaction | None = None
        if diagnosis.deposit_id:
            tx = next((d for d in deposits if d.id == diagnosis.deposit_id), None)
        elif query.txid and diagnosis.verdict in _CHAIN_VERDICTS:
            # The diagnosis matched this transaction to the customer's own addresses.
            tx = await connector.find_chain_transaction(query.txid)
    history = CustomerHistory(profile, deposits, addresses, withdrawals)
    decision = auto_recovery_decision(registry, diagnosis, tx, history, now)

    if decision.eligible and not manual:
        return await _auto_recover(
            session,
            connector,
            registry,
            customer,
            diagnosis,
            tx,
            deposits,
            decision.rule,
            decision.reason,
            key,
            now=now,
        )
    if decision.rule == RecoveryRule.MANUAL or (decision.eligible and manual):
        vip = profile.vip_level if profile else 0
        case = await _open_manual_case(
            session,
            registry,
            customer,
            diagnosis,
            tx,
            decision.reason,
            key,
            vip,
            fee=decision.fee if decision.rule == RecoveryRule.MANUAL else None,
            channel=channel,
            now=now,
        )
        # The failed automatic check stays internal (case.reason): naming it would tell a
        # fraudster which rule to satisfy.
        return RecoverAttempt("manual_case", MANUAL_REASON, diagnosis, case)
    return RecoverAttempt("not_applicable", decision.reason, diagnosis, None)


def _earlier_answer(
    earlier: Sequence[RecoveryCase], diagnosis: DepositDiagnosis
) -> RecoverAttempt | None:
    """A retry (or a second request) about the same transaction gets the first case back."""
    for case in earlier:
        if case.kind == RecoveryKind.auto or case.status in (S.executed, S.reversed):
            outcome = "credited" if case.status == S.executed else "not_applicable"
            reason = (
                "already recovered" if case.status == S.executed else "this recovery was reversed"
            )
            return RecoverAttempt(outcome, reason, diagnosis, case, earlier=True)
        if case.status in OPEN:
            return RecoverAttempt("manual_case", MANUAL_REASON, diagnosis, case, earlier=True)
    return None


async def _auto_recover(
    session: AsyncSession,
    connector: ExchangeConnector,
    registry: ChainRegistry,
    customer: Customer,
    diagnosis: DepositDiagnosis,
    tx: Deposit | ChainTransaction | None,
    deposits: Sequence[Deposit],
    rule: str,
    reason: str,
    key: str | None,
    *,
    now: datetime,
) -> RecoverAttempt:
    facts = diagnosis.facts
    if rule == RecoveryRule.AUTO_MISSING_MEMO:
        assert isinstance(tx, ChainTransaction)
        net = registry.network(tx.network)
        entry = registry.token_by_contract(net.code, tx.token_contract)
        assert entry is not None  # the rule checked the token is listed
        covered = [f"tx:{entry.network}:{txid_key(tx.txid)}"]
        amount = tx.amount
    else:
        entry = registry.asset_network(str(facts["asset"]), str(facts["network"]))
        net = registry.network(entry.network)
        to_address = tx.to_address if tx is not None else None
        pending = [
            d
            for d in deposits
            if d.status is DepositStatus.BELOW_MINIMUM
            and d.asset.upper() == entry.asset
            and registry.find_network(d.network) is net
            and (
                to_address is None
                or address_key(net.family, d.to_address) == address_key(net.family, to_address)
            )
        ]
        parts = {f"deposit:{d.id}": d.amount for d in pending}
        if isinstance(tx, ChainTransaction):
            parts[f"tx:{entry.network}:{txid_key(tx.txid)}"] = tx.amount
        done: dict[str, RecoveryCase] = {}
        for earlier in await repository.auto_cases(session, customer.id):
            for item in earlier.covered or []:
                done[item] = earlier
        new = {k: v for k, v in parts.items() if k not in done}
        if not new:
            previous = done[next(iter(parts))] if parts else None
            return RecoverAttempt(
                "credited", "already recovered", diagnosis, previous, earlier=previous is not None
            )
        amount = sum(new.values(), Decimal(0))
        if amount < entry.min_deposit:
            return RecoverAttempt(
                "not_applicable",
                "credited automatically once the new deposits reach the minimum",
                diagnosis,
                None,
            )
        covered = sorted(new)
    # No more precision than the token has: the sandbox's Numeric on SQLite comes back through
    # a float (0.4 reads 0.400000000000000022), and sums of those must not leak into a credit.
    amount = _to_decimals(amount, entry.decimals)
    reference = _reference(covered)
    existing = await repository.by_reference(session, reference)
    if existing is not None:
        return RecoverAttempt("credited", "already recovered", diagnosis, existing, earlier=True)

    case = RecoveryCase(
        customer_id=customer.id,
        exchange_user_id=customer.external_id,
        kind=RecoveryKind.auto,
        status=S.executed,
        rule=rule,
        reason=reason,
        verdict=diagnosis.verdict.value,
        txid=facts.get("txid") or (tx.txid if tx is not None else None),
        txid_key=key,
        asset=entry.asset,
        network=entry.network,
        amount=amount,
        fee=Decimal(0),
        credited_amount=amount,
        reference=reference,
        facts=dict(facts),
        covered=covered,
        intake_questions=[],
        intake_answers={},
        actor="system",
        executed_at=now,
        created_at=now,
        updated_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(case)
            await session.flush()
    except IntegrityError as exc:
        raise RecoveryInProgress(
            "this deposit is being recovered by another request; retry in a moment"
        ) from exc
    with _exchange():
        credit = await connector.credit_recovered_deposit(
            customer.external_id,
            entry.asset,
            entry.network,
            amount,
            reference,
            source_txid=tx.txid if isinstance(tx, ChainTransaction) else None,
        )
    case.exchange_deposit_id = credit.id
    _audit(
        session,
        case,
        "auto_recovered",
        None,
        now,
        after={**_snapshot(case), "reference": reference, "covered": covered, "reason": reason},
    )
    await session.flush()
    return RecoverAttempt("credited", reason, diagnosis, case)


def _to_decimals(amount: Decimal, decimals: int) -> Decimal:
    value = Decimal(amount).quantize(Decimal(1).scaleb(-decimals))
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _case_money(
    diagnosis: DepositDiagnosis, tx: Deposit | ChainTransaction | None
) -> tuple[str | None, str | None, Decimal]:
    facts = diagnosis.facts
    asset = facts.get("asset") or facts.get("token_symbol") or (tx.asset if tx else None)
    network = facts.get("sent_network") or facts.get("network") or (tx.network if tx else None)
    if facts.get("amount") is not None:
        amount = Decimal(str(facts["amount"]))
    else:
        amount = tx.amount if tx is not None else Decimal(0)
    return (str(asset).upper() if asset else None), (str(network) if network else None), amount


async def _open_manual_case(
    session: AsyncSession,
    registry: ChainRegistry,
    customer: Customer,
    diagnosis: DepositDiagnosis,
    tx: Deposit | ChainTransaction | None,
    reason: str,
    key: str | None,
    vip_level: int,
    *,
    fee: Decimal | None,
    channel: Channel,
    now: datetime,
) -> RecoveryCase:
    asset, network, amount = _case_money(diagnosis, tx)
    entry = registry.find_asset_network(asset, network)
    if entry is not None:
        amount = _to_decimals(amount, entry.decimals)
    if fee is None:
        fee = manual_recovery_fee(registry, asset, network, amount, vip_level)
    language = _language(customer)
    questions = [
        {"code": q.code, "prompt": messages.intake_prompt(language, q.code, q.prompt)}
        for q in manual_intake_questions(diagnosis)
    ]
    case = RecoveryCase(
        customer_id=customer.id,
        exchange_user_id=customer.external_id,
        kind=RecoveryKind.manual,
        status=S.intake_pending if questions else S.verifying,
        rule=RecoveryRule.MANUAL.value,
        reason=reason,
        verdict=diagnosis.verdict.value,
        txid=diagnosis.facts.get("txid") or (tx.txid if tx is not None else None),
        txid_key=key,
        asset=asset,
        network=network,
        amount=amount,
        fee=fee,
        facts=dict(diagnosis.facts),
        covered=[],
        intake_questions=questions,
        intake_answers={},
        actor="customer",
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    await session.flush()
    case.ticket_id = (await _open_ticket(session, customer, case, channel=channel, now=now)).id
    _audit(session, case, "opened", customer, now, after={**_snapshot(case), "reason": reason})
    await session.flush()
    await _tell_customer(session, case, now=now)
    return case


async def _open_ticket(
    session: AsyncSession,
    customer: Customer,
    case: RecoveryCase,
    *,
    channel: Channel,
    now: datetime,
) -> Ticket:
    """Every manual case is followed in "My tickets"; specialists (tier 2) work it."""
    language = _language(customer)
    facts = [f"{messages._plain(Decimal(case.amount))} {case.asset or '?'}", case.network or "?"]
    facts.append(case.verdict)
    if case.txid:
        facts.append(f"txid {case.txid}")
    ticket = await tickets.create_ticket(
        session,
        customer,
        TicketCreate(
            subject=messages.subject(language, case.id),
            body=" · ".join(facts),
            channel=channel,
            language=language,
            intent="deposit_recovery",
            tags=["recovery"],
        ),
        now=now,
        actor=customer,
    )
    queue = await tickets_repository.queue(session, ticket.queue_id)
    if queue is not None and queue.key == "tier1":
        # Internal escalation: tier 1 cannot execute recoveries, so the case starts at tier 2.
        await tickets.route_to_queue(
            session, ticket, RECOVERY_QUEUE, reason="deposit recovery", now=now
        )
    return ticket


# -- manual case steps -------------------------------------------------------------------------


async def submit_intake(
    session: AsyncSession,
    registry: ChainRegistry,
    case: RecoveryCase,
    customer: Customer,
    answers: dict[str, str],
    *,
    now: datetime,
) -> RecoveryCase:
    """The customer answers the intake questions (every one, nothing else)."""
    if case.status != S.intake_pending:
        raise InvalidRecoveryTransition(
            f"recovery case {case.id} is {case.status}; the intake is no longer open"
        )
    codes = [q["code"] for q in case.intake_questions]
    unknown = sorted(set(answers) - set(codes))
    if unknown:
        raise IntakeInvalid(
            f"unknown question codes {unknown}; this case asks {codes}",
            dict.fromkeys(unknown, "unknown"),
        )
    cleaned = {c: (answers.get(c) or "").strip() for c in codes}
    # Every problem at once, so a form marks each field in one round trip.
    problems: dict[str, str] = {}
    details: list[str] = []
    missing = [c for c, v in cleaned.items() if not v]
    if missing:
        problems.update(dict.fromkeys(missing, "missing"))
        details.append(f"missing answers for {missing}")
    too_long = [c for c, v in cleaned.items() if len(v) > INTAKE_ANSWER_MAX]
    if too_long:
        problems.update(dict.fromkeys(too_long, "too_long"))
        details.append(f"answers too long (max {INTAKE_ANSWER_MAX} characters): {too_long}")
    if "txid" in cleaned and "txid" not in problems:
        # The txid question is asked only when unknown; the answer must at least look like one.
        try:
            exchange.check_deposit_query(registry, txid=cleaned["txid"], asset=None, network=None)
        except InvalidInput as exc:
            problems["txid"] = "not_a_txid"
            details.append(exc.detail)
    if problems:
        raise IntakeInvalid("; ".join(details), problems)
    if "txid" in cleaned:
        case.txid = cleaned["txid"]
    redactions: list[str] = []
    for code, text in cleaned.items():
        # Proof of ownership never needs a seed phrase or key; mask one if it is pasted.
        redacted = redact_secrets(text)
        cleaned[code] = redacted.text
        redactions.extend(str(kind) for kind in redacted.redactions)
    case.intake_answers = cleaned
    await _move(
        session,
        case,
        S.verifying,
        actor=customer,
        now=now,
        action="intake_submitted",
        details={"answered": sorted(cleaned), "redactions": redactions},
    )
    return case


async def verify_ownership(
    session: AsyncSession,
    case: RecoveryCase,
    agent: Agent,
    evidence: str,
    fee: Decimal | None,
    *,
    now: datetime,
) -> RecoveryCase:
    """An agent confirms the customer controls the sending wallet; the fee is then shown."""
    if case.status != S.verifying:
        raise InvalidRecoveryTransition(
            f"recovery case {case.id} is {case.status}; only a case being verified can be "
            "marked verified"
        )
    details: dict[str, Any] = {"evidence": evidence}
    if fee is not None:
        if fee > case.amount:
            raise InvalidInput(f"the fee {fee} cannot exceed the amount {case.amount}")
        details["fee"] = {"from": str(case.fee), "to": str(fee)}
        case.fee = fee
    case.verification_note = evidence
    case.verified_by_agent_id = agent.id
    case.verified_at = now
    await _move(
        session,
        case,
        S.awaiting_fee_acceptance,
        actor=agent,
        now=now,
        action="ownership_verified",
        details=details,
    )
    return case


async def decide_fee(
    session: AsyncSession, case: RecoveryCase, customer: Customer, accept: bool, *, now: datetime
) -> RecoveryCase:
    """The customer accepts the fee shown (or declines it, which closes the case)."""
    if case.status != S.awaiting_fee_acceptance:
        raise InvalidRecoveryTransition(
            f"recovery case {case.id} is {case.status}; there is no fee to accept yet"
        )
    if case.fee_accepted_at is not None:
        if accept:
            return case  # accepting twice is harmless
        raise InvalidRecoveryTransition(f"the fee of recovery case {case.id} was already accepted")
    if not accept:
        case.rejection_reason = "you declined the recovery fee"
        case.rejected_at = now
        await _move(session, case, S.rejected, actor=customer, now=now, action="fee_declined")
        return case
    case.fee_accepted_at = now
    case.updated_at = now
    _audit(session, case, "fee_accepted", customer, now, after={"fee": str(case.fee)})
    await session.flush()
    return case


async def prepare(
    session: AsyncSession,
    registry: ChainRegistry,
    case: RecoveryCase,
    agent: Agent,
    *,
    asset: str | None,
    network: str | None,
    note: str,
    now: datetime,
) -> RecoveryCase:
    """The preparer fixes what will be credited (asset, network, amount − fee)."""
    if case.status != S.awaiting_fee_acceptance:
        raise InvalidRecoveryTransition(
            f"recovery case {case.id} is {case.status}; it can be prepared only after "
            "verification and the customer's fee acceptance"
        )
    if case.fee_accepted_at is None:
        raise InvalidRecoveryTransition(
            f"the customer has not accepted the fee of recovery case {case.id} yet"
        )
    target_asset = asset or case.asset
    target_network = network or case.network
    if not target_asset or not target_network:
        raise InvalidInput("name the asset and network to credit")
    try:
        entry = registry.asset_network(target_asset, target_network)
    except RegistryError as exc:
        raise InvalidInput(
            f"{target_asset} on {target_network} is not listed: name a listed asset and network "
            f"to credit ({exc})"
        ) from exc
    if case.amount - case.fee <= 0:
        raise InvalidRecoveryTransition("nothing is left to credit after the fee; reject instead")
    details = {"credit_asset": entry.asset, "credit_network": entry.network, "note": note}
    case.asset, case.network = entry.asset, entry.network
    case.prepared_by_agent_id = agent.id
    case.prepared_at = now
    await _move(session, case, S.prepared, actor=agent, now=now, action="prepared", details=details)
    return case


async def approve(
    session: AsyncSession, case: RecoveryCase, agent: Agent, note: str, *, now: datetime
) -> RecoveryCase:
    """Four eyes: a lead, security analyst or admin who did not prepare it approves."""
    if agent.role not in APPROVER_ROLES:
        raise Forbidden("only a lead, security analyst or admin can approve a recovery")
    if case.status != S.prepared:
        raise InvalidRecoveryTransition(
            f"recovery case {case.id} is {case.status}; only a prepared case can be approved"
        )
    if case.prepared_by_agent_id == agent.id:
        raise FourEyesViolation(
            "four-eyes rule: you prepared this recovery, so another lead, security analyst or "
            "admin must approve it"
        )
    case.approved_by_agent_id = agent.id
    case.approved_at = now
    await _move(
        session,
        case,
        S.approved,
        actor=agent,
        now=now,
        action="approved",
        details={"note": note, "prepared_by": case.prepared_by_agent_id},
    )
    return case


async def execute(
    session: AsyncSession,
    connector: ExchangeConnector,
    case: RecoveryCase,
    agent: Agent,
    *,
    now: datetime,
) -> RecoveryCase:
    """Credit amount − fee through the connector, under the case's own reference."""
    if case.status != S.approved:
        raise InvalidRecoveryTransition(
            f"recovery case {case.id} is {case.status}; only an approved case can be executed"
        )
    assert case.asset is not None and case.network is not None
    credit = Decimal(case.amount) - Decimal(case.fee)
    case.reference = f"rcv-case-{case.id}"
    with _exchange():
        deposit = await connector.credit_recovered_deposit(
            case.exchange_user_id,
            case.asset,
            case.network,
            credit,
            case.reference,
            source_txid=case.txid,
        )
    case.credited_amount = credit
    case.exchange_deposit_id = deposit.id
    case.executed_by_agent_id = agent.id
    case.executed_at = now
    await _move(
        session,
        case,
        S.executed,
        actor=agent,
        now=now,
        action="executed",
        details={
            "credited": str(credit),
            "reference": case.reference,
            "exchange_deposit_id": deposit.id,
        },
    )
    await _resolve_ticket(session, case, agent, now=now)
    return case


async def reject(
    session: AsyncSession, case: RecoveryCase, agent: Agent, reason: str, *, now: datetime
) -> RecoveryCase:
    """Close the case without a credit; `reason` is shown to the customer."""
    if case.status not in OPEN:
        raise InvalidRecoveryTransition(
            f"recovery case {case.id} is {case.status}; only an open case can be rejected"
        )
    case.rejection_reason = reason
    case.rejected_by_agent_id = agent.id
    case.rejected_at = now
    await _move(
        session,
        case,
        S.rejected,
        actor=agent,
        now=now,
        action="rejected",
        details={"reason": reason},
    )
    await _resolve_ticket(session, case, agent, now=now)
    return case


async def reverse(
    session: AsyncSession,
    connector: ExchangeConnector,
    case: RecoveryCase,
    admin: Agent,
    reason: str,
    *,
    now: datetime,
) -> RecoveryCase:
    """Undo an executed recovery (automatic or manual).

    The connector has no debit call. On the sandbox the credited amount is taken back by a
    compensating balance adjustment; on a real exchange the reversal is recorded here and
    `reversal_mode = exchange_must_execute` tells its back office to debit the account.
    """
    if case.status != S.executed:
        raise InvalidRecoveryTransition(
            f"recovery case {case.id} is {case.status}; only an executed recovery can be reversed"
        )
    credited = Decimal(case.credited_amount or 0)
    mode = ReversalMode.exchange_must_execute
    if isinstance(connector, SandboxConnector) and case.asset:
        balance = await exchange_repository.balance(session, case.exchange_user_id, case.asset)
        if balance is not None:
            # May go negative if the customer already spent it: that debt is the point.
            balance.available = balance.available - credited
            mode = ReversalMode.sandbox_adjustment
        credit = (
            await exchange_repository.deposit_by_reference(session, case.reference)
            if case.reference
            else None
        )
        if credit is not None:
            # The credit no longer stands for the recovered transaction: asked about again,
            # it is diagnosed as it was (and a new request gets this reversed case back).
            credit.txid = credit.txid_key = None
    case.reversal_reason = reason
    case.reversal_mode = mode.value
    case.reversed_by_agent_id = admin.id
    case.reversed_at = now
    await _move(
        session,
        case,
        S.reversed,
        actor=admin,
        now=now,
        action="reversed",
        details={"reason": reason, "mode": mode, "amount": str(credited)},
    )
    return case


__all__ = [
    "FourEyesViolation",
    "InvalidRecoveryTransition",
    "RecoverAttempt",
    "RecoveryInProgress",
    "RecoveryNotFound",
    "approve",
    "decide_fee",
    "execute",
    "get_case",
    "get_customer_case",
    "prepare",
    "recover_deposit",
    "reject",
    "reverse",
    "submit_intake",
    "verify_ownership",
]
