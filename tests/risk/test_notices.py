"""What risk control tells the customer is in the customer's language: the hold's ticket and
the e-mailed security code; every catalog language has every notice with the same
placeholders, and none says why the check fired."""

from __future__ import annotations

import re
from email import message_from_string
from email.policy import default as default_policy

import pytest
from sqlalchemy import select

from tests.conftest import auth
from tests.risk.test_holds import USER, build_history, hijack, sandbox_withdrawal, smtp  # noqa: F401
from trustdesk.models import Ticket, TicketMessage
from trustdesk.models.risk import RiskAssessment
from trustdesk.risk import notices
from trustdesk.risk.verification import SmtpEmailSender
from trustdesk.triage.language import SUPPORTED_LANGUAGES

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("language", sorted(SUPPORTED_LANGUAGES))
def test_every_language_has_every_notice_with_the_same_placeholders(language):
    english = notices.catalog()["en"]
    texts = notices.catalog()[language]
    assert set(texts) == set(english)
    for key, text in texts.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), key
        # Never a reason: the customer must not learn what tripped the check.
        assert not re.search(r"2FA|device|score|IP\b", text), (language, key)


async def test_a_turkish_customers_hold_speaks_turkish(
    client,
    clock,
    maker,
    app,
    smtp,  # noqa: F811
    customer_token,
):
    inbox, port = smtp
    app.state.risk_email_sender = SmtpEmailSender("127.0.0.1", port, "security@trustdesk.test")
    token = customer_token(USER, email="ayse@example.com", lang="tr")
    assert (await client.get("/api/v1/me/verifications", headers=auth(token))).status_code == 200
    await build_history(client, clock)
    await sandbox_withdrawal(maker, clock, "w-hijack")
    assert (await hijack(client, clock))["decision"] == "hold"

    async with maker() as s:
        row = (
            await s.execute(
                select(RiskAssessment).where(RiskAssessment.withdrawal_id == "w-hijack")
            )
        ).scalar_one()
        ticket = await s.get(Ticket, row.ticket_id)
        public = (
            (
                await s.execute(
                    select(TicketMessage.body).where(
                        TicketMessage.ticket_id == ticket.id, TicketMessage.internal.is_(False)
                    )
                )
            )
            .scalars()
            .all()
        )
    assert ticket.language == "tr"
    assert ticket.subject == "Çekim işleminiz güvenlik kontrolü için durduruldu"
    assert len(public) == 1 and "Fonlarınız güvende" in public[0] and "w-hijack" in public[0]

    assert len(inbox.messages) == 1
    mail = message_from_string(inbox.messages[0], policy=default_policy)
    assert mail["Subject"] == "Çekim işleminizi onaylayın"
    text = mail.get_body().get_content()
    code = re.search(r"Güvenlik kodunuz: (\d{6})", text).group(1)
    assert "Bu ben değilim" in text
    vid = (await client.get("/api/v1/me/verifications", headers=auth(token))).json()[0]["id"]
    r = await client.post(
        f"/api/v1/me/verifications/{vid}", json={"code": code}, headers=auth(token)
    )
    assert r.status_code == 200 and r.json()["status"] == "verified", r.text
