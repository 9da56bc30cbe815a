"""Background work: the SLA sweep and the risk sweep, in a loop. Run several on PostgreSQL;
they share the load."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustdesk.config import get_settings
from trustdesk.db import commit
from trustdesk.kit.clock import utcnow
from trustdesk.risk import tasks as risk
from trustdesk.sla import service as sla

log = logging.getLogger("trustdesk.worker")


async def sweep_once(maker: async_sessionmaker[AsyncSession]) -> sla.SweepReport:
    async with maker() as session:
        report = await sla.sweep(session, now=utcnow())
        await commit(session)
        return report


async def risk_sweep_once(maker: async_sessionmaker[AsyncSession]) -> list[int]:
    """Act on the holds and declines whose follow-up was lost (answered, never acted on)."""
    return await risk.resume_follow_ups(maker, now=utcnow(), settings=get_settings())


async def run_forever(maker: async_sessionmaker[AsyncSession], interval: float) -> None:
    """Sweep every `interval` seconds; an error is logged and the loop goes on."""
    while True:
        try:
            report = await sweep_once(maker)
            if report.warnings or report.breaches or report.escalations:
                log.info(
                    "sla sweep: %s checked, %s warnings, %s breaches, escalations %s",
                    report.checked,
                    report.warnings,
                    report.breaches,
                    report.escalations,
                )
        except Exception:  # noqa: BLE001 - a worker must outlive one bad sweep
            log.exception("sla sweep failed")
        try:
            resumed = await risk_sweep_once(maker)
            if resumed:
                log.warning("risk sweep: acted on lost follow-ups of assessments %s", resumed)
        except Exception:  # noqa: BLE001 - a worker must outlive one bad sweep
            log.exception("risk sweep failed")
        await asyncio.sleep(interval)
