"""The agent console and lead board under /console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from trustdesk.agents import service as agents_service
from trustdesk.agents.schemas import AgentUpdate
from trustdesk.auth import service as auth_service
from trustdesk.db import commit
from trustdesk.deps import NowDep, SessionDep, SettingsDep
from trustdesk.errors import AppError, Unauthorized
from trustdesk.exchange import service as exchange_service
from trustdesk.exchange.api import ConnectorDep, RegistryDep
from trustdesk.models import Agent, Customer, Ticket
from trustdesk.models.agent import Presence
from trustdesk.models.ticket import Priority, TicketStatus
from trustdesk.routing import repository as routing_repository
from trustdesk.tickets import service as tickets_service
from trustdesk.tickets import views as ticket_views
from trustdesk.tickets.schemas import TicketUpdate
from trustdesk.web import (
    board,
    i18n,
)
from trustdesk.web import repository as web_repository
from trustdesk.web.auth import (
    AGENT_COOKIE,
    LANGUAGE_COOKIE,
    PageAgent,
    PageLead,
    safe_next,
    set_agent_cookie,
)
from trustdesk.web.pages import (
    event_stream,
    page_language,
    release_session,
    render,
    see_other,
    with_flash,
)

router = APIRouter(include_in_schema=False)
# Saved replies (macros): English source text, translated through the catalogs into the
# ticket's language when the agent picks one.
MACROS: tuple[tuple[str, str], ...] = (
    ("greeting", "Hello, thank you for contacting us. I am looking into this now."),
    (
        "confirmations",
        "Your deposit is waiting for network confirmations. It is credited automatically "
        "once they are complete; no action is needed.",
    ),
    ("need_txid", "Could you send us the transaction ID (TxID) of this transfer?"),
    ("resolved", "This is now resolved. Is there anything else I can help you with?"),
)
BREACHING_MINUTES = 60


def _agent_language(request: Request, agent: Agent) -> str:
    return i18n.choose_language(
        chosen=request.cookies.get(LANGUAGE_COOKIE),
        profile=agent.ui_language,
        accept_language=None,
    )


@router.get("/console/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "/console", error: bool = False) -> HTMLResponse:
    language = page_language(request, None)
    return render(
        request,
        "web/login.html",
        language,
        {"next": safe_next(next), "error": error},
        status_code=401 if error else 200,
    )


@router.post("/console/login")
async def login_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/console",
) -> Response:
    ttl = timedelta(hours=settings.agent_token_ttl_hours)
    try:
        token, agent = await auth_service.login(session, email, password, now=now, ttl=ttl)
    except Unauthorized:
        return see_other(f"/console/login?error=1&next={quote(safe_next(next), safe='')}")
    await commit(session)
    response = see_other(safe_next(next))
    set_agent_cookie(request, response, token, int(ttl.total_seconds()))
    # The agent's saved UI language wins over whatever the login page was shown in.
    response.delete_cookie(LANGUAGE_COOKIE, path="/")
    return response


@router.post("/console/logout")
async def logout(request: Request, session: SessionDep, agent: PageAgent) -> Response:
    token = request.cookies.get(AGENT_COOKIE, "")
    await auth_service.logout(session, token)
    await commit(session)
    response = see_other("/console/login")
    response.delete_cookie(AGENT_COOKIE, path="/")
    return response


@router.post("/console/profile-language")
async def save_ui_language(
    session: SessionDep,
    agent: PageAgent,
    now: NowDep,
    language: Annotated[str, Form()],
    back: Annotated[str, Form()] = "/console",
) -> Response:
    """An agent picks the console's language: saved on their profile for every device."""
    code = i18n.supported(language) or i18n.DEFAULT
    await agents_service.update_agent(
        session, agent, AgentUpdate(ui_language=code), actor=agent, now=now
    )
    await commit(session)
    response = see_other(safe_next(back))
    response.delete_cookie(LANGUAGE_COOKIE, path="/")
    return response


@router.post("/console/presence")
async def set_presence(
    session: SessionDep,
    agent: PageAgent,
    now: NowDep,
    presence: Annotated[Presence, Form()],
    back: Annotated[str, Form()] = "/console",
) -> Response:
    await agents_service.set_presence(session, agent, presence, now=now)
    await commit(session)
    return see_other(safe_next(back))


async def _console_frame(session: SessionDep, agent: Agent) -> dict[str, Any]:
    load = await routing_repository.open_load(session, agent.id)
    return {"agent": agent, "load": load}


def _row(ticket: Ticket, queues: dict[int, str]) -> dict[str, Any]:
    return {"t": ticket, "queue": queues.get(ticket.queue_id, "?")}


@router.get("/console", response_class=HTMLResponse)
async def console(
    request: Request,
    session: SessionDep,
    agent: PageAgent,
    now: NowDep,
    view: str = "mine",
    flash: str | None = None,
) -> HTMLResponse:
    """The queue views: mine, my team, unassigned, VIP, breaching soon."""
    if view not in web_repository.VIEWS:
        view = "mine"
    tickets = await web_repository.queue_view(
        session,
        view,
        agent_id=agent.id,
        team_queues=agent.queues,
        now=now,
        breaching_before=now + timedelta(minutes=BREACHING_MINUTES),
    )
    queues = await web_repository.queue_keys(session)
    return render(
        request,
        "web/console.html",
        _agent_language(request, agent),
        {
            **await _console_frame(session, agent),
            "view": view,
            "views": web_repository.VIEWS,
            "rows": [_row(t, queues) for t in tickets],
            "now": now,
            "flash": flash,
            "events": "/console/events",
        },
    )


@router.get("/console/events")
async def console_events(
    request: Request, session: SessionDep, agent: PageAgent
) -> StreamingResponse:
    """Server-Sent Events of the whole desk: every ticket change, internal ones included."""
    await release_session(session)
    return event_stream(request, ("desk",))


async def _neighbours(
    session: SessionDep, agent: Agent, view: str, ticket_id: int, now: datetime
) -> tuple[int | None, int | None]:
    if view not in web_repository.VIEWS:
        return None, None
    ids = [
        t.id
        for t in await web_repository.queue_view(
            session,
            view,
            agent_id=agent.id,
            team_queues=agent.queues,
            now=now,
            breaching_before=now + timedelta(minutes=BREACHING_MINUTES),
        )
    ]
    if ticket_id not in ids:
        return None, None
    i = ids.index(ticket_id)
    return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None)


@router.get("/console/tickets/{ticket_id}", response_class=HTMLResponse)
async def console_ticket(
    request: Request,
    ticket_id: int,
    session: SessionDep,
    agent: PageAgent,
    now: NowDep,
    connector: ConnectorDep,
    registry: RegistryDep,
    view: str = "mine",
    flash: str | None = None,
) -> HTMLResponse:
    """Transcript, customer 360, reply with macros, notes, status, escalate, collaborators."""
    ticket = await tickets_service.get_ticket(session, ticket_id)
    detail = await ticket_views.agent_detail(session, ticket, now=now)
    customer = await session.get(Customer, ticket.customer_id)
    panel, panel_error = None, None
    if customer is not None:
        try:
            panel = await exchange_service.customer_panel(
                connector, registry, customer.external_id, now=now
            )
        except AppError as exc:
            panel_error = exc.detail
    previous, following = await _neighbours(session, agent, view, ticket_id, now)
    departments = await web_repository.department_keys(session)
    ticket_catalog = i18n.translations(ticket.language)
    return render(
        request,
        "web/console_ticket.html",
        _agent_language(request, agent),
        {
            **await _console_frame(session, agent),
            "ticket": detail,
            "customer": customer,
            "panel": panel,
            "panel_error": panel_error,
            "view": view,
            "previous": previous,
            "following": following,
            "statuses": list(TicketStatus),
            "priorities": list(Priority),
            "departments": departments,
            "macros": [(key, ticket_catalog.gettext(text)) for key, text in MACROS],
            "now": now,
            "flash": flash,
            "events": "/console/events",
        },
    )


def _ticket_url(ticket_id: int, view: str) -> str:
    return f"/console/tickets/{ticket_id}?view={quote(view)}"


@router.post("/console/tickets/{ticket_id}/messages")
async def console_reply(
    ticket_id: int,
    session: SessionDep,
    agent: PageAgent,
    now: NowDep,
    body: Annotated[str, Form()] = "",
    internal: Annotated[bool, Form()] = False,
    status: Annotated[str, Form()] = "",
    view: Annotated[str, Form()] = "mine",
) -> Response:
    url = _ticket_url(ticket_id, view)
    if not body.strip():
        return see_other(with_flash(url, "empty message"))
    ticket = await tickets_service.get_ticket(session, ticket_id, for_update=True)
    try:
        new_status = TicketStatus(status) if status else None
        await tickets_service.add_agent_message(
            session, ticket, agent, body.strip(), internal=internal, status=new_status, now=now
        )
    except (AppError, ValueError) as exc:
        return see_other(with_flash(url, getattr(exc, "detail", str(exc))))
    await commit(session)
    return see_other(url)


@router.post("/console/tickets/{ticket_id}/update")
async def console_update(
    ticket_id: int,
    session: SessionDep,
    agent: PageAgent,
    now: NowDep,
    status: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "",
    assign_to_me: Annotated[bool, Form()] = False,
    view: Annotated[str, Form()] = "mine",
) -> Response:
    url = _ticket_url(ticket_id, view)
    ticket = await tickets_service.get_ticket(session, ticket_id, for_update=True)
    try:
        data = TicketUpdate(
            status=TicketStatus(status) if status and status != ticket.status else None,
            priority=Priority(priority) if priority and priority != ticket.priority else None,
            assignee_id=agent.id if assign_to_me else None,
        )
        await tickets_service.update_ticket(session, ticket, agent, data, now=now)
    except (AppError, ValueError) as exc:
        return see_other(with_flash(url, getattr(exc, "detail", str(exc))))
    await commit(session)
    return see_other(url)


@router.post("/console/tickets/{ticket_id}/escalate")
async def console_escalate(
    ticket_id: int,
    session: SessionDep,
    agent: PageAgent,
    now: NowDep,
    note: Annotated[str, Form()] = "",
    to_queue: Annotated[str, Form()] = "",
    view: Annotated[str, Form()] = "mine",
) -> Response:
    url = _ticket_url(ticket_id, view)
    if not note.strip():
        return see_other(with_flash(url, "say why you escalate"))
    ticket = await tickets_service.get_ticket(session, ticket_id, for_update=True)
    try:
        await tickets_service.escalate(
            session, ticket, agent, to_queue=to_queue or None, note=note.strip(), now=now
        )
    except AppError as exc:
        return see_other(with_flash(url, exc.detail))
    await commit(session)
    return see_other(url)


@router.post("/console/tickets/{ticket_id}/collaborators")
async def console_collaborator(
    ticket_id: int,
    session: SessionDep,
    agent: PageAgent,
    now: NowDep,
    queue: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    view: Annotated[str, Form()] = "mine",
) -> Response:
    url = _ticket_url(ticket_id, view)
    if not note.strip() or not queue:
        return see_other(with_flash(url, "choose a department and say why"))
    ticket = await tickets_service.get_ticket(session, ticket_id, for_update=True)
    try:
        await tickets_service.add_collaborator(
            session, ticket, agent, queue_key=queue, agent_id=None, note=note.strip(), now=now
        )
    except AppError as exc:
        return see_other(with_flash(url, exc.detail))
    await commit(session)
    return see_other(url)


# ---------------------------------------------------------------------------------------------
# Lead board


@router.get("/console/board", response_class=HTMLResponse)
async def lead_board(
    request: Request, session: SessionDep, lead: PageLead, now: NowDep
) -> HTMLResponse:
    """Tickets by time to breach, agents' load and presence, first response today, breaches."""
    language = _agent_language(request, lead)
    catalog = i18n.translations(language)
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    stats = board.response_stats(await web_repository.first_response_waits(session, today))
    open_tickets = await web_repository.open_with_deadline(session)
    deadlines = [t.sla_due_at for t in open_tickets if t.sla_due_at is not None]
    buckets = board.breach_buckets(deadlines, now)
    agents = await routing_repository.agents_with_load(session, online_only=False)
    queues = await web_repository.queue_keys(session)
    breach_chart = board.bar_chart(
        [(catalog.gettext(label), n) for label, n in buckets],
        title=catalog.gettext("Open tickets by time to breach"),
    )
    load_chart = board.bar_chart(
        [(a.name.split()[0], n) for a, n in agents if a.presence != Presence.offline],
        title=catalog.gettext("Open tickets per agent"),
        colours=("#2f5f8a",),
    )
    response_chart = board.bar_chart(
        [
            (catalog.gettext("median"), stats.median or 0),
            ("p90", stats.p90 or 0),
            (catalog.gettext("max"), stats.max or 0),
        ],
        title=catalog.gettext("First response time today"),
        value_format="{:.0f}s",
        colours=("#2e6b30", "#8a6d00", "#b3261e"),
    )
    return render(
        request,
        "web/board.html",
        language,
        {
            **await _console_frame(session, lead),
            "stats": stats,
            "breaches": await web_repository.breaches_since(session, today),
            "buckets": buckets,
            "agents": agents,
            "soonest": [_row(t, queues) for t in open_tickets[:15]],
            "breach_chart": breach_chart,
            "load_chart": load_chart,
            "response_chart": response_chart,
            "now": now,
            "view": "board",
            "events": "/console/events",
        },
    )
