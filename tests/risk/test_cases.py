"""Security cases: the account timeline in one view, notes, assignees, outcome, authz."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from tests.conftest import auth
from tests.factories import login, make_agent, open_ticket
from tests.risk.test_holds import EXCHANGE, USER, build_history, hijack, sandbox_withdrawal
from trustdesk.models.agent import AgentRole
from trustdesk.models.exchange import SandboxDeposit


async def _staff(client, maker, clock):
    await make_agent(maker, "agent@x.io", now=clock.now)
    sec = await make_agent(maker, "sec@x.io", now=clock.now, role=AgentRole.security)
    await make_agent(maker, "lead@x.io", now=clock.now, role=AgentRole.lead)
    return (
        await login(client, "agent@x.io"),
        await login(client, "sec@x.io"),
        await login(client, "lead@x.io"),
        sec,
    )


async def _denied_case(client, clock, maker, customer_token) -> tuple[str, int]:
    token = customer_token(USER, email="alice@example.com")
    await open_ticket(client, token, body="How do I change my password?", subject="Password")
    await build_history(client, clock)
    await sandbox_withdrawal(maker, clock, "w-hijack")
    async with maker() as s:
        s.add(
            SandboxDeposit(
                deposit_id="d-1",
                user_id=USER,
                asset="USDT",
                network="TRC20",
                amount=Decimal("5000"),
                to_address="TXdeposit",
                status="credited",
                detected_at=clock.now - timedelta(days=30),
                credited_at=clock.now - timedelta(days=30),
            )
        )
        await s.commit()
    await hijack(client, clock)
    vid = (await client.get("/api/v1/me/verifications", headers=auth(token))).json()[0]["id"]
    r = await client.post(f"/api/v1/me/verifications/{vid}/not-me", headers=auth(token))
    assert r.status_code == 200
    return token, vid


async def test_case_timeline_shows_the_whole_account(client, clock, maker, customer_token):
    _, sec, _, _ = await _staff(client, maker, clock)
    await _denied_case(client, clock, maker, customer_token)
    cases = (await client.get("/api/v1/security/cases", headers=sec)).json()["items"]
    assert len(cases) == 1 and cases[0]["reason"] == "customer_denied"
    detail = (await client.get(f"/api/v1/security/cases/{cases[0]['id']}", headers=sec)).json()
    kinds = {e["kind"] for e in detail["timeline"]}
    assert {"login", "security_change", "withdrawal", "deposit", "ticket", "verification"} <= kinds
    summaries = " | ".join(e["summary"] for e in detail["timeline"])
    assert "2fa_change" in summaries and "w-hijack" in summaries and "d-1" in summaries
    assert "Password" in summaries  # the customer's own support contact
    devices = {d["device_id"]: d for d in detail["devices"]}
    assert {"dev-home", "dev-x"} <= set(devices) and devices["dev-x"]["countries"] == ["BR"]
    times = [e["at"] for e in detail["timeline"]]
    assert times == sorted(times, reverse=True)
    assert detail["account_frozen"] and detail["ticket_id"] is not None


async def test_notes_assignees_and_outcome(client, clock, maker, customer_token):
    _, sec, lead, sec_agent = await _staff(client, maker, clock)
    await _denied_case(client, clock, maker, customer_token)
    case_id = (await client.get("/api/v1/security/cases", headers=sec)).json()["items"][0]["id"]
    r = await client.post(
        f"/api/v1/security/cases/{case_id}/notes", json={"body": "Called the user."}, headers=sec
    )
    assert r.status_code == 201
    r = await client.patch(
        f"/api/v1/security/cases/{case_id}",
        json={"assignee_ids": [sec_agent.id], "status": "investigating"},
        headers=lead,
    )
    assert r.status_code == 200 and r.json()["assignee_ids"] == [sec_agent.id]
    mine = (await client.get("/api/v1/security/cases?mine=true", headers=sec)).json()["items"]
    assert [c["id"] for c in mine] == [case_id]
    r = await client.patch(
        f"/api/v1/security/cases/{case_id}", json={"status": "closed"}, headers=sec
    )
    assert r.status_code == 422 and "outcome" in r.json()["detail"]
    r = await client.patch(
        f"/api/v1/security/cases/{case_id}", json={"assignee_ids": [9999]}, headers=sec
    )
    assert r.status_code == 422
    r = await client.patch(
        f"/api/v1/security/cases/{case_id}",
        json={"status": "closed", "outcome": "compromised"},
        headers=sec,
    )
    assert r.status_code == 200 and r.json()["closed_at"] is not None
    detail = (await client.get(f"/api/v1/security/cases/{case_id}", headers=sec)).json()
    assert [n["body"] for n in detail["notes"]] == ["Called the user."]
    assert any(e["kind"] == "note" for e in detail["timeline"])
    closed = (await client.get("/api/v1/security/cases?status=open", headers=sec)).json()["items"]
    assert closed == []
    # Closed: the account is no longer "under review" for scoring.
    clock.advance(minutes=10)
    r = await client.post(
        "/api/v1/risk/withdrawals",
        json={
            "withdrawal_id": "w-later",
            "user_id": USER,
            "asset": "USDT",
            "network": "TRC20",
            "amount": "100",
            "to_address": "TXhome0000000000000000000000000001",
            "balance_before": "5000",
            "device_id": "dev-home",
            "ip": "10.0.0.1",
            "country": "DE",
            "asn": 3320,
        },
        headers=EXCHANGE,
    )
    assert r.json()["decision"] != "decline"


async def test_manual_case_and_authz(client, clock, maker, customer_token):
    agent, sec, _, _ = await _staff(client, maker, clock)
    token = customer_token("u-9")
    await client.get("/api/v1/me/verifications", headers=auth(token))  # the customer exists
    assert (await client.get("/api/v1/security/cases")).status_code == 401
    assert (await client.get("/api/v1/security/cases", headers=agent)).status_code == 403
    assert (await client.get("/api/v1/security/cases", headers=auth(token))).status_code == 401
    assert (
        await client.post("/api/v1/security/cases", json={"customer_id": 1}, headers=agent)
    ).status_code == 403
    assert (await client.get("/api/v1/security/cases/1", headers=agent)).status_code == 403
    assert (await client.get("/api/v1/security/cases/999", headers=sec)).status_code == 404
    assert (
        await client.patch("/api/v1/security/cases/999", json={"outcome": "x"}, headers=sec)
    ).status_code == 404
    assert (
        await client.post("/api/v1/security/cases/999/notes", json={"body": "x"}, headers=sec)
    ).status_code == 404
    assert (
        await client.post("/api/v1/security/cases", json={"customer_id": 999}, headers=sec)
    ).status_code == 422
    assert (
        await client.post("/api/v1/security/cases", json={"customer_id": "x"}, headers=sec)
    ).status_code == 422
    assert (await client.get("/api/v1/security/cases?cursor=zzz", headers=sec)).status_code == 422
    customers = (await client.get("/api/v1/security/cases", headers=sec)).json()["items"]
    assert customers == []
    from sqlalchemy import select

    from trustdesk.models import Customer

    async with maker() as s:
        cid = (
            await s.execute(select(Customer.id).where(Customer.external_id == "u-9"))
        ).scalar_one()
    headers = {**sec, "Idempotency-Key": "case-1"}
    r1 = await client.post(
        "/api/v1/security/cases",
        json={"customer_id": cid, "summary": "phishing report"},
        headers=headers,
    )
    r2 = await client.post(
        "/api/v1/security/cases",
        json={"customer_id": cid, "summary": "phishing report"},
        headers=headers,
    )
    assert r1.status_code == 201 and r1.json() == r2.json()
    assert (
        await client.patch(f"/api/v1/security/cases/{r1.json()['id']}", json={}, headers=sec)
    ).status_code == 422
    assert (
        await client.post(
            f"/api/v1/security/cases/{r1.json()['id']}/notes", json={"body": ""}, headers=sec
        )
    ).status_code == 422
    detail = (await client.get(f"/api/v1/security/cases/{r1.json()['id']}", headers=sec)).json()
    assert detail["timeline"] == [] or all(e["kind"] != "withdrawal" for e in detail["timeline"])
