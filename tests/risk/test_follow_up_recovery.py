"""A hold answered but never acted on (the process died in between) is acted on by the
worker's risk sweep, once, after a short grace period."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from tests.risk.test_holds import build_history, sandbox_withdrawal, withdrawal
from trustdesk import worker
from trustdesk.config import Environment, Settings
from trustdesk.db import commit
from trustdesk.models import Ticket, TicketMessage
from trustdesk.models.exchange import SandboxWithdrawal
from trustdesk.models.risk import RiskAssessment, RiskVerification
from trustdesk.risk import service, tasks
from trustdesk.risk.schemas import WithdrawalIn
from trustdesk.risk.verification import LogEmailSender, RiskSettings


def hijack_body(wid: str, clock) -> WithdrawalIn:
    return WithdrawalIn.model_validate(
        withdrawal(
            wid,
            device_id="dev-x",
            ip="203.0.113.9",
            country="BR",
            asn=28573,
            amount="4750",
            to_address="TXhijacker000000000000000000000001",
            login_at=(clock.now - timedelta(minutes=2)).isoformat(),
        )
    )


async def answered_not_acted(maker, clock, wid: str) -> int:
    """Score with the follow-up deferred, then "crash": nobody runs it."""
    async with maker() as s:
        answer = await service.score_withdrawal(
            s,
            hijack_body(wid, clock),
            now=clock.now,
            connector=None,
            email_sender=LogEmailSender(),
            settings=RiskSettings(),
            secret_key="test",
            act_after_answer=True,
        )
        await commit(s)
    assert answer.decision == "hold", answer
    return answer.assessment_id


def sweep_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"env": Environment.test, "exchange_url": None})


async def test_sweep_acts_on_a_lost_follow_up_once_after_the_grace_period(
    client, clock, maker, settings
):
    await build_history(client, clock)
    await sandbox_withdrawal(maker, clock, "w-lost")
    assessment_id = await answered_not_acted(maker, clock, "w-lost")

    # Within the grace period the web process may still be acting on it: left alone.
    soon = await tasks.resume_follow_ups(
        maker, now=clock.now + timedelta(seconds=30), settings=sweep_settings(settings)
    )
    assert soon == []
    async with maker() as s:
        assert (await s.get(RiskAssessment, assessment_id)).action_state == service.ACTING

    later = clock.now + tasks.RESUME_AFTER + timedelta(seconds=1)
    acted = await tasks.resume_follow_ups(maker, now=later, settings=sweep_settings(settings))
    assert acted == [assessment_id]
    async with maker() as s:
        row = await s.get(RiskAssessment, assessment_id)
        assert row.action_state == "held" and row.ticket_id is not None
        assert (await s.get(Ticket, row.ticket_id)).priority == "P1"
        held = (
            await s.execute(
                select(SandboxWithdrawal.status).where(SandboxWithdrawal.withdrawal_id == "w-lost")
            )
        ).scalar_one()
        assert held == "held"
        notes = (
            (
                await s.execute(
                    select(TicketMessage.body).where(TicketMessage.ticket_id == row.ticket_id)
                )
            )
            .scalars()
            .all()
        )
        # The agents' note with every reason, and what to do about verification (this
        # customer has no factor we trust: no e-mail, no TOTP).
        assert any("Risk decision hold" in n for n in notes)
        assert any("verify the customer by other means" in n for n in notes)
        assert (
            await s.execute(select(func.count()).select_from(RiskVerification))
        ).scalar_one() == 0

    # Idempotent: a second sweep, or the web process's own follow-up arriving late, does
    # nothing more.
    again = await tasks.resume_follow_ups(
        maker, now=later + timedelta(minutes=5), settings=sweep_settings(settings)
    )
    assert again == []
    async with maker() as s:
        assert not await service.act_on_assessment(
            s,
            assessment_id,
            connector=None,
            email_sender=LogEmailSender(),
            settings=RiskSettings(),
            secret_key="test",
            now=later,
        )
        tickets = (
            await s.execute(select(func.count()).select_from(Ticket).where(Ticket.priority == "P1"))
        ).scalar_one()
        assert tickets == 1


async def test_two_sweeps_at_once_act_once(client, clock, maker, settings, app):
    await build_history(client, clock)
    assessment_id = await answered_not_acted(maker, clock, "w-twice")
    later = clock.now + tasks.RESUME_AFTER * 2
    if app.state.engine.dialect.name == "sqlite":
        # One writer at a time: the second sweep must wait for the first to commit.
        results = [
            await tasks.resume_follow_ups(maker, now=later, settings=sweep_settings(settings)),
            await tasks.resume_follow_ups(maker, now=later, settings=sweep_settings(settings)),
        ]
    else:
        # Row lock: the second waits for the first, then sees it was acted on.
        results = await asyncio.gather(
            *(
                tasks.resume_follow_ups(maker, now=later, settings=sweep_settings(settings))
                for _ in range(2)
            )
        )
    assert sorted(results) == [[], [assessment_id]]
    async with maker() as s:
        row = await s.get(RiskAssessment, assessment_id)
        # No sandbox withdrawal to hold: the exchange was told "hold" and must hold it itself.
        assert row.action_state == "hold_requested" and row.ticket_id is not None
        tickets = (
            await s.execute(select(func.count()).select_from(Ticket).where(Ticket.priority == "P1"))
        ).scalar_one()
        assert tickets == 1


async def test_worker_runs_the_risk_sweep(client, clock, maker):
    await build_history(client, clock)
    assessment_id = await answered_not_acted(maker, clock, "w-worker")
    # The worker's clock is the real one; the test clock is in the past, beyond the grace.
    assert await worker.risk_sweep_once(maker) == [assessment_id]
    assert await worker.risk_sweep_once(maker) == []
    async with maker() as s:
        assert (await s.get(RiskAssessment, assessment_id)).action_state == "hold_requested"


async def test_the_customer_of_a_hold_is_created_once(maker, app):
    from trustdesk.models import Customer
    from trustdesk.risk import repository

    async def create():
        async with maker() as s:
            customer, created = await repository.get_or_create_customer(s, "u-new")
            await s.commit()
            return customer.id, created

    if app.state.engine.dialect.name == "sqlite":  # one writer at a time
        results = [await create(), await create()]
    else:
        results = await asyncio.gather(create(), create())
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0] == results[1][0]
    async with maker() as s:
        customer = (
            await s.execute(select(Customer).where(Customer.external_id == "u-new"))
        ).scalar_one()
        assert customer.language == "en" and customer.vip_level == 0
        assert customer.created_at is not None
