"""The customer's recovery cases under /app/recoveries: status, intake answers, the fee."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from trustdesk.db import commit
from trustdesk.deps import NowDep, SessionDep
from trustdesk.exchange.api import RegistryDep
from trustdesk.models import Customer
from trustdesk.models.recovery import RecoveryCase
from trustdesk.recovery import repository as recovery_repository
from trustdesk.recovery import service as recovery_service
from trustdesk.recovery.schemas import RecoveryCaseRead
from trustdesk.tickets import repository as tickets_repository
from trustdesk.tickets import views as ticket_views
from trustdesk.web import (
    i18n,
    recovery_views,
)
from trustdesk.web.auth import (
    PageCustomer,
)
from trustdesk.web.pages import (
    customer_language,
    render,
    see_other,
)

router = APIRouter(include_in_schema=False)


def recovery_card(case: RecoveryCase) -> dict[str, Any]:
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
    language = customer_language(request, customer)
    ticket = None
    if case.ticket_id is not None:
        found = await tickets_repository.get_for_customer(session, customer.id, case.ticket_id)
        if found is not None:
            ticket = await ticket_views.customer_summary(session, found, now=now)
    card = recovery_card(case)
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
    language = customer_language(request, customer)
    cases = await recovery_repository.page(
        session, recovery_repository.customer_cases(customer.id), after_id=None, limit=50
    )
    items = [recovery_card(c) for c in cases]
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
    gettext = i18n.translations(customer_language(request, customer)).gettext
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
    return see_other(f"/app/recoveries/{case_id}?sent=1")


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
    gettext = i18n.translations(customer_language(request, customer)).gettext
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
    return see_other(f"/app/recoveries/{case_id}")


# ---------------------------------------------------------------------------------------------
# Agent console
