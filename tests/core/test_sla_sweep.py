"""SLA: deadlines with pauses, and the sweep that escalates before the breach."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tests.conftest import auth
from tests.factories import login, make_agent, open_ticket
from trustdesk.db import commit
from trustdesk.models import SlaEvent
from trustdesk.models.agent import AgentRole, Presence
from trustdesk.sla.service import sweep


async def _sweep(maker, now):
    async with maker() as session:
        report = await sweep(session, now=now)
        await commit(session)
        return report


async def _events(maker, ticket_id):
    async with maker() as session:
        rows = await session.execute(select(SlaEvent).where(SlaEvent.ticket_id == ticket_id))
        return [(e.metric, e.kind) for e in rows.scalars()]


async def test_default_first_response_target_is_3_minutes_hard_max_10(
    client, maker, clock, customer_token
):
    await make_agent(maker, "lead@x.io", now=clock.now, role=AgentRole.lead, presence="away")
    headers = await login(client, "lead@x.io")
    created = clock.now
    ticket = await open_ticket(client, customer_token("c1"), body="How do I change my nickname?")
    detail = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    first = next(m for m in detail["sla"] if m["metric"] == "first_response")
    assert (datetime.fromisoformat(first["due_at"]) - created).total_seconds() == 180
    assert (datetime.fromisoformat(first["hard_due_at"]) - created).total_seconds() == 600


async def test_waiting_on_the_customer_pauses_the_clock(client, maker, clock, customer_token):
    await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    ticket = await open_ticket(client, customer_token("c1"), body="How do I change my nickname?")
    clock.advance(minutes=1)
    await client.post(
        f"/api/v1/tickets/{ticket['id']}/messages",
        headers=headers,
        json={"body": "Which account?", "status": "pending_customer"},
    )
    before = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    resolution = next(m for m in before["sla"] if m["metric"] == "resolution")
    assert resolution["paused"] is True
    clock.advance(hours=30)  # longer than the P3 resolution budget: paused, so no breach
    headers = await login(client, "a@x.io")  # the morning's token has expired
    after = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    resolution = next(m for m in after["sla"] if m["metric"] == "resolution")
    assert resolution["status"] == "paused"
    assert resolution["fraction"] < 0.01
    report = await _sweep(maker, clock.now)
    assert report.breaches == 0


async def test_sweep_warns_at_80_percent_and_reassigns_before_breach(
    client, maker, clock, customer_token
):
    absent = await make_agent(maker, "absent@x.io", now=clock.now)
    ticket = await open_ticket(client, customer_token("c1"), body="How do I change my nickname?")
    assert ticket["assigned"] is True
    # The assignee walks away without answering; a colleague comes online.
    headers = await login(client, "absent@x.io")
    await client.put("/api/v1/agents/me/presence", headers=headers, json={"presence": "away"})
    present = await make_agent(maker, "present@x.io", now=clock.now, capacity=5)
    clock.advance(seconds=150)  # 83% of the 3-minute target
    report = await _sweep(maker, clock.now)
    assert report.warnings == 1 and report.breaches == 0
    assert any(action.startswith("reassigned") for _, action in report.escalations)
    detail = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert detail["assignee_id"] == present.id != absent.id
    assert ("first_response", "warning") in await _events(maker, ticket["id"])
    # The warning is recorded once, however often the sweep runs.
    clock.advance(seconds=5)
    await _sweep(maker, clock.now)
    assert (await _events(maker, ticket["id"])).count(("first_response", "warning")) == 1


async def test_nobody_free_raises_to_a_lead_and_tiers_up(client, maker, clock, customer_token):
    await make_agent(maker, "busy@x.io", now=clock.now, capacity=1)
    lead = await make_agent(
        maker, "lead@x.io", now=clock.now, role=AgentRole.lead, queues=[], presence=Presence.online
    )
    specialist = await make_agent(
        maker, "t2@x.io", now=clock.now, queues=["tier2"], presence=Presence.away
    )
    await open_ticket(client, customer_token("c0"), body="How do I change my nickname?")
    waiting = await open_ticket(client, customer_token("c1"), body="How do I change my nickname?")
    assert waiting["assigned"] is False
    # A tier-2 specialist becomes available just before the warning.
    headers = await login(client, "t2@x.io")
    clock.advance(seconds=100)
    async with maker() as session:
        from trustdesk.models import Agent

        row = await session.get(Agent, specialist.id)
        row.presence = Presence.online
        await commit(session)
    clock.advance(seconds=50)
    report = await _sweep(maker, clock.now)
    actions = [a for t, a in report.escalations if t == waiting["id"]]
    assert any(a.startswith("tier_up") for a in actions), actions
    detail = (await client.get(f"/api/v1/tickets/{waiting['id']}", headers=headers)).json()
    assert detail["queue"] == "tier2" and detail["assignee_id"] == specialist.id
    # At the breach, the lead is raised even though a specialist has it.
    clock.advance(minutes=1)
    report = await _sweep(maker, clock.now)
    assert f"lead_alerted:{lead.id}" in [a for t, a in report.escalations if t == waiting["id"]]
    assert ("first_response", "breached") in await _events(maker, waiting["id"])


async def test_customer_sees_estimated_times(client, maker, clock, customer_token):
    token = customer_token("c1")
    ticket = await open_ticket(client, token, body="How do I change my nickname?")
    detail = (await client.get(f"/api/v1/me/tickets/{ticket['id']}", headers=auth(token))).json()
    estimate = detail["estimate"]
    assert estimate["queue_position"] == 1
    # Nobody online: the SLA is the promise (3 minutes).
    eta = datetime.fromisoformat(estimate["first_response_at"])
    assert (eta - clock.now).total_seconds() == 180
    assert estimate["resolution_at"] is not None
