"""The exchange's scoring calls and acting on a hold: verify → release, "not me" → freeze."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pyotp
import pytest
from sqlalchemy import select

from tests.conftest import auth
from tests.factories import login, make_agent
from tests.stepup import smtp_server
from trustdesk.models import Queue, Ticket, TicketMessage
from trustdesk.models.agent import AgentRole
from trustdesk.models.exchange import SandboxAccount, SandboxWithdrawal
from trustdesk.models.risk import RiskAssessment, SecurityCase
from trustdesk.risk.verification import DEV_EXCHANGE_API_KEY, SmtpEmailSender

EXCHANGE = {"X-Exchange-Key": DEV_EXCHANGE_API_KEY}
USER = "u-1"
HOME = {"device_id": "dev-home", "ip": "10.0.0.1", "country": "DE", "asn": 3320}
ADDR = "TXhome0000000000000000000000000001"


async def sandbox_withdrawal(maker, clock, withdrawal_id: str, user: str = USER) -> None:
    async with maker() as s:
        if (
            await s.execute(select(SandboxAccount).where(SandboxAccount.user_id == user))
        ).first() is None:
            s.add(SandboxAccount(user_id=user, created_at=clock.now, updated_at=clock.now))
        s.add(
            SandboxWithdrawal(
                withdrawal_id=withdrawal_id,
                user_id=user,
                asset="USDT",
                network="TRC20",
                amount=Decimal("4750"),
                fee=Decimal("1"),
                to_address="TXhijacker000000000000000000000001",
                status="requested",
                created_at=clock.now,
            )
        )
        await s.commit()


def withdrawal(wid: str, **over: Any) -> dict[str, Any]:
    body = {
        "withdrawal_id": wid,
        "user_id": USER,
        "asset": "USDT",
        "network": "TRC20",
        "amount": "100",
        "to_address": ADDR,
        "balance_before": "5000",
        **HOME,
    }
    body.update(over)
    return body


async def build_history(client, clock, user: str = USER) -> None:
    """Four weeks of one user's ordinary life: logins from home, a weekly withdrawal."""
    start = clock.now
    clock.now = start - timedelta(days=28)
    for week in range(4):
        r = await client.post(
            "/api/v1/risk/events",
            json={
                "event_id": f"{user}-login-{week}",
                "user_id": user,
                "kind": "login",
                "at": clock.now.isoformat(),
                **HOME,
            },
            headers=EXCHANGE,
        )
        assert r.status_code == 201, r.text
        r = await client.post(
            "/api/v1/risk/withdrawals",
            json=withdrawal(
                f"{user}-past-{week}",
                user_id=user,
                amount=str(100 + week),
                login_at=(clock.now - timedelta(hours=1)).isoformat(),
            ),
            headers=EXCHANGE,
        )
        assert r.status_code == 200, r.text
        clock.now += timedelta(days=7)
    clock.now = start


async def hijack(client, clock, wid: str = "w-hijack") -> dict[str, Any]:
    at = clock.now
    body = withdrawal(
        wid,
        device_id="dev-x",
        ip="203.0.113.9",
        country="BR",
        asn=28573,
        amount="4750",
        to_address="TXhijacker000000000000000000000001",
        login_at=(at - timedelta(minutes=3)).isoformat(),
        recent_events=[
            {
                "event_id": "e-2fa",
                "kind": "2fa_change",
                "at": (at - timedelta(hours=1)).isoformat(),
                "device_id": "dev-x",
                "country": "BR",
            },
            {
                "event_id": "e-login-x",
                "kind": "login",
                "at": (at - timedelta(minutes=3)).isoformat(),
                "device_id": "dev-x",
                "ip": "203.0.113.9",
                "country": "BR",
                "asn": 28573,
            },
        ],
    )
    r = await client.post("/api/v1/risk/withdrawals", json=body, headers=EXCHANGE)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


@pytest.fixture
def smtp():
    """A real local SMTP server (aiosmtpd) and its port."""
    with smtp_server() as served:
        yield served


async def test_normal_repeat_withdrawal_is_approved(client, clock):
    await build_history(client, clock)
    r = await client.post(
        "/api/v1/risk/withdrawals",
        json=withdrawal("w-normal", login_at=(clock.now - timedelta(hours=1)).isoformat()),
        headers=EXCHANGE,
    )
    assert r.status_code == 200
    data = r.json()
    assert data["decision"] == "approve" and data["customer_message"] == ""
    assert data["rules_version"] == 1 and data["model_version"] == "robust-mad-v1"


async def test_scoring_stores_every_value_and_is_idempotent(client, clock, maker):
    await build_history(client, clock)
    first = (
        await client.post(
            "/api/v1/risk/withdrawals",
            json=withdrawal("w-a", device_id="dev-new"),
            headers=EXCHANGE,
        )
    ).json()
    assert first["decision"] == "step_up" and not first["replayed"]
    again = await client.post(
        "/api/v1/risk/withdrawals", json=withdrawal("w-a", device_id="dev-new"), headers=EXCHANGE
    )
    assert again.json()["replayed"] and again.json()["assessment_id"] == first["assessment_id"]
    other = await client.post(
        "/api/v1/risk/withdrawals", json=withdrawal("w-a", user_id="u-2"), headers=EXCHANGE
    )
    assert other.status_code == 409
    async with maker() as s:
        row = (
            await s.execute(select(RiskAssessment).where(RiskAssessment.withdrawal_id == "w-a"))
        ).scalar_one()
    by_code = {x["code"]: x for x in row.signals}
    assert by_code["new_device"]["weight"] == 15 and by_code["new_device"]["contribution"] == 15
    assert row.detail["thresholds"]["hold"] == 55 and row.rules_version == 1
    assert row.request["device_id"] == "dev-new"


async def test_hijack_is_held_alerts_support_and_asks_to_verify_by_email(
    client, clock, maker, app, smtp, customer_token
):
    inbox, port = smtp
    app.state.risk_email_sender = SmtpEmailSender("127.0.0.1", port, "security@trustdesk.test")
    token = customer_token(USER, email="alice@example.com")
    assert (await client.get("/api/v1/me/verifications", headers=auth(token))).json() == []
    await build_history(client, clock)
    await sandbox_withdrawal(maker, clock, "w-hijack")

    decision = await hijack(client, clock)
    assert decision["decision"] == "hold"
    codes = {r["code"] for r in decision["reasons"]}
    assert {
        "new_device",
        "new_country",
        "twofa_changed",
        "new_destination",
        "balance_drain",
    } <= codes
    assert (
        "2FA" not in decision["customer_message"] and "device" not in decision["customer_message"]
    )

    async with maker() as s:
        w = (
            await s.execute(
                select(SandboxWithdrawal).where(SandboxWithdrawal.withdrawal_id == "w-hijack")
            )
        ).scalar_one()
        assert w.status == "held"
        row = (
            await s.execute(
                select(RiskAssessment).where(RiskAssessment.withdrawal_id == "w-hijack")
            )
        ).scalar_one()
        ticket = await s.get(Ticket, row.ticket_id)
        queue = await s.get(Queue, ticket.queue_id)
        assert ticket.priority == "P1" and queue.key == "security"
        messages = (
            (await s.execute(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)))
            .scalars()
            .all()
        )
    public = [m.body for m in messages if not m.internal]
    internal = "\n".join(m.body for m in messages if m.internal)
    assert "twofa_changed" in internal and "balance_drain" in internal
    assert all("2FA" not in b and "twofa" not in b and "device" not in b for b in public)

    # The customer sees the ticket without the reasons.
    mine = (await client.get(f"/api/v1/me/tickets/{ticket.id}", headers=auth(token))).text
    assert "twofa" not in mine and "score" not in mine.lower()

    assert len(inbox.messages) == 1
    code = re.search(r"security code is (\d{6})", inbox.messages[0]).group(1)
    pending = (await client.get("/api/v1/me/verifications", headers=auth(token))).json()
    assert (
        len(pending) == 1 and pending[0]["method"] == "email" and pending[0]["attempts_left"] == 5
    )
    assert "reasons" not in pending[0] and "score" not in pending[0]
    vid = pending[0]["id"]

    wrong = "000000" if code != "000000" else "111111"
    r = await client.post(
        f"/api/v1/me/verifications/{vid}", json={"code": wrong}, headers=auth(token)
    )
    assert r.status_code == 422 and r.json()["attempts_left"] == 4
    r = await client.post(
        f"/api/v1/me/verifications/{vid}", json={"code": code}, headers=auth(token)
    )
    assert r.status_code == 200 and r.json()["status"] == "verified", r.text
    async with maker() as s:
        w = (
            await s.execute(
                select(SandboxWithdrawal).where(SandboxWithdrawal.withdrawal_id == "w-hijack")
            )
        ).scalar_one()
        row = (
            await s.execute(
                select(RiskAssessment).where(RiskAssessment.withdrawal_id == "w-hijack")
            )
        ).scalar_one()
    assert w.status == "processing" and row.action_state == "released"
    # Done: the same code cannot be used again.
    r = await client.post(
        f"/api/v1/me/verifications/{vid}", json={"code": code}, headers=auth(token)
    )
    assert r.status_code == 409
    assert (await client.get("/api/v1/me/verifications", headers=auth(token))).json() == []


async def test_totp_verification_releases_the_hold(client, clock, maker, customer_token):
    start = clock.now
    clock.now = start - timedelta(days=5)  # enrolled long before: a trustworthy factor
    r = await client.post("/api/v1/me/verifications/totp", headers=auth(customer_token(USER)))
    assert r.status_code == 201 and r.json()["provisioning_uri"].startswith("otpauth://")
    secret = r.json()["secret"]
    clock.now = start
    token = customer_token(USER)
    await build_history(client, clock)
    await sandbox_withdrawal(maker, clock, "w-hijack")
    # New device, new country, never-used address: held, with no 2FA change this time.
    body = withdrawal(
        "w-hijack", device_id="dev-x", country="BR", ip="203.0.113.9", to_address="TXnew2"
    )
    r = await client.post("/api/v1/risk/withdrawals", json=body, headers=EXCHANGE)
    assert r.json()["decision"] == "hold"
    pending = (await client.get("/api/v1/me/verifications", headers=auth(token))).json()
    assert pending[0]["method"] == "totp"
    # Re-enrolling TOTP while a hold waits is refused (a hijacker would mint their own).
    assert (
        await client.post("/api/v1/me/verifications/totp", headers=auth(token))
    ).status_code == 409
    code = pyotp.TOTP(secret).at(clock.now)
    r = await client.post(
        f"/api/v1/me/verifications/{pending[0]['id']}", json={"code": code}, headers=auth(token)
    )
    assert r.status_code == 200 and r.json()["status"] == "verified", r.text
    async with maker() as s:
        w = (
            await s.execute(
                select(SandboxWithdrawal).where(SandboxWithdrawal.withdrawal_id == "w-hijack")
            )
        ).scalar_one()
    assert w.status == "processing"


async def test_factors_the_attacker_may_control_are_not_used(client, clock, maker, customer_token):
    token = customer_token(USER, email="alice@example.com")
    # A TOTP enrolled minutes before the withdrawal (a hijacked session can do that).
    assert (
        await client.post("/api/v1/me/verifications/totp", headers=auth(token))
    ).status_code == 201
    await build_history(client, clock)
    await hijack(client, clock)
    pending = (await client.get("/api/v1/me/verifications", headers=auth(token))).json()
    assert [p["method"] for p in pending] == ["email"]
    # E-mail changed recently too: no self-service factor is left; an agent verifies.
    clock.advance(minutes=1)
    body = withdrawal(
        "w-2",
        device_id="dev-y",
        country="BR",
        to_address="TXother",
        amount="4900",
        recent_events=[
            {
                "event_id": "e-mail",
                "kind": "email_change",
                "at": (clock.now - timedelta(hours=2)).isoformat(),
            }
        ],
    )
    r = await client.post("/api/v1/risk/withdrawals", json=body, headers=EXCHANGE)
    assert r.json()["decision"] in ("hold", "decline")
    assert len((await client.get("/api/v1/me/verifications", headers=auth(token))).json()) == 1


async def test_not_me_freezes_the_account_and_opens_a_case(client, clock, maker, customer_token):
    token = customer_token(USER, email="alice@example.com")
    await client.get("/api/v1/me/verifications", headers=auth(token))
    await build_history(client, clock)
    await sandbox_withdrawal(maker, clock, "w-hijack")
    await hijack(client, clock)
    vid = (await client.get("/api/v1/me/verifications", headers=auth(token))).json()[0]["id"]
    r = await client.post(f"/api/v1/me/verifications/{vid}/not-me", headers=auth(token))
    assert r.status_code == 200 and r.json()["status"] == "denied"
    async with maker() as s:
        account = (
            await s.execute(select(SandboxAccount).where(SandboxAccount.user_id == USER))
        ).scalar_one()
        w = (
            await s.execute(
                select(SandboxWithdrawal).where(SandboxWithdrawal.withdrawal_id == "w-hijack")
            )
        ).scalar_one()
        case = (await s.execute(select(SecurityCase))).scalar_one()
    assert account.account_state == "frozen" and w.status == "held"
    assert case.reason == "customer_denied" and case.account_frozen and case.user_id == USER
    # While the case is open, any further withdrawal is declined.
    clock.advance(minutes=5)
    r = await client.post("/api/v1/risk/withdrawals", json=withdrawal("w-after"), headers=EXCHANGE)
    assert r.json()["decision"] == "decline"
    assert "account_under_review" in {x["code"] for x in r.json()["reasons"]}
    assert (
        await client.post(f"/api/v1/me/verifications/{vid}/not-me", headers=auth(token))
    ).status_code == 409


async def test_too_many_wrong_codes_freeze_the_account(client, clock, maker, customer_token):
    token = customer_token(USER, email="alice@example.com")
    await client.get("/api/v1/me/verifications", headers=auth(token))
    await build_history(client, clock)
    await sandbox_withdrawal(maker, clock, "w-hijack")
    await hijack(client, clock)
    vid = (await client.get("/api/v1/me/verifications", headers=auth(token))).json()[0]["id"]
    for left in (4, 3, 2, 1):
        r = await client.post(
            f"/api/v1/me/verifications/{vid}", json={"code": "999999"}, headers=auth(token)
        )
        assert r.status_code == 422 and r.json()["attempts_left"] == left
    r = await client.post(
        f"/api/v1/me/verifications/{vid}", json={"code": "999999"}, headers=auth(token)
    )
    assert r.status_code == 200 and r.json()["status"] == "failed"
    async with maker() as s:
        account = (
            await s.execute(select(SandboxAccount).where(SandboxAccount.user_id == USER))
        ).scalar_one()
        case = (await s.execute(select(SecurityCase))).scalar_one()
    assert account.account_state == "frozen" and case.reason == "verification_failed"


async def test_verification_codes_expire(client, clock, maker, customer_token):
    token = customer_token(USER, email="alice@example.com")
    await client.get("/api/v1/me/verifications", headers=auth(token))
    await build_history(client, clock)
    await hijack(client, clock)  # no sandbox withdrawal: the exchange holds it on our answer
    vid = (await client.get("/api/v1/me/verifications", headers=auth(token))).json()[0]["id"]
    clock.advance(minutes=16)
    r = await client.post(
        f"/api/v1/me/verifications/{vid}", json={"code": "123456"}, headers=auth(token)
    )
    assert r.status_code == 409
    assert (await client.get("/api/v1/me/verifications", headers=auth(token))).json() == []


async def test_exchange_endpoints_authenticate_and_validate(client, clock, maker):
    body = withdrawal("w-1")
    assert (await client.post("/api/v1/risk/withdrawals", json=body)).status_code == 401
    bad_key = {"X-Exchange-Key": "nope"}
    assert (
        await client.post("/api/v1/risk/withdrawals", json=body, headers=bad_key)
    ).status_code == 401
    for broken in (
        {"amount": "-1"},
        {"amount": "6000"},  # more than the balance
        {"country": "Germany"},
        {"login_at": "2026-11-02T02:00:00"},  # naive
        {"unexpected": 1},
    ):
        r = await client.post("/api/v1/risk/withdrawals", json={**body, **broken}, headers=EXCHANGE)
        assert r.status_code == 422, broken
    async with maker() as s:
        assert (await s.execute(select(RiskAssessment))).first() is None

    event = {"event_id": "e-1", "user_id": USER, "kind": "login", "at": clock.now.isoformat()}
    assert (await client.post("/api/v1/risk/events", json=event)).status_code == 401
    assert (
        await client.post("/api/v1/risk/events", json={**event, "kind": "dance"}, headers=EXCHANGE)
    ).status_code == 422
    assert (
        await client.post("/api/v1/risk/events", json=event, headers=EXCHANGE)
    ).status_code == 201
    again = await client.post("/api/v1/risk/events", json=event, headers=EXCHANGE)
    assert again.status_code == 200 and again.json()["replayed"]
    clash = await client.post(
        "/api/v1/risk/events", json={**event, "kind": "2fa_change"}, headers=EXCHANGE
    )
    assert clash.status_code == 409


async def test_customer_verification_endpoints_authz(client, clock, maker, customer_token):
    assert (await client.get("/api/v1/me/verifications")).status_code == 401
    assert (
        await client.post("/api/v1/me/verifications/1", json={"code": "123456"})
    ).status_code == 401
    assert (await client.post("/api/v1/me/verifications/1/not-me")).status_code == 401
    assert (await client.post("/api/v1/me/verifications/totp")).status_code == 401
    alice = customer_token(USER, email="alice@example.com")
    mallory = customer_token("u-2", email="m@example.com")
    await client.get("/api/v1/me/verifications", headers=auth(alice))
    await build_history(client, clock)
    await hijack(client, clock)
    vid = (await client.get("/api/v1/me/verifications", headers=auth(alice))).json()[0]["id"]
    r = await client.post(
        f"/api/v1/me/verifications/{vid}", json={"code": "123456"}, headers=auth(mallory)
    )
    assert r.status_code == 404
    assert (
        await client.post(f"/api/v1/me/verifications/{vid}/not-me", headers=auth(mallory))
    ).status_code == 404
    assert (await client.get("/api/v1/me/verifications", headers=auth(mallory))).json() == []
    r = await client.post(
        f"/api/v1/me/verifications/{vid}", json={"code": "12ab56"}, headers=auth(alice)
    )
    assert r.status_code == 422
    left = (await client.get("/api/v1/me/verifications", headers=auth(alice))).json()[0][
        "attempts_left"
    ]
    assert left == 5  # a malformed code is not an attempt


async def test_rule_sets_are_versioned(client, clock, maker):
    await make_agent(maker, "agent@x.io", now=clock.now)
    await make_agent(maker, "sec@x.io", now=clock.now, role=AgentRole.security)
    await make_agent(maker, "admin@x.io", now=clock.now, role=AgentRole.admin)
    agent = await login(client, "agent@x.io")
    sec = await login(client, "sec@x.io")
    admin = await login(client, "admin@x.io")
    assert (await client.get("/api/v1/risk/rules")).status_code == 401
    assert (await client.get("/api/v1/risk/rules", headers=agent)).status_code == 403
    current = (await client.get("/api/v1/risk/rules", headers=sec)).json()
    assert current["version"] == 1 and not current["stored"]
    rules = current["rules"]
    rules["thresholds"]["step_up"] = 5
    payload = {"rules": rules, "note": "stricter step-up"}
    assert (await client.post("/api/v1/risk/rules", json=payload, headers=sec)).status_code == 403
    bad = {
        "rules": {**rules, "thresholds": {"step_up": 50, "hold": 40, "decline": 90}},
        "note": "x",
    }
    r = await client.post("/api/v1/risk/rules", json=bad, headers=admin)
    assert r.status_code == 422 and "step_up <= hold" in r.json()["detail"]
    assert (
        await client.post("/api/v1/risk/rules", json={"rules": rules}, headers=admin)
    ).status_code == 422
    r = await client.post("/api/v1/risk/rules", json=payload, headers=admin)
    assert r.status_code == 201 and r.json()["version"] == 2
    versions = (await client.get("/api/v1/risk/rules/versions", headers=sec)).json()
    assert [v["version"] for v in versions] == [2, 1]
    assert (
        versions[0]["note"] == "stricter step-up" and versions[0]["created_by_agent_id"] is not None
    )
    assert versions[1]["created_by_agent_id"] is None

    await build_history(client, clock)
    r = await client.post(
        "/api/v1/risk/withdrawals", json=withdrawal("w-new-ip", ip="1.2.3.4"), headers=EXCHANGE
    )
    assert r.json()["rules_version"] == 2 and r.json()["decision"] == "step_up"
    a = await client.get("/api/v1/risk/assessments/w-new-ip", headers=sec)
    assert a.status_code == 200 and a.json()["rules_version"] == 2 and a.json()["signals"]
    assert (await client.get("/api/v1/risk/assessments/w-new-ip", headers=agent)).status_code == 403
    assert (await client.get("/api/v1/risk/assessments/nope", headers=sec)).status_code == 404


async def test_lookalike_contact_feeds_the_score(client, clock, maker):
    from trustdesk.models import Customer
    from trustdesk.models.trust import LookalikeContact

    await build_history(client, clock)
    async with maker() as s:
        customer = Customer(external_id=USER)
        s.add(customer)
        await s.flush()
        s.add(
            LookalikeContact(
                customer_id=customer.id,
                value="binance-support.help",
                kind="domain",
                at=clock.now - timedelta(days=1),
            )
        )
        await s.commit()
    r = await client.post(
        "/api/v1/risk/withdrawals",
        json=withdrawal("w-l", amount="4800", to_address="TXnew1"),
        headers=EXCHANGE,
    )
    assert r.json()["decision"] == "hold"
    assert "lookalike_contact" in {x["code"] for x in r.json()["reasons"]}


async def test_first_decision_uses_the_exchanges_own_history(client, clock, maker):
    """A user we never scored: logins and withdrawals from the connector are the baseline."""
    from trustdesk.models.exchange import SandboxSecurityEvent

    user = "u-seeded"
    async with maker() as s:
        s.add(SandboxAccount(user_id=user, created_at=clock.now, updated_at=clock.now))
        for d in (3, 10, 20):
            s.add(
                SandboxSecurityEvent(
                    user_id=user, kind="login", at=clock.now - timedelta(days=d), **HOME
                )
            )
            s.add(
                SandboxWithdrawal(
                    withdrawal_id=f"old-{d}",
                    user_id=user,
                    asset="USDT",
                    network="TRC20",
                    amount=Decimal("100"),
                    fee=Decimal("1"),
                    to_address=ADDR,
                    status="completed",
                    created_at=clock.now - timedelta(days=d),
                )
            )
        await s.commit()
    r = await client.post(
        "/api/v1/risk/withdrawals", json=withdrawal("w-seeded", user_id=user), headers=EXCHANGE
    )
    assert r.status_code == 200
    assert r.json()["decision"] == "approve", r.json()
    codes = {x["code"] for x in r.json()["reasons"]}
    assert "no_history" not in codes and "new_destination" not in codes
