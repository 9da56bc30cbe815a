"""Bad input gets a clear 4xx and changes nothing; Idempotency-Key makes creation retry-safe."""

from __future__ import annotations

import pytest

from tests.conftest import auth
from tests.factories import login, make_agent, open_ticket


async def _count(client, token):
    return len((await client.get("/api/v1/me/tickets", headers=auth(token))).json()["items"])


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"subject": "", "body": "x"},
        {"subject": "x", "body": ""},
        {"subject": "x", "body": "y", "channel": "carrier-pigeon"},
        {"subject": "x", "body": "y", "tags": ["Not A Tag!"]},
        {"subject": "x", "body": "y", "language": "klingon"},
        {"subject": "x", "body": "y", "unexpected": 1},
        {"subject": "x" * 301, "body": "y"},
    ],
)
async def test_bad_ticket_input_is_rejected_and_nothing_is_created(client, customer_token, payload):
    token = customer_token("alice")
    response = await client.post("/api/v1/me/tickets", headers=auth(token), json=payload)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] in {"ValidationError", "InvalidInput"}
    assert body["detail"]
    assert await _count(client, token) == 0


async def test_malformed_json_is_422(client, customer_token):
    response = await client.post(
        "/api/v1/me/tickets",
        headers={**auth(customer_token()), "Content-Type": "application/json"},
        content=b"{not json",
    )
    assert response.status_code == 422


async def test_idempotent_creation_returns_the_same_ticket(client, customer_token):
    token = customer_token("alice")
    headers = {**auth(token), "Idempotency-Key": "abc-123"}
    payload = {"subject": "Deposit", "body": "my deposit is missing"}
    first = await client.post("/api/v1/me/tickets", headers=headers, json=payload)
    second = await client.post("/api/v1/me/tickets", headers=headers, json=payload)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert await _count(client, token) == 1


async def test_idempotency_key_reused_with_other_body_is_422(client, customer_token):
    token = customer_token("alice")
    headers = {**auth(token), "Idempotency-Key": "abc-123"}
    await client.post("/api/v1/me/tickets", headers=headers, json={"subject": "a", "body": "b"})
    clash = await client.post(
        "/api/v1/me/tickets", headers=headers, json={"subject": "a", "body": "different"}
    )
    assert clash.status_code == 422
    assert "Idempotency-Key" in clash.json()["detail"]
    assert await _count(client, token) == 1


async def test_idempotency_keys_of_different_customers_do_not_collide(client, customer_token):
    payload = {"subject": "a", "body": "b"}
    a = await client.post(
        "/api/v1/me/tickets",
        headers={**auth(customer_token("alice")), "Idempotency-Key": "k"},
        json=payload,
    )
    b = await client.post(
        "/api/v1/me/tickets",
        headers={**auth(customer_token("bob")), "Idempotency-Key": "k"},
        json=payload,
    )
    assert a.json()["id"] != b.json()["id"]


async def test_list_paginates_with_a_cursor(client, customer_token):
    token = customer_token("alice")
    ids = [(await open_ticket(client, token, subject=f"t{i}"))["id"] for i in range(5)]
    page1 = (await client.get("/api/v1/me/tickets?limit=2", headers=auth(token))).json()
    page2 = (
        await client.get(
            f"/api/v1/me/tickets?limit=2&cursor={page1['next_cursor']}", headers=auth(token)
        )
    ).json()
    page3 = (
        await client.get(
            f"/api/v1/me/tickets?limit=2&cursor={page2['next_cursor']}", headers=auth(token)
        )
    ).json()
    seen = [t["id"] for p in (page1, page2, page3) for t in p["items"]]
    assert seen == sorted(ids, reverse=True)
    assert page3["next_cursor"] is None


async def test_forged_cursor_is_422(client, customer_token):
    response = await client.get("/api/v1/me/tickets?cursor=%%%", headers=auth(customer_token()))
    assert response.status_code == 422


async def test_agent_list_filters_by_status_and_queue(client, maker, clock, customer_token):
    await make_agent(maker, "a@x.io", now=clock.now, presence="offline")
    headers = await login(client, "a@x.io")
    await open_ticket(client, customer_token("alice"))
    await open_ticket(client, customer_token("vip", vip=3))
    vip = (await client.get("/api/v1/tickets?queue=vip", headers=headers)).json()["items"]
    assert [t["vip"] for t in vip] == [True]
    new = (await client.get("/api/v1/tickets?status=new", headers=headers)).json()["items"]
    assert len(new) == 2
    bad = await client.get("/api/v1/tickets?queue=nope", headers=headers)
    assert bad.status_code == 422
    bad_status = await client.get("/api/v1/tickets?status=weird", headers=headers)
    assert bad_status.status_code == 422


async def test_message_on_unknown_ticket_is_404(client, maker, clock):
    await make_agent(maker, "a@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    response = await client.post(
        "/api/v1/tickets/999/messages", headers=headers, json={"body": "hello"}
    )
    assert response.status_code == 404
    assert response.json() == {"error": "NotFound", "detail": "ticket 999 not found"}


async def test_retried_reply_with_the_same_key_is_stored_once(client, customer_token):
    token = customer_token("alice")
    ticket = await open_ticket(client, token)
    headers = {**auth(token), "Idempotency-Key": "reply-1"}
    for _ in range(2):
        response = await client.post(
            f"/api/v1/me/tickets/{ticket['id']}/messages", headers=headers, json={"body": "USDT"}
        )
        assert response.status_code == 201
    detail = await client.get(f"/api/v1/me/tickets/{ticket['id']}", headers=auth(token))
    assert [m["body"] for m in detail.json()["messages"]].count("USDT") == 1
