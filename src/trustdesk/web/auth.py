"""Cookie sessions for the pages.

Customers: the exchange opens `/app?token=<customer JWT>`; the token is verified and kept in an
HttpOnly cookie, so the page's JavaScript never sees it and the address bar loses it at once.
The cookie lives no longer than the token, and every request verifies the token again.

Agents: the login form issues the same bearer token as `POST /api/v1/auth/login`, kept in an
HttpOnly, SameSite=Strict cookie (a form on another site cannot post with it); logout revokes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, Response

from trustdesk.assistant import stepup
from trustdesk.auth import service as auth_service
from trustdesk.auth.customer_tokens import verify_customer_token
from trustdesk.config import Environment
from trustdesk.deps import NowDep, SessionDep, SettingsDep
from trustdesk.errors import Unauthorized
from trustdesk.models import Agent, AgentRole, Customer

CUSTOMER_COOKIE = "td_customer"
AGENT_COOKIE = "td_agent"
LANGUAGE_COOKIE = "td_lang"


def _secure(request: Request) -> bool:
    # Plain http only on a developer's machine or in tests; production sits behind https.
    settings = request.app.state.settings
    return settings.env is Environment.production or request.url.scheme == "https"


def set_customer_cookie(request: Request, response: Response, token: str, expires: int) -> None:
    response.set_cookie(
        CUSTOMER_COOKIE,
        token,
        expires=expires,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/app",
    )


def set_agent_cookie(request: Request, response: Response, token: str, max_age: int) -> None:
    response.set_cookie(
        AGENT_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/",
    )


def _redirect(location: str) -> HTTPException:
    return HTTPException(status_code=303, detail="sign in first", headers={"Location": location})


async def page_customer(
    request: Request, session: SessionDep, now: NowDep, settings: SettingsDep
) -> Customer:
    """The customer of the session cookie, or a redirect to the 'session ended' page (401)."""
    token = request.cookies.get(CUSTOMER_COOKIE)
    if not token or token.startswith(auth_service.AGENT_TOKEN_PREFIX):
        raise _redirect("/app/signed-out")
    try:
        claims = verify_customer_token(
            token, settings.customer_token_secret, now=now, issuer=settings.customer_token_issuer
        )
    except Unauthorized as exc:
        raise _redirect("/app/signed-out") from exc
    customer = await auth_service.resolve_customer(session, claims)
    # Every customer page shows a banner while a held withdrawal waits for the customer.
    request.state.security_pending = await stepup.pending_count(session, customer, now=now)
    return customer


async def page_agent(request: Request, session: SessionDep, now: NowDep) -> Agent:
    """The agent of the session cookie, or a redirect to the login form."""
    token = request.cookies.get(AGENT_COOKIE)
    if token and token.startswith(auth_service.AGENT_TOKEN_PREFIX):
        try:
            return await auth_service.authenticate_agent(session, token, now=now)
        except Unauthorized:
            pass
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise _redirect("/console/login?next=" + quote(target, safe=""))


async def page_lead(agent: Annotated[Agent, Depends(page_agent)]) -> Agent:
    if agent.role not in (AgentRole.lead, AgentRole.admin):
        raise HTTPException(status_code=403, detail="the lead board is for team leads")
    return agent


PageCustomer = Annotated[Customer, Depends(page_customer)]
PageAgent = Annotated[Agent, Depends(page_agent)]
PageLead = Annotated[Agent, Depends(page_lead)]


def token_expiry(token: str) -> int:
    """The token's exp claim (already verified by the caller)."""
    import jwt

    exp = jwt.decode(token, options={"verify_signature": False}).get("exp", 0)
    return int(exp)


def safe_next(target: str | None) -> str:
    """Only same-site paths: a login link must not bounce the agent to another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/console"


def seconds_until(moment: datetime, now: datetime) -> int:
    return max(0, int((moment - now).total_seconds()))
