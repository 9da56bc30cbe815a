"""Whole conversations through the API against the sandbox exchange, in several languages.

Each test plays a demo customer (u-1001..u-1016, one case per verdict) and checks the reply's
structured fields: language, intent, actions, facts, buttons, handoff, and that nothing
unnecessary was asked.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.chat import BASE, buttons, kinds, lookups, press, say, start
from tests.conftest import auth
from tests.factories import login, make_agent
from trustdesk.models.assistant import ConversationMessage
from trustdesk.models.exchange import SandboxAccount


async def ticket_detail(client, maker, clock, ticket_id):
    await make_agent(maker, "lead@x.io", now=clock.now, queues=[], presence="offline")
    headers = await login(client, "lead@x.io")
    response = await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


# -- deposits ----------------------------------------------------------------------------------


async def test_turkish_deposit_still_confirming_is_looked_up_not_asked(
    client, customer_token, sandbox
):
    token = customer_token("u-1001", lang="tr")
    reply = (await start(client, token, "3 saat önce USDT yatırdım ama hesabıma geçmedi"))["reply"]
    assert reply["language"] == "tr"
    assert reply["intent"] == "deposit_not_credited"
    assert reply["confidence"] > 0.5
    assert lookups(reply) == {"deposit": "pending_confirmations"}
    assert "flow_started" in kinds(reply)
    # Reassured first, in Turkish; the deposit's progress comes from the account.
    assert reply["text"].startswith("Paranız güvende")
    assert reply["facts"]["confirmations"] == 5
    assert reply["facts"]["confirmations_required"] > 5
    assert reply["facts"]["eta_minutes"] >= 1
    assert reply["asks"] is None  # never asks for the method, network or txid
    assert "txid" not in reply["text"].lower()
    assert reply["handoff"]["state"] == "none"
    assert reply["model"] == "rules" and reply["prompt_version"].startswith("flows-")


async def test_chinese_deposit_below_minimum(client, customer_token, sandbox):
    token = customer_token("u-1002", lang="zh-CN")
    reply = (await start(client, token, "我充的USDT一直没有到账，怎么回事？"))["reply"]
    assert reply["language"] == "zh-CN"
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "below_minimum"}
    assert "资金是安全的" in reply["text"] and "最低充值额" in reply["text"]
    assert reply["facts"]["min_deposit"] and reply["asks"] is None


async def test_spanish_deposit_needs_txid_then_wrong_network_and_recovery_case(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1006", lang="es")
    conv = await start(client, token, "hice un depósito de usdt y no se refleja en mi saldo")
    first = conv["reply"]
    assert first["language"] == "es"
    assert lookups(first) == {"deposit": "needs_txid"}
    assert first["asks"] == "txid"  # the only question: nothing on the account explains it
    txid = "0x" + f"{1006 * 100 + 1:064x}"
    second = await say(client, token, conv["id"], f"aquí está: {txid}")
    assert second["intent"] == "deposit_not_credited"
    assert lookups(second) == {"deposit": "wrong_network"}
    assert second["facts"]["sent_network"] == "BSC"
    assert "start_recovery" in buttons(second)
    assert second["asks"] is None
    # The button opens the recovery case itself (see test_conversation_recovery.py).
    third = await press(client, token, conv["id"], "start_recovery")
    assert "recovery_case_opened" in kinds(third) and "handoff" in kinds(third)
    assert third["handoff"]["state"] == "queued"
    assert third["handoff"]["ticket_id"] is not None
    ticket = await ticket_detail(client, maker, clock, third["handoff"]["ticket_id"])
    assert ticket["intent"] == "deposit_recovery"
    assert ticket["channel"] == "chat" and ticket["language"] == "es"


async def test_arabic_large_deposit_in_review_offers_a_person_and_hides_the_rules(
    client, customer_token, sandbox
):
    token = customer_token("u-1014", lang="ar")
    reply = (await start(client, token, "لم يصل الإيداع إلى حسابي حتى الآن"))["reply"]
    assert reply["language"] == "ar"
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "compliance_review"}
    assert "أموالك في أمان" in reply["text"]
    # 9000 USDT: high stakes, so a person is offered at once.
    assert reply["handoff"]["state"] == "offered"
    assert "talk_to_human" in buttons(reply)
    assert "compliance" not in reply["text"].lower()
    assert "compliance_hold" not in str(reply["facts"])


# -- withdrawals -------------------------------------------------------------------------------


async def test_english_held_withdrawal_says_what_to_do_never_why(client, customer_token, sandbox):
    token = customer_token("u-1004", lang="en")
    reply = (await start(client, token, "My withdrawal has been pending for an hour"))["reply"]
    assert reply["intent"] == "withdrawal_pending"
    assert lookups(reply) == {"withdrawal": "held_by_risk_control"}
    assert "identity check" in reply["text"]
    assert "kyc_document_refresh" not in str(reply)
    assert reply["facts"]["required_actions"] == ["verify_identity"]
    assert reply["asks"] is None  # never "which withdrawal?": it is on the account


async def test_spanish_delayed_withdrawal_offers_a_person(client, customer_token, sandbox):
    token = customer_token("u-1003", lang="es")
    reply = (await start(client, token, "mi retiro lleva dos horas en pendiente"))["reply"]
    assert reply["language"] == "es"
    assert reply["intent"] == "withdrawal_pending"
    assert lookups(reply) == {"withdrawal": "processing"}
    assert reply["facts"]["delayed"] is True
    assert reply["handoff"]["state"] == "offered"
    assert "talk_to_human" in buttons(reply)


# -- account, security -------------------------------------------------------------------------


async def test_account_takeover_freeze_opens_p1_security_case(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1010", lang="en")
    conv = await start(client, token, "I think my account was hacked, someone changed my password")
    first = conv["reply"]
    assert first["intent"] == "account_compromised"
    assert first["buttons"][0]["action"] == "freeze_account"
    assert "talk_to_human" in buttons(first)
    assert first["handoff"]["state"] == "offered"  # a person at once
    reply = await press(client, token, conv["id"], "freeze_account")
    assert kinds(reply)[:1] == ["account_frozen"]
    opened = next(a for a in reply["actions_taken"] if a["type"] == "case_opened")
    assert opened["detail"]["priority"] == "P1"
    assert opened["detail"]["queue"] == "security"
    assert reply["handoff"]["state"] == "queued"
    assert reply["handoff"]["queue_position"] == 1
    assert reply["handoff"]["estimated_wait_seconds"] is not None
    async with maker() as session:
        account = (
            await session.execute(select(SandboxAccount).where(SandboxAccount.user_id == "u-1010"))
        ).scalar_one()
        assert account.account_state == "frozen"
    ticket = await ticket_detail(client, maker, clock, reply["handoff"]["ticket_id"])
    assert ticket["priority"] == "P1" and ticket["security"] is True
    assert ticket["intent"] == "account_compromised"
    note = next(m for m in ticket["messages"] if m["internal"])
    assert "Transcript:" in note["body"] and "hacked" in note["body"]
    assert "Account snapshot:" in note["body"] and "wd-1010-1" in note["body"]


async def test_yes_confirms_the_pending_freeze(client, customer_token, sandbox):
    token = customer_token("u-1010", lang="tr")
    conv = await start(client, token, "hesabım hacklendi, şifremi biri değiştirdi")
    assert conv["reply"]["intent"] == "account_compromised"
    reply = await say(client, token, conv["id"], "evet")
    assert "account_frozen" in kinds(reply)
    assert reply["handoff"]["state"] == "queued"
    assert reply["language"] == "tr"


async def test_turkish_2fa_reset_explains_steps_and_offers_a_person(
    client, customer_token, sandbox
):
    token = customer_token("u-1005", lang="tr")
    reply = (
        await start(
            client,
            token,
            "Google Authenticator olan telefonumu kaybettim, 2FA sıfırlamak istiyorum",
        )
    )["reply"]
    assert reply["intent"] == "reset_2fa"
    assert lookups(reply) == {"account": "active"}
    assert "2FA" in reply["text"] and reply["language"] == "tr"
    assert "talk_to_human" in buttons(reply)
    assert reply["asks"] is None


async def test_frozen_account_is_explained(client, customer_token, sandbox):
    token = customer_token("u-1008", lang="en")
    reply = (await start(client, token, "my account is locked, I can't log in"))["reply"]
    assert reply["intent"] == "account_locked"
    assert reply["facts"]["account_state"] == "frozen"
    assert "frozen" in reply["text"]


async def test_french_kyc_status(client, customer_token, sandbox):
    token = customer_token("u-1003", lang="fr")
    reply = (await start(client, token, "Où en est ma vérification d'identité KYC ?"))["reply"]
    assert reply["intent"] == "kyc_status"
    assert reply["facts"]["kyc_status"] == "verified"
    assert "niveau 3" in reply["text"]


async def test_phishing_check_of_a_lookalike_and_an_official_site(client, customer_token, sandbox):
    token = customer_token("u-1015", lang="en")
    reply = (
        await start(client, token, "Is https://trustdesk-support.com/login an official site?")
    )["reply"]
    assert reply["intent"] == "phishing_check"
    assert reply["facts"]["channels"][0]["verdict"] == "lookalike"
    assert "NOT an official channel" in reply["text"]
    assert "freeze_account" in buttons(reply)
    again = await say(
        client, token, reply["conversation_id"], "and is trustdesk.exchange official?"
    )
    assert again["facts"]["channels"] == [{"value": "trustdesk.exchange", "verdict": "official"}]


async def test_phishing_check_without_a_link_asks_for_it(client, customer_token, sandbox):
    token = customer_token("u-1015", lang="en")
    conv = await start(client, token, "I got a message claiming to be support, is it official?")
    reply = conv["reply"]
    if reply["intent"] == "phishing_check":
        assert reply["asks"] == "channel"
        follow = await say(client, token, conv["id"], "support@trustdesk.exchange")
        assert follow["facts"]["channels"][0]["verdict"] == "official"


async def test_fees_come_from_the_registry(client, customer_token, sandbox):
    token = customer_token("u-1007", lang="en")
    reply = (await start(client, token, "How much is the withdrawal fee for USDT on TRC20?"))[
        "reply"
    ]
    assert reply["intent"] == "fees"
    fees = reply["facts"]["fees"]
    assert fees and all(f["asset"] == "USDT" for f in fees)
    assert {f["network"] for f in fees} == {"TRX"}
    assert "withdrawal fee" in reply["text"] and reply["asks"] is None


async def test_greeting_and_thanks(client, customer_token, sandbox):
    token = customer_token("u-1001", lang="en")
    conv = await start(client, token)
    assert conv["reply"]["text"].startswith("Hello")
    reply = await say(client, token, conv["id"], "thanks, bye")
    assert reply["intent"] == "thanks_goodbye"
    assert reply["handoff"]["state"] == "none"


# -- handoff -----------------------------------------------------------------------------------


async def test_handoff_carries_the_context_and_the_bot_goes_quiet_when_an_agent_joins(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1001", lang="tr", name="Ahmet Kaya")
    conv = await start(client, token, "USDT yatırdım ama hesabıma geçmedi")
    reply = await say(client, token, conv["id"], "bir insanla görüşmek istiyorum")
    assert reply["intent"] == "talk_to_human"
    assert "handoff" in kinds(reply) and "case_opened" in kinds(reply)
    handoff = reply["handoff"]
    assert handoff["state"] == "queued" and handoff["queue_position"] == 1
    assert handoff["estimated_wait_seconds"] > 0
    ticket_id = handoff["ticket_id"]

    # Asking again never opens a second case.
    again = await client.post(f"{BASE}/{conv['id']}/handoff", headers=auth(token))
    assert again.status_code == 201 and again.json()["handoff"]["ticket_id"] == ticket_id

    await make_agent(maker, "emre@x.io", now=clock.now, languages=["tr", "en"])
    agent = await login(client, "emre@x.io")
    detail = (await client.get(f"/api/v1/tickets/{ticket_id}", headers=agent)).json()
    assert detail["intent"] == "deposit_not_credited"  # what the customer needed
    assert detail["channel"] == "chat" and detail["language"] == "tr"
    note = next(m for m in detail["messages"] if m["internal"])
    assert "pending_confirmations" in note["body"]  # the diagnosis
    assert "u-1001" in note["body"]  # the account snapshot
    assert "USDT yatırdım" in note["body"]  # the transcript

    clock.advance(minutes=2)
    posted = await client.post(
        f"/api/v1/tickets/{ticket_id}/messages", headers=agent, json={"body": "Merhaba, bakıyorum."}
    )
    assert posted.status_code == 201

    clock.advance(minutes=1)
    quiet = await say(client, token, conv["id"], "param hâlâ yok, ne zaman gelecek?")
    assert quiet["handoff"]["state"] == "agent_joined"
    assert quiet["handoff"]["agent_name"] == "Emre"
    assert quiet["actions_taken"] == [] and quiet["buttons"] == []
    assert "Emre" in quiet["text"]
    detail = (await client.get(f"/api/v1/tickets/{ticket_id}", headers=agent)).json()
    assert detail["messages"][-1]["body"] == "param hâlâ yok, ne zaman gelecek?"
    assert detail["messages"][-1]["author_type"] == "customer"

    history = (await client.get(f"{BASE}/{conv['id']}", headers=auth(token))).json()
    roles = [m["role"] for m in history["messages"]]
    assert "agent" in roles
    agent_message = next(m for m in history["messages"] if m["role"] == "agent")
    assert agent_message["text"] == "Merhaba, bakıyorum." and agent_message["author_name"] == "Emre"
    assert history["handoff"]["state"] == "agent_joined"


async def test_vip_handoff_goes_to_the_vip_desk(client, customer_token, sandbox, maker, clock):
    token = customer_token("u-1015", lang="en", vip=5)
    conv = await start(client, token, "I want to talk to a human")
    reply = conv["reply"]
    assert reply["intent"] == "talk_to_human"
    opened = next(a for a in reply["actions_taken"] if a["type"] == "case_opened")
    assert opened["detail"]["queue"] == "vip"


# -- secrets -----------------------------------------------------------------------------------

SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"


async def test_secrets_are_redacted_stored_masked_and_the_customer_warned(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1001", lang="en")
    conv = await start(
        client,
        token,
        f"my deposit did not arrive. my seed phrase is {SEED} and password: Hunter2024!",
    )
    reply = conv["reply"]
    assert set(reply["redactions"]) >= {"seed_phrase", "password"}
    assert "removed sensitive data" in reply["text"]
    assert "Hunter2024" not in str(conv) and "absurd" not in str(conv)
    async with maker() as session:
        stored = (await session.execute(select(ConversationMessage.body))).scalars().all()
    assert all("Hunter2024" not in body and "absurd" not in body for body in stored)
    handed = await client.post(f"{BASE}/{conv['id']}/handoff", headers=auth(token))
    ticket = await ticket_detail(client, maker, clock, handed.json()["handoff"]["ticket_id"])
    assert "Hunter2024" not in str(ticket) and "absurd" not in str(ticket)


async def test_chinese_password_redacted_and_warned_in_chinese(client, customer_token, sandbox):
    token = customer_token("u-1002", lang="zh-CN")
    reply = (await start(client, token, "存款没到账，我的密码是 Hunter2024!"))["reply"]
    assert "password" in reply["redactions"]
    assert reply["language"] == "zh-CN"
    assert "删除了敏感信息" in reply["text"] and "Hunter2024" not in reply["text"]


# -- API basics --------------------------------------------------------------------------------


async def test_anonymous_is_401_and_someone_elses_conversation_is_404(
    client, customer_token, sandbox
):
    assert (await client.post(BASE, json={})).status_code == 401
    conv = await start(client, customer_token("u-1001"), "hello")
    other = auth(customer_token("u-1002"))
    assert (await client.get(f"{BASE}/{conv['id']}", headers=other)).status_code == 404
    response = await client.post(
        f"{BASE}/{conv['id']}/messages", json={"text": "hi"}, headers=other
    )
    assert response.status_code == 404
    response = await client.post(f"{BASE}/{conv['id']}/handoff", headers=other)
    assert response.status_code == 404
    assert (await client.get(f"{BASE}/{conv['id']}")).status_code == 401


async def test_bad_input_is_rejected_clearly_and_changes_nothing(
    client, customer_token, sandbox, maker
):
    token = customer_token("u-1001")
    conv = await start(client, token, "hello")
    empty = await client.post(
        f"{BASE}/{conv['id']}/messages", json={"text": ""}, headers=auth(token)
    )
    assert empty.status_code == 422 and "text" in empty.json()["detail"]
    action = await client.post(
        f"{BASE}/{conv['id']}/actions", json={"action": "drain_wallet"}, headers=auth(token)
    )
    assert action.status_code == 422
    recovery = await client.post(
        f"{BASE}/{conv['id']}/actions", json={"action": "start_recovery"}, headers=auth(token)
    )
    assert recovery.status_code == 409 and "recovery" in recovery.json()["detail"]
    language = await client.post(BASE, json={"language": "xx"}, headers=auth(token))
    assert language.status_code == 422
    history = (await client.get(f"{BASE}/{conv['id']}", headers=auth(token))).json()
    assert len(history["messages"]) == 2 and history["handoff"]["state"] == "none"


async def test_idempotency_key_replays_the_same_reply(client, customer_token, sandbox):
    token = customer_token("u-1001")
    headers = {**auth(token), "Idempotency-Key": "k-1"}
    first = await client.post(BASE, json={"text": "hello"}, headers=headers)
    second = await client.post(BASE, json={"text": "hello"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert first.json()["id"] == second.json()["id"]
    cid = first.json()["id"]
    key = {**auth(token), "Idempotency-Key": "m-1"}
    one = await client.post(f"{BASE}/{cid}/messages", json={"text": "thanks"}, headers=key)
    two = await client.post(f"{BASE}/{cid}/messages", json={"text": "thanks"}, headers=key)
    assert one.json()["message_id"] == two.json()["message_id"]


async def test_every_reply_is_stored_with_sources_model_and_version(
    client, customer_token, sandbox, maker
):
    token = customer_token("u-1001", lang="en")
    await start(client, token, "my USDT deposit has not arrived")
    async with maker() as session:
        replies = (
            (
                await session.execute(
                    select(ConversationMessage).where(ConversationMessage.role == "assistant")
                )
            )
            .scalars()
            .all()
        )
    assert replies and all(r.model == "rules" and r.prompt_version for r in replies)
    assert replies[-1].sources["lookups"][0]["name"] == "deposit"
    assert replies[-1].intent == "deposit_not_credited"


# -- high stakes and edge cases ----------------------------------------------------------------


async def test_an_angry_customer_is_offered_a_person_at_once(client, customer_token, sandbox):
    token = customer_token("u-1001", lang="en")
    reply = (
        await start(
            client,
            token,
            "This is ridiculous!!! My USDT deposit STILL has not arrived, I am furious",
        )
    )["reply"]
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "pending_confirmations"}  # still looked up and answered
    assert reply["handoff"]["state"] == "offered"
    assert "talk_to_human" in buttons(reply)
    assert "ready to help you right away" in reply["text"]


async def test_an_anxious_spanish_customer_is_offered_a_person(client, customer_token, sandbox):
    token = customer_token("u-1002", lang="es")
    reply = (
        await start(
            client,
            token,
            "Estoy muy preocupado, mi depósito no llega y tengo miedo de perder mi dinero",
        )
    )["reply"]
    assert reply["language"] == "es"
    assert reply["handoff"]["state"] == "offered"


async def test_a_large_amount_in_the_message_is_high_stakes(client, customer_token, sandbox):
    token = customer_token("u-1001", lang="en")
    reply = (await start(client, token, "I deposited 25000 USDT and it is not in my account"))[
        "reply"
    ]
    assert reply["intent"] == "deposit_not_credited"
    assert reply["handoff"]["state"] == "offered"


async def test_no_txid_after_being_asked_explains_where_to_find_it(client, customer_token, sandbox):
    token = customer_token("u-1006", lang="en")
    conv = await start(client, token, "my USDT deposit is not showing in my balance")
    assert conv["reply"]["asks"] == "txid"
    reply = await say(client, token, conv["id"], "I don't know where to find it")
    assert reply["intent"] == "deposit_not_credited"
    assert reply["asks"] == "txid"
    assert "talk_to_human" in buttons(reply)


async def test_a_customer_without_an_exchange_account_gets_a_person_not_an_error(
    client, customer_token, sandbox
):
    token = customer_token("u-9999", lang="de")
    reply = (await start(client, token, "Meine Einzahlung ist nicht angekommen"))["reply"]
    assert reply["language"] == "de"
    assert lookups(reply) == {"deposit": "lookup_failed"}
    assert reply["handoff"]["state"] == "offered"


async def test_locked_out_after_a_takeover_is_offered_the_freeze(client, customer_token, sandbox):
    token = customer_token("u-1010", lang="en")
    reply = (await start(client, token, "I can't log in to my account, it says locked"))["reply"]
    assert reply["intent"] in ("account_locked", "account_compromised")
    assert "freeze_account" in buttons(reply)
    assert reply["handoff"]["state"] == "offered"


def _txid(u: int, evm: bool = False) -> str:
    return ("0x" if evm else "") + f"{u * 100 + 1:064x}"


# Every deposit and withdrawal verdict of the demo exchange (see exchange/demo_sandbox.yaml).
DEPOSIT_CASES = [
    ("u-1001", None, "pending_confirmations"),
    ("u-1002", None, "below_minimum"),
    ("u-1005", None, "credited"),
    ("u-1006", _txid(1006, evm=True), "wrong_network"),
    ("u-1009", _txid(1009, evm=True), "unsupported_token"),
    ("u-1011", _txid(1011), "missing_memo"),
    ("u-1013", None, "network_maintenance"),
    ("u-1014", None, "compliance_review"),
    ("u-1015", _txid(1015), "not_broadcast"),
    ("u-1016", _txid(1016, evm=True), "not_found"),
]
WITHDRAWAL_CASES = [
    ("u-1003", "processing"),
    ("u-1004", "held_by_risk_control"),
    ("u-1007", "completed"),
    ("u-1008", "rejected"),
    ("u-1010", "held_by_risk_control"),
    ("u-1012", "awaiting_confirmations"),
]


@pytest.mark.parametrize(("user", "txid", "verdict"), DEPOSIT_CASES)
async def test_every_deposit_verdict_is_answered_without_asking(
    client, customer_token, sandbox, user, txid, verdict
):
    token = customer_token(user, lang="en")
    text = "My deposit has not arrived in my account" + (f", txid {txid}" if txid else "")
    reply = (await start(client, token, text))["reply"]
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": verdict}
    assert "{" not in reply["text"], reply["text"]
    assert reply["text"].startswith("Your funds are safe")
    assert reply["asks"] is None
    recoverable = verdict in ("wrong_network", "missing_memo", "unsupported_token")
    assert ("start_recovery" in buttons(reply)) is recoverable


@pytest.mark.parametrize(("user", "verdict"), WITHDRAWAL_CASES)
async def test_every_withdrawal_verdict_is_answered_without_asking(
    client, customer_token, sandbox, user, verdict
):
    token = customer_token(user, lang="en")
    reply = (await start(client, token, "Where is my withdrawal? It has not arrived yet"))["reply"]
    assert reply["intent"] == "withdrawal_pending"
    assert lookups(reply) == {"withdrawal": verdict}
    assert "{" not in reply["text"], reply["text"]
    assert reply["asks"] is None
    assert "hold_reason_code" not in str(reply) and "risk_score" not in str(reply)


async def test_freeze_still_works_after_an_agent_joined(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1005", lang="en")
    conv = await start(client, token, "I want to talk to a human")
    ticket_id = conv["reply"]["handoff"]["ticket_id"]
    await make_agent(maker, "ana@x.io", now=clock.now)
    agent = await login(client, "ana@x.io")
    await client.post(f"/api/v1/tickets/{ticket_id}/messages", headers=agent, json={"body": "Hi"})
    reply = await press(client, token, conv["id"], "freeze_account")
    assert "account_frozen" in kinds(reply)
    assert reply["handoff"]["state"] == "agent_joined"
    assert reply["handoff"]["ticket_id"] == ticket_id  # no second case
    assert reply["handoff"]["agent_name"] == "Ana"


async def test_a_lookalike_link_in_any_message_is_warned_about(client, customer_token, sandbox):
    token = customer_token("u-1001", lang="en")
    reply = (
        await start(
            client,
            token,
            "support at trustdesk-verify.com told me my USDT deposit is stuck, it has not arrived",
        )
    )["reply"]
    assert "trustdesk-verify.com is NOT an official channel" in reply["text"]
    assert reply["text"].count("NOT an official channel") == 1


async def test_the_offer_of_a_person_is_per_reply(client, customer_token, sandbox):
    token = customer_token("u-1003", lang="en")
    conv = await start(client, token, "my withdrawal has been pending for two hours")
    assert conv["reply"]["handoff"]["state"] == "offered"
    reply = await say(client, token, conv["id"], "thanks, bye")
    assert reply["handoff"]["state"] == "none" and reply["buttons"] == []
