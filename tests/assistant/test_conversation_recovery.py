"""The chat's "Open a recovery case" recovers the diagnosed deposit: whole conversations through
the API against the demo sandbox exchange (u-1011: XRP without its tag from a wallet used before,
recovered automatically; u-1006: USDT sent on BSC to an ERC20 address, a manual case)."""

from __future__ import annotations

import socket
from decimal import Decimal

from sqlalchemy import func, select

from tests import chat
from tests.chat import BASE, buttons, lookups, say, start
from tests.conftest import auth
from tests.factories import login, make_agent
from trustdesk.db import commit
from trustdesk.exchange.chains import default_registry
from trustdesk.exchange.http_connector import HttpConnector
from trustdesk.exchange.sandbox import SandboxConnector
from trustdesk.models import Ticket, TicketMessage
from trustdesk.models.agent import AgentRole
from trustdesk.models.exchange import SandboxBalance
from trustdesk.models.recovery import RecoveryCase

MEMO_TXID = f"{1011 * 100 + 1:064x}"  # u-1011: 35 XRP without the tag
WRONG_NETWORK_TXID = "0x" + f"{1006 * 100 + 1:064x}"  # u-1006: 200 USDT on BSC


async def press(client, token, conversation_id, action="start_recovery"):
    return await chat.press(client, token, conversation_id, action)


def action(reply, kind):
    found = [a["detail"] for a in reply["actions_taken"] if a["type"] == kind]
    return found[0] if found else None


async def balance(maker, user, asset):
    async with maker() as session:
        row = (
            await session.execute(
                select(SandboxBalance).where(
                    SandboxBalance.user_id == user, SandboxBalance.asset == asset
                )
            )
        ).scalar_one_or_none()
    return Decimal(row.available).quantize(Decimal("0.00000001")).normalize() if row else 0


async def count(maker, model):
    async with maker() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


# -- automatic recovery ------------------------------------------------------------------------


async def test_portuguese_missing_tag_is_credited_at_once_and_then_looked_up_as_credited(
    client, customer_token, sandbox, maker
):
    token = customer_token("u-1011", lang="pt-BR")
    conv = await start(client, token, f"Enviei XRP sem a tag e não chegou. txid {MEMO_TXID}")
    first = conv["reply"]
    assert first["language"] == "pt-BR"
    assert lookups(first) == {"deposit": "missing_memo"}
    assert "start_recovery" in buttons(first)

    reply = await press(client, token, conv["id"])
    assert reply["language"] == "pt-BR"
    recovered = action(reply, "deposit_recovered")
    assert recovered is not None and recovered["earlier"] is False
    assert (recovered["asset"], recovered["amount"], recovered["credited_amount"]) == (
        "XRP",
        "35",
        "35",
    )
    assert recovered["fee"] == "0" and recovered["reference"].startswith("rcv-")
    case_id = recovered["case_id"]
    assert reply["text"].startswith("Pronto — seu depósito foi recuperado: 35 XRP")
    assert f"nº {case_id}" in reply["text"] and "taxa" not in reply["text"]
    assert reply["facts"]["case_id"] == case_id and reply["facts"]["credited_amount"] == "35"
    assert reply["handoff"]["state"] == "none" and reply["buttons"] == []
    assert reply["asks"] is None
    assert await balance(maker, "u-1011", "XRP") == 40 + 35

    # A repeat press answers with the same recovery and credits nothing more.
    again = await press(client, token, conv["id"])
    repeat = action(again, "deposit_recovered")
    assert repeat["case_id"] == case_id and repeat["earlier"] is True
    assert again["text"].startswith("Este depósito já foi recuperado: 35 XRP")
    assert await balance(maker, "u-1011", "XRP") == 75
    assert await count(maker, RecoveryCase) == 1

    # Asked again, the same deposit is now credited (the credit is recorded under its txid).
    later = await say(client, token, conv["id"], f"onde está meu depósito? txid {MEMO_TXID}")
    assert lookups(later) == {"deposit": "credited"}
    assert later["facts"]["amount"] == "35" and later["facts"]["txid"] == MEMO_TXID
    assert "start_recovery" not in buttons(later)
    fresh = (await start(client, token, f"meu depósito de XRP não chegou, txid {MEMO_TXID}"))[
        "reply"
    ]
    assert lookups(fresh) == {"deposit": "credited"}


async def test_english_recovery_is_told_in_the_customers_words_and_recorded(
    client, customer_token, sandbox, maker
):
    token = customer_token("u-1011", lang="en")
    conv = await start(client, token, f"my XRP deposit is missing, txid {MEMO_TXID}")
    reply = await press(client, token, conv["id"])
    case_id = action(reply, "deposit_recovered")["case_id"]
    assert reply["text"] == (
        "Done — your deposit is recovered: 35 XRP has been credited to your balance "
        f"(recovery #{case_id}). You can use it right away."
    )
    async with maker() as session:
        case = await session.get(RecoveryCase, case_id)
        assert (case.kind, case.status, case.txid) == ("auto", "executed", MEMO_TXID)
    history = (await client.get(f"{BASE}/{conv['id']}", headers=auth(token))).json()
    stored = history["messages"][-1]["reply"]
    assert any(a["type"] == "deposit_recovered" for a in stored["actions_taken"])


# -- manual recovery ---------------------------------------------------------------------------


async def test_spanish_wrong_network_opens_a_manual_case_followed_in_my_tickets(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1006", lang="es")
    conv = await start(client, token, "hice un depósito de usdt y no se refleja en mi saldo")
    assert conv["reply"]["asks"] == "txid"
    second = await say(client, token, conv["id"], f"aquí está: {WRONG_NETWORK_TXID}")
    assert lookups(second) == {"deposit": "wrong_network"}

    reply = await press(client, token, conv["id"])
    opened = action(reply, "recovery_case_opened")
    assert opened is not None and opened["earlier"] is False
    case_id, ticket_id = opened["case_id"], opened["ticket_id"]
    assert (opened["asset"], opened["amount"], opened["queue"]) == ("USDT", "200", "tier2")
    assert opened["status"] == "intake_pending"
    assert Decimal(opened["fee"]) > 0
    assert action(reply, "handoff") == {"ticket_id": ticket_id}
    # The handoff fields show the case's ticket, like any handoff: queue position and wait.
    handoff = reply["handoff"]
    assert handoff["state"] == "queued" and handoff["ticket_id"] == ticket_id
    assert handoff["queue_position"] == opened["queue_position"] >= 1
    assert handoff["estimated_wait_seconds"] is not None
    text = reply["text"]
    assert text.startswith(f"He abierto el caso de recuperación #{case_id} para tus 200 USDT")
    assert f"ticket #{ticket_id}" in text and "Mis tickets" in text
    assert f"La comisión de recuperación es de {opened['fee']} USDT" in text
    assert "Esperamos completarlo en un plazo de" in text
    assert f"Eres el número {handoff['queue_position']} en la cola" in text
    assert "talk_to_human" not in buttons(reply) and reply["asks"] is None

    async with maker() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert (ticket.intent, ticket.channel, ticket.language, ticket.tier) == (
            "deposit_recovery",
            "chat",
            "es",
            "tier2",
        )
        notes = (
            (
                await session.execute(
                    select(TicketMessage).where(
                        TicketMessage.ticket_id == ticket_id, TicketMessage.internal.is_(True)
                    )
                )
            )
            .scalars()
            .all()
        )
    # The specialist gets the whole conversation and the diagnosis: nobody asks again.
    note = "\n".join(n.body for n in notes)
    assert WRONG_NETWORK_TXID in note and "wrong_network" in note and "aquí está" in note

    # A repeat press answers with the same case; nothing new is opened.
    again = await press(client, token, conv["id"])
    repeat = action(again, "recovery_case_opened")
    assert (repeat["case_id"], repeat["ticket_id"], repeat["earlier"]) == (case_id, ticket_id, True)
    assert again["text"].startswith(f"El caso de recuperación #{case_id} de este depósito ya")
    assert again["handoff"]["ticket_id"] == ticket_id
    assert await count(maker, RecoveryCase) == 1
    assert await count(maker, Ticket) == 1

    # What the customer writes next reaches the specialists on the case.
    await say(client, token, conv["id"], "Lo envié desde mi cuenta de otro exchange")
    mine = (await client.get(f"/api/v1/me/tickets/{ticket_id}", headers=auth(token))).json()
    assert "Lo envié desde mi cuenta de otro exchange" in [m["body"] for m in mine["messages"]]
    # An agent's reply on the case shows in the chat, and the assistant steps back.
    await make_agent(maker, "rosa@x.io", now=clock.now, queues=["tier2"])
    agent = await login(client, "rosa@x.io")
    response = await client.post(
        f"/api/v1/tickets/{ticket_id}/messages", headers=agent, json={"body": "Hola, lo reviso"}
    )
    assert response.status_code == 201, response.text
    history = (await client.get(f"{BASE}/{conv['id']}", headers=auth(token))).json()
    assert history["messages"][-1]["text"] == "Hola, lo reviso"
    assert history["handoff"]["state"] == "agent_joined"


# -- failures ----------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_exchange_down_answers_clearly_changes_nothing_and_can_be_retried(
    client, customer_token, sandbox, maker, app
):
    token = customer_token("u-1011", lang="de")
    conv = await start(client, token, f"Meine XRP-Einzahlung fehlt, txid {MEMO_TXID}")
    assert lookups(conv["reply"]) == {"deposit": "missing_memo"}
    down = HttpConnector(f"http://127.0.0.1:{_closed_port()}", "key", retries=0)
    app.state.exchange_connector = down
    try:
        reply = await press(client, token, conv["id"])
    finally:
        del app.state.exchange_connector
        await down.aclose()
    assert reply["language"] == "de"
    assert reply["text"].startswith("Ich konnte den Wiederherstellungsdienst gerade nicht")
    assert "start_recovery" in buttons(reply) and "talk_to_human" in buttons(reply)
    assert reply["handoff"]["state"] == "offered"
    assert action(reply, "deposit_recovered") is None
    assert await count(maker, RecoveryCase) == 0
    assert await balance(maker, "u-1011", "XRP") == 40

    retried = await press(client, token, conv["id"])
    assert action(retried, "deposit_recovered")["credited_amount"] == "35"
    assert await balance(maker, "u-1011", "XRP") == 75


async def test_a_deposit_credited_meanwhile_needs_no_recovery(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1006", lang="en")
    conv = await start(client, token, f"my USDT deposit is missing, txid {WRONG_NETWORK_TXID}")
    assert lookups(conv["reply"]) == {"deposit": "wrong_network"}
    # The exchange's back office credits it on its own before the customer presses the button.
    async with maker() as session:
        exchange = SandboxConnector(session, default_registry(), lambda: clock.now)
        await exchange.credit_recovered_deposit(
            "u-1006", "USDT", "BSC", Decimal(200), "back-office-1", source_txid=WRONG_NETWORK_TXID
        )
        await commit(session)
    reply = await press(client, token, conv["id"])
    assert reply["text"] == (
        "This deposit doesn't need recovering any more: it has been credited to your balance."
    )
    assert action(reply, "recovery_case_opened") is None
    assert await count(maker, RecoveryCase) == 0
    assert reply["handoff"]["state"] == "none"


async def test_a_reversed_recovery_is_explained_and_a_person_offered(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1011", lang="fr")
    conv = await start(client, token, f"mon dépôt XRP n'est pas arrivé, txid {MEMO_TXID}")
    case_id = action(await press(client, token, conv["id"]), "deposit_recovered")["case_id"]
    await make_agent(maker, "admin@x.io", now=clock.now, role=AgentRole.admin)
    admin = await login(client, "admin@x.io")
    response = await client.post(
        f"/api/v1/recoveries/{case_id}/reverse", headers=admin, json={"reason": "duplicate"}
    )
    assert response.status_code == 200, response.text
    reply = await press(client, token, conv["id"])
    assert reply["text"].startswith(f"La récupération de ce dépôt (#{case_id}) a été annulée.")
    assert "talk_to_human" in buttons(reply)
    assert await balance(maker, "u-1011", "XRP") == 40


async def test_nothing_to_recover_is_409_and_someone_elses_conversation_404(
    client, customer_token, sandbox, maker
):
    token = customer_token("u-1001", lang="en")
    conv = await start(client, token, "hello")
    response = await client.post(
        f"{BASE}/{conv['id']}/actions", json={"action": "start_recovery"}, headers=auth(token)
    )
    assert response.status_code == 409 and "recovery" in response.json()["detail"]
    mine = await start(client, customer_token("u-1011"), f"XRP deposit missing, txid {MEMO_TXID}")
    response = await client.post(
        f"{BASE}/{mine['id']}/actions", json={"action": "start_recovery"}, headers=auth(token)
    )
    assert response.status_code == 404
    assert await count(maker, RecoveryCase) == 0
