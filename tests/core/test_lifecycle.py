"""Ticket life: replies, pending, resolve, reopen, close, escalation, collaborators, audit."""

from __future__ import annotations

from tests.conftest import auth
from tests.factories import login, make_agent, open_ticket
from trustdesk.models.agent import AgentRole, Presence


async def _agent_reply(client, headers, ticket_id, body="On it", **extra):
    response = await client.post(
        f"/api/v1/tickets/{ticket_id}/messages", headers=headers, json={"body": body, **extra}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_first_public_reply_opens_and_records_first_response(
    client, maker, clock, customer_token
):
    await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    ticket = await open_ticket(client, customer_token("c1"))
    clock.advance(minutes=2)
    await _agent_reply(client, headers, ticket["id"])
    detail = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert detail["status"] == "open"
    assert detail["first_response_at"] is not None
    first = next(m for m in detail["sla"] if m["metric"] == "first_response")
    assert first["status"] == "met"


async def test_customer_reply_reopens_a_resolved_ticket(client, maker, clock, customer_token):
    await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    token = customer_token("c1")
    ticket = await open_ticket(client, token)
    await _agent_reply(client, headers, ticket["id"], "Fixed", status="resolved")
    clock.advance(hours=1)
    reply = await client.post(
        f"/api/v1/me/tickets/{ticket['id']}/messages",
        headers=auth(customer_token("c1")),
        json={"body": "It is still not there"},
    )
    assert reply.status_code == 201
    assert reply.json()["status"] == "open"
    detail = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert detail["reopen_count"] == 1
    events = (await client.get(f"/api/v1/tickets/{ticket['id']}/events", headers=headers)).json()
    assert "reopened" in [e["action"] for e in events]


async def test_second_reopen_escalates_to_tier2(client, maker, clock, customer_token):
    await make_agent(maker, "a@x.io", now=clock.now)
    await make_agent(maker, "t2@x.io", now=clock.now, queues=["tier2"])
    headers = await login(client, "a@x.io")
    ticket = await open_ticket(client, customer_token("c1"), body="How do I change my nickname?")
    for _ in range(2):
        await client.patch(
            f"/api/v1/tickets/{ticket['id']}", headers=headers, json={"status": "resolved"}
        )
        clock.advance(minutes=5)
        await client.post(
            f"/api/v1/me/tickets/{ticket['id']}/messages",
            headers=auth(customer_token("c1")),
            json={"body": "Still not working"},
        )
    detail = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert detail["reopen_count"] == 2
    assert detail["queue"] == "tier2"


async def test_closed_ticket_rejects_replies_with_409(client, maker, clock, customer_token):
    await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    ticket = await open_ticket(client, customer_token("c1"))
    await client.patch(
        f"/api/v1/tickets/{ticket['id']}", headers=headers, json={"status": "closed"}
    )
    response = await client.post(
        f"/api/v1/me/tickets/{ticket['id']}/messages",
        headers=auth(customer_token("c1")),
        json={"body": "hello?"},
    )
    assert response.status_code == 409
    assert response.json()["error"] == "TicketClosed"


async def test_pending_customer_goes_back_to_open_when_customer_answers(
    client, maker, clock, customer_token
):
    await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    ticket = await open_ticket(client, customer_token("c1"))
    await _agent_reply(client, headers, ticket["id"], "Which coin?", status="pending_customer")
    clock.advance(minutes=30)
    answer = await client.post(
        f"/api/v1/me/tickets/{ticket['id']}/messages",
        headers=auth(customer_token("c1")),
        json={"body": "USDT"},
    )
    assert answer.json()["status"] == "open"


async def test_manual_escalation_to_tier2_with_internal_note(client, maker, clock, customer_token):
    await make_agent(maker, "a@x.io", now=clock.now)
    specialist = await make_agent(maker, "t2@x.io", now=clock.now, queues=["tier2"])
    headers = await login(client, "a@x.io")
    ticket = await open_ticket(client, customer_token("c1"))
    response = await client.post(
        f"/api/v1/tickets/{ticket['id']}/escalate",
        headers=headers,
        json={"note": "needs chain analysis"},
    )
    assert response.status_code == 200
    detail = response.json()
    assert detail["queue"] == "tier2"
    assert detail["assignee_id"] == specialist.id
    assert any(m["internal"] and "chain analysis" in m["body"] for m in detail["messages"])
    again = await client.post(
        f"/api/v1/tickets/{ticket['id']}/escalate", headers=headers, json={"note": "more"}
    )
    assert again.status_code == 409


async def test_escalation_needs_a_note(client, maker, clock, customer_token):
    await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    ticket = await open_ticket(client, customer_token("c1"))
    response = await client.post(
        f"/api/v1/tickets/{ticket['id']}/escalate", headers=headers, json={}
    )
    assert response.status_code == 422
    detail = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert detail["queue"] == "tier1"


async def test_department_collaborator_is_added_with_a_note(client, maker, clock, customer_token):
    await make_agent(maker, "a@x.io", now=clock.now)
    engineer = await make_agent(maker, "eng@x.io", now=clock.now, queues=["engineering"])
    headers = await login(client, "a@x.io")
    ticket = await open_ticket(client, customer_token("c1"), body="API returns -2015")
    response = await client.post(
        f"/api/v1/tickets/{ticket['id']}/collaborators",
        headers=headers,
        json={"queue": "engineering", "agent_id": engineer.id, "note": "API key error spike"},
    )
    assert response.status_code == 201
    assert response.json()["collaborators"][0]["queue"] == "engineering"
    duplicate = await client.post(
        f"/api/v1/tickets/{ticket['id']}/collaborators",
        headers=headers,
        json={"queue": "engineering", "agent_id": engineer.id, "note": "again"},
    )
    assert duplicate.status_code == 409
    not_dept = await client.post(
        f"/api/v1/tickets/{ticket['id']}/collaborators",
        headers=headers,
        json={"queue": "tier2", "note": "x"},
    )
    assert not_dept.status_code == 422


async def test_every_change_is_in_the_audit_trail(client, maker, clock, customer_token):
    agent = await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    ticket = await open_ticket(client, customer_token("c1"), body="How do I change my nickname?")
    await client.patch(
        f"/api/v1/tickets/{ticket['id']}",
        headers=headers,
        json={"priority": "P2", "tags": ["usdt", "trc20"]},
    )
    events = (await client.get(f"/api/v1/tickets/{ticket['id']}/events", headers=headers)).json()
    actions = [e["action"] for e in events]
    assert actions[:2] == ["created", "assigned"]
    update = next(e for e in events if e["action"] == "updated")
    assert update["actor_type"] == "agent" and update["actor_id"] == agent.id
    assert update["before"]["priority"] == "P3" and update["after"]["priority"] == "P2"
    assert update["after"]["tags"] == ["trc20", "usdt"]


async def test_invalid_status_transition_is_409_and_changes_nothing(
    client, maker, clock, customer_token
):
    await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    ticket = await open_ticket(client, customer_token("c1"))
    await client.patch(
        f"/api/v1/tickets/{ticket['id']}", headers=headers, json={"status": "resolved"}
    )
    bad = await client.patch(
        f"/api/v1/tickets/{ticket['id']}", headers=headers, json={"status": "pending_customer"}
    )
    assert bad.status_code == 409
    detail = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert detail["status"] == "resolved"


async def test_secrets_sent_by_the_customer_are_redacted(client, maker, clock, customer_token):
    await make_agent(maker, "a@x.io", now=clock.now, role=AgentRole.lead, presence=Presence.away)
    headers = await login(client, "a@x.io")
    ticket = await open_ticket(
        client, customer_token("c1"), body="my password is Hunter2secret please check"
    )
    detail = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert "Hunter2secret" not in detail["messages"][0]["body"]
    assert detail["messages"][0]["redactions"] == ["password"]


async def test_a_lookalike_link_in_a_ticket_warns_customer_and_agent(
    client, maker, clock, customer_token
):
    from trustdesk.db import commit
    from trustdesk.trust.service import load_demo_channels

    async with maker() as session:
        await load_demo_channels(session, clock.now)
        await commit(session)
    await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    token = customer_token("c1")
    ticket = await open_ticket(
        client, token, body="Support asked me to log in at https://trustdesk-exchange-verify.com"
    )
    mine = (await client.get(f"/api/v1/me/tickets/{ticket['id']}", headers=auth(token))).json()
    assert any(m["author_type"] == "system" for m in mine["messages"])
    detail = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert "phishing" in detail["tags"]
    assert any(m["internal"] and m["author_type"] == "system" for m in detail["messages"])
