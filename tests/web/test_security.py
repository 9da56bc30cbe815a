"""The customer's security check of a held withdrawal on the pages: the banner on every page,
the Security check page (code form, "This wasn't me", outcomes) and the chat's form, through the
real app with a real SMTP server catching the e-mailed code."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.stepup import build_history, hijack, sandbox_withdrawal, smtp_server
from trustdesk.assistant import service
from trustdesk.models.assistant import ConversationMessage
from trustdesk.models.exchange import SandboxAccount, SandboxWithdrawal
from trustdesk.models.risk import RiskVerification, SecurityCase
from trustdesk.risk.verification import SmtpEmailSender

USER = "u-88"


@pytest.fixture(scope="session", autouse=True)
def intent_model():
    return service.get_classifier()


@pytest.fixture
def inbox(app):
    with smtp_server() as (inbox, port):
        app.state.risk_email_sender = SmtpEmailSender("127.0.0.1", port, "security@x.test")
        yield inbox


async def _held(client, clock, maker, customer_token, lang="en"):
    """A customer with a web session whose withdrawal risk control has just held."""
    token = customer_token(USER, email="carol@example.com", lang=lang)
    response = await client.get("/app", params={"token": token})
    assert response.status_code == 303
    await build_history(client, clock, USER)
    await sandbox_withdrawal(maker, clock.now, USER, "w-web")
    await hijack(client, clock, USER, "w-web")
    async with maker() as session:
        verification = (await session.execute(select(RiskVerification))).scalar_one()
    return verification.id


async def _withdrawal_status(maker):
    async with maker() as session:
        row = await session.execute(
            select(SandboxWithdrawal.status).where(SandboxWithdrawal.withdrawal_id == "w-web")
        )
        return row.scalar_one()


async def _attempts(maker, vid):
    async with maker() as session:
        return (await session.get(RiskVerification, vid)).attempts


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/app/security"),
        ("post", "/app/security/1/code"),
        ("post", "/app/security/1/not-me"),
        ("post", "/app/chat/verifications/1/code"),
        ("post", "/app/chat/verifications/1/not-me"),
    ],
)
async def test_security_pages_need_a_session(client, method, path):
    response = await getattr(client, method)(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/app/signed-out"


async def test_nothing_pending_shows_no_banner(client, customer_token):
    await client.get("/app", params={"token": customer_token(USER)})
    page = await client.get("/app/security")
    assert page.status_code == 200
    assert 'data-testid="security-none"' in page.text
    assert 'data-testid="security-banner"' not in (await client.get("/app/tickets")).text


async def test_banner_everywhere_then_the_code_releases_the_withdrawal(
    client, clock, maker, customer_token, inbox
):
    vid = await _held(client, clock, maker, customer_token)
    for path in ("/app/chat", "/app/tickets", "/app/deposits", "/app/help", "/app/check"):
        page = await client.get(path)
        assert 'data-testid="security-banner"' in page.text, path
        assert "A withdrawal is waiting for your confirmation." in page.text
    page = await client.get("/app/security")
    assert 'data-testid="security-banner"' not in page.text
    assert "Withdrawal of 4750 USDT" in page.text
    assert "TXhijack…0001" in page.text and "TXhijacker000000000000000000000001" not in page.text
    assert "Enter the 6-digit code we e-mailed to you." in page.text
    assert f'action="/app/security/{vid}/code"' in page.text
    assert "This wasn&#39;t me" in page.text

    # Not a code: a clear 422, no attempt counted.
    bad = await client.post(f"/app/security/{vid}/code", data={"code": "12ab"})
    assert bad.status_code == 422 and "Enter the 6 to 8 digits of the code." in bad.text
    assert await _attempts(maker, vid) == 0

    code = inbox.code()
    wrong = "000000" if code != "000000" else "111111"
    response = await client.post(f"/app/security/{vid}/code", data={"code": wrong})
    assert response.status_code == 303
    assert response.headers["location"] == f"/app/security?checked={vid}&wrong=1"
    page = await client.get(response.headers["location"])
    assert "That code is not right. The withdrawal stays on hold." in page.text
    assert "Attempts left: 4" in page.text
    assert await _withdrawal_status(maker) == "held"

    response = await client.post(f"/app/security/{vid}/code", data={"code": code})
    assert response.headers["location"] == f"/app/security?checked={vid}"
    page = await client.get(response.headers["location"])
    assert "Confirmed: your withdrawal is released." in page.text
    assert "What happens next: it is sent to the network" in page.text
    assert await _withdrawal_status(maker) == "processing"
    assert 'data-testid="security-banner"' not in (await client.get("/app/tickets")).text
    # Answered: the same code again changes nothing and says how it ended.
    again = await client.post(f"/app/security/{vid}/code", data={"code": code})
    page = await client.get(again.headers["location"])
    assert "Confirmed: your withdrawal is released." in page.text


async def test_this_was_not_me_locks_the_account_in_german(
    client, clock, maker, customer_token, inbox
):
    vid = await _held(client, clock, maker, customer_token, lang="de")
    page = await client.get("/app/security")
    assert "Sicherheitsprüfung" in page.text and "Das war ich nicht" in page.text
    assert "Wir sperren Ihr Konto sofort" in page.text  # said before the button
    response = await client.post(f"/app/security/{vid}/not-me")
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Ihr Konto ist gesperrt und die Auszahlung bleibt angehalten." in page.text
    assert "Unser Sicherheitsteam meldet sich" in page.text
    async with maker() as session:
        account = (
            await session.execute(select(SandboxAccount).where(SandboxAccount.user_id == USER))
        ).scalar_one()
        cases = (await session.execute(select(SecurityCase))).scalars().all()
    assert account.account_state == "frozen"
    assert [c.reason for c in cases] == ["customer_denied"]
    assert await _withdrawal_status(maker) == "held"


async def test_someone_elses_check_is_404_and_changes_nothing(
    client, clock, maker, customer_token, inbox
):
    vid = await _held(client, clock, maker, customer_token)
    await client.get("/app", params={"token": customer_token("u-other")})
    response = await client.post(f"/app/security/{vid}/code", data={"code": "123456"})
    assert response.status_code == 404
    assert (await client.post(f"/app/security/{vid}/not-me")).status_code == 404
    response = await client.post(f"/app/chat/verifications/{vid}/code", data={"code": "123456"})
    assert response.status_code == 404
    assert await _attempts(maker, vid) == 0
    assert await _withdrawal_status(maker) == "held"


async def test_the_chat_offers_the_check_and_shows_only_the_outcome(
    client, clock, maker, customer_token, inbox
):
    vid = await _held(client, clock, maker, customer_token, lang="es")
    chat = await client.get("/app/chat")
    assert 'data-testid="verify-offer"' in chat.text
    assert "Tus fondos están seguros. Pausamos tu retiro de 4750 USDT" in chat.text
    assert f'action="/app/chat/verifications/{vid}/code"' in chat.text

    bad = await client.post(f"/app/chat/verifications/{vid}/code", data={"code": "x"})
    assert bad.status_code == 422 and "Introduce los 6 a 8 dígitos del código." in bad.text

    # The e-mailed code speaks the customer's language too.
    assert inbox.text().startswith("Tu código de seguridad es ")
    code = inbox.code()
    wrong = "000000" if code != "000000" else "111111"
    response = await client.post(f"/app/chat/verifications/{vid}/code", data={"code": wrong})
    assert response.status_code == 303 and response.headers["location"] == "/app/chat"
    chat = await client.get("/app/chat")
    assert "Ese código no es correcto, así que el retiro sigue en pausa. Te quedan 4" in chat.text
    # The form moves under that answer (offered again), not at the opening any more.
    assert chat.text.count('data-testid="verify-form"') == 1
    assert 'data-testid="verify-offer"' not in chat.text

    await client.post(f"/app/chat/verifications/{vid}/code", data={"code": code})
    chat = await client.get("/app/chat")
    assert "Gracias, confirmaste que fuiste tú. Tu retiro de 4750 USDT queda liberado" in chat.text
    assert 'data-testid="verify-form"' not in chat.text
    assert await _withdrawal_status(maker) == "processing"
    async with maker() as session:
        bodies = (await session.execute(select(ConversationMessage.body))).scalars().all()
    assert bodies and all(code not in b and wrong not in b for b in bodies)


async def test_this_was_not_me_from_the_chat(client, clock, maker, customer_token, inbox):
    vid = await _held(client, clock, maker, customer_token, lang="en")
    # The customer first asks in the chat; the answer offers the check.
    await client.post("/app/chat/messages", data={"message": "where is my withdrawal?"})
    chat = await client.get("/app/chat")
    assert "Your funds are safe. We paused your withdrawal of 4750 USDT" in chat.text
    assert len(re.findall(r'data-testid="verify-form"', chat.text)) == 1
    response = await client.post(f"/app/chat/verifications/{vid}/not-me")
    assert response.status_code == 303
    chat = await client.get("/app/chat")
    assert "We have locked your account and kept the withdrawal of 4750 USDT on hold" in chat.text
    async with maker() as session:
        account = (
            await session.execute(select(SandboxAccount).where(SandboxAccount.user_id == USER))
        ).scalar_one()
    assert account.account_state == "frozen"
