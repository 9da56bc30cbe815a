"""The decision path without recent events: autocommit read and insert, and a hold that must
still write the assessment, the held withdrawal, the P1 ticket and the verification together."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.risk.test_holds import EXCHANGE, build_history, sandbox_withdrawal, withdrawal
from trustdesk.models import Ticket
from trustdesk.models.exchange import SandboxWithdrawal
from trustdesk.models.risk import RiskAssessment, RiskVerification


async def test_hold_without_recent_events_acts_in_one_transaction(client, clock, maker):
    await build_history(client, clock)
    await sandbox_withdrawal(maker, clock, "w-fast-hold")
    body = withdrawal(
        "w-fast-hold",
        device_id="dev-x",
        ip="203.0.113.9",
        country="BR",
        asn=28573,
        amount="4750",
        to_address="TXhijacker000000000000000000000001",
        login_at=(clock.now - timedelta(minutes=2)).isoformat(),
    )
    r = await client.post("/api/v1/risk/withdrawals", json=body, headers=EXCHANGE)
    assert r.status_code == 200, r.text
    decision = r.json()
    assert decision["decision"] in ("hold", "decline"), decision
    again = await client.post("/api/v1/risk/withdrawals", json=body, headers=EXCHANGE)
    assert again.json()["replayed"] and again.json()["assessment_id"] == decision["assessment_id"]
    async with maker() as s:
        row = (
            await s.execute(
                select(RiskAssessment).where(RiskAssessment.withdrawal_id == "w-fast-hold")
            )
        ).scalar_one()
        assert row.id == decision["assessment_id"] and row.ticket_id is not None
        ticket = await s.get(Ticket, row.ticket_id)
        assert ticket is not None and ticket.priority == "P1"
        assert row.signals and row.detail["history"]["withdrawals"] == 4
        assert row.request["device_id"] == "dev-x"
        if decision["decision"] == "hold":
            assert row.action_state == "held"
            held = (
                await s.execute(
                    select(SandboxWithdrawal.status).where(
                        SandboxWithdrawal.withdrawal_id == "w-fast-hold"
                    )
                )
            ).scalar_one()
            assert held == "held"
        count = (await s.execute(select(func.count()).select_from(RiskAssessment))).scalar_one()
        assert count == 5  # four past withdrawals and this one, stored once


async def test_approve_without_recent_events_is_stored_before_the_answer(client, clock, maker):
    await build_history(client, clock)
    r = await client.post(
        "/api/v1/risk/withdrawals",
        json=withdrawal("w-fast-ok", login_at=(clock.now - timedelta(hours=1)).isoformat()),
        headers=EXCHANGE,
    )
    assert r.status_code == 200 and r.json()["decision"] == "approve"
    async with maker() as s:
        row = (
            await s.execute(
                select(RiskAssessment).where(RiskAssessment.withdrawal_id == "w-fast-ok")
            )
        ).scalar_one()
        assert row.ticket_id is None and row.action_state is None
        assert {c["code"] for c in row.signals} >= {"new_device", "anomaly", "velocity"}
        assert row.reasons == [] or all("points" in x for x in row.reasons)
        assert (
            await s.execute(select(func.count()).select_from(RiskVerification))
        ).scalar_one() == 0


async def test_hold_answered_first_is_acted_on_once_afterwards(client, clock, maker):
    from trustdesk.db import commit
    from trustdesk.risk import service
    from trustdesk.risk.schemas import WithdrawalIn
    from trustdesk.risk.verification import LogEmailSender, RiskSettings

    await build_history(client, clock)
    data = WithdrawalIn.model_validate(
        withdrawal(
            "w-later",
            device_id="dev-x",
            ip="203.0.113.9",
            country="BR",
            asn=28573,
            amount="4750",
            to_address="TXhijacker000000000000000000000001",
            login_at=(clock.now - timedelta(minutes=2)).isoformat(),
        )
    )
    kw = dict(
        connector=None,
        email_sender=LogEmailSender(),
        settings=RiskSettings(),
        secret_key="test",
        now=clock.now,
    )
    async with maker() as s:
        answer = await service.score_withdrawal(s, data, act_after_answer=True, **kw)
        await commit(s)
    assert answer.decision in ("hold", "decline") and not answer.replayed
    async with maker() as s:
        row = await s.get(RiskAssessment, answer.assessment_id)
        assert row.action_state == service.ACTING and row.ticket_id is None
        assert row.signals and row.reasons  # every value stored with the answer
    async with maker() as s:
        assert await service.act_on_assessment(s, answer.assessment_id, **kw)
        await commit(s)
    async with maker() as s:
        assert not await service.act_on_assessment(s, answer.assessment_id, **kw)
        row = await s.get(RiskAssessment, answer.assessment_id)
        # No connector: the exchange must hold it itself (it was answered "hold").
        assert row.action_state in ("hold_requested", "declined") and row.ticket_id is not None
        tickets = (
            await s.execute(
                select(func.count()).select_from(Ticket).where(Ticket.id == row.ticket_id)
            )
        ).scalar_one()
        assert tickets == 1


async def test_a_four_byte_asn_is_scored_and_an_oversized_amount_is_a_422(client, clock, maker):
    # 4,200,000,000 is a private-use 32-bit ASN (RFC 6996): valid input, stored as sent.
    body = withdrawal("w-asn32", asn=4_200_000_000)
    r = await client.post("/api/v1/risk/withdrawals", json=body, headers=EXCHANGE)
    assert r.status_code == 200, r.text
    async with maker() as s:
        row = (
            await s.execute(select(RiskAssessment).where(RiskAssessment.withdrawal_id == "w-asn32"))
        ).scalar_one()
        assert row.asn == 4_200_000_000
    # NUMERIC(38, 18) keeps 20 integer digits; 21 is refused before it reaches the database.
    huge = withdrawal("w-huge", amount="1" + "0" * 20, balance_before="1" + "0" * 21)
    r = await client.post("/api/v1/risk/withdrawals", json=huge, headers=EXCHANGE)
    assert r.status_code == 422, r.text
    async with maker() as s:
        stored = await s.execute(
            select(func.count()).where(RiskAssessment.withdrawal_id == "w-huge")
        )
        assert stored.scalar_one() == 0
