"""Agent sessions and customer identities."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.auth import repository
from trustdesk.auth.customer_tokens import CustomerClaims
from trustdesk.auth.passwords import verify_password
from trustdesk.errors import Unauthorized
from trustdesk.models import Agent, AgentToken, Customer
from trustdesk.triage.language import normalize_language_tag

# Agent bearer tokens carry a prefix so they are never mistaken for a customer JWT.
AGENT_TOKEN_PREFIX = "tda_"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def login(
    session: AsyncSession, email: str, password: str, *, now: datetime, ttl: timedelta
) -> tuple[str, Agent]:
    """Check the password and issue a bearer token. The same error for any failure."""
    agent = await repository.agent_by_email(session, email)
    ok = verify_password(agent.password_hash if agent else None, password)
    if agent is None or not ok or not agent.active:
        raise Unauthorized("wrong e-mail or password")
    token = AGENT_TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        AgentToken(
            agent_id=agent.id, token_hash=_hash_token(token), created_at=now, expires_at=now + ttl
        )
    )
    await session.flush()
    return token, agent


async def logout(session: AsyncSession, token: str) -> None:
    """Revoke one token; the others (other devices) stay valid."""
    row = await repository.token_by_hash(session, _hash_token(token))
    if row is not None:
        row.revoked = True
        await session.flush()


async def authenticate_agent(session: AsyncSession, token: str, *, now: datetime) -> Agent:
    agent = await repository.agent_by_token_hash(session, _hash_token(token), now)
    if agent is None:
        raise Unauthorized("invalid or expired agent token")
    return agent


async def resolve_customer(session: AsyncSession, claims: CustomerClaims) -> Customer:
    """Find or create the customer the exchange vouched for, and refresh the profile it sent."""
    customer = await repository.customer_by_external_id(session, claims.external_id)
    if customer is None:
        customer = Customer(external_id=claims.external_id)
        # Two first requests of one new customer can race: the loser re-reads the winner's row.
        try:
            async with session.begin_nested():
                session.add(customer)
                _apply_profile(customer, claims)
                await session.flush()
        except IntegrityError:
            found = await repository.customer_by_external_id(session, claims.external_id)
            if found is None:
                raise
            customer = found
    _apply_profile(customer, claims)
    await session.flush()
    return customer


def _apply_profile(customer: Customer, claims: CustomerClaims) -> None:
    # Only claims the exchange sent overwrite what we hold; absent ones leave it as it is.
    updates = {
        "email": claims.email.lower() if claims.email else None,
        "phone": claims.phone,
        "name": claims.name,
        "language": normalize_language_tag(claims.language) if claims.language else None,
        "vip_level": claims.vip_level,
        "kyc_level": claims.kyc_level,
    }
    for field, value in updates.items():
        if value is not None and getattr(customer, field) != value:
            setattr(customer, field, value)
