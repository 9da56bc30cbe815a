"""Trust endpoints: the official-channel register (admins), the public channel check, look-alike
warnings (agents), address tags (admins) and fund traces (security, leads, admins)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response
from fastapi.responses import JSONResponse

from trustdesk.db import commit
from trustdesk.deps import (
    AdminAgent,
    CurrentAgent,
    IdempotencyKey,
    Limit,
    NowDep,
    SessionDep,
    SettingsDep,
    cursor_after,
    next_cursor,
    require_role,
)
from trustdesk.idempotency import run_idempotent
from trustdesk.kit.pagination import Page
from trustdesk.models import Agent, AgentRole
from trustdesk.models.trust import FundTrace
from trustdesk.risk.tracing import TagCategory
from trustdesk.triage import best_match_accept_language
from trustdesk.trust import repository, service
from trustdesk.trust.schemas import (
    ChannelCheckRequest,
    ChannelCheckResult,
    ChannelCreate,
    ChannelRead,
    ChannelUpdate,
    ExportFormat,
    TagCreate,
    TagRead,
    TagUpdate,
    TraceCreate,
    TraceRead,
    WarningRead,
)

admin_channels = APIRouter(prefix="/api/v1/admin/channels", tags=["official channels (admins)"])
public_router = APIRouter(prefix="/api/v1/channels", tags=["channel check (public)"])
trust_router = APIRouter(prefix="/api/v1/trust", tags=["trust & safety (staff)"])
admin_tags = APIRouter(prefix="/api/v1/admin/address-tags", tags=["address tags (admins)"])

SecurityAgent = Annotated[Agent, Depends(require_role(AgentRole.security, AgentRole.lead))]


# ---------------------------------------------------------------------------------------------
# Official-channel register
# ---------------------------------------------------------------------------------------------


@admin_channels.get("", response_model=Page[ChannelRead])
async def list_channels(
    session: SessionDep,
    agent: AdminAgent,
    active: bool | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[ChannelRead]:
    rows = await repository.channels_page(
        session, after_id=cursor_after(cursor), limit=limit, active=active
    )
    return Page(
        items=[ChannelRead.model_validate(r) for r in rows],
        next_cursor=next_cursor([r.id for r in rows], limit),
    )


@admin_channels.post("", status_code=201, response_model=ChannelRead)
async def create_channel(
    data: ChannelCreate,
    session: SessionDep,
    agent: AdminAgent,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Add an official channel. 422 names why a value is invalid; 409 if already there."""

    async def create() -> ChannelRead:
        channel = await service.create_channel(session, data, actor=agent, now=now)
        return ChannelRead.model_validate(channel)

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"agent:{agent.id}:official-channels",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
    )


@admin_channels.get("/{channel_id}", response_model=ChannelRead)
async def get_channel(channel_id: int, session: SessionDep, agent: AdminAgent) -> ChannelRead:
    return ChannelRead.model_validate(await service.get_channel(session, channel_id))


@admin_channels.patch("/{channel_id}", response_model=ChannelRead)
async def update_channel(
    channel_id: int, data: ChannelUpdate, session: SessionDep, agent: AdminAgent, now: NowDep
) -> ChannelRead:
    channel = await service.update_channel(session, channel_id, data, actor=agent, now=now)
    await commit(session)
    return ChannelRead.model_validate(channel)


@admin_channels.delete("/{channel_id}", status_code=204)
async def delete_channel(
    channel_id: int, session: SessionDep, agent: AdminAgent, now: NowDep
) -> Response:
    await service.delete_channel(session, channel_id, actor=agent, now=now)
    await commit(session)
    return Response(status_code=204)


@public_router.post("/check", response_model=ChannelCheckResult)
async def check_channel(
    data: ChannelCheckRequest,
    session: SessionDep,
    accept_language: Annotated[str | None, Header(alias="Accept-Language")] = None,
) -> ChannelCheckResult:
    """Is this web site, e-mail address, phone number or social handle one of ours?

    No sign-in needed and nothing is written: anyone may ask. Texts follow Accept-Language.
    """
    language = best_match_accept_language(accept_language) or "en"
    return await service.check_value(session, data.value, platform=data.platform, language=language)


# ---------------------------------------------------------------------------------------------
# Look-alike warnings
# ---------------------------------------------------------------------------------------------


@trust_router.get("/warnings", response_model=Page[WarningRead])
async def list_warnings(
    session: SessionDep,
    agent: CurrentAgent,
    customer_id: int,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[WarningRead]:
    """The look-alike channels a customer mentioned, newest first, with the warning texts."""
    items = await service.list_warnings(
        session, customer_id, after_id=cursor_after(cursor), limit=limit
    )
    return Page(items=items, next_cursor=next_cursor([w.id for w in items], limit))


# ---------------------------------------------------------------------------------------------
# Address tags
# ---------------------------------------------------------------------------------------------


@admin_tags.get("", response_model=Page[TagRead])
async def list_tags(
    session: SessionDep,
    agent: SecurityAgent,
    network: str | None = None,
    address: str | None = None,
    category: TagCategory | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[TagRead]:
    """Tags, filtered by network, address or category (security, leads and admins read)."""
    from trustdesk.risk.tracing import normalize_address

    rows = await repository.tags_page(
        session,
        after_id=cursor_after(cursor),
        limit=limit,
        network=network.upper() if network else None,
        address=normalize_address(address) if address else None,
        category=str(category) if category else None,
    )
    return Page(
        items=[TagRead.model_validate(r) for r in rows],
        next_cursor=next_cursor([r.id for r in rows], limit),
    )


@admin_tags.post("", status_code=201, response_model=TagRead)
async def create_tag(
    data: TagCreate,
    session: SessionDep,
    agent: AdminAgent,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def create() -> TagRead:
        return TagRead.model_validate(await service.create_tag(session, data, actor=agent, now=now))

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"agent:{agent.id}:address-tags",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
    )


@admin_tags.patch("/{tag_id}", response_model=TagRead)
async def update_tag(
    tag_id: int, data: TagUpdate, session: SessionDep, agent: AdminAgent, now: NowDep
) -> TagRead:
    tag = await service.update_tag(session, tag_id, data, actor=agent, now=now)
    await commit(session)
    return TagRead.model_validate(tag)


@admin_tags.delete("/{tag_id}", status_code=204)
async def delete_tag(tag_id: int, session: SessionDep, agent: AdminAgent, now: NowDep) -> Response:
    await service.delete_tag(session, tag_id, actor=agent, now=now)
    await commit(session)
    return Response(status_code=204)


# ---------------------------------------------------------------------------------------------
# Fund traces
# ---------------------------------------------------------------------------------------------


def _trace_read(trace: FundTrace) -> TraceRead:
    return TraceRead(
        id=trace.id,
        case_reference=trace.case_reference,
        title=trace.title,
        customer_id=trace.customer_id,
        ticket_id=trace.ticket_id,
        starts=list(trace.starts),
        max_hops=trace.max_hops,
        min_amount=trace.min_amount,
        status=trace.status,
        created_by_id=trace.created_by_id,
        created_at=trace.created_at,
        ran_at=trace.ran_at,
        result=trace.result,
    )


@trust_router.get("/traces", response_model=Page[TraceRead])
async def list_traces(
    session: SessionDep,
    agent: SecurityAgent,
    case_reference: str | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[TraceRead]:
    rows = await repository.traces_page(
        session, after_id=cursor_after(cursor), limit=limit, case_reference=case_reference
    )
    return Page(
        items=[_trace_read(t) for t in rows], next_cursor=next_cursor([t.id for t in rows], limit)
    )


@trust_router.post("/traces", status_code=201, response_model=TraceRead)
async def create_trace(
    data: TraceCreate,
    session: SessionDep,
    agent: SecurityAgent,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Record where a case's stolen funds start (addresses or txids) and the trace limits."""

    async def create() -> TraceRead:
        return _trace_read(await service.create_trace(session, data, actor=agent, now=now))

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"agent:{agent.id}:fund-traces",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
    )


@trust_router.get("/traces/{trace_id}", response_model=TraceRead)
async def get_trace(trace_id: int, session: SessionDep, agent: SecurityAgent) -> TraceRead:
    return _trace_read(await service.get_trace(session, trace_id))


@trust_router.post("/traces/{trace_id}/run", response_model=TraceRead)
async def run_trace(
    trace_id: int, session: SessionDep, agent: SecurityAgent, now: NowDep
) -> TraceRead:
    """Follow the funds hop by hop; the result replaces the previous run's."""
    trace = await service.run_trace(session, trace_id, actor=agent, now=now)
    await commit(session)
    return _trace_read(trace)


@trust_router.get("/traces/{trace_id}/export")
async def export_trace(
    trace_id: int,
    session: SessionDep,
    agent: SecurityAgent,
    now: NowDep,
    format: ExportFormat = "json",
) -> Response:
    """Evidence for the receiving exchange and the police, as CSV or JSON, with its SHA-256."""
    trace = await service.get_trace(session, trace_id)
    evidence = service.build_evidence(trace, now=now, exported_by=agent)
    if format == "csv":
        body, digest = service.export_csv(evidence)
        media = "text/csv; charset=utf-8"
    else:
        body, digest = service.export_json(evidence)
        media = "application/json"
    name = f"trace-{trace.id}-{trace.case_reference}".replace('"', "")
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{format}"',
            "X-Content-SHA256": digest,
        },
    )


router = APIRouter()
for _router in (admin_channels, public_router, trust_router, admin_tags):
    router.include_router(_router)
