"""Health, OpenAPI, login, and the authentication boundary of every ticket endpoint."""

from __future__ import annotations

import pytest

from tests.conftest import auth
from tests.factories import PASSWORD, login, make_agent, open_ticket
from trustdesk.models.agent import Presence


async def test_healthz_answers_with_database(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_openapi_lists_the_api(client):
    spec = (await client.get("/openapi.json")).json()
    assert "/api/v1/me/tickets" in spec["paths"]
    assert "/api/v1/tickets/{ticket_id}/escalate" in spec["paths"]


async def test_agent_login_with_wrong_password_is_401(client, maker, clock):
    await make_agent(maker, "a@x.io", now=clock.now)
    response = await client.post("/api/v1/auth/login", json={"email": "a@x.io", "password": "no"})
    assert response.status_code == 401
    assert response.json()["error"] == "Unauthorized"
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@x.io", "password": PASSWORD}
    )
    assert unknown.status_code == 401


async def test_logout_revokes_the_token(client, maker, clock):
    await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    assert (await client.get("/api/v1/agents/me", headers=headers)).status_code == 200
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    assert (await client.get("/api/v1/agents/me", headers=headers)).status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/tickets"),
        ("get", "/api/v1/tickets/1"),
        ("patch", "/api/v1/tickets/1"),
        ("post", "/api/v1/tickets/1/messages"),
        ("post", "/api/v1/tickets/1/escalate"),
        ("get", "/api/v1/me/tickets"),
        ("post", "/api/v1/me/tickets"),
        ("get", "/api/v1/me/tickets/1"),
        ("get", "/api/v1/agents"),
        ("get", "/api/v1/queues"),
    ],
)
async def test_anonymous_requests_get_401(client, method, path):
    response = await getattr(client, method)(path)
    assert response.status_code == 401
    assert response.json()["error"] == "Unauthorized"


async def test_forged_customer_token_is_401(client, customer_token):
    token = customer_token("u-1")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = await client.get("/api/v1/me/tickets", headers=auth(tampered))
    assert response.status_code == 401


async def test_expired_customer_token_is_401(client, customer_token, clock):
    token = customer_token("u-1")
    clock.advance(hours=2)
    response = await client.get("/api/v1/me/tickets", headers=auth(token))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


async def test_customer_token_cannot_use_agent_endpoints(client, customer_token):
    response = await client.get("/api/v1/tickets", headers=auth(customer_token("u-1")))
    assert response.status_code == 401


async def test_agent_cannot_create_agents_without_admin_role(client, maker, clock):
    await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    response = await client.post(
        "/api/v1/agents",
        headers=headers,
        json={"email": "b@x.io", "name": "B", "password": "long enough password"},
    )
    assert response.status_code == 403


async def test_customer_sees_only_their_own_tickets(client, customer_token):
    alice, bob = customer_token("alice"), customer_token("bob")
    ticket = await open_ticket(client, alice)
    mine = await client.get("/api/v1/me/tickets", headers=auth(alice))
    assert [t["id"] for t in mine.json()["items"]] == [ticket["id"]]
    theirs = await client.get("/api/v1/me/tickets", headers=auth(bob))
    assert theirs.json()["items"] == []
    peek = await client.get(f"/api/v1/me/tickets/{ticket['id']}", headers=auth(bob))
    assert peek.status_code == 404
    reply = await client.post(
        f"/api/v1/me/tickets/{ticket['id']}/messages", headers=auth(bob), json={"body": "hi"}
    )
    assert reply.status_code == 404
    # Bob's failed write changed nothing on Alice's ticket.
    detail = await client.get(f"/api/v1/me/tickets/{ticket['id']}", headers=auth(alice))
    assert len(detail.json()["messages"]) == 1


async def test_customer_never_sees_internal_notes(client, maker, clock, customer_token):
    await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    token = customer_token("alice")
    ticket = await open_ticket(client, token)
    note = await client.post(
        f"/api/v1/tickets/{ticket['id']}/messages",
        headers=headers,
        json={"body": "customer seems confused", "internal": True},
    )
    assert note.status_code == 201
    detail = (await client.get(f"/api/v1/me/tickets/{ticket['id']}", headers=auth(token))).json()
    assert all("confused" not in m["body"] for m in detail["messages"])
    agent_view = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert any(m["internal"] for m in agent_view["messages"])


async def test_landing_page_links_the_console_and_signed_demo_customers(client):
    page = (await client.get("/")).text
    assert 'href="/console"' in page
    link = page.split('href="/app?token=')[1].split('"')[0]
    response = await client.get(f"/app?token={link}")
    assert response.status_code in (302, 303, 307)


async def test_agents_list_pages_and_filters(client, maker, clock):
    for i in range(5):
        await make_agent(
            maker,
            f"a{i}@x.io",
            now=clock.now,
            languages=["tr"] if i % 2 else ["en"],
            queues=["tier2"] if i == 4 else ["tier1"],
            presence=Presence.online if i < 3 else Presence.away,
        )
    headers = await login(client, "a0@x.io")
    seen, cursor = [], None
    while True:
        query = "/api/v1/agents?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = (await client.get(query, headers=headers)).json()
        assert len(page["items"]) <= 2
        seen += [a["email"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"a{i}@x.io" for i in range(5)]

    async def emails(query: str) -> list[str]:
        response = await client.get(f"/api/v1/agents?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [a["email"] for a in response.json()["items"]]

    assert await emails("language=tr") == ["a1@x.io", "a3@x.io"]
    assert await emails("queue=tier2") == ["a4@x.io"]
    assert await emails("presence=away&language=en") == ["a4@x.io"]
    assert await emails("language=tr&limit=1") == ["a1@x.io"]
    bad = await client.get("/api/v1/agents?presence=asleep", headers=headers)
    assert bad.status_code == 422
    bad = await client.get("/api/v1/agents?cursor=forged", headers=headers)
    assert bad.status_code == 422
