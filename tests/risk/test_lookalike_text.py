"""Look-alikes mentioned in free-text customer messages, in several languages."""

from __future__ import annotations

import pytest

from trustdesk.risk import (
    ChannelKind,
    ChannelRegister,
    OfficialChannel,
    Reason,
    find_lookalikes_in_text,
)

REGISTER = ChannelRegister.of(
    [
        OfficialChannel(ChannelKind.DOMAIN, "binance.com"),
        OfficialChannel(ChannelKind.HANDLE, "binance", "telegram"),
    ]
)


def found(text: str) -> dict[str, list[str]]:
    return {v.normalized: v.reasons for v in find_lookalikes_in_text(text, REGISTER)}


def test_english_message_with_url_email_and_official_site() -> None:
    text = (
        "I got a mail from binance.support@gmail.com asking me to log in at "
        "https://binance-verify.com/login?next=1. The real binance.com looks different."
    )
    verdicts = find_lookalikes_in_text(text, REGISTER)
    assert [v.normalized for v in verdicts] == [
        "binance.support@gmail.com",
        "binance-verify.com",
    ]
    assert Reason.FREEMAIL in verdicts[0].reasons
    start, end = verdicts[1].span or (0, 0)
    assert text[start:end] == "https://binance-verify.com/login?next=1"


def test_chinese_message_without_spaces() -> None:
    text = (
        "您好，短信让我访问binance-support.com获取空投，还有https://www.bіnance.com/zh-CN，安全吗？"
    )
    result = found(text)
    assert "binance-support.com" in result
    assert Reason.HOMOGLYPH in result["www.xn--bnance-pvf.com"]


def test_russian_message_with_handle_and_punycode() -> None:
    text = "Здравствуйте! Мне написал @binance_support_help и прислал ссылку xn--bnance-3va.com."
    result = found(text)
    assert set(result) == {"binance_support_help", "xn--bnance-3va.com"}


def test_spanish_message_with_free_hosting_and_defanged_url() -> None:
    text = "Hola, me escribieron desde metamask-wallet-restore.pages.dev (¿es oficial?) y "
    text += "hxxps://coinbase.com.secure-login.ru/"
    result = found(text)
    assert Reason.FREE_HOSTING in result["metamask-wallet-restore.pages.dev"]
    assert Reason.SUBDOMAIN_ABUSE in result["coinbase.com.secure-login.ru"]


def test_arabic_message() -> None:
    assert "binance-airdrop.xyz" in found("ممكن تتحقق من binance-airdrop.xyz؟ شكرا")


def test_telegram_link_is_a_handle() -> None:
    result = find_lookalikes_in_text("Join t.me/binance_help for support", REGISTER)
    assert [v.normalized for v in result] == ["telegram:@binance_help"]
    assert result[0].kind is ChannelKind.HANDLE


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, mon email: jean.dupont@orange.fr. J'utilise gateway.com et ok.ru, merci.",
        "I use a Ledger and Trust Wallet, see www.google.com or e.g. the docs.",
        "Official: https://www.binance.com/en/support and @binance on Telegram.",
        "Mein Konto bei binance.com ist gesperrt, Tel. +49 30 1234567",
        "ゲートウェイ gateway.com とresearchgate.net を見ました",
    ],
)
def test_benign_messages_raise_no_warning(text: str) -> None:
    assert find_lookalikes_in_text(text, REGISTER) == []


def test_each_lookalike_is_reported_once() -> None:
    text = "binance-verify.com, again binance-verify.com and BINANCE-VERIFY.COM"
    assert len(find_lookalikes_in_text(text, REGISTER)) == 1
