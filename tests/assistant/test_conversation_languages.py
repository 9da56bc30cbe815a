"""One conversation per flow in each of the other languages: detected language, intent, the
account look-up, a reply in that language (never the English fallback), no needless question."""

from __future__ import annotations

import pytest

from tests.chat import BASE
from tests.conftest import auth
from trustdesk.assistant.replies import catalog

CASES = [
    (
        "ja",
        "u-1001",
        "USDTを入金しましたがまだ反映されていません",
        "deposit_not_credited",
        "deposit",
    ),
    (
        "ko",
        "u-1012",
        "출금 신청한 USDT가 아직 도착하지 않았어요",
        "withdrawal_pending",
        "withdrawal",
    ),
    (
        "ru",
        "u-1005",
        "потерял телефон с Google Authenticator, как сбросить 2FA?",
        "reset_2fa",
        "account",
    ),
    (
        "de",
        "u-1007",
        "Wie hoch ist die Auszahlungsgebühr für USDT?",
        "fees",
        "fees",
    ),
    (
        "pt-BR",
        "u-1004",
        "qual é o status da minha verificação de identidade KYC?",
        "kyc_status",
        "account",
    ),
    (
        "vi",
        "u-1015",
        "trang web trustdesk-support.com có phải trang chính thức không?",
        "phishing_check",
        "channels",
    ),
    (
        "uk",
        "u-1010",
        "мій акаунт зламали, хтось змінив пароль",
        "account_compromised",
        "account",
    ),
    (
        "zh-TW",
        "u-1013",
        "我的TON儲值還沒到帳，怎麼辦？",
        "deposit_not_credited",
        "deposit",
    ),
    (
        "fr",
        "u-1008",
        "mon retrait a été refusé, pourquoi ?",
        "withdrawal_pending",
        "withdrawal",
    ),
    (
        "id",
        "u-1003",
        "saya ingin bicara dengan petugas manusia",
        "talk_to_human",
        None,
    ),
]


@pytest.mark.parametrize(("language", "user", "text", "intent", "lookup"), CASES)
async def test_each_flow_answers_in_the_customers_language(
    client, customer_token, sandbox, language, user, text, intent, lookup
):
    token = customer_token(user, lang=language)
    response = await client.post(BASE, json={"text": text}, headers=auth(token))
    assert response.status_code == 201, response.text
    reply = response.json()["reply"]
    assert reply["language"] == language
    assert reply["intent"] == intent
    names = [a["detail"]["name"] for a in reply["actions_taken"] if a["type"] == "lookup"]
    assert names == ([lookup] if lookup else [])
    if lookup is None:
        assert reply["handoff"]["state"] == "queued"
    english = set(catalog()["en"].values())
    assert not any(part in english for part in reply["text"].split("\n\n"))
    assert "{" not in reply["text"]
    # The only question allowed here: "freeze now?" after a takeover.
    assert reply["asks"] is None or (intent, reply["asks"]) == ("account_compromised", "confirm")
