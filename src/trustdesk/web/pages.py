"""What every HTML page shares: rendering in the visitor's language, redirects, live updates."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from fastapi.templating import Jinja2Templates

from trustdesk.db import commit
from trustdesk.deps import SessionDep
from trustdesk.live.bus import bus
from trustdesk.models import Customer
from trustdesk.web import (
    board,
    i18n,
)
from trustdesk.web.auth import (
    LANGUAGE_COOKIE,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)

SSE_PING_SECONDS = 10


# ---------------------------------------------------------------------------------------------
# Rendering


def page_language(request: Request, profile: str | None) -> str:
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


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def with_flash(url: str, flash: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}flash={quote(flash)}"


# ---------------------------------------------------------------------------------------------
# Live updates


def event_stream(request: Request, topics: tuple[str, ...]) -> StreamingResponse:
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


async def release_session(session: SessionDep) -> None:
    # A stream may stay open for hours: give the database connection back first.
    await commit(session)
    await session.close()


# ---------------------------------------------------------------------------------------------
# Customer side


def customer_language(request: Request, customer: Customer) -> str:
    return page_language(request, customer.language)
