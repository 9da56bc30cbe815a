"""SLA policies (admins) and the sweep, callable by a scheduler or a lead."""

from __future__ import annotations

from fastapi import APIRouter

from trustdesk.db import commit
from trustdesk.deps import AdminAgent, CurrentAgent, LeadAgent, NowDep, SessionDep
from trustdesk.errors import Conflict
from trustdesk.models import SlaPolicy
from trustdesk.sla import repository, service
from trustdesk.sla.schemas import SlaPolicyCreate, SlaPolicyRead, SweepRead

router = APIRouter(prefix="/api/v1/sla", tags=["sla"])


@router.get("/policies", response_model=list[SlaPolicyRead])
async def list_policies(session: SessionDep, agent: CurrentAgent) -> list[SlaPolicyRead]:
    return [SlaPolicyRead.model_validate(p) for p in await repository.active_policies(session)]


@router.post("/policies", status_code=201, response_model=SlaPolicyRead)
async def create_policy(
    data: SlaPolicyCreate, session: SessionDep, admin: AdminAgent, now: NowDep
) -> SlaPolicyRead:
    """Add a policy. It applies to tickets created or re-prioritised from now on."""
    if any(p.name == data.name for p in await repository.active_policies(session)):
        raise Conflict(f"a policy named '{data.name}' exists")
    policy = SlaPolicy(**data.model_dump(), created_at=now)
    session.add(policy)
    await session.flush()
    await commit(session)
    service.forget_policies()
    return SlaPolicyRead.model_validate(policy)


@router.post("/sweep", response_model=SweepRead)
async def run_sweep(session: SessionDep, lead: LeadAgent, now: NowDep) -> SweepRead:
    """Run one SLA sweep now (the worker runs it continuously)."""
    report = await service.sweep(session, now=now)
    await commit(session)
    return SweepRead(**report.__dict__)
