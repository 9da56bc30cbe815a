"""Recovery endpoints: customers recover deposits and follow their cases (/me/...); agents work
manual cases through verification, four-eyes approval and execution (/recoveries)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from trustdesk.db import commit
from trustdesk.deps import (
    AdminAgent,
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
from trustdesk.exchange.api import ConnectorDep, RegistryDep
from trustdesk.exchange.schemas import DepositDiagnosisRead
from trustdesk.idempotency import run_idempotent
from trustdesk.kit.pagination import Page
from trustdesk.models.recovery import RecoveryKind, RecoveryStatus
from trustdesk.recovery import repository, service
from trustdesk.recovery.schemas import (
    ApproveRequest,
    FeeDecision,
    IntakeSubmit,
    PrepareRequest,
    ReasonRequest,
    RecoverOutcome,
    RecoverRequest,
    RecoverResult,
    RecoveryCaseAgentRead,
    RecoveryCaseRead,
    VerifyRequest,
)

me_router = APIRouter(prefix="/api/v1/me", tags=["deposit recovery (customers)"])
agent_router = APIRouter(prefix="/api/v1/recoveries", tags=["deposit recovery (agents)"])


# -- customers ---------------------------------------------------------------------------------


@me_router.post("/deposits/recover", response_model=RecoverResult)
async def recover_my_deposit(
    data: RecoverRequest,
    session: SessionDep,
    customer: CurrentCustomer,
    connector: ConnectorDep,
    registry: RegistryDep,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Recover my deposit: credited now where the rules allow it (a retry never credits twice),
    otherwise a manual recovery case I can follow in "My tickets"."""

    async def create() -> RecoverResult:
        attempt = await service.recover_deposit(
            session,
            connector,
            registry,
            customer,
            txid=data.txid,
            asset=data.asset,
            network=data.network,
            manual=data.manual,
            now=now,
        )
        return RecoverResult(
            outcome=RecoverOutcome(attempt.outcome),
            reason=attempt.reason,
            diagnosis=DepositDiagnosisRead.of(attempt.diagnosis),
            case=RecoveryCaseRead.of(attempt.case) if attempt.case is not None else None,
        )

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"customer:{customer.id}:deposit-recover",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
        status_code=200,
    )


@me_router.get("/recoveries", response_model=Page[RecoveryCaseRead])
async def list_my_recoveries(
    session: SessionDep,
    customer: CurrentCustomer,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[RecoveryCaseRead]:
    """My recovery cases, newest first."""
    cases = await repository.page(
        session, repository.customer_cases(customer.id), after_id=cursor_after(cursor), limit=limit
    )
    await commit(session)  # keeps the customer record the token refreshed
    return Page(
        items=[RecoveryCaseRead.of(c) for c in cases],
        next_cursor=next_cursor([c.id for c in cases], limit),
    )


@me_router.get("/recoveries/{case_id}", response_model=RecoveryCaseRead)
async def get_my_recovery(
    case_id: int, session: SessionDep, customer: CurrentCustomer
) -> RecoveryCaseRead:
    """One of my recovery cases (anyone else's: 404)."""
    case = await service.get_customer_case(session, customer, case_id)
    await commit(session)
    return RecoveryCaseRead.of(case)


@me_router.post("/recoveries/{case_id}/intake", response_model=RecoveryCaseRead)
async def submit_my_intake(
    case_id: int,
    data: IntakeSubmit,
    session: SessionDep,
    customer: CurrentCustomer,
    registry: RegistryDep,
    now: NowDep,
) -> RecoveryCaseRead:
    """Answer the case's intake questions (only what could not be looked up)."""
    case = await service.get_customer_case(session, customer, case_id, for_update=True)
    await service.submit_intake(session, registry, case, customer, data.answers, now=now)
    await commit(session)
    return RecoveryCaseRead.of(case)


@me_router.post("/recoveries/{case_id}/accept-fee", response_model=RecoveryCaseRead)
async def accept_my_fee(
    case_id: int,
    session: SessionDep,
    customer: CurrentCustomer,
    now: NowDep,
    data: FeeDecision | None = None,
) -> RecoveryCaseRead:
    """Accept the recovery fee shown on the case (`{"accept": false}` declines and closes it)."""
    case = await service.get_customer_case(session, customer, case_id, for_update=True)
    accept = data.accept if data is not None else True
    await service.decide_fee(session, case, customer, accept, now=now)
    await commit(session)
    return RecoveryCaseRead.of(case)


# -- agents ------------------------------------------------------------------------------------


@agent_router.get("", response_model=Page[RecoveryCaseAgentRead])
async def list_recoveries(
    session: SessionDep,
    agent: CurrentAgent,
    status: Annotated[list[RecoveryStatus] | None, Query()] = None,
    kind: RecoveryKind | None = None,
    customer_id: int | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[RecoveryCaseAgentRead]:
    """Recovery cases, newest first; filter by status (repeatable), kind, customer."""
    cases = await repository.page(
        session,
        repository.all_cases(),
        status=status or (),
        kind=kind,
        customer_id=customer_id,
        after_id=cursor_after(cursor),
        limit=limit,
    )
    return Page(
        items=[RecoveryCaseAgentRead.of(c) for c in cases],
        next_cursor=next_cursor([c.id for c in cases], limit),
    )


@agent_router.get("/{case_id}", response_model=RecoveryCaseAgentRead)
async def get_recovery(
    case_id: int, session: SessionDep, agent: CurrentAgent
) -> RecoveryCaseAgentRead:
    return RecoveryCaseAgentRead.of(await service.get_case(session, case_id))


@agent_router.post("/{case_id}/verify", response_model=RecoveryCaseAgentRead)
async def verify_recovery(
    case_id: int, data: VerifyRequest, session: SessionDep, agent: CurrentAgent, now: NowDep
) -> RecoveryCaseAgentRead:
    """Mark the customer's ownership of the sending wallet verified, with the evidence."""
    case = await service.get_case(session, case_id, for_update=True)
    await service.verify_ownership(session, case, agent, data.evidence, data.fee, now=now)
    await commit(session)
    return RecoveryCaseAgentRead.of(case)


@agent_router.post("/{case_id}/prepare", response_model=RecoveryCaseAgentRead)
async def prepare_recovery(
    case_id: int,
    session: SessionDep,
    agent: CurrentAgent,
    registry: RegistryDep,
    now: NowDep,
    data: PrepareRequest | None = None,
) -> RecoveryCaseAgentRead:
    """The preparer (first pair of eyes) fixes what will be credited."""
    data = data or PrepareRequest()
    case = await service.get_case(session, case_id, for_update=True)
    await service.prepare(
        session,
        registry,
        case,
        agent,
        asset=data.asset,
        network=data.network,
        note=data.note,
        now=now,
    )
    await commit(session)
    return RecoveryCaseAgentRead.of(case)


@agent_router.post("/{case_id}/approve", response_model=RecoveryCaseAgentRead)
async def approve_recovery(
    case_id: int,
    session: SessionDep,
    agent: CurrentAgent,
    now: NowDep,
    data: ApproveRequest | None = None,
) -> RecoveryCaseAgentRead:
    """Second pair of eyes: a lead, security analyst or admin other than the preparer."""
    case = await service.get_case(session, case_id, for_update=True)
    await service.approve(session, case, agent, (data or ApproveRequest()).note, now=now)
    await commit(session)
    return RecoveryCaseAgentRead.of(case)


@agent_router.post("/{case_id}/execute", response_model=RecoveryCaseAgentRead)
async def execute_recovery(
    case_id: int, session: SessionDep, agent: CurrentAgent, connector: ConnectorDep, now: NowDep
) -> RecoveryCaseAgentRead:
    """Credit amount − fee through the exchange connector (idempotent reference)."""
    case = await service.get_case(session, case_id, for_update=True)
    await service.execute(session, connector, case, agent, now=now)
    await commit(session)
    return RecoveryCaseAgentRead.of(case)


@agent_router.post("/{case_id}/reject", response_model=RecoveryCaseAgentRead)
async def reject_recovery(
    case_id: int, data: ReasonRequest, session: SessionDep, agent: CurrentAgent, now: NowDep
) -> RecoveryCaseAgentRead:
    """Close an open case without a credit; the reason is shown to the customer."""
    case = await service.get_case(session, case_id, for_update=True)
    await service.reject(session, case, agent, data.reason, now=now)
    await commit(session)
    return RecoveryCaseAgentRead.of(case)


@agent_router.post("/{case_id}/reverse", response_model=RecoveryCaseAgentRead)
async def reverse_recovery(
    case_id: int,
    data: ReasonRequest,
    session: SessionDep,
    admin: AdminAgent,
    connector: ConnectorDep,
    now: NowDep,
) -> RecoveryCaseAgentRead:
    """Undo an executed recovery (admins): recorded, and debited on the sandbox."""
    case = await service.get_case(session, case_id, for_update=True)
    await service.reverse(session, connector, case, admin, data.reason, now=now)
    await commit(session)
    return RecoveryCaseAgentRead.of(case)


router = APIRouter()
router.include_router(me_router)
router.include_router(agent_router)
