"""Risk endpoints: the exchange's scoring calls, rule sets, customers' step-up verification,
and the security team's cases."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.background import BackgroundTask

from trustdesk.config import Environment
from trustdesk.db import commit
from trustdesk.deps import (
    AdminAgent,
    CurrentCustomer,
    IdempotencyKey,
    Limit,
    NowDep,
    SessionDep,
    SettingsDep,
    cursor_after,
    request_now,
    require_role,
)
from trustdesk.errors import AppError, Forbidden, NotFound, Unauthorized
from trustdesk.exchange.api import ConnectorDep
from trustdesk.exchange.chains import default_registry
from trustdesk.exchange.connector import ExchangeConnector
from trustdesk.exchange.sandbox import SandboxConnector
from trustdesk.idempotency import run_idempotent
from trustdesk.kit.pagination import Page, encode_cursor
from trustdesk.models import Agent, AgentRole
from trustdesk.models.risk import CaseStatus, RiskDecision
from trustdesk.risk import cases, repository, service
from trustdesk.risk import verification as v
from trustdesk.risk.schemas import (
    AssessmentRead,
    CaseCreate,
    CaseDetail,
    CaseRead,
    CaseUpdate,
    CodeIn,
    DecisionRead,
    EventIn,
    EventRead,
    NoteCreate,
    NoteRead,
    RuleSetIn,
    RuleSetRead,
    TotpEnrolment,
    VerificationRead,
    VerificationResult,
    WithdrawalIn,
)


class RiskNotConfigured(AppError):
    status_code = 503


# The scoring call's dependencies are `async def`: FastAPI runs a plain `def` dependency in a
# thread pool, a thread hop per dependency per request on the hottest endpoint.


async def get_risk_settings(request: Request) -> v.RiskSettings:
    state = request.app.state
    settings = getattr(state, "risk_settings", None)
    if settings is None:
        # Built once per app: every scoring call reads it.
        settings = state.risk_settings = v.RiskSettings.from_settings(state.settings)
    return settings


RiskSettingsDep = Annotated[v.RiskSettings, Depends(get_risk_settings)]


def _email_sender(request: Request, settings: v.RiskSettings) -> v.EmailSender:
    sender = getattr(request.app.state, "risk_email_sender", None)
    return sender if sender is not None else v.email_sender_from(settings)


def _connector(request: Request, session: AsyncSession, now: datetime) -> ExchangeConnector:
    """What `trustdesk.exchange.api.get_connector` gives, without its thread-pool hops."""
    connector = getattr(request.app.state, "exchange_connector", None)
    if connector is not None:
        return connector  # type: ignore[no-any-return]
    registry = getattr(request.app.state, "exchange_registry", None)
    return SandboxConnector(
        session, registry if registry is not None else default_registry(), lambda: now
    )


async def exchange_caller(
    request: Request,
    key: Annotated[str | None, Header(alias="X-Exchange-Key")] = None,
) -> v.RiskSettings:
    """The exchange authenticates with its API key (constant-time comparison)."""
    risk = await get_risk_settings(request)
    expected = risk.exchange_api_key
    if request.app.state.settings.env is Environment.production and (
        len(expected) < 32 or expected == v.DEV_EXCHANGE_API_KEY
    ):
        raise RiskNotConfigured("TRUSTDESK_RISK_EXCHANGE_API_KEY (32+ characters) is not set")
    if not key:
        raise Unauthorized("missing X-Exchange-Key header")
    if not hmac.compare_digest(key.encode(), expected.encode()):
        raise Unauthorized("invalid exchange key")
    return risk


# The exchange's calls: its key checked, and the risk settings that go with it.
ExchangeCaller = Annotated[v.RiskSettings, Depends(exchange_caller)]
SecurityAgent = Annotated[Agent, Depends(require_role(AgentRole.security, AgentRole.lead))]

# The exchange's calls: the app includes a domain's `hot_router` before every other route.
hot_router = APIRouter(prefix="/api/v1/risk", tags=["risk (exchange)"])
rules_router = APIRouter(prefix="/api/v1/risk", tags=["risk rules (staff)"])
me_router = APIRouter(prefix="/api/v1/me/verifications", tags=["verification (customers)"])
cases_router = APIRouter(prefix="/api/v1/security/cases", tags=["security cases (staff)"])


# -- the exchange ----------------------------------------------------------------------------


async def _act_after_answer(
    request: Request, assessment_id: int, *, now: datetime, risk: v.RiskSettings
) -> None:
    """A hold's or decline's follow-up, in its own transaction, once the answer is sent."""
    async with request.app.state.sessionmaker() as session:
        await service.act_on_assessment(
            session,
            assessment_id,
            connector=_connector(request, session, now),
            email_sender=_email_sender(request, risk),
            settings=risk,
            secret_key=request.app.state.settings.secret_key,
            now=now,
        )
        await commit(session)


@asynccontextmanager
async def _decision_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The scoring call's session: committed at the end if it was used, else just dropped.

    The batched path (`repository.hot_path`) commits its own writes and never touches the
    session; committing and closing an untouched one (and running it as a generator
    dependency) costs ~0.1 ms, a tenth of the CPU budget of a whole decision."""
    session: AsyncSession = request.app.state.sessionmaker()
    try:
        yield session
        if session.in_transaction() or session.new or session.dirty or session.deleted:
            await commit(session)
    finally:
        if session.in_transaction():
            await session.close()  # rolls back whatever was not committed


def _withdrawal_of(body: bytes) -> WithdrawalIn:
    """The request body, parsed and validated in one pass by pydantic-core."""
    try:
        return WithdrawalIn.model_validate_json(body)
    except ValidationError as exc:
        # FastAPI's own shape: each error's location starts with "body".
        errors = exc.errors(include_url=False, include_context=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from None


async def _decide(request: Request, data: WithdrawalIn, risk: v.RiskSettings) -> Response:
    now = request_now(request)
    async with _decision_session(request) as session:
        result = await service.score_withdrawal(
            session,
            data,
            now=now,
            connector=_connector(request, session, now),
            email_sender=_email_sender(request, risk),
            settings=risk,
            secret_key=request.app.state.settings.secret_key,
            act_after_answer=True,
        )
    needs_follow_up = result.decision in (RiskDecision.hold, RiskDecision.decline)
    acts_here = request.app.state.settings.risk_follow_up == "web"
    follow_up = None
    if needs_follow_up and acts_here and not result.replayed:
        follow_up = BackgroundTask(
            _act_after_answer, request, result.assessment_id, now=now, risk=risk
        )
    # Serialised once, here: returning the model would have FastAPI validate it again.
    return Response(result.model_dump_json(), media_type="application/json", background=follow_up)


@hot_router.post("/withdrawals", response_model=DecisionRead)
async def score_withdrawal(data: WithdrawalIn, risk: ExchangeCaller, request: Request) -> Response:
    """Decide on a withdrawal request: approve, step_up, hold or decline, with score and
    reasons. Show the customer only `customer_message`. Retrying the same withdrawal_id
    returns the first decision (`replayed: true`).

    The decision is stored (committed) before the answer. A hold's or decline's follow-up -
    the hold through the connector, the P1 ticket, the customer's verification and e-mail -
    runs right after the answer is sent, in its own transaction (or, with
    TRUSTDESK_RISK_FOLLOW_UP=worker, in a worker within a fraction of a second); the exchange
    must hold a withdrawal it is answered "hold" for in any case."""
    return await _decide(request, data, risk)


async def score_withdrawal_direct(request: Request) -> Response:
    """`score_withdrawal` as the app's fast lane calls it, past FastAPI's routing: the key
    header and the body are read here (FastAPI's routing, dependency solving and body
    validation cost about a fifth of a decision's CPU). Same checks, same answers."""
    risk = await exchange_caller(request, request.headers.get("x-exchange-key"))
    return await _decide(request, _withdrawal_of(await request.body()), risk)


# The routed endpoint → what the app's FastLane middleware calls instead (kit/fast_lane.py).
fast_lane = {score_withdrawal: score_withdrawal_direct}


@hot_router.post("/events", status_code=201, response_model=EventRead)
async def ingest_event(
    data: EventIn, _: ExchangeCaller, session: SessionDep, now: NowDep
) -> JSONResponse:
    """Store a login / security-change event (idempotent by event_id: a replay answers 200)."""
    row, created = await service.ingest_event(session, data, now=now)
    await commit(session)
    body = EventRead(
        event_id=row.event_id, user_id=row.user_id, kind=row.kind, at=row.at, replayed=not created
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=201 if created else 200)


# -- rules and assessments (staff) -----------------------------------------------------------


def _rule_read(active: service.ActiveRules) -> RuleSetRead:
    row = active.row
    return RuleSetRead(
        version=active.version,
        rules=dict(active.rules),
        note=row.note if row else "packaged defaults (risk/rules.yaml)",
        created_by_agent_id=row.created_by_agent_id if row else None,
        created_at=row.created_at if row else None,
        stored=row is not None,
    )


@rules_router.get("/rules", response_model=RuleSetRead)
async def current_rules(session: SessionDep, agent: SecurityAgent) -> RuleSetRead:
    """The rule set scoring uses now."""
    return _rule_read(await service.active_rules(session))


@rules_router.get("/rules/versions", response_model=list[RuleSetRead])
async def rule_versions(session: SessionDep, agent: SecurityAgent) -> list[RuleSetRead]:
    """Every published version, newest first: who changed what, when and why."""
    return [
        _rule_read(service.ActiveRules(r.version, r.rules, r))
        for r in await repository.rule_sets(session)
    ]


@rules_router.post("/rules", status_code=201, response_model=RuleSetRead)
async def publish_rules(
    data: RuleSetIn, session: SessionDep, admin: AdminAgent, now: NowDep
) -> RuleSetRead:
    """Publish a new version (admins). Validated before it can score anything."""
    row = await service.publish_rules(session, data.rules, note=data.note, agent=admin, now=now)
    await commit(session)
    return _rule_read(service.ActiveRules(row.version, row.rules, row))


@rules_router.get("/assessments/{withdrawal_id}", response_model=AssessmentRead)
async def get_assessment(
    withdrawal_id: str, session: SessionDep, agent: SecurityAgent
) -> AssessmentRead:
    """Every intermediate value of one decision."""
    row = await repository.assessment_by_withdrawal(session, withdrawal_id)
    if row is None:
        raise NotFound(f"no assessment for withdrawal {withdrawal_id}")
    return AssessmentRead.model_validate(row)


# -- customers -------------------------------------------------------------------------------


@me_router.get("", response_model=list[VerificationRead])
async def my_verifications(
    session: SessionDep, customer: CurrentCustomer, now: NowDep
) -> list[VerificationRead]:
    """Verifications waiting for me (a paused withdrawal to confirm)."""
    items = await service.my_pending_verifications(session, customer, now=now)
    await commit(session)
    return items


@me_router.post("/totp", status_code=201, response_model=TotpEnrolment)
async def enrol_totp(
    session: SessionDep,
    customer: CurrentCustomer,
    now: NowDep,
    risk: RiskSettingsDep,
    settings: SettingsDep,
) -> TotpEnrolment:
    """Provision my authenticator app (demo and tests only: in production the exchange
    provisions factors, since a hijacked session could otherwise enrol its own)."""
    if settings.env is Environment.production:
        raise Forbidden("TOTP enrolment is done in the exchange's app")
    secret, uri = await service.enrol_totp(session, customer, settings=risk, now=now)
    await commit(session)
    return TotpEnrolment(secret=secret, provisioning_uri=uri)


@me_router.post("/{verification_id}", response_model=VerificationResult)
async def submit_code(
    verification_id: int,
    data: CodeIn,
    session: SessionDep,
    customer: CurrentCustomer,
    now: NowDep,
    connector: ConnectorDep,
    settings: SettingsDep,
) -> VerificationResult:
    """Confirm it was me with the code: the withdrawal continues. A wrong code answers 422
    with the attempts left; the last wrong attempt locks the account."""
    result = await service.submit_code(
        session,
        customer,
        verification_id,
        data.code,
        now=now,
        connector=connector,
        secret_key=settings.secret_key,
    )
    await commit(session)
    if result.status == "pending":
        raise service.WrongCode(result.message, extra={"attempts_left": result.attempts_left})
    return result


@me_router.post("/{verification_id}/not-me", response_model=VerificationResult)
async def not_me(
    verification_id: int,
    session: SessionDep,
    customer: CurrentCustomer,
    now: NowDep,
    connector: ConnectorDep,
) -> VerificationResult:
    """ "This was not me": lock the account and alert the security team."""
    result = await service.deny(session, customer, verification_id, now=now, connector=connector)
    await commit(session)
    return result


# -- security cases --------------------------------------------------------------------------


@cases_router.get("", response_model=Page[CaseRead])
async def list_cases(
    session: SessionDep,
    agent: SecurityAgent,
    status: Annotated[list[CaseStatus] | None, Query()] = None,
    customer_id: int | None = None,
    assignee_id: int | None = None,
    mine: bool = False,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[CaseRead]:
    after = cursor_after(cursor)
    items = await repository.cases_page(
        session,
        status=status or (),
        customer_id=customer_id,
        assignee_id=agent.id if mine else assignee_id,
        after_id=after,
        limit=limit,
    )
    return Page(
        items=[CaseRead.model_validate(c) for c in items],
        next_cursor=encode_cursor(items[-1].id) if len(items) == limit else None,
    )


@cases_router.post("", status_code=201, response_model=CaseRead)
async def create_case(
    data: CaseCreate,
    session: SessionDep,
    agent: SecurityAgent,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Open a case by hand (or add to the customer's open one)."""

    async def create() -> CaseRead:
        item = await cases.create_case(session, data, agent=agent, now=now)
        return CaseRead.model_validate(item)

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"agent:{agent.id}:security_cases",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
    )


@cases_router.get("/{case_id}", response_model=CaseDetail)
async def get_case(
    case_id: int, session: SessionDep, agent: SecurityAgent, connector: ConnectorDep
) -> CaseDetail:
    """The case with the account's timeline: logins, devices, security changes, deposits,
    withdrawals, support contacts, verifications and notes."""
    item = await cases.get_case(session, case_id)
    return await cases.case_detail(session, item, connector=connector)


@cases_router.patch("/{case_id}", response_model=CaseRead)
async def update_case(
    case_id: int, data: CaseUpdate, session: SessionDep, agent: SecurityAgent, now: NowDep
) -> CaseRead:
    """Status, outcome (required to close), assignees."""
    item = await cases.get_case(session, case_id, for_update=True)
    await cases.update_case(session, item, data, agent=agent, now=now)
    await commit(session)
    return CaseRead.model_validate(item)


@cases_router.post("/{case_id}/notes", status_code=201, response_model=NoteRead)
async def add_note(
    case_id: int, data: NoteCreate, session: SessionDep, agent: SecurityAgent, now: NowDep
) -> NoteRead:
    item = await cases.get_case(session, case_id, for_update=True)
    note = await cases.add_note(session, item, data.body, agent=agent, now=now)
    await commit(session)
    return NoteRead.model_validate(note)


router = APIRouter()
for _router in (rules_router, me_router, cases_router):
    router.include_router(_router)
