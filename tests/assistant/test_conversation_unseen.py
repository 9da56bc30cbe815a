"""Conversations the assistant was not built around: customers' own words, typos, slang and
mixed languages, over several turns, in the 15 languages, against the sandbox exchange.

Each conversation checks the structured reply: the language detected (the customer's profile
language is often left out or different, so it comes from the text), the intent, the look-ups and
cases the assistant ran, the handoff state, that nothing the account already told was asked
again, that secrets are masked everywhere, and that the reply is written in the customer's
language (catalog texts of that language, never an English one).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.chat import (
    buttons,
    history,
    kinds,
    lookups,
    press,
    say,
    start,
)
from tests.factories import login, make_agent
from trustdesk.assistant.flows import default_flowbook, extract_amount, is_yes
from trustdesk.assistant.replies import catalog
from trustdesk.db import commit
from trustdesk.exchange.sandbox import load_sandbox
from trustdesk.models import TicketMessage
from trustdesk.models.assistant import ConversationMessage
from trustdesk.models.exchange import SandboxAccount

# Customers beyond the demo exchange: the KYC states, a locked account, a large deposit still
# confirming (its amount is only on the account, never in the message).
EXTRA_USERS = {
    "users": [
        {"id": "u-2101", "kyc_level": 1, "kyc_status": "pending", "account_state": "active"},
        {"id": "u-2102", "kyc_level": 0, "kyc_status": "rejected", "account_state": "active"},
        {"id": "u-2103", "kyc_level": 0, "kyc_status": "none", "account_state": "active"},
        {
            "id": "u-2104",
            "kyc_level": 2,
            "kyc_status": "verified",
            "account_state": "locked",
            "security_events": [
                {"kind": "login", "ago": "2d", "device_id": "phone-2104", "country": "ID"},
                {"kind": "2fa_failed", "ago": "30m", "device_id": "phone-2104", "country": "ID"},
            ],
        },
        {
            "id": "u-2105",
            "kyc_level": 2,
            "kyc_status": "verified",
            "account_state": "active",
            "deposit_addresses": [
                {
                    "asset": "BTC",
                    "network": "BTC",
                    "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                }
            ],
            "deposits": [
                {
                    "id": "dep-2105-1",
                    "asset": "BTC",
                    "network": "BTC",
                    "amount": "1.5",
                    "txid": "a" * 63 + "1",
                    "detected_ago": "5m",
                    "confirmations": 0,
                }
            ],
        },
    ]
}


@pytest.fixture
async def sandbox(sandbox, maker, clock):
    """The shared demo sandbox (tests/chat.py), plus this module's extra users."""
    async with maker() as session:
        await load_sandbox(session, EXTRA_USERS, now=clock.now)
        await commit(session)


# -- driving a conversation --------------------------------------------------------------------


async def lead(client, maker, clock):
    await make_agent(maker, "lead@unseen.io", now=clock.now, queues=[], presence="offline")
    return await login(client, "lead@unseen.io")


async def ticket(client, headers, ticket_id):
    response = await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


# -- reading a reply ---------------------------------------------------------------------------


def opened(reply):
    return next(a["detail"] for a in reply["actions_taken"] if a["type"] == "case_opened")


def piece(key, language):
    """The longest fixed part of a catalog text (the placeholders are the account's facts)."""
    parts = re.split(r"\{[^}]*\}", catalog()[language][key])
    return max((p.strip(" .,:;—-") for p in parts), key=len)


def says(reply, key):
    return piece(key, reply["language"]) in reply["text"]


def in_language(reply, language):
    """Detected as `language`, and written in it: no English catalog sentence, labels too."""
    assert reply["language"] == language, (reply["language"], reply["text"])
    text = reply["text"]
    assert "{" not in text, text
    if language != "en":
        for key in catalog()["en"]:
            if key.startswith("_"):
                continue
            english = piece(key, "en")
            if len(english) >= 12 and english != piece(key, language):
                assert english not in text, (key, text)
    for button in reply["buttons"]:
        assert button["label"] == catalog()[language][f"btn_{button['action']}"]


# What the assistant asks when it truly has nothing to go on; never when the account answered.
QUESTIONS = ("dep_needs_txid", "txid_invalid", "phishing_ask", "unsure")


def asks_nothing(reply):
    assert reply["asks"] is None, reply["asks"]
    for key in QUESTIONS:
        assert not says(reply, key), (key, reply["text"])


def reassured_first(reply):
    first = reply["text"].split("\n\n")[0]
    assert (
        piece("funds_safe", reply["language"]) in first
        or piece("verify_intro", reply["language"]) in first
    ), reply["text"]


def offered_a_person(reply):
    assert reply["handoff"]["state"] == "offered"
    assert "talk_to_human" in buttons(reply)


def queued(reply):
    handoff = reply["handoff"]
    assert handoff["state"] == "queued", handoff
    assert handoff["ticket_id"] is not None
    assert handoff["queue_position"] and handoff["queue_position"] >= 1
    assert handoff["estimated_wait_seconds"] is not None
    assert says(reply, "handoff_queued") or says(reply, "handoff_assigned")
    assert "talk_to_human" not in buttons(reply)


def txid(user, evm=False):
    return ("0x" if evm else "") + f"{user * 100 + 1:064x}"


SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"


# -- deposits: looked up, never asked ----------------------------------------------------------


async def test_turkish_slang_deposit_without_details_is_found_on_the_account(
    client, customer_token, sandbox
):
    token = customer_token("u-1001")  # no language in the profile: it comes from the text
    reply = (
        await start(
            client, token, "slm, az önce trc20 ile usdt attım hala gözükmüyo bi bakarmısınız"
        )
    )["reply"]
    in_language(reply, "tr")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "pending_confirmations"}
    reassured_first(reply)
    assert says(reply, "dep_pending")
    assert reply["facts"]["confirmations"] == 5 and reply["facts"]["network"] == "TRX"
    asks_nothing(reply)
    assert reply["handoff"]["state"] == "none"


async def test_spanish_with_typos_small_deposit_below_the_minimum(client, customer_token, sandbox):
    token = customer_token("u-1002", lang="en")
    reply = (
        await start(
            client, token, "hola buenas, mande unos usdt y no me aparecen en el saldo, q pasa"
        )
    )["reply"]
    in_language(reply, "es")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "below_minimum"}
    reassured_first(reply)
    assert says(reply, "dep_below_min")
    assert reply["facts"]["min_deposit"]
    asks_nothing(reply)


async def test_russian_ton_deposit_during_maintenance(client, customer_token, sandbox):
    token = customer_token("u-1013")
    reply = (
        await start(
            client, token, "привет, закинул TON полчаса назад, до сих пор не зачислили на баланс"
        )
    )["reply"]
    in_language(reply, "ru")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "network_maintenance"}
    reassured_first(reply)
    assert says(reply, "dep_maintenance")
    asks_nothing(reply)


async def test_arabic_large_deposit_in_review_never_names_the_review_rule(
    client, customer_token, sandbox
):
    token = customer_token("u-1014", lang="en")
    reply = (
        await start(
            client, token, "حولت مبلغ كبير من محفظتي قبل ساعة ولم يظهر في رصيدي، ماذا أفعل؟"
        )
    )["reply"]
    in_language(reply, "ar")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "compliance_review"}
    reassured_first(reply)
    # 9000 USDT found on the account: high stakes, a person offered without being asked for.
    offered_a_person(reply)
    assert says(reply, "high_stakes")
    # Neither the review's kind nor the held amount is told: only that it is a routine review.
    assert "compliance" not in reply["text"].lower()
    assert "9000" not in str(reply) and "compliance_hold" not in str(reply)
    asks_nothing(reply)


async def test_chinese_deposit_with_no_record_asks_the_txid_once_then_recovers(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1006")
    conv = await start(client, token, "我从别的平台提了一笔USDT过来，到现在都没到账")
    first = conv["reply"]
    in_language(first, "zh-CN")
    assert first["intent"] == "deposit_not_credited"
    assert lookups(first) == {"deposit": "needs_txid"}
    reassured_first(first)
    # Nothing on the account explains it: the txid is the one thing worth asking.
    assert first["asks"] == "txid" and says(first, "dep_needs_txid")

    second = await say(client, token, conv["id"], f"交易哈希：{txid(1006, evm=True)}")
    in_language(second, "zh-CN")
    assert second["intent"] == "deposit_not_credited"
    assert lookups(second) == {"deposit": "wrong_network"}
    assert second["facts"]["sent_network"] == "BSC"
    assert says(second, "dep_wrong_network")
    assert "start_recovery" in buttons(second)
    asks_nothing(second)

    third = await press(client, token, conv["id"], "start_recovery")
    in_language(third, "zh-CN")
    assert "recovery_case_opened" in kinds(third)
    queued(third)
    detail = await ticket(client, await lead(client, maker, clock), third["handoff"]["ticket_id"])
    # The case follows the customer's profile language (English here), not the chat's: see the
    # recovery service, which takes no language from the assistant.
    assert detail["intent"] == "deposit_recovery" and detail["channel"] == "chat"


async def test_vietnamese_xrp_without_tag_is_credited_from_the_chat(
    client, customer_token, sandbox
):
    token = customer_token("u-1011", lang="vi")
    conv = await start(
        client,
        token,
        f"mình nạp XRP mà quên ghi tag, txid {txid(1011)} giúp mình với",
    )
    first = conv["reply"]
    in_language(first, "vi")
    assert first["intent"] in ("deposit_not_credited", "missing_memo")
    assert lookups(first) == {"deposit": "missing_memo"}
    reassured_first(first)
    assert "start_recovery" in buttons(first)
    asks_nothing(first)  # the tag it lacked is on the account: never "which tag?"
    second = await press(client, token, conv["id"], "start_recovery")
    in_language(second, "vi")
    assert "deposit_recovered" in kinds(second)
    assert says(second, "recovery_credited")
    assert second["handoff"]["state"] == "none"


async def test_portuguese_unsupported_token_offers_recovery(client, customer_token, sandbox):
    token = customer_token("u-1009")
    reply = (
        await start(
            client,
            token,
            "mandei SHIB pro meu endereço ETH da corretora e não caiu nada, "
            f"hash {txid(1009, True)}",
        )
    )["reply"]
    in_language(reply, "pt-BR")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "unsupported_token"}
    reassured_first(reply)
    assert "start_recovery" in buttons(reply)
    asks_nothing(reply)


async def test_indonesian_slang_transfer_to_a_foreign_address(client, customer_token, sandbox):
    token = customer_token("u-1016")
    reply = (
        await start(
            client,
            token,
            "min udah tf usdt dari kemarin tapi ga masuk2 ke akun, "
            f"ini txid nya {txid(1016, True)}",
        )
    )["reply"]
    in_language(reply, "id")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "not_found"}
    reassured_first(reply)
    assert says(reply, "dep_not_found")
    offered_a_person(reply)
    asks_nothing(reply)


async def test_korean_deposit_never_broadcast_by_the_sender(client, customer_token, sandbox):
    token = customer_token("u-1015", lang="en")
    reply = (
        await start(client, token, f"테더 입금했는데 한참 지나도 안 들어와요. 해시 {txid(1015)}")
    )["reply"]
    in_language(reply, "ko")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "not_broadcast"}
    reassured_first(reply)
    assert says(reply, "dep_not_broadcast")
    asks_nothing(reply)


async def test_japanese_deposit_already_credited(client, customer_token, sandbox):
    token = customer_token("u-1005")
    reply = (await start(client, token, "おととい入金したUSDTが反映されているか確認したいです"))[
        "reply"
    ]
    in_language(reply, "ja")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "credited"}
    reassured_first(reply)
    assert says(reply, "dep_credited")
    assert reply["asks"] is None


async def test_german_shouting_customer_gets_the_answer_and_a_person(
    client, customer_token, sandbox
):
    token = customer_token("u-1001", lang="de")
    reply = (
        await start(
            client,
            token,
            "Das ist doch ein WITZ!!! Meine USDT Einzahlung ist IMMER NOCH nicht gutgeschrieben",
        )
    )["reply"]
    in_language(reply, "de")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "pending_confirmations"}
    reassured_first(reply)
    offered_a_person(reply)
    asks_nothing(reply)


async def test_large_btc_deposit_found_on_the_account_is_high_stakes(
    client, customer_token, sandbox
):
    token = customer_token("u-2105", lang="fr")
    reply = (
        await start(client, token, "j'ai envoyé des bitcoins il y a 5 min, rien sur mon compte")
    )["reply"]
    in_language(reply, "fr")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "pending_confirmations"}
    assert reply["facts"]["asset"] == "BTC"
    reassured_first(reply)
    offered_a_person(reply)
    asks_nothing(reply)


async def test_spanglish_deposit_is_answered_in_spanish(client, customer_token, sandbox):
    token = customer_token("u-1001", lang="en")
    reply = (
        await start(
            client, token, "bro mi deposito de USDT no llega, ya pasaron como 3 horas, que onda"
        )
    )["reply"]
    in_language(reply, "es")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "pending_confirmations"}
    asks_nothing(reply)


async def test_chinese_huge_amount_in_slang_is_high_stakes(client, customer_token, sandbox):
    token = customer_token("u-1001", lang="zh-CN")
    # "5万U": 50,000 USDT the way Chinese-speaking traders write it.
    reply = (await start(client, token, "我刚充了5万U，到现在一直没到账"))["reply"]
    in_language(reply, "zh-CN")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "pending_confirmations"}
    reassured_first(reply)
    offered_a_person(reply)
    asks_nothing(reply)


async def test_english_10k_shorthand_is_high_stakes(client, customer_token, sandbox):
    token = customer_token("u-1001")
    reply = (
        await start(client, token, "sent like 10k usdt to my account 20 min ago, where is it")
    )["reply"]
    in_language(reply, "en")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "pending_confirmations"}
    offered_a_person(reply)
    asks_nothing(reply)


async def test_spanish_dollar_amount_is_high_stakes(client, customer_token, sandbox):
    token = customer_token("u-1001")
    reply = (await start(client, token, "deposité $5,000 en USDT hace rato y nada todavía"))[
        "reply"
    ]
    in_language(reply, "es")
    assert reply["intent"] == "deposit_not_credited"
    reassured_first(reply)
    offered_a_person(reply)


async def test_an_angry_chinese_customer_calling_us_scammers_gets_the_deposit_answer(
    client, customer_token, sandbox
):
    token = customer_token("u-1001")
    reply = (await start(client, token, "气死了！！！充的币到现在还没到，你们是不是骗子"))["reply"]
    in_language(reply, "zh-CN")
    assert reply["intent"] == "deposit_not_credited"  # not a phishing check
    assert lookups(reply) == {"deposit": "pending_confirmations"}
    reassured_first(reply)
    offered_a_person(reply)
    asks_nothing(reply)


async def test_a_panicking_russian_customer_whose_deposit_vanished(client, customer_token, sandbox):
    token = customer_token("u-1002")
    reply = (await start(client, token, "помогите, я в панике, пропал мой депозит"))["reply"]
    in_language(reply, "ru")
    assert reply["intent"] == "deposit_not_credited"  # not a hacked account
    assert "freeze_account" not in buttons(reply)
    assert lookups(reply) == {"deposit": "below_minimum"}
    reassured_first(reply)
    offered_a_person(reply)


async def test_no_txid_after_being_asked_in_turkish_keeps_the_question_and_offers_a_person(
    client, customer_token, sandbox
):
    token = customer_token("u-1006", lang="tr")
    conv = await start(client, token, "başka borsadan usdt gönderdim ama bakiyeme yansımadı")
    assert conv["reply"]["asks"] == "txid"
    reply = await say(client, token, conv["id"], "o kodu nerden bulcam bilmiyorum ki")
    in_language(reply, "tr")
    assert reply["intent"] == "deposit_not_credited"
    assert reply["asks"] == "txid" and says(reply, "txid_invalid")
    offered_a_person(reply)


async def test_a_short_follow_up_question_stays_on_the_deposit(client, customer_token, sandbox):
    token = customer_token("u-1001")
    conv = await start(client, token, "hi my usdt deposit is missing")
    assert lookups(conv["reply"]) == {"deposit": "pending_confirmations"}
    reply = await say(client, token, conv["id"], "how long will it take?")
    in_language(reply, "en")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "pending_confirmations"}
    assert reply["facts"]["eta_minutes"] >= 1
    asks_nothing(reply)


async def test_turkish_maintenance_follow_up_stays_on_the_deposit(client, customer_token, sandbox):
    token = customer_token("u-1013")
    conv = await start(client, token, "TON yatırdım gelmedi")
    assert lookups(conv["reply"]) == {"deposit": "network_maintenance"}
    reply = await say(client, token, conv["id"], "bakım ne zaman biter peki?")
    in_language(reply, "tr")
    assert reply["intent"] == "deposit_not_credited"
    assert says(reply, "dep_maintenance")
    asks_nothing(reply)


async def test_a_bare_txid_after_an_unclear_start_traces_the_deposit(
    client, customer_token, sandbox
):
    token = customer_token("u-1016")
    conv = await start(client, token, "hello")
    reply = await say(client, token, conv["id"], txid(1016, evm=True))
    in_language(reply, "en")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "not_found"}


async def test_indonesian_password_mask_does_not_turn_the_reply_english(
    client, customer_token, sandbox
):
    token = customer_token("u-1005", lang="en")
    reply = (await start(client, token, "kata sandi saya Rahasia99 tapi gak bisa login"))["reply"]
    in_language(reply, "id")
    assert "password" in reply["redactions"] and says(reply, "secret_warning")
    assert "Rahasia99" not in str(reply)


async def test_chinese_private_key_is_masked_and_warned_in_chinese(client, customer_token, sandbox):
    token = customer_token("u-1005", lang="en")
    key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    reply = (await start(client, token, f"我的私钥是 {key} 帮我找回币"))["reply"]
    in_language(reply, "zh-CN")
    assert "private_key" in reply["redactions"] and says(reply, "secret_warning")
    assert key not in str(reply)


# -- withdrawals -------------------------------------------------------------------------------


async def test_english_typos_held_withdrawal_needs_an_identity_check(
    client, customer_token, sandbox
):
    token = customer_token("u-1004")
    reply = (await start(client, token, "yo my withdrawl is stuck on pending since like 30 min"))[
        "reply"
    ]
    in_language(reply, "en")
    assert reply["intent"] == "withdrawal_pending"
    assert lookups(reply) == {"withdrawal": "held_by_risk_control"}
    reassured_first(reply)
    assert says(reply, "wd_held_identity")
    assert "kyc_document_refresh" not in str(reply)
    asks_nothing(reply)


async def test_ukrainian_withdrawal_on_its_way_with_its_explorer_link(
    client, customer_token, sandbox
):
    token = customer_token("u-1012", lang="en")
    reply = (
        await start(client, token, "вивела USDT кілька хвилин тому, а на гаманець так і не прийшло")
    )["reply"]
    in_language(reply, "uk")
    assert reply["intent"] == "withdrawal_pending"
    assert lookups(reply) == {"withdrawal": "awaiting_confirmations"}
    assert says(reply, "wd_broadcast")
    assert reply["facts"]["explorer_url"] in reply["text"]
    # 1000 USDT: high stakes.
    offered_a_person(reply)
    asks_nothing(reply)


async def test_french_delayed_withdrawal(client, customer_token, sandbox):
    token = customer_token("u-1003")
    reply = (
        await start(
            client,
            token,
            "Bonjour, mon retrait de USDT est toujours « en cours » depuis 2h, c'est normal ?",
        )
    )["reply"]
    in_language(reply, "fr")
    assert reply["intent"] == "withdrawal_pending"
    assert lookups(reply) == {"withdrawal": "processing"}
    assert reply["facts"]["delayed"] is True
    reassured_first(reply)
    offered_a_person(reply)
    asks_nothing(reply)


async def test_turkish_completed_withdrawal_not_in_the_wallet(client, customer_token, sandbox):
    token = customer_token("u-1007")
    reply = (
        await start(
            client, token, "çekim yaptım uygulamada tamamlandı yazıyo ama cüzdanıma gelmedi"
        )
    )["reply"]
    in_language(reply, "tr")
    assert reply["intent"] == "withdrawal_pending"
    assert lookups(reply) == {"withdrawal": "completed"}
    assert says(reply, "wd_completed")
    assert reply["facts"]["explorer_url"] in reply["text"]
    asks_nothing(reply)


async def test_traditional_chinese_rejected_withdrawal(client, customer_token, sandbox):
    token = customer_token("u-1008")
    reply = (await start(client, token, "我的提幣申請被退回了，是什麼原因？錢會退回來嗎"))["reply"]
    in_language(reply, "zh-TW")
    assert reply["intent"] == "withdrawal_pending"
    assert lookups(reply) == {"withdrawal": "rejected"}
    assert says(reply, "wd_rejected_fix")
    # The customer-level reason only (the exchange's internal code stays out of the reply).
    assert reply["facts"]["reason"] == "invalid_address"
    assert reply["facts"]["funds_returned_to_balance"] is True
    asks_nothing(reply)


async def test_japanese_held_withdrawal_never_reveals_the_risk_rule(
    client, customer_token, sandbox
):
    token = customer_token("u-1010", lang="ja")
    reply = (await start(client, token, "2400 USDTの出金が保留のままです。なぜですか？"))["reply"]
    in_language(reply, "ja")
    assert reply["intent"] == "withdrawal_pending"
    assert lookups(reply)["withdrawal"] == "held_by_risk_control"
    reassured_first(reply)
    dumped = str(reply).lower()
    assert "new_device" not in dumped and "risk_score" not in dumped and "nigeria" not in dumped
    assert "hold_reason" not in dumped
    offered_a_person(reply)  # 2400 USDT
    asks_nothing(reply)


async def test_portuguese_desperate_customer_is_offered_a_person(client, customer_token, sandbox):
    token = customer_token("u-1004")
    reply = (
        await start(
            client,
            token,
            "estou desesperado, meu saque de USDT sumiu e não sei o que fazer, "
            "preciso desse dinheiro",
        )
    )["reply"]
    in_language(reply, "pt-BR")
    assert reply["intent"] == "withdrawal_pending"
    assert lookups(reply) == {"withdrawal": "held_by_risk_control"}
    reassured_first(reply)
    offered_a_person(reply)
    asks_nothing(reply)


async def test_a_withdrawal_id_in_the_message_is_looked_up(client, customer_token, sandbox):
    token = customer_token("u-1003")
    reply = (await start(client, token, "hey what about WD-1003-1?? still nothing on my end"))[
        "reply"
    ]
    in_language(reply, "en")
    assert reply["intent"] == "withdrawal_pending"
    assert lookups(reply) == {"withdrawal": "processing"}
    assert reply["facts"]["delayed"] is True
    assert "freeze_account" not in buttons(reply)
    offered_a_person(reply)
    asks_nothing(reply)


async def test_german_greeting_then_withdrawal_then_goodbye(client, customer_token, sandbox):
    token = customer_token("u-1003")
    conv = await start(client, token, "Hallo zusammen")
    assert conv["reply"]["intent"] == "greeting"
    in_language(conv["reply"], "de")
    second = await say(client, token, conv["id"], "meine Auszahlung hängt seit zwei Stunden fest")
    in_language(second, "de")
    assert second["intent"] == "withdrawal_pending"
    assert lookups(second) == {"withdrawal": "processing"}
    offered_a_person(second)
    asks_nothing(second)
    third = await say(client, token, conv["id"], "ok danke, dann warte ich noch. Tschüss")
    in_language(third, "de")
    assert third["intent"] == "thanks_goodbye"
    assert third["handoff"]["state"] == "none" and third["buttons"] == []


# -- account access, 2FA, KYC ------------------------------------------------------------------


async def test_portuguese_frozen_account(client, customer_token, sandbox):
    token = customer_token("u-1008")
    reply = (
        await start(client, token, "minha conta tá bloqueada, não consigo entrar de jeito nenhum")
    )["reply"]
    in_language(reply, "pt-BR")
    assert reply["intent"] in ("account_locked", "account_compromised")
    assert lookups(reply) == {"account": "frozen"}
    assert says(reply, "acct_frozen")
    offered_a_person(reply)
    asks_nothing(reply)


async def test_german_angry_about_a_frozen_account(client, customer_token, sandbox):
    token = customer_token("u-1008")
    reply = (await start(client, token, "Konto eingefroren?? Ich brauche SOFORT mein Geld!!!"))[
        "reply"
    ]
    in_language(reply, "de")
    assert reply["intent"] in ("account_locked", "account_compromised")
    assert lookups(reply) == {"account": "frozen"}
    assert says(reply, "acct_frozen")
    offered_a_person(reply)
    asks_nothing(reply)


async def test_german_follow_up_stays_on_the_deposit(client, customer_token, sandbox):
    token = customer_token("u-1001")
    conv = await start(client, token, "ich habe USDT eingezahlt aber sehe nichts")
    assert lookups(conv["reply"]) == {"deposit": "pending_confirmations"}
    reply = await say(client, token, conv["id"], "und wie lange dauert das noch?")
    in_language(reply, "de")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "pending_confirmations"}


async def test_indonesian_locked_after_failed_logins(client, customer_token, sandbox):
    token = customer_token("u-2104")
    reply = (
        await start(client, token, "akun saya kekunci gara2 salah masukin password berkali-kali")
    )["reply"]
    in_language(reply, "id")
    assert reply["intent"] == "account_locked"
    assert lookups(reply) == {"account": "locked"}
    assert says(reply, "acct_locked")
    offered_a_person(reply)
    asks_nothing(reply)


async def test_korean_lost_authenticator_2fa_reset(client, customer_token, sandbox):
    token = customer_token("u-1005")
    reply = (
        await start(
            client, token, "폰을 바꿨더니 OTP 앱이 날아갔어요. 2단계 인증 초기화 어떻게 하나요?"
        )
    )["reply"]
    in_language(reply, "ko")
    assert reply["intent"] == "reset_2fa"
    assert lookups(reply) == {"account": "active"}
    assert says(reply, "acct_2fa_reset")
    offered_a_person(reply)
    asks_nothing(reply)


async def test_vietnamese_no_2fa_code_on_new_phone(client, customer_token, sandbox):
    token = customer_token("u-1005", lang="en")
    reply = (
        await start(
            client,
            token,
            "mình đổi điện thoại nên không nhận được mã 2FA nữa, làm sao để đăng nhập?",
        )
    )["reply"]
    in_language(reply, "vi")
    assert reply["intent"] == "reset_2fa"
    assert says(reply, "acct_2fa_reset")
    asks_nothing(reply)


async def test_turkish_kyc_pending(client, customer_token, sandbox):
    token = customer_token("u-2101")
    reply = (
        await start(
            client, token, "kimlik doğrulamam ne zaman onaylanır? belgeleri 2 gün önce yükledim"
        )
    )["reply"]
    in_language(reply, "tr")
    assert reply["intent"] == "kyc_status"
    assert lookups(reply) == {"account": "active"}
    assert reply["facts"]["kyc_status"] == "pending"
    assert says(reply, "kyc_pending")
    asks_nothing(reply)


async def test_german_kyc_rejected(client, customer_token, sandbox):
    token = customer_token("u-2102")
    reply = (await start(client, token, "Warum wurde meine Verifizierung abgelehnt??"))["reply"]
    in_language(reply, "de")
    assert reply["intent"] == "kyc_status"
    assert reply["facts"]["kyc_status"] == "rejected"
    assert says(reply, "kyc_rejected")
    offered_a_person(reply)
    asks_nothing(reply)


async def test_japanese_kyc_not_started(client, customer_token, sandbox):
    token = customer_token("u-2103")
    reply = (await start(client, token, "本人確認ってどこからやればいいですか？"))["reply"]
    in_language(reply, "ja")
    assert reply["intent"] == "kyc_status"
    assert reply["facts"]["kyc_status"] == "none"
    assert says(reply, "kyc_none")
    asks_nothing(reply)


async def test_simplified_chinese_kyc_verified(client, customer_token, sandbox):
    token = customer_token("u-1012", lang="en")
    reply = (await start(client, token, "请问我的实名认证审核通过了没有"))["reply"]
    in_language(reply, "zh-CN")
    assert reply["intent"] == "kyc_status"
    assert reply["facts"]["kyc_status"] == "verified"
    assert says(reply, "kyc_verified") and "3" in reply["text"]
    asks_nothing(reply)


# -- suspected compromise ----------------------------------------------------------------------


async def test_spanish_compromise_yes_freezes_and_opens_a_p1_security_case(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1010")
    conv = await start(
        client, token, "alguien entró a mi cuenta y me cambió la contraseña, yo no fui!!"
    )
    first = conv["reply"]
    in_language(first, "es")
    assert first["intent"] == "account_compromised"
    assert "freeze_account" in buttons(first)
    offered_a_person(first)
    assert first["asks"] == "confirm"  # the only question: "freeze now?"
    second = await say(client, token, conv["id"], "sí, congélala ya")
    in_language(second, "es")
    assert "account_frozen" in kinds(second)
    assert opened(second)["priority"] == "P1" and opened(second)["queue"] == "security"
    queued(second)
    async with maker() as session:
        account = (
            await session.execute(select(SandboxAccount).where(SandboxAccount.user_id == "u-1010"))
        ).scalar_one()
        assert account.account_state == "frozen"
    detail = await ticket(client, await lead(client, maker, clock), second["handoff"]["ticket_id"])
    assert detail["security"] is True and detail["intent"] == "account_compromised"
    note = next(m for m in detail["messages"] if m["internal"])
    assert "contraseña" in note["body"] and "Account snapshot:" in note["body"]


async def test_no_please_dont_never_freezes_and_the_button_stays(
    client, customer_token, sandbox, maker
):
    token = customer_token("u-1010")
    conv = await start(client, token, "i think somebody got into my account last night")
    first = conv["reply"]
    in_language(first, "en")
    assert first["intent"] == "account_compromised"
    assert first["asks"] == "confirm"
    # "please" is a yes word, "no" wins: a freeze is never done on an ambiguous answer.
    reply = await say(client, token, conv["id"], "no, please don't")
    in_language(reply, "en")
    assert "account_frozen" not in kinds(reply)
    assert says(reply, "freeze_declined")
    # The "no" may mean "no, that wasn't me": the freeze and a person stay at hand.
    assert "freeze_account" in buttons(reply)
    offered_a_person(reply)
    assert reply["asks"] is None
    async with maker() as session:
        account = (
            await session.execute(select(SandboxAccount).where(SandboxAccount.user_id == "u-1010"))
        ).scalar_one()
        assert account.account_state == "active"


async def test_portuguese_long_yes_freezes(client, customer_token, sandbox):
    token = customer_token("u-1010")
    conv = await start(client, token, "acho que invadiram minha conta, mudaram meu e-mail")
    first = conv["reply"]
    in_language(first, "pt-BR")
    assert first["intent"] == "account_compromised" and first["asks"] == "confirm"
    reply = await say(client, token, conv["id"], "sim, pode congelar minha conta agora mesmo")
    in_language(reply, "pt-BR")
    assert "account_frozen" in kinds(reply)
    assert opened(reply)["priority"] == "P1"
    queued(reply)


async def test_russian_hacked_account_freeze_button(client, customer_token, sandbox):
    token = customer_token("u-1010", lang="ru")
    conv = await start(client, token, "меня взломали, кто-то пытается вывести мои деньги!!")
    first = conv["reply"]
    in_language(first, "ru")
    assert first["intent"] == "account_compromised"
    assert "freeze_account" in buttons(first)
    offered_a_person(first)
    reply = await press(client, token, conv["id"], "freeze_account")
    in_language(reply, "ru")
    assert kinds(reply)[0] == "account_frozen"
    assert says(reply, "compromise_frozen")
    assert opened(reply)["priority"] == "P1" and opened(reply)["queue"] == "security"
    queued(reply)


async def test_arabic_compromise_then_asking_for_a_person_is_a_p1_security_case(
    client, customer_token, sandbox
):
    token = customer_token("u-1010")
    conv = await start(client, token, "أعتقد أن حسابي تم اختراقه، أحدهم غيّر كلمة المرور")
    first = conv["reply"]
    in_language(first, "ar")
    assert first["intent"] == "account_compromised"
    assert "freeze_account" in buttons(first)
    offered_a_person(first)
    reply = await say(client, token, conv["id"], "أريد التحدث مع موظف حقيقي الآن")
    in_language(reply, "ar")
    assert reply["intent"] == "talk_to_human"
    assert opened(reply)["priority"] == "P1" and opened(reply)["queue"] == "security"
    assert opened(reply)["intent"] == "account_compromised"
    queued(reply)


async def test_ukrainian_unknown_login_alert_on_a_clean_account(client, customer_token, sandbox):
    token = customer_token("u-1001", lang="uk")
    reply = (
        await start(
            client, token, "прийшов лист про вхід з нового пристрою, це був не я. що робити?"
        )
    )["reply"]
    in_language(reply, "uk")
    assert reply["intent"] == "account_compromised"
    assert "freeze_account" in buttons(reply)
    offered_a_person(reply)


# -- official channels -------------------------------------------------------------------------


async def test_russian_lookalike_email_is_flagged(client, customer_token, sandbox):
    token = customer_token("u-1015")
    reply = (
        await start(
            client,
            token,
            "пришло письмо от support@trustdesk-security.com, просят подтвердить кошелек. это вы?",
        )
    )["reply"]
    in_language(reply, "ru")
    assert reply["intent"] == "phishing_check"
    assert reply["facts"]["channels"][0]["verdict"] == "lookalike"
    assert says(reply, "phishing_lookalike")
    assert "freeze_account" in buttons(reply)
    offered_a_person(reply)


async def test_spanish_official_site_check(client, customer_token, sandbox):
    token = customer_token("u-1015", lang="es")
    reply = (await start(client, token, "¿la página trustdesk.exchange es la oficial de ustedes?"))[
        "reply"
    ]
    in_language(reply, "es")
    assert reply["intent"] == "phishing_check"
    assert reply["facts"]["channels"] == [{"value": "trustdesk.exchange", "verdict": "official"}]
    assert says(reply, "phishing_official")
    asks_nothing(reply)


async def test_indonesian_fake_support_chat_asks_for_the_contact_then_checks_it(
    client, customer_token, sandbox
):
    token = customer_token("u-1015")
    conv = await start(
        client, token, "ada yang ngaku CS trustdesk nge-chat saya di WA, itu resmi gak?"
    )
    first = conv["reply"]
    in_language(first, "id")
    assert first["intent"] == "phishing_check"
    assert first["asks"] == "channel"
    second = await say(client, token, conv["id"], "nomornya +62 812 3456 7890")
    in_language(second, "id")
    assert second["intent"] == "phishing_check"
    assert second["facts"]["channels"][0]["verdict"] == "unknown"
    assert says(second, "phishing_unknown")
    # Someone posing as us on an unknown number: the freeze and a person are at hand.
    assert "freeze_account" in buttons(second)
    offered_a_person(second)


async def test_a_caller_posing_as_security_asking_to_move_funds(client, customer_token, sandbox):
    token = customer_token("u-1015")
    reply = (
        await start(
            client,
            token,
            "got a call from +1 202 555 0143, guy says he's trustdesk security and wants me to "
            "move my coins to a safe wallet",
        )
    )["reply"]
    in_language(reply, "en")
    assert reply["intent"] == "phishing_check"
    assert reply["facts"]["channels"][0]["verdict"] == "unknown"
    assert says(reply, "phishing_if_used")
    assert "freeze_account" in buttons(reply)
    offered_a_person(reply)


# -- fees --------------------------------------------------------------------------------------


async def test_portuguese_fee_for_one_network(client, customer_token, sandbox):
    token = customer_token("u-1007")
    reply = (await start(client, token, "quanto custa pra sacar USDT pela rede TRC20?"))["reply"]
    in_language(reply, "pt-BR")
    assert reply["intent"] == "fees"
    assert lookups(reply) == {"fees": "listed"}
    assert {(f["asset"], f["network"]) for f in reply["facts"]["fees"]} == {("USDT", "TRX")}
    assert says(reply, "fees_intro")
    asks_nothing(reply)


async def test_korean_btc_fee(client, customer_token, sandbox):
    token = customer_token("u-1007")
    reply = (await start(client, token, "BTC 출금 수수료 얼마예요?"))["reply"]
    in_language(reply, "ko")
    assert reply["intent"] == "fees"
    assert reply["facts"]["fees"] and {f["asset"] for f in reply["facts"]["fees"]} == {"BTC"}
    asks_nothing(reply)


async def test_deposit_then_a_fee_question_in_the_same_chat(client, customer_token, sandbox):
    token = customer_token("u-1001", lang="en")
    conv = await start(client, token, "deposit still not there?? sent usdt from my wallet")
    assert conv["reply"]["intent"] == "deposit_not_credited"
    reply = await say(client, token, conv["id"], "ok and whats the fee to withdraw eth?")
    in_language(reply, "en")
    assert reply["intent"] == "fees"
    assert {f["asset"] for f in reply["facts"]["fees"]} == {"ETH"}
    assert "flow_started" in kinds(reply)
    asks_nothing(reply)


# -- a person, at any moment -------------------------------------------------------------------


async def test_french_asks_for_a_human_straight_away(client, customer_token, sandbox, maker, clock):
    token = customer_token("u-1003")
    reply = (await start(client, token, "je veux parler à un conseiller, pas à un robot svp"))[
        "reply"
    ]
    in_language(reply, "fr")
    assert reply["intent"] == "talk_to_human"
    assert "case_opened" in kinds(reply) and "handoff" in kinds(reply)
    queued(reply)
    detail = await ticket(client, await lead(client, maker, clock), reply["handoff"]["ticket_id"])
    assert detail["channel"] == "chat" and detail["language"] == "fr"


async def test_ukrainian_deposit_then_operator_then_agent_joins_and_bot_goes_quiet(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1001", name="Oksana Melnyk")
    conv = await start(client, token, "поповнила USDT а гроші досі не прийшли на рахунок")
    first = conv["reply"]
    in_language(first, "uk")
    assert lookups(first) == {"deposit": "pending_confirmations"}
    reply = await say(client, token, conv["id"], "з'єднайте мене з живим оператором будь ласка")
    in_language(reply, "uk")
    assert reply["intent"] == "talk_to_human"
    queued(reply)
    ticket_id = reply["handoff"]["ticket_id"]
    assert opened(reply)["intent"] == "deposit_not_credited"

    await make_agent(maker, "taras@unseen.io", now=clock.now, languages=["uk", "ru", "en"])
    agent = await login(client, "taras@unseen.io")
    detail = await ticket(client, agent, ticket_id)
    assert detail["intent"] == "deposit_not_credited" and detail["language"] == "uk"
    note = next(m for m in detail["messages"] if m["internal"])
    for part in (
        "pending_confirmations",
        "u-1001",
        "поповнила USDT",
        "Intent: deposit_not_credited",
    ):
        assert part in note["body"], part
    clock.advance(minutes=1)
    posted = await client.post(
        f"/api/v1/tickets/{ticket_id}/messages", headers=agent, json={"body": "Вітаю, дивлюся."}
    )
    assert posted.status_code == 201
    clock.advance(minutes=1)
    quiet = await say(client, token, conv["id"], "дякую, чекаю. а скільки ще?")
    assert quiet["handoff"]["state"] == "agent_joined" and quiet["handoff"]["agent_name"] == "Taras"
    assert quiet["actions_taken"] == [] and quiet["buttons"] == []
    assert says(quiet, "agent_handling")
    detail = await ticket(client, agent, ticket_id)
    assert detail["messages"][-1]["body"] == "дякую, чекаю. а скільки ще?"


async def test_vietnamese_presses_talk_to_a_person_after_a_delayed_withdrawal(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1003", lang="vi")
    conv = await start(client, token, "lệnh rút tiền của tôi bị treo 2 tiếng rồi")
    first = conv["reply"]
    in_language(first, "vi")
    assert first["intent"] == "withdrawal_pending"
    offered_a_person(first)
    reply = await press(client, token, conv["id"], "talk_to_human")
    in_language(reply, "vi")
    queued(reply)
    assert opened(reply)["intent"] == "withdrawal_pending"
    detail = await ticket(client, await lead(client, maker, clock), reply["handoff"]["ticket_id"])
    note = next(m for m in detail["messages"] if m["internal"])
    assert "wd-1003-1" in note["body"] and "processing" in note["body"]


async def test_portuguese_problem_and_a_person_in_one_message_gets_both(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-1001")
    reply = (
        await start(
            client, token, "meu depósito de USDT não caiu ainda, quero falar com um atendente"
        )
    )["reply"]
    in_language(reply, "pt-BR")
    # Answered from the account, and handed to a person as asked: the diagnosis goes along.
    assert lookups(reply) == {"deposit": "pending_confirmations"}
    reassured_first(reply)
    queued(reply)
    assert opened(reply)["intent"] == "deposit_not_credited"
    detail = await ticket(client, await lead(client, maker, clock), reply["handoff"]["ticket_id"])
    note = next(m for m in detail["messages"] if m["internal"])
    assert "pending_confirmations" in note["body"]


async def test_english_person_first_then_the_problem_is_routed_by_the_problem(
    client, customer_token, sandbox
):
    token = customer_token("u-1003")
    reply = (
        await start(client, token, "connect me to a live agent, my withdrawal is stuck for hours")
    )["reply"]
    in_language(reply, "en")
    queued(reply)
    # The ticket is about the withdrawal (money stuck), not about "wanting a person".
    assert opened(reply)["intent"] == "withdrawal_pending"
    assert opened(reply)["priority"] in ("P1", "P2")


async def test_a_frustrated_customer_who_gives_up_on_the_bot_gets_a_person(
    client, customer_token, sandbox
):
    token = customer_token("u-1002")
    conv = await start(client, token, "hola, no me llega el deposito de usdt")
    assert conv["reply"]["intent"] == "deposit_not_credited"
    reply = await say(client, token, conv["id"], "este bot no sirve para nada, no me ayuda")
    in_language(reply, "es")
    assert reply["intent"] == "talk_to_human"
    queued(reply)
    assert opened(reply)["intent"] == "deposit_not_credited"


async def test_a_balance_question_is_never_met_with_a_freeze_offer(client, customer_token, sandbox):
    token = customer_token("u-1007")
    reply = (await start(client, token, "how much money is on my account rn"))["reply"]
    in_language(reply, "en")
    assert reply["intent"] not in ("account_compromised", "phishing_check")
    assert "freeze_account" not in buttons(reply)
    assert "account_frozen" not in kinds(reply)


async def test_turkish_still_waiting_in_the_queue_is_told_the_queue_not_a_new_topic(
    client, customer_token, sandbox
):
    token = customer_token("u-1001")
    conv = await start(client, token, "USDT yatırdım hesapta yok")
    queued_reply = await say(client, token, conv["id"], "canlı desteğe bağlar mısın")
    queued(queued_reply)
    reply = await say(client, token, conv["id"], "hala bekliyorum")
    in_language(reply, "tr")
    queued(reply)
    assert reply["handoff"]["ticket_id"] == queued_reply["handoff"]["ticket_id"]
    assert lookups(reply) == {} and "case_opened" not in kinds(reply)
    assert reply["intent"] == "talk_to_human"  # still the conversation's, no new guess


async def test_spanish_how_to_start_verification(client, customer_token, sandbox):
    token = customer_token("u-2103")
    reply = (await start(client, token, "¿qué tengo que hacer para verificarme?"))["reply"]
    in_language(reply, "es")
    assert reply["intent"] == "kyc_status"
    assert reply["facts"]["kyc_status"] == "none"
    assert says(reply, "kyc_none")
    asks_nothing(reply)


async def test_korean_vip_asks_for_an_agent_and_goes_to_the_vip_desk(
    client, customer_token, sandbox
):
    token = customer_token("u-1015", vip=5)
    reply = (await start(client, token, "상담원 연결해 주세요"))["reply"]
    in_language(reply, "ko")
    assert reply["intent"] == "talk_to_human"
    assert opened(reply)["queue"] == "vip"
    queued(reply)


async def test_asking_twice_for_a_person_keeps_one_case(client, customer_token, sandbox):
    token = customer_token("u-1002")
    conv = await start(client, token, "quiero hablar con una persona")
    first = conv["reply"]
    in_language(first, "es")
    queued(first)
    again = await say(client, token, conv["id"], "hola?? sigo esperando a un agente humano")
    in_language(again, "es")
    assert again["handoff"]["ticket_id"] == first["handoff"]["ticket_id"]
    assert "case_opened" not in kinds(again)
    assert again["handoff"]["state"] == "queued"


# -- secrets -----------------------------------------------------------------------------------


async def test_turkish_password_is_masked_and_never_reaches_the_ticket(
    client, customer_token, sandbox, maker, clock
):
    token = customer_token("u-2104")
    conv = await start(client, token, "hesabıma giremiyorum, şifrem: Kedi1234! yardım edin")
    reply = conv["reply"]
    in_language(reply, "tr")
    assert "password" in reply["redactions"]
    assert says(reply, "secret_warning")
    assert reply["intent"] == "account_locked"
    assert "Kedi1234" not in str(conv)
    handed = await press(client, token, conv["id"], "talk_to_human")
    queued(handed)
    detail = await ticket(client, await lead(client, maker, clock), handed["handoff"]["ticket_id"])
    assert "Kedi1234" not in str(detail)
    async with maker() as session:
        bodies = (await session.execute(select(ConversationMessage.body))).scalars().all()
        notes = (await session.execute(select(TicketMessage.body))).scalars().all()
    assert all("Kedi1234" not in b for b in [*bodies, *notes])


async def test_spanish_seed_phrase_is_masked(client, customer_token, sandbox, maker):
    token = customer_token("u-1001")
    conv = await start(
        client,
        token,
        f"no me llega el deposito de usdt, les paso mi frase semilla por si sirve: {SEED}",
    )
    reply = conv["reply"]
    in_language(reply, "es")
    assert "seed_phrase" in reply["redactions"]
    assert says(reply, "secret_warning")
    assert reply["intent"] == "deposit_not_credited"
    assert lookups(reply) == {"deposit": "pending_confirmations"}
    assert "absurd" not in str(conv)
    stored = await history(client, token, conv["id"])
    assert "absurd" not in str(stored)


async def test_russian_2fa_code_is_masked(client, customer_token, sandbox):
    token = customer_token("u-1005")
    reply = (
        await start(client, token, "не могу войти, вот код 2FA 493817 из приложения, помогите")
    )["reply"]
    in_language(reply, "ru")
    assert "otp_code" in reply["redactions"]
    assert says(reply, "secret_warning")
    assert "493817" not in str(reply)


async def test_english_private_key_is_masked_not_taken_for_a_txid(client, customer_token, sandbox):
    token = customer_token("u-1016")
    key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    conv = await start(client, token, f"pls help recover my usdt, my private key is {key}")
    reply = conv["reply"]
    in_language(reply, "en")
    assert "private_key" in reply["redactions"]
    assert says(reply, "secret_warning")
    assert key not in str(conv)
    assert "deposit" not in lookups(reply) or lookups(reply)["deposit"] != "not_found"


async def test_arabic_password_is_masked_and_warned_in_arabic(client, customer_token, sandbox):
    token = customer_token("u-1001")
    reply = (
        await start(client, token, "لا أستطيع الدخول إلى حسابي، كلمة المرور هي Sahara2024! ساعدوني")
    )["reply"]
    in_language(reply, "ar")
    assert "password" in reply["redactions"]
    assert says(reply, "secret_warning")
    assert "Sahara2024" not in str(reply)


# -- the pure parts: amounts and answers customers type ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sent 10k usdt", ("10000", "USDT")),
        ("我充了5万U还没到账", ("50000", "USDT")),
        ("我充了5000USDT", ("5000", "USDT")),
        ("deposité $5,000 en USDT", ("5000", "USDT")),
        ("envoyé 2,5 BTC", ("2.5", "BTC")),
        ("1.000 USDT eingezahlt", ("1000", "USDT")),
        ("3 saat önce USDT attım", None),
        ("TRC20 2 hours ago", None),
    ],
)
def test_amounts_as_customers_write_them(text, expected):
    found = extract_amount(text, {"USDT", "BTC", "ETH"})
    assert found == ((Decimal(expected[0]), expected[1]) if expected else None)


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("yes", True),
        ("ok", True),
        ("yes please freeze my account right now", True),
        ("да, заморозьте немедленно", True),
        ("네 동결해주세요", True),
        ("请冻结", True),
        ("evet dondurun", True),
        ("no, please don't", False),
        ("ok no", False),
        ("hayır dondurmayın", False),
        ("не надо", False),
        ("不要冻结", False),
        ("what does freezing do?", False),
        ("لا شكرا", False),
    ],
)
def test_answers_to_the_freeze_question(text, yes):
    book = default_flowbook()
    assert is_yes(text, book.yes_words, book.no_words, book.confirm_words) is yes
