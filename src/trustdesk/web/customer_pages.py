"""The customer side under /app: chat with the assistant, help center, channel check,
deposits, tickets."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from pydantic import ValidationError

from trustdesk.auth import service as auth_service
from trustdesk.auth.customer_tokens import verify_customer_token
from trustdesk.db import commit
from trustdesk.deps import NowDep, SessionDep, SettingsDep
from trustdesk.errors import AppError, Unauthorized
from trustdesk.exchange import service as exchange_service
from trustdesk.exchange.api import ConnectorDep, RegistryDep
from trustdesk.models import Customer, Ticket
from trustdesk.models.ticket import OPEN_STATUSES, Channel
from trustdesk.recovery import service as recovery_service
from trustdesk.tickets import repository as tickets_repository
from trustdesk.tickets import service as tickets_service
from trustdesk.tickets import views as ticket_views
from trustdesk.tickets.schemas import TicketCreate
from trustdesk.trust import service as trust_service
from trustdesk.web import (
    assistant_bridge,
    i18n,
    knowledge_bridge,
    markdown,
)
from trustdesk.web.auth import (
    CUSTOMER_COOKIE,
    LANGUAGE_COOKIE,
    PageCustomer,
    safe_next,
    set_customer_cookie,
    token_expiry,
)
from trustdesk.web.pages import (
    customer_language,
    event_stream,
    page_language,
    release_session,
    render,
    see_other,
    with_flash,
)
from trustdesk.web.recovery_pages import recovery_card

router = APIRouter(include_in_schema=False)
CONVERSATION_COOKIE = "td_conv"


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
            return see_other("/app/chat")
        return see_other("/app/signed-out")
    try:
        claims = verify_customer_token(
            token, settings.customer_token_secret, now=now, issuer=settings.customer_token_issuer
        )
    except Unauthorized:
        return see_other("/app/signed-out")
    await auth_service.resolve_customer(session, claims)
    await commit(session)
    target = next if next.startswith("/app") and not next.startswith("//") else "/app/chat"
    response = see_other(target)
    set_customer_cookie(request, response, token, token_expiry(token))
    response.delete_cookie(LANGUAGE_COOKIE, path="/")
    return response


@router.get("/app/signed-out")
async def customer_signed_out(request: Request) -> HTMLResponse:
    language = page_language(request, None)
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
    response = see_other(safe_next(back) if back.startswith("/") else "/")
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response


async def _chat_ticket(session: SessionDep, customer: Customer) -> Ticket | None:
    """The customer's open conversation with a person, if they asked for one."""
    stmt = tickets_repository.apply_filter(
        tickets_repository.customer_tickets(customer.id),
        tickets_repository.TicketFilter(status=OPEN_STATUSES),
    ).where(Ticket.channel == Channel.chat)
    found = await tickets_repository.page(session, stmt, after_id=None, limit=1)
    return found[0] if found else None


def remembered_conversation(request: Request) -> int | None:
    raw = request.cookies.get(CONVERSATION_COOKIE, "")
    return int(raw) if raw.isdigit() else None


def remember_conversation(request: Request, response: Response, conversation_id: int) -> None:
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
    return await chat_page(request, session, customer, now, flash=flash)


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


async def chat_page(
    request: Request,
    session: SessionDep,
    customer: Customer,
    now: datetime,
    *,
    flash: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    language = customer_language(request, customer)
    conversation = None
    conversation_id = remembered_conversation(request)
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


async def deposit_diagnosis(
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
    response = see_other("/app/chat")
    if not text:
        return response
    language = customer_language(request, customer)
    try:
        ctx = assistant_bridge.context(request, connector, registry)
        conversation_id = await assistant_bridge.say(
            session,
            customer,
            remembered_conversation(request),
            text,
            ctx,
            language=language,
            now=now,
        )
        remember_conversation(request, response, conversation_id)
    except AppError as exc:
        return see_other(with_flash("/app/chat", exc.detail))
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
    conversation_id = remembered_conversation(request)
    if conversation_id is None:
        return see_other("/app/chat")
    try:
        ctx = assistant_bridge.context(request, connector, registry)
        await assistant_bridge.press(session, customer, conversation_id, action, ctx, now)
    except (AppError, ValueError) as exc:
        return see_other(with_flash("/app/chat", getattr(exc, "detail", str(exc))))
    await commit(session)
    return see_other("/app/chat")


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
    language = customer_language(request, customer)
    _ = i18n.translations(language).gettext
    body = message.strip()[:4000] or _("I would like to talk to a person.")
    response = see_other("/app/chat")
    try:
        ctx = assistant_bridge.context(request, connector, registry)
        conversation_id = await assistant_bridge.handoff(
            session,
            customer,
            remembered_conversation(request),
            body,
            ctx,
            language=language,
            now=now,
        )
        remember_conversation(request, response, conversation_id)
    except AppError as exc:
        return see_other(with_flash("/app/chat", exc.detail))
    await commit(session)
    return response


# -- security checks of held withdrawals ---------------------------------------------------------
#
# The code goes straight to risk control (the same service the customer API calls), from the
# Security check page or from the chat's form; it is never a chat message (the assistant never
# asks for a 2FA code and masks one typed into the conversation).


@router.get("/app/events")
async def customer_events(
    request: Request, session: SessionDep, customer: PageCustomer
) -> StreamingResponse:
    """Server-Sent Events about the customer's own tickets (public changes only)."""
    topic = f"customer:{customer.id}"
    await release_session(session)
    return event_stream(request, (topic,))


@router.get("/app/help", response_class=HTMLResponse)
async def customer_help(
    request: Request,
    session: SessionDep,
    customer: PageCustomer,
    q: Annotated[str | None, Query(max_length=500)] = None,
    category: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    """Help center: categories, search, and the articles of a category."""
    language = customer_language(request, customer)
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
    language = customer_language(request, customer)
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
        language = customer_language(request, customer)
        message = i18n.translations(language).gettext("You have already rated this article.")
        return see_other(with_flash(url, message))
    await commit(session)
    return see_other(f"{url}?rated=true")


@router.get("/app/check", response_class=HTMLResponse)
async def customer_channel_check(
    request: Request,
    session: SessionDep,
    customer: PageCustomer,
    value: Annotated[str | None, Query(max_length=2048)] = None,
    platform: Annotated[str | None, Query(max_length=32)] = None,
) -> HTMLResponse:
    """Is this link, e-mail, phone number or handle really ours? (Reads only: a GET form.)"""
    language = customer_language(request, customer)
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
    language = customer_language(request, customer)
    diagnosis = await deposit_diagnosis(
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
    language = customer_language(request, customer)
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
        language = customer_language(request, customer)
        flash = i18n.translations(language).gettext("Please fill in both the subject and the text.")
        return see_other(with_flash("/app/tickets", flash))
    ticket = await tickets_service.create_ticket(session, customer, data, now=now, actor=customer)
    await commit(session)
    return see_other(f"/app/tickets/{ticket.id}")


@router.get("/app/tickets/{ticket_id}", response_class=HTMLResponse)
async def customer_ticket(
    request: Request,
    ticket_id: int,
    session: SessionDep,
    customer: PageCustomer,
    now: NowDep,
    flash: str | None = None,
) -> HTMLResponse:
    language = customer_language(request, customer)
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
            "recovery": recovery_card(case) if case is not None else None,
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
        language = customer_language(request, customer)
        return see_other(with_flash(url, i18n.translations(language).gettext("Write a reply.")))
    try:
        await tickets_service.add_customer_message(session, ticket, customer, body, now=now)
    except AppError as exc:
        return see_other(with_flash(url, exc.detail))
    await commit(session)
    return see_other(url)


# -- deposit recovery cases ----------------------------------------------------------------------
#
# A manual recovery case (opened from the chat or the API) waits for the customer twice: the
# intake answers, then their word on the fee. The pages call the same recovery service as
# `POST /api/v1/me/recoveries/{id}/intake` and `/accept-fee`; the service validates.
