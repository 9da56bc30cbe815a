"""HTML pages: the customer side under /app, the agent console and lead board under /console.

Pages are rendered on the server from the same service functions as the JSON API; forms post
back to page endpoints (post/redirect/get), and Server-Sent Events tell an open page to refresh
its live regions (see static/live.js). Sessions are cookies (see web/auth.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from trustdesk.agents import service as agents_service
from trustdesk.agents.schemas import AgentUpdate
from trustdesk.assistant import stepup
from trustdesk.auth import service as auth_service
from trustdesk.auth.customer_tokens import verify_customer_token
from trustdesk.db import commit
from trustdesk.deps import NowDep, SessionDep, SettingsDep
from trustdesk.errors import AppError, Unauthorized
from trustdesk.exchange import service as exchange_service
from trustdesk.exchange.api import ConnectorDep, RegistryDep
from trustdesk.live.bus import bus
from trustdesk.models import Agent, Customer, Ticket
from trustdesk.models.agent import Presence
from trustdesk.models.recovery import RecoveryCase
from trustdesk.models.ticket import OPEN_STATUSES, Channel, Priority, TicketStatus
from trustdesk.recovery import repository as recovery_repository
from trustdesk.recovery import service as recovery_service
from trustdesk.recovery.schemas import RecoveryCaseRead
from trustdesk.risk import service as risk_service
from trustdesk.risk.schemas import CodeIn
from trustdesk.routing import repository as routing_repository
from trustdesk.tickets import repository as tickets_repository
from trustdesk.tickets import service as tickets_service
from trustdesk.tickets import views as ticket_views
from trustdesk.tickets.schemas import TicketCreate
from trustdesk.trust import service as trust_service
from trustdesk.web import (
    assistant_bridge,
    board,
    i18n,
    knowledge_bridge,
    markdown,
    recovery_views,
)
from trustdesk.web import repository as web_repository
from trustdesk.web.auth import (
    AGENT_COOKIE,
    CUSTOMER_COOKIE,
    LANGUAGE_COOKIE,
    PageAgent,
    PageCustomer,
    PageLead,
    safe_next,
    set_agent_cookie,
    set_customer_cookie,
    token_expiry,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)
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
CONVERSATION_COOKIE = "td_conv"
SSE_PING_SECONDS = 10


# ---------------------------------------------------------------------------------------------
# Rendering


def _language(request: Request, profile: str | None) -> str:
    return i18n.choose_language(
        chosen=request.cookies.get(LANGUAGE_COOKIE),
        profile=profile,
        accept_language=request.headers.get("accept-language"),
    )


def render(
    request: Request,
    name: str,
    language: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    catalog = i18n.translations(language)

    def _(message: str, **values: Any) -> str:
        text = catalog.gettext(message)
        return text % values if values else text

    response = templates.TemplateResponse(
        request,
        name,
        {
            "_": _,
            "lang": language,
            "dir": "rtl" if i18n.is_rtl(language) else "ltr",
            "languages": i18n.NATIVE_NAMES,
            "duration": board.format_duration,
            "iso": _iso,
            # Set by the customer session (web/auth.py): a held withdrawal waits for them.
            "security_pending": getattr(request.state, "security_pending", 0),
            **context,
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _iso(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _with_flash(url: str, flash: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}flash={quote(flash)}"


# ---------------------------------------------------------------------------------------------
# Live updates


def _sse(request: Request, topics: tuple[str, ...]) -> StreamingResponse:
    """Relay bus events as Server-Sent Events until the browser goes away."""

    async def stream() -> AsyncIterator[str]:
        async with bus.subscribe(*topics) as queue:
            yield "retry: 2000\n\n"
            while not await request.is_disconnected():
                try:
                    event = await asyncio.wait_for(queue.get(), SSE_PING_SECONDS)
                except TimeoutError:
                    yield ": ping\n\n"
                    continue
                yield f"data: {json.dumps(event, default=str)}\n\n"

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _release(session: SessionDep) -> None:
    # A stream may stay open for hours: give the database connection back first.
    await commit(session)
    await session.close()


# ---------------------------------------------------------------------------------------------
# Customer side


@router.get("/app")
async def customer_entry(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    token: str | None = None,
    next: str = "/app/chat",
) -> Response:
    """The exchange opens /app?token=<signed customer JWT>: start a cookie session."""
    if not token:
        if request.cookies.get(CUSTOMER_COOKIE):
            return _see_other("/app/chat")
        return _see_other("/app/signed-out")
    try:
        claims = verify_customer_token(
            token, settings.customer_token_secret, now=now, issuer=settings.customer_token_issuer
        )
    except Unauthorized:
        return _see_other("/app/signed-out")
    await auth_service.resolve_customer(session, claims)
    await commit(session)
    target = next if next.startswith("/app") and not next.startswith("//") else "/app/chat"
    response = _see_other(target)
    set_customer_cookie(request, response, token, token_expiry(token))
    response.delete_cookie(LANGUAGE_COOKIE, path="/")
    return response


@router.get("/app/signed-out")
async def customer_signed_out(request: Request) -> HTMLResponse:
    language = _language(request, None)
    return render(request, "web/signed_out.html", language, {}, status_code=401)


@router.post("/app/language")
@router.post("/console/language")
async def choose_language(
    request: Request,
    language: Annotated[str, Form()],
    back: Annotated[str, Form()] = "/",
) -> RedirectResponse:
    """The language picker: remembered in a cookie (agents also get it saved to their profile
    by /console/profile-language)."""
    code = i18n.supported(language) or i18n.DEFAULT
    response = _see_other(safe_next(back) if back.startswith("/") else "/")
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response


def _customer_language(request: Request, customer: Customer) -> str:
    return _language(request, customer.language)


async def _chat_ticket(session: SessionDep, customer: Customer) -> Ticket | None:
    """The customer's open conversation with a person, if they asked for one."""
    stmt = tickets_repository.apply_filter(
        tickets_repository.customer_tickets(customer.id),
        tickets_repository.TicketFilter(status=OPEN_STATUSES),
    ).where(Ticket.channel == Channel.chat)
    found = await tickets_repository.page(session, stmt, after_id=None, limit=1)
    return found[0] if found else None


def _conversation_id(request: Request) -> int | None:
    raw = request.cookies.get(CONVERSATION_COOKIE, "")
    return int(raw) if raw.isdigit() else None


def _remember_conversation(request: Request, response: Response, conversation_id: int) -> None:
    response.set_cookie(
        CONVERSATION_COOKIE,
        str(conversation_id),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/app",
    )


@router.get("/app/chat", response_class=HTMLResponse)
async def customer_chat(
    request: Request,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    flash: str | None = None,
) -> HTMLResponse:
    """The chat: the assistant, a person on request, account facts inline."""
    return await _chat_page(request, session, customer, now, flash=flash)


def _security_forms(conversation: Any, pending: list[Any]) -> tuple[dict[str, Any], list[Any]]:
    """Where the chat shows each pending security check's form: under the last assistant
    message that offered it; those no message offered yet open the chat."""
    forms: dict[str, Any] = {}
    offered: set[int] = set()
    by_id = {p.id: p for p in pending}
    for message in reversed(conversation.messages if conversation else []):
        wanted = ((message.reply or {}).get("verification") or {}).get("id")
        if isinstance(wanted, int) and wanted in by_id and wanted not in offered:
            forms[message.id] = by_id[wanted]
            offered.add(wanted)
    return forms, [p for p in pending if p.id not in offered]


async def _chat_page(
    request: Request,
    session: SessionDep,
    customer: Customer,
    now: datetime,
    *,
    flash: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    language = _customer_language(request, customer)
    conversation = None
    conversation_id = _conversation_id(request)
    if conversation_id is not None:
        try:
            conversation = await assistant_bridge.conversation(
                session, customer, conversation_id, now
            )
        except AppError:
            conversation = None
    ticket = None if conversation is not None else await _chat_ticket(session, customer)
    detail = await ticket_views.customer_detail(session, ticket, now=now) if ticket else None
    pending = await assistant_bridge.pending_verifications(session, customer, now)
    forms, opening = _security_forms(conversation, pending)
    await commit(session)
    return render(
        request,
        "web/chat.html",
        language,
        {
            "customer": customer,
            "section": "chat",
            "conversation": conversation,
            "ticket": detail,
            "flash": flash,
            "now": now,
            "events": "/app/events",
            "verify_forms": forms,
            "verify_opening": [
                (v, assistant_bridge.verification_texts(v, language)) for v in opening
            ],
        },
        status_code=status_code,
    )


async def _deposit_diagnosis(
    connector: ConnectorDep,
    registry: RegistryDep,
    customer: Customer,
    now: datetime,
    *,
    txid: str | None,
) -> dict[str, Any]:
    try:
        query = exchange_service.check_deposit_query(registry, txid=txid, asset=None, network=None)
        result = await exchange_service.diagnose_customer_deposit(
            connector, registry, customer.external_id, query, now=now
        )
    except AppError as exc:
        return {"verdict": "error", "detail": exc.detail, "facts": {}}
    return {
        "verdict": result.verdict.value,
        "next_step": result.next_step.value,
        "facts": result.facts,
        "deposit_id": result.deposit_id,
    }


@router.post("/app/chat/messages")
async def customer_chat_message(
    request: Request,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    connector: ConnectorDep,
    registry: RegistryDep,
    message: Annotated[str, Form()] = "",
) -> Response:
    """A line typed in the chat: to the assistant (which hands over when asked), or to the
    person on the conversation."""
    text = message.strip()[:4000]
    response = _see_other("/app/chat")
    if not text:
        return response
    language = _customer_language(request, customer)
    try:
        ctx = assistant_bridge.context(request, connector, registry)
        conversation_id = await assistant_bridge.say(
            session, customer, _conversation_id(request), text, ctx, language=language, now=now
        )
        _remember_conversation(request, response, conversation_id)
    except AppError as exc:
        return _see_other(_with_flash("/app/chat", exc.detail))
    await commit(session)
    return response


@router.post("/app/chat/actions")
async def customer_chat_action(
    request: Request,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    connector: ConnectorDep,
    registry: RegistryDep,
    action: Annotated[str, Form()],
) -> Response:
    """A flow button of the assistant's last answer (freeze my account, start a recovery…)."""
    conversation_id = _conversation_id(request)
    if conversation_id is None:
        return _see_other("/app/chat")
    try:
        ctx = assistant_bridge.context(request, connector, registry)
        await assistant_bridge.press(session, customer, conversation_id, action, ctx, now)
    except (AppError, ValueError) as exc:
        return _see_other(_with_flash("/app/chat", getattr(exc, "detail", str(exc))))
    await commit(session)
    return _see_other("/app/chat")


@router.post("/app/chat/human")
async def customer_ask_human(
    request: Request,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    connector: ConnectorDep,
    registry: RegistryDep,
    message: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """'Talk to a person': hand the conversation to the queue; the page then shows the queue
    position, the estimated wait and, once someone picks it up, the agent's name."""
    language = _customer_language(request, customer)
    _ = i18n.translations(language).gettext
    body = message.strip()[:4000] or _("I would like to talk to a person.")
    response = _see_other("/app/chat")
    try:
        ctx = assistant_bridge.context(request, connector, registry)
        conversation_id = await assistant_bridge.handoff(
            session, customer, _conversation_id(request), body, ctx, language=language, now=now
        )
        _remember_conversation(request, response, conversation_id)
    except AppError as exc:
        return _see_other(_with_flash("/app/chat", exc.detail))
    await commit(session)
    return response


# -- security checks of held withdrawals ---------------------------------------------------------
#
# The code goes straight to risk control (the same service the customer API calls), from the
# Security check page or from the chat's form; it is never a chat message (the assistant never
# asks for a 2FA code and masks one typed into the conversation).

_CODE_HELP = "Enter the 6 to 8 digits of the code."


def _valid_code(code: str) -> str | None:
    try:
        return CodeIn(code=code.replace(" ", "")).code
    except ValidationError:
        return None


def _security_outcome(summary: dict[str, Any] | None, wrong: bool) -> dict[str, Any] | None:
    """The answer just given to a check, from its stored state (security.html words it)."""
    if summary is None or (summary["status"] == "pending" and not wrong):
        return None
    return {"status": summary["status"], "attempts_left": summary["attempts_left"]}


async def _security_page(
    request: Request,
    session: SessionDep,
    customer: Customer,
    now: datetime,
    *,
    checked: int | None = None,
    wrong: bool = False,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    language = _customer_language(request, customer)
    pending = await assistant_bridge.pending_verifications(session, customer, now)
    summary = await stepup.summary(session, customer, checked) if checked is not None else None
    await commit(session)
    return render(
        request,
        "web/security.html",
        language,
        {
            "customer": customer,
            "section": "security",
            "verifications": pending,
            "outcome": _security_outcome(summary, wrong),
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/app/security", response_class=HTMLResponse)
async def customer_security(
    request: Request,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    checked: int | None = None,
    wrong: bool = False,
) -> HTMLResponse:
    """Security check: the withdrawals paused for the customer's confirmation, a code form and
    "This wasn't me" for each, and the outcome of the last answer."""
    return await _security_page(request, session, customer, now, checked=checked, wrong=wrong)


@router.post("/app/security/{verification_id}/code")
async def customer_security_code(
    request: Request,
    verification_id: int,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    connector: ConnectorDep,
    settings: SettingsDep,
    code: Annotated[str, Form()] = "",
) -> Response:
    """Confirm it was me: the code releases the withdrawal (a wrong one counts an attempt)."""
    clean = _valid_code(code)
    if clean is None:
        # Not a code at all: nothing is counted or changed.
        message = i18n.translations(_customer_language(request, customer)).gettext(_CODE_HELP)
        return await _security_page(request, session, customer, now, error=message, status_code=422)
    try:
        result = await risk_service.submit_code(
            session, customer, verification_id, clean,
            now=now, connector=connector, secret_key=settings.secret_key,
        )  # fmt: skip
    except risk_service.VerificationClosed:
        result = None  # already answered or expired: the page says which
    await commit(session)
    wrong = "&wrong=1" if result is not None and result.status == "pending" else ""
    return _see_other(f"/app/security?checked={verification_id}{wrong}")


@router.post("/app/security/{verification_id}/not-me")
async def customer_security_not_me(
    request: Request,
    verification_id: int,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    connector: ConnectorDep,
) -> Response:
    """This wasn't me: the account is locked at once and the security team alerted."""
    # Already answered or expired: the page says which.
    with contextlib.suppress(risk_service.VerificationClosed):
        await risk_service.deny(session, customer, verification_id, now=now, connector=connector)
    await commit(session)
    return _see_other(f"/app/security?checked={verification_id}")


async def _chat_verification(
    request: Request,
    session: SessionDep,
    customer: Customer,
    now: datetime,
    connector: ConnectorDep,
    registry: RegistryDep,
    settings: SettingsDep,
    verification_id: int,
    code: str | None,
) -> Response:
    language = _customer_language(request, customer)
    if code is not None:
        clean = _valid_code(code)
        if clean is None:
            message = i18n.translations(language).gettext(_CODE_HELP)
            return await _chat_page(request, session, customer, now, flash=message, status_code=422)
        code = clean
    ctx = assistant_bridge.context(request, connector, registry)
    conversation_id = await assistant_bridge.answer_verification(
        session, customer, _conversation_id(request), verification_id, ctx,
        code=code, secret_key=settings.secret_key, language=language, now=now,
    )  # fmt: skip
    await commit(session)
    response = _see_other("/app/chat")
    _remember_conversation(request, response, conversation_id)
    return response


@router.post("/app/chat/verifications/{verification_id}/code")
async def customer_chat_verification_code(
    request: Request,
    verification_id: int,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    connector: ConnectorDep,
    registry: RegistryDep,
    settings: SettingsDep,
    code: Annotated[str, Form()] = "",
) -> Response:
    """The chat's security-check form: the code goes to risk control, the chat shows only the
    outcome (never the code)."""
    return await _chat_verification(
        request, session, customer, now, connector, registry, settings, verification_id, code
    )


@router.post("/app/chat/verifications/{verification_id}/not-me")
async def customer_chat_verification_not_me(
    request: Request,
    verification_id: int,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    connector: ConnectorDep,
    registry: RegistryDep,
    settings: SettingsDep,
) -> Response:
    """ "This wasn't me" from the chat: the account is locked at once; the chat says so."""
    return await _chat_verification(
        request, session, customer, now, connector, registry, settings, verification_id, None
    )


@router.get("/app/events")
async def customer_events(
    request: Request, session: SessionDep, customer: PageCustomer
) -> StreamingResponse:
    """Server-Sent Events about the customer's own tickets (public changes only)."""
    topic = f"customer:{customer.id}"
    await _release(session)
    return _sse(request, (topic,))


@router.get("/app/help", response_class=HTMLResponse)
async def customer_help(
    request: Request,
    session: SessionDep,
    customer: PageCustomer,
    q: Annotated[str | None, Query(max_length=500)] = None,
    category: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    """Help center: categories, search, and the articles of a category."""
    language = _customer_language(request, customer)
    category = category or None
    try:
        categories = await knowledge_bridge.categories(session, language)
        hits = (
            await knowledge_bridge.search(session, q.strip(), language, category)
            if q and q.strip()
            else None
        )
        articles = (
            [] if hits is not None else await knowledge_bridge.articles(session, language, category)
        )
    except AppError:
        categories, hits, articles, category = [], None, [], None
    await commit(session)
    return render(
        request,
        "web/help.html",
        language,
        {
            "customer": customer,
            "section": "help",
            "categories": categories,
            "category": category,
            "q": q or "",
            "hits": hits,
            "articles": articles,
        },
    )


@router.get("/app/help/{article_language}/{slug}", response_class=HTMLResponse)
async def customer_help_article(
    request: Request,
    article_language: str,
    slug: str,
    session: SessionDep,
    customer: PageCustomer,
    flash: str | None = None,
    rated: bool = False,
) -> Response:
    language = _customer_language(request, customer)
    article = await knowledge_bridge.article(session, article_language, slug)
    await commit(session)
    return render(
        request,
        "web/article.html",
        language,
        {
            "customer": customer,
            "section": "help",
            "article": article,
            "body_html": markdown.render(article.body),
            "flash": flash,
            "rated": rated,
        },
    )


@router.post("/app/help/{article_language}/{slug}/feedback")
async def customer_rate_article(
    request: Request,
    article_language: str,
    slug: str,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    helpful: Annotated[bool, Form()],
) -> Response:
    """Was this helpful? One vote per customer and article version."""
    url = f"/app/help/{quote(article_language)}/{quote(slug)}"
    try:
        await knowledge_bridge.rate(session, article_language, slug, helpful, customer, now)
    except AppError as exc:
        if exc.status_code == 404:
            raise
        language = _customer_language(request, customer)
        message = i18n.translations(language).gettext("You have already rated this article.")
        return _see_other(_with_flash(url, message))
    await commit(session)
    return _see_other(f"{url}?rated=true")


@router.get("/app/check", response_class=HTMLResponse)
async def customer_channel_check(
    request: Request,
    session: SessionDep,
    customer: PageCustomer,
    value: Annotated[str | None, Query(max_length=2048)] = None,
    platform: Annotated[str | None, Query(max_length=32)] = None,
) -> HTMLResponse:
    """Is this link, e-mail, phone number or handle really ours? (Reads only: a GET form.)"""
    language = _customer_language(request, customer)
    result = None
    if value and value.strip():
        result = await trust_service.check_value(
            session, value.strip(), platform=(platform or "").strip() or None, language=language
        )
    await commit(session)
    return render(
        request,
        "web/check.html",
        language,
        {
            "customer": customer,
            "section": "check",
            "value": value or "",
            "platform": platform or "",
            "result": result,
        },
    )


@router.get("/app/deposits", response_class=HTMLResponse)
async def customer_deposits(
    request: Request,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    connector: ConnectorDep,
    registry: RegistryDep,
    txid: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """'Where is my deposit?': the diagnosis of my recent deposits, or of one txid."""
    language = _customer_language(request, customer)
    diagnosis = await _deposit_diagnosis(
        connector, registry, customer, now, txid=(txid or "").strip() or None
    )
    await commit(session)
    return render(
        request,
        "web/deposits.html",
        language,
        {"customer": customer, "section": "deposits", "diagnosis": diagnosis, "txid": txid or ""},
    )


@router.get("/app/tickets", response_class=HTMLResponse)
async def customer_tickets(
    request: Request,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    flash: str | None = None,
) -> HTMLResponse:
    language = _customer_language(request, customer)
    found = await tickets_repository.page(
        session, tickets_repository.customer_tickets(customer.id), after_id=None, limit=50
    )
    items = [await ticket_views.customer_summary(session, t, now=now) for t in found]
    await commit(session)
    return render(
        request,
        "web/my_tickets.html",
        language,
        {
            "customer": customer,
            "section": "tickets",
            "tickets": items,
            "flash": flash,
            "events": "/app/events",
        },
    )


@router.post("/app/tickets")
async def customer_open_ticket(
    request: Request,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    subject: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
) -> Response:
    try:
        data = TicketCreate(subject=subject, body=body, channel=Channel.web)
    except ValidationError:
        language = _customer_language(request, customer)
        flash = i18n.translations(language).gettext("Please fill in both the subject and the text.")
        return _see_other(_with_flash("/app/tickets", flash))
    ticket = await tickets_service.create_ticket(session, customer, data, now=now, actor=customer)
    await commit(session)
    return _see_other(f"/app/tickets/{ticket.id}")


@router.get("/app/tickets/{ticket_id}", response_class=HTMLResponse)
async def customer_ticket(
    request: Request,
    ticket_id: int,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    flash: str | None = None,
) -> HTMLResponse:
    language = _customer_language(request, customer)
    ticket = await tickets_service.get_customer_ticket(session, customer, ticket_id)
    detail = await ticket_views.customer_detail(session, ticket, now=now)
    # A recovery case's ticket links to the case page, where the customer moves it forward.
    case = await recovery_service.customer_case_for_ticket(session, customer, ticket.id)
    await commit(session)
    return render(
        request,
        "web/my_ticket.html",
        language,
        {
            "customer": customer,
            "section": "tickets",
            "ticket": detail,
            "recovery": _recovery_card(case) if case is not None else None,
            "flash": flash,
            "now": now,
            "events": "/app/events",
        },
    )


@router.post("/app/tickets/{ticket_id}/reply")
async def customer_reply(
    request: Request,
    ticket_id: int,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    body: Annotated[str, Form()] = "",
) -> Response:
    ticket = await tickets_service.get_customer_ticket(
        session, customer, ticket_id, for_update=True
    )
    url = f"/app/tickets/{ticket_id}"
    if not body.strip():
        language = _customer_language(request, customer)
        return _see_other(_with_flash(url, i18n.translations(language).gettext("Write a reply.")))
    try:
        await tickets_service.add_customer_message(session, ticket, customer, body, now=now)
    except AppError as exc:
        return _see_other(_with_flash(url, exc.detail))
    await commit(session)
    return _see_other(url)


# -- deposit recovery cases ----------------------------------------------------------------------
#
# A manual recovery case (opened from the chat or the API) waits for the customer twice: the
# intake answers, then their word on the fee. The pages call the same recovery service as
# `POST /api/v1/me/recoveries/{id}/intake` and `/accept-fee`; the service validates.


def _recovery_card(case: RecoveryCase) -> dict[str, Any]:
    """A case as the pages show it: the customer's fields, the progress line, the deposit."""
    return {
        "case": RecoveryCaseRead.of(case),
        "progress": recovery_views.progress(case),
        "deposit": recovery_views.deposit_facts(case),
    }


async def _recovery_page(
    request: Request,
    session: SessionDep,
    customer: Customer,
    case: RecoveryCase,
    now: datetime,
    *,
    problems: dict[str, str] | None = None,
    answers: dict[str, str] | None = None,
    error: str | None = None,
    sent: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    language = _customer_language(request, customer)
    ticket = None
    if case.ticket_id is not None:
        found = await tickets_repository.get_for_customer(session, customer.id, case.ticket_id)
        if found is not None:
            ticket = await ticket_views.customer_summary(session, found, now=now)
    card = _recovery_card(case)
    await commit(session)
    return render(
        request,
        "web/my_recovery.html",
        language,
        {
            **card,
            "customer": customer,
            "section": "recoveries",
            "ticket": ticket,
            "problems": problems or {},
            "answers": answers or {},
            "error": error,
            "sent": sent,
            "now": now,
            "events": "/app/events",
        },
        status_code=status_code,
    )


@router.get("/app/recoveries", response_class=HTMLResponse)
async def customer_recoveries(
    request: Request, session: SessionDep, customer: PageCustomer
) -> HTMLResponse:
    """My recoveries: every recovery case, newest first, with its step and whether it waits
    for me."""
    language = _customer_language(request, customer)
    cases = await recovery_repository.page(
        session, recovery_repository.customer_cases(customer.id), after_id=None, limit=50
    )
    items = [_recovery_card(c) for c in cases]
    await commit(session)
    return render(
        request,
        "web/my_recoveries.html",
        language,
        {
            "customer": customer,
            "section": "recoveries",
            "items": items,
            "events": "/app/events",
        },
    )


@router.get("/app/recoveries/{case_id}", response_class=HTMLResponse)
async def customer_recovery(
    request: Request,
    case_id: int,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    sent: bool = False,
) -> HTMLResponse:
    """One recovery case: the deposit, the progress line, the fee and expected time, and what
    I have to do now (the intake form, or the fee decision)."""
    case = await recovery_service.get_customer_case(session, customer, case_id)
    return await _recovery_page(request, session, customer, case, now, sent=sent)


def _intake_answers(form: Any) -> dict[str, str]:
    """The form's `answers.<question code>` fields; anything else is not an answer."""
    return {
        key.removeprefix("answers."): value
        for key, value in form.multi_items()
        if key.startswith("answers.") and isinstance(value, str)
    }


@router.post("/app/recoveries/{case_id}/intake")
async def customer_recovery_intake(
    request: Request,
    case_id: int,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    registry: RegistryDep,
) -> Response:
    """The intake answers: on to verification, or the page again with each problem next to its
    question (422; nothing is stored)."""
    case = await recovery_service.get_customer_case(session, customer, case_id, for_update=True)
    answers = _intake_answers(await request.form())
    gettext = i18n.translations(_customer_language(request, customer)).gettext
    try:
        await recovery_service.submit_intake(session, registry, case, customer, answers, now=now)
    except recovery_service.IntakeInvalid as exc:
        if "unknown" in exc.problems.values():
            message = gettext("This form is out of date. Reload the page and answer again.")
        else:
            message = gettext("Please check your answers below.")
        return await _recovery_page(
            request,
            session,
            customer,
            case,
            now,
            problems=exc.problems,
            answers=answers,
            error=message,
            status_code=exc.status_code,
        )
    except recovery_service.InvalidRecoveryTransition as exc:
        message = gettext("This step is already done: here is where your case stands now.")
        return await _recovery_page(
            request, session, customer, case, now, error=message, status_code=exc.status_code
        )
    await commit(session)
    return _see_other(f"/app/recoveries/{case_id}?sent=1")


@router.post("/app/recoveries/{case_id}/fee")
async def customer_recovery_fee(
    request: Request,
    case_id: int,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    decision: Annotated[str, Form()] = "",
) -> Response:
    """Accept the recovery fee (the case goes on), or decline it (the case closes)."""
    case = await recovery_service.get_customer_case(session, customer, case_id, for_update=True)
    gettext = i18n.translations(_customer_language(request, customer)).gettext
    if decision not in ("accept", "decline"):
        message = gettext("Choose whether you accept the fee.")
        return await _recovery_page(
            request, session, customer, case, now, error=message, status_code=422
        )
    try:
        await recovery_service.decide_fee(session, case, customer, decision == "accept", now=now)
    except recovery_service.InvalidRecoveryTransition as exc:
        message = gettext("This step is already done: here is where your case stands now.")
        return await _recovery_page(
            request, session, customer, case, now, error=message, status_code=exc.status_code
        )
    await commit(session)
    return _see_other(f"/app/recoveries/{case_id}")


# ---------------------------------------------------------------------------------------------
# Agent console


def _agent_language(request: Request, agent: Agent) -> str:
    return i18n.choose_language(
        chosen=request.cookies.get(LANGUAGE_COOKIE),
        profile=agent.ui_language,
        accept_language=None,
    )


@router.get("/console/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "/console", error: bool = False) -> HTMLResponse:
    language = _language(request, None)
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
        return _see_other(f"/console/login?error=1&next={quote(safe_next(next), safe='')}")
    await commit(session)
    response = _see_other(safe_next(next))
    set_agent_cookie(request, response, token, int(ttl.total_seconds()))
    # The agent's saved UI language wins over whatever the login page was shown in.
    response.delete_cookie(LANGUAGE_COOKIE, path="/")
    return response


@router.post("/console/logout")
async def logout(request: Request, session: SessionDep, agent: PageAgent) -> Response:
    token = request.cookies.get(AGENT_COOKIE, "")
    await auth_service.logout(session, token)
    await commit(session)
    response = _see_other("/console/login")
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
    response = _see_other(safe_next(back))
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
    return _see_other(safe_next(back))


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
    await _release(session)
    return _sse(request, ("desk",))


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
        return _see_other(_with_flash(url, "empty message"))
    ticket = await tickets_service.get_ticket(session, ticket_id, for_update=True)
    try:
        new_status = TicketStatus(status) if status else None
        await tickets_service.add_agent_message(
            session, ticket, agent, body.strip(), internal=internal, status=new_status, now=now
        )
    except (AppError, ValueError) as exc:
        return _see_other(_with_flash(url, getattr(exc, "detail", str(exc))))
    await commit(session)
    return _see_other(url)


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
    from trustdesk.tickets.schemas import TicketUpdate

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
        return _see_other(_with_flash(url, getattr(exc, "detail", str(exc))))
    await commit(session)
    return _see_other(url)


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
        return _see_other(_with_flash(url, "say why you escalate"))
    ticket = await tickets_service.get_ticket(session, ticket_id, for_update=True)
    try:
        await tickets_service.escalate(
            session, ticket, agent, to_queue=to_queue or None, note=note.strip(), now=now
        )
    except AppError as exc:
        return _see_other(_with_flash(url, exc.detail))
    await commit(session)
    return _see_other(url)


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
        return _see_other(_with_flash(url, "choose a department and say why"))
    ticket = await tickets_service.get_ticket(session, ticket_id, for_update=True)
    try:
        await tickets_service.add_collaborator(
            session, ticket, agent, queue_key=queue, agent_id=None, note=note.strip(), now=now
        )
    except AppError as exc:
        return _see_other(_with_flash(url, exc.detail))
    await commit(session)
    return _see_other(url)


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
