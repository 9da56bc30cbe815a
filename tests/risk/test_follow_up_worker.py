"""TRUSTDESK_RISK_FOLLOW_UP=worker: the web process only answers and stores a hold; a worker
acts on it (hold at the exchange, P1 ticket) within a poll interval, once."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from sqlalchemy import func, select

from tests.risk.test_holds import build_history, hijack, sandbox_withdrawal
from trustdesk import worker
from trustdesk.config import Settings
from trustdesk.models import Ticket
from trustdesk.models.exchange import SandboxWithdrawal
from trustdesk.models.risk import RiskAssessment
from trustdesk.risk import service


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings, with holds left to the worker."""
    return settings.model_copy(
        update={"risk_follow_up": "worker", "risk_follow_up_poll_seconds": 0.05}
    )


async def p1_tickets(maker) -> int:
    async with maker() as s:
        stmt = select(func.count()).select_from(Ticket).where(Ticket.priority == "P1")
        return int((await s.execute(stmt)).scalar_one())


async def state_of(maker, assessment_id: int) -> RiskAssessment:
    async with maker() as s:
        row = await s.get(RiskAssessment, assessment_id)
        assert row is not None
        return row


async def test_the_web_process_answers_and_leaves_the_hold_to_the_worker(
    client, clock, maker, settings
):
    await build_history(client, clock)
    await sandbox_withdrawal(maker, clock, "w-hijack")
    answer = await hijack(client, clock)
    assert answer["decision"] == "hold"

    # Answered and stored, nothing done yet: no ticket, the withdrawal not held at the exchange.
    assert (await state_of(maker, answer["assessment_id"])).action_state == service.ACTING
    assert await p1_tickets(maker) == 0

    assert await worker.follow_ups_once(maker, settings) == [answer["assessment_id"]]
    row = await state_of(maker, answer["assessment_id"])
    assert row.action_state == "held" and row.ticket_id is not None
    async with maker() as s:
        held = (
            await s.execute(
                select(SandboxWithdrawal.status).where(
                    SandboxWithdrawal.withdrawal_id == "w-hijack"
                )
            )
        ).scalar_one()
    assert held == "held"

    # Once: the next pass, or a replay of the same withdrawal, does nothing more.
    assert await worker.follow_ups_once(maker, settings) == []
    assert (await hijack(client, clock))["replayed"] is True
    assert await worker.follow_ups_once(maker, settings) == []
    assert await p1_tickets(maker) == 1


async def test_the_worker_loop_acts_within_its_poll_interval(client, clock, maker, settings):
    await build_history(client, clock)
    loop = asyncio.create_task(worker.run_follow_ups_forever(maker, settings))
    try:
        answer = await hijack(client, clock, "w-loop")
        assert answer["decision"] == "hold"
        for _ in range(200):  # up to 10 s on a slow machine; 0.05 s polls normally
            if (await state_of(maker, answer["assessment_id"])).action_state != service.ACTING:
                break
            await asyncio.sleep(0.05)
        row = await state_of(maker, answer["assessment_id"])
        # No sandbox withdrawal to hold: the exchange was told "hold" and holds it itself.
        assert row.action_state == "hold_requested" and row.ticket_id is not None
    finally:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop
    assert await p1_tickets(maker) == 1


async def test_approvals_leave_the_worker_nothing_to_do(client, clock, maker, settings):
    await build_history(client, clock)
    assert await worker.follow_ups_once(maker, settings) == []
    assert await p1_tickets(maker) == 0
