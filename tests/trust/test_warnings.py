"""Look-alike warnings on inbound messages: recorded contacts, the risk read, the agents' list."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.factories import login, make_agent, open_ticket
from trustdesk.models import Customer
from trustdesk.trust import service
from trustdesk.trust.repository import lookalike_contacts

WARNINGS = "/api/v1/trust/warnings"


async def _setup(client, maker, clock, customer_token, lang="en"):
    async with maker() as session:
        await service.load_demo_channels(session, clock.now)
        await session.commit()
    ticket = await open_ticket(client, customer_token("c1", lang=lang))
    ticket["customer_id"] = await _customer_id(maker, "c1")
    return ticket


async def _customer_id(maker, external_id):
    async with maker() as session:
        stmt = select(Customer.id).where(Customer.external_id == external_id)
        return (await session.execute(stmt)).scalar_one()


async def test_scan_records_each_lookalike_and_warns_in_the_customer_language(
    client, maker, clock, customer_token
):
    ticket = await _setup(client, maker, clock, customer_token, lang="es")
    text = (
        "Me escribieron desde trustdesk-verify.com y luego @trustdesk_help en Telegram. "
        "También visité https://support.trustdesk.exchange/ que es el oficial."
    )
    async with maker() as session:
        warnings = await service.scan_inbound_message(
            session,
            text=text,
            customer_id=ticket["customer_id"],
            ticket_id=ticket["id"],
            now=clock.now,
        )
        await session.commit()
    assert [w.value for w in warnings] == ["trustdesk-verify.com", "@trustdesk_help"]
    first = warnings[0]
    assert first.language == "es"
    assert first.matched_official == "trustdesk.exchange"
    assert "NO es uno de nuestros canales oficiales" in first.customer_text
    assert "No inicies sesión" in first.customer_text
    assert "trustdesk-verify.com imitates trustdesk.exchange" in first.agent_text
    assert "added word" in first.agent_text
    assert {"added_word", "other_tld"} <= set(first.reasons)
    assert warnings[1].kind == "handle" and warnings[1].matched_official == "@trustdesk"


async def test_clean_message_records_nothing(client, maker, clock, customer_token):
    c1 = (await _setup(client, maker, clock, customer_token))["customer_id"]
    async with maker() as session:
        warnings = await service.scan_inbound_message(
            session,
            text="Hello, my deposit on support.trustdesk.exchange is late. Email: me@example.com",
            customer_id=c1,
            now=clock.now,
        )
        await session.commit()
        assert warnings == []
        assert await lookalike_contacts(session, c1, clock.now - timedelta(days=1)) == []


async def test_lookalike_contacts_reads_by_customer_and_time(client, maker, clock, customer_token):
    ticket = await _setup(client, maker, clock, customer_token)
    c1 = ticket["customer_id"]
    await open_ticket(client, customer_token("c2"))
    c2 = await _customer_id(maker, "c2")
    start = clock.now
    async with maker() as session:
        await service.scan_inbound_message(
            session,
            text="login at trustdesk.com",
            customer_id=c1,
            ticket_id=ticket["id"],
            now=start,
        )
        await service.scan_inbound_message(
            session,
            text="they said support is trustdesk-help.net",
            customer_id=c1,
            conversation_id=77,
            now=start + timedelta(hours=2),
        )
        await service.scan_inbound_message(
            session, text="is trustdesk.com real?", customer_id=c2, now=start
        )
        await session.commit()
    async with maker() as session:
        all_c1 = await lookalike_contacts(session, c1, start - timedelta(minutes=1))
        recent = await lookalike_contacts(session, c1, start + timedelta(hours=1))
    assert [c.value for c in all_c1] == ["trustdesk.com", "trustdesk-help.net"]
    assert all_c1[0].ticket_id == ticket["id"] and all_c1[0].conversation_id is None
    assert all_c1[0].kind == "domain" and all_c1[0].reasons == ["other_tld"]
    assert all_c1[0].at == start
    assert all_c1[1].conversation_id == 77
    assert [c.value for c in recent] == ["trustdesk-help.net"]
    # Withdrawal scoring sees the same contacts, by the exchange's user id.
    from trustdesk.risk.repository import lookalike_contacts as risk_contacts

    async with maker() as session:
        seen = await risk_contacts(session, "c1", start - timedelta(minutes=1))
    assert sorted(seen) == [start, start + timedelta(hours=2)]


async def test_agents_read_warnings_newest_first(client, maker, clock, customer_token):
    ticket = await _setup(client, maker, clock, customer_token, lang="de")
    c1 = ticket["customer_id"]
    async with maker() as session:
        for i, url in enumerate(["trustdesk.com", "trustdesk-verify.com"]):
            await service.scan_inbound_message(
                session,
                text=f"see {url}",
                customer_id=c1,
                ticket_id=ticket["id"],
                now=clock.now + timedelta(minutes=i),
            )
        await session.commit()
    assert (await client.get(WARNINGS, params={"customer_id": c1})).status_code == 401
    customer = {"Authorization": f"Bearer {customer_token('c1')}"}
    assert (
        await client.get(WARNINGS, params={"customer_id": c1}, headers=customer)
    ).status_code == 401
    await make_agent(maker, "a@x.io", now=clock.now)
    agent = await login(client, "a@x.io")
    page = await client.get(WARNINGS, params={"customer_id": c1, "limit": 1}, headers=agent)
    assert page.status_code == 200
    body = page.json()
    assert [w["value"] for w in body["items"]] == ["trustdesk-verify.com"]
    assert body["items"][0]["language"] == "de"
    assert "KEIN offizieller Kanal" in body["items"][0]["customer_text"]
    assert body["items"][0]["agent_text"].startswith("Look-alike domain")
    rest = await client.get(
        WARNINGS, params={"customer_id": c1, "cursor": body["next_cursor"]}, headers=agent
    )
    assert [w["value"] for w in rest.json()["items"]] == ["trustdesk.com"]
    missing = await client.get(WARNINGS, params={"customer_id": 999}, headers=agent)
    assert missing.status_code == 404
    assert (await client.get(WARNINGS, headers=agent)).status_code == 422
    bad = await client.get(WARNINGS, params={"customer_id": c1, "cursor": "zz"}, headers=agent)
    assert bad.status_code == 422
