"""TrustDesk's crypto-exchange intent taxonomy."""

from __future__ import annotations

from enum import StrEnum


class CryptoIntent(StrEnum):
    """What a customer of a crypto exchange wants, as the assistant routes it."""

    deposit_not_credited = "deposit_not_credited"
    withdrawal_pending = "withdrawal_pending"
    wrong_network = "wrong_network"
    missing_memo = "missing_memo"
    account_locked = "account_locked"
    reset_2fa = "reset_2fa"
    kyc_status = "kyc_status"
    account_compromised = "account_compromised"
    # "Is this link / email / phone number / handle official?"
    phishing_check = "phishing_check"
    fees = "fees"
    p2p_dispute = "p2p_dispute"
    api_trouble = "api_trouble"
    talk_to_human = "talk_to_human"
    greeting = "greeting"
    thanks_goodbye = "thanks_goodbye"
    card_or_fiat_payment = "card_or_fiat_payment"
    trading_question = "trading_question"
    other = "other"


# The 15 languages TrustDesk serves; the shipped training set covers every one.
LANGUAGES: tuple[str, ...] = (
    "en", "zh-CN", "zh-TW", "ja", "ko", "vi", "id", "tr",
    "ru", "uk", "es", "pt-BR", "fr", "de", "ar",
)  # fmt: skip

# Below this confidence the assistant treats a prediction as "other / unsure" and asks a
# clarifying question or offers a human instead of acting on it.
UNSURE_THRESHOLD = 0.35
