"""Risk jobs of the background worker."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustdesk.config import Settings
from trustdesk.db import commit
from trustdesk.exchange.chains import default_registry
from trustdesk.exchange.connector import ExchangeConnector
from trustdesk.exchange.http_connector import HttpConnector
from trustdesk.exchange.sandbox import SandboxConnector
from trustdesk.risk import repository, service
from trustdesk.risk import verification as v

log = logging.getLogger("trustdesk.risk")

# A hold's follow-up normally runs within milliseconds of the answer; one still "acting"
# after this long was lost (the process died in between), not slow.
RESUME_AFTER = timedelta(minutes=2)
# Assessments acted on per pass; a full pass means more are waiting.
FOLLOW_UP_BATCH = 50


async def resume_follow_ups(
    maker: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    settings: Settings,
    connector: ExchangeConnector | None = None,
    email_sender: v.EmailSender | None = None,
    after: timedelta = RESUME_AFTER,
    limit: int = FOLLOW_UP_BATCH,
) -> list[int]:
    """Act on holds and declines answered more than `after` ago and not acted on yet: hold
    at the exchange, P1 ticket, verification. Each in its own transaction; the ids acted on.
    With the default `after` this recovers follow-ups that were lost; with 0 it is how a
    worker runs them all (TRUSTDESK_RISK_FOLLOW_UP=worker).

    Idempotent: `act_on_assessment` re-reads the assessment under a row lock and skips one
    already acted on, so several workers (or a late follow-up of the web process) never act
    twice. `connector` defaults to the exchange of `settings` (the sandbox without one)."""
    async with maker() as session:
        stuck = await repository.assessments_in_state(
            session, service.ACTING, before=now - after, limit=limit
        )
    if not stuck:
        return []
    risk = v.RiskSettings.from_settings(settings)
    sender = email_sender if email_sender is not None else v.email_sender_from(risk)
    own = None
    if connector is None and settings.exchange_url:
        connector = own = HttpConnector(settings.exchange_url, settings.exchange_api_key)
    acted = []
    try:
        for assessment_id in stuck:
            try:
                async with maker() as session:
                    done = await service.act_on_assessment(
                        session,
                        assessment_id,
                        connector=connector
                        if connector is not None
                        else SandboxConnector(session, default_registry(), lambda: now),
                        email_sender=sender,
                        settings=risk,
                        secret_key=settings.secret_key,
                        now=now,
                    )
                    await commit(session)
                if done:
                    acted.append(assessment_id)
            except Exception:  # noqa: BLE001 - one bad assessment must not stop the others
                log.exception("acting on risk assessment %s failed", assessment_id)
    finally:
        if own is not None:
            await own.aclose()
    return acted
