"""A withdrawal held by risk control: the assistant reassures, explains the hold and offers the
security check as `reply.verification` (answered at the risk API, never in the chat), both when
the chat opens and when the customer asks about the withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from tests.chat import BASE, say, start
from tests.conftest import auth
from tests.stepup import build_history, hijack, sandbox_withdrawal, smtp_server
from trustdesk.models import TicketMessage
from trustdesk.models.assistant import ConversationMessage
from trustdesk.risk.verification import SmtpEmailSender

USER = "u-77"


@pytest.fixture
def inbox(app):
    with smtp_server() as (inbox, port):
        app.state.risk_email_sender = SmtpEmailSender("127.0.0.1", port, "security@x.test")
        yield inbox


async def held(client, clock, maker, token, *, twofa_changed=True):
    # The customer exists (with the e-mail address of their token) before the hold.
    assert (await client.get("/api/v1/me/verifications", headers=auth(token))).json() == []
    await build_history(client, clock, USER)
    await sandbox_withdrawal(maker, clock.now, USER, "w-held")
    await hijack(client, clock, USER, "w-held", twofa_changed=twofa_changed)


async def test_opening_the_chat_offers_the_emailed_code_check(
    client, clock, maker, customer_token, inbox
):
    token = customer_token(USER, email="alice@example.com", lang="en")
    await held(client, clock, maker, token)
    reply = (await start(client, token))["reply"]
    prompt = reply["verification"]
    assert prompt is not None and prompt["method"] == "email"
    assert prompt["attempts_left"] == 5
    assert prompt["expires_at"].startswith(str(clock.now.date()))
    assert prompt["withdrawal"] == {
        "id": "w-held",
        "amount": "4750",
        "asset": "USDT",
        "network": "TRC20",
        "destination": "TXhijack…0001",
        "requested_at": prompt["withdrawal"]["requested_at"],
    }
    assert prompt["submit_url"] == f"/api/v1/me/verifications/{prompt['id']}"
    assert prompt["not_me_url"] == f"/api/v1/me/verifications/{prompt['id']}/not-me"
    text = reply["text"]
    assert text.startswith("Hello! I'm the support assistant.")
    assert "Your funds are safe. We paused your withdrawal of 4750 USDT to TXhijack…0001" in text
    assert "the 6-digit code we e-mailed to you" in text and "never type it in the chat" in text
    # Never a reason: no device, country or score in what the customer reads.
    assert "device" not in str(reply).lower() and "score" not in str(reply).lower()

    # The form posts the e-mailed code to the risk API: the withdrawal is released.
    r = await client.post(prompt["submit_url"], json={"code": inbox.code()}, headers=auth(token))
    assert r.status_code == 200 and r.json()["status"] == "verified", r.text
    assert (await start(client, token))["reply"]["verification"] is None


async def test_asking_about_the_withdrawal_in_spanish_offers_the_check(
    client, clock, maker, customer_token, inbox
):
    token = customer_token(USER, email="alice@example.com", lang="es")
    await held(client, clock, maker, token)
    conv = await start(client, token, "hola")
    reply = await say(client, token, conv["id"], "¿dónde está mi retiro? sigue pendiente")
    assert reply["language"] == "es" and reply["intent"] == "withdrawal_pending"
    assert [a["detail"] for a in reply["actions_taken"] if a["type"] == "lookup"] == [
        {"name": "withdrawal", "verdict": "held_by_risk_control"}
    ]
    assert reply["verification"]["withdrawal"]["id"] == "w-held"
    assert reply["text"].startswith(
        "Tus fondos están seguros. Pausamos tu retiro de 4750 USDT a TXhijack…0001 para protegerte"
    )
    assert "el código de 6 dígitos que te enviamos por correo" in reply["text"]
    assert "nunca lo escribas en el chat" in reply["text"]
    # Stored with the reply, so the chat page renders the form from the history.
    history = (await client.get(f"{BASE}/{conv['id']}", headers=auth(token))).json()
    assert history["messages"][-1]["reply"]["verification"]["id"] == reply["verification"]["id"]


async def test_a_code_typed_into_the_chat_is_masked_and_never_stored(
    client, clock, maker, customer_token, inbox
):
    token = customer_token(USER, email="alice@example.com", lang="en")
    await held(client, clock, maker, token)
    conv = await start(client, token)
    code = inbox.code()
    handed = await say(client, token, conv["id"], "I want to talk to a person")
    reply = await say(client, token, conv["id"], f"here it is {code[:3]} {code[3:]}")
    assert "otp_code" in reply["redactions"]
    assert "I removed the code from your message" in reply["text"]
    assert reply["text"].count("For your safety") == 0  # one warning, the precise one
    async with maker() as session:
        bodies = [
            *(await session.execute(select(ConversationMessage.body))).scalars(),
            *(await session.execute(select(TicketMessage.body))).scalars(),
        ]
    assert handed["handoff"]["ticket_id"] is not None
    assert all(code not in body and f"{code[:3]} {code[3:]}" not in body for body in bodies)
    assert any("[redacted: 2FA code]" in body for body in bodies)
    # An amount is not a code.
    other = await say(client, token, conv["id"], "I wanted to send 250000 USDT")
    assert "otp_code" not in other["redactions"]
    # The code still works in the form: the chat never used it.
    vid = conv["reply"]["verification"]["id"]
    r = await client.post(
        f"/api/v1/me/verifications/{vid}", json={"code": code}, headers=auth(token)
    )
    assert r.status_code == 200 and r.json()["status"] == "verified"


async def test_authenticator_check_in_japanese(client, clock, maker, customer_token):
    start_at = clock.now
    clock.now = start_at - timedelta(days=5)  # enrolled long before: a trustworthy factor
    then = customer_token(USER, email="alice@example.com", lang="ja")
    r = await client.post("/api/v1/me/verifications/totp", headers=auth(then))
    assert r.status_code == 201, r.text
    secret = r.json()["secret"]
    clock.now = start_at
    token = customer_token(USER, email="alice@example.com", lang="ja")
    await build_history(client, clock, USER)
    await sandbox_withdrawal(maker, clock.now, USER, "w-held")
    await hijack(client, clock, USER, "w-held", twofa_changed=False)
    reply = (await start(client, token, "出金がまだ届きません"))["reply"]
    assert reply["language"] == "ja"
    prompt = reply["verification"]
    assert prompt["method"] == "totp"
    assert "資金は安全です" in reply["text"] and "認証アプリの 6 桁のコード" in reply["text"]
    code = pyotp.TOTP(secret).at(clock.now)
    r = await client.post(prompt["submit_url"], json={"code": code}, headers=auth(token))
    assert r.status_code == 200 and r.json()["status"] == "verified", r.text


async def test_no_pending_check_means_no_verification_field(client, clock, customer_token):
    token = customer_token(USER, email="alice@example.com", lang="en")
    reply = (await start(client, token))["reply"]
    assert reply["verification"] is None and reply["text"].startswith("Hello!")
