"""The customer's security checks under /app: a held withdrawal's code or "this was not me",
on its own page and inside the chat."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from trustdesk.assistant import stepup
from trustdesk.db import commit
from trustdesk.deps import NowDep, SessionDep, SettingsDep
from trustdesk.exchange.api import ConnectorDep, RegistryDep
from trustdesk.models import Customer
from trustdesk.risk import service as risk_service
from trustdesk.risk.schemas import CodeIn
from trustdesk.web import (
    assistant_bridge,
    i18n,
)
from trustdesk.web.auth import (
    PageCustomer,
)
from trustdesk.web.customer_pages import chat_page, remember_conversation, remembered_conversation
from trustdesk.web.pages import (
    customer_language,
    render,
    see_other,
)

router = APIRouter(include_in_schema=False)
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
    language = customer_language(request, customer)
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
        message = i18n.translations(customer_language(request, customer)).gettext(_CODE_HELP)
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
    return see_other(f"/app/security?checked={verification_id}{wrong}")


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
    return see_other(f"/app/security?checked={verification_id}")


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
    language = customer_language(request, customer)
    if code is not None:
        clean = _valid_code(code)
        if clean is None:
            message = i18n.translations(language).gettext(_CODE_HELP)
            return await chat_page(request, session, customer, now, flash=message, status_code=422)
        code = clean
    ctx = assistant_bridge.context(request, connector, registry)
    conversation_id = await assistant_bridge.answer_verification(
        session, customer, remembered_conversation(request), verification_id, ctx,
        code=code, secret_key=settings.secret_key, language=language, now=now,
    )  # fmt: skip
    await commit(session)
    response = see_other("/app/chat")
    remember_conversation(request, response, conversation_id)
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
