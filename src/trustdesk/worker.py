"""Background work: the SLA sweep and the risk sweep, in a loop; with
TRUSTDESK_RISK_FOLLOW_UP=worker also the follow-ups of risk holds, polled a few times a second.
Run several on PostgreSQL; they share the load."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustdesk.config import Settings, get_settings
from trustdesk.db import commit
from trustdesk.kit.clock import utcnow
from trustdesk.kit.heap import settle_startup_heap
from trustdesk.live import bus as live_bus
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


async def follow_ups_once(maker: async_sessionmaker[AsyncSession], settings: Settings) -> list[int]:
    """Act on every hold and decline answered so far and not acted on yet."""
    return await risk.resume_follow_ups(maker, now=utcnow(), settings=settings, after=timedelta(0))


async def run_follow_ups_forever(
    maker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """The follow-ups of risk holds, within a poll interval of the answer (the web processes
    leave them to this loop when TRUSTDESK_RISK_FOLLOW_UP=worker)."""
    while True:
        try:
            acted = await follow_ups_once(maker, settings)
        except Exception:  # noqa: BLE001 - a worker must outlive one bad batch
            log.exception("risk follow-ups failed")
            # Most likely the database is unreachable: retry at the sweep's pace, not 4x a second.
            await asyncio.sleep(settings.sla_sweep_interval_seconds)
            continue
        if len(acted) < risk.FOLLOW_UP_BATCH:
            await asyncio.sleep(settings.risk_follow_up_poll_seconds)


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


async def run_loops(maker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    """Every loop this configuration asks for (the worker process's, or the embedded one's)."""
    loops = [run_forever(maker, settings.sla_sweep_interval_seconds)]
    if settings.risk_follow_up == "worker":
        loops.append(run_follow_ups_forever(maker, settings))
    await asyncio.gather(*loops)


async def run(maker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    """The worker process. Its live events (a hold's P1 ticket) reach the web processes'
    pages through Redis when TRUSTDESK_REDIS_URL is set; it only publishes, never listens."""
    settle_startup_heap()
    if settings.redis_url:
        live_bus.relay = live_bus.RedisRelay(settings.redis_url)
    try:
        await run_loops(maker, settings)
    finally:
        if live_bus.relay is not None:
            await live_bus.relay.stop()
            live_bus.relay = None
