"""Official-channel verification and look-alike detection of single values."""

from __future__ import annotations

import pytest

from trustdesk.risk import (
    ChannelKind,
    ChannelRegister,
    OfficialChannel,
    Reason,
    Verdict,
    check_channel,
)


def binance_register(**options: object) -> ChannelRegister:
    return ChannelRegister.of(
        [
            OfficialChannel(ChannelKind.DOMAIN, "binance.com"),
            OfficialChannel(ChannelKind.DOMAIN, "binance.us"),
            OfficialChannel(ChannelKind.EMAIL, "support@binance.com"),
            OfficialChannel(ChannelKind.PHONE, "+1 (415) 555-0100"),
            OfficialChannel(ChannelKind.HANDLE, "@binance", "telegram"),
            OfficialChannel(ChannelKind.HANDLE, "binance", "x"),
        ],
        **options,
    )


REGISTER = binance_register()


@pytest.mark.parametrize(
    "value",
    [
        "binance.com",
        "BINANCE.COM.",
        "https://www.binance.com/en/my/wallet?x=1",
        "accounts.binance.com",
        "binance.us",
    ],
)
def test_official_domain_and_subdomain(value: str) -> None:
    verdict = check_channel(value, REGISTER)
    assert verdict.kind is ChannelKind.DOMAIN
    assert verdict.verdict is Verdict.OFFICIAL
    assert verdict.matched_official in {"binance.com", "binance.us"}


@pytest.mark.parametrize(
    "value",
    [
        "bin\u0430nce.com",  # Cyrillic а
        "b\u0456nance.com",  # Cyrillic і
        "bïnance.com",  # accent
        "xn--bnance-3va.com",  # punycode of a look-alike
        "c0inbase.com",  # digit zero for o
        "rnetamask.io",  # rn for m
        "myethervvallet.com",  # vv for w
        "b1nance.com",
    ],
)
def test_homoglyph_is_lookalike(value: str) -> None:
    verdict = check_channel(value, REGISTER)
    assert verdict.verdict is Verdict.LOOKALIKE
    assert Reason.HOMOGLYPH in verdict.reasons
    assert verdict.score >= 0.9


def test_punycode_is_decoded_and_reported() -> None:
    verdict = check_channel("https://xn--accounts-bnance-epb.com/login", REGISTER)
    assert verdict.verdict is Verdict.LOOKALIKE
    assert verdict.matched_official == "binance.com"
    assert {Reason.HOMOGLYPH, Reason.PUNYCODE, Reason.ADDED_WORD} <= set(verdict.reasons)
    # Unicode input is normalised to the ASCII form a browser would resolve.
    assert check_channel("bіnance.com", REGISTER).normalized.startswith("xn--")


@pytest.mark.parametrize(
    "value",
    ["binannce.com", "binace.com", "bianance.com", "bnance.com", "binnace.com", "coinbsae.com"],
)
def test_typo_is_lookalike(value: str) -> None:
    verdict = check_channel(value, REGISTER)
    assert verdict.verdict is Verdict.LOOKALIKE
    assert Reason.TYPO in verdict.reasons


@pytest.mark.parametrize(
    "value",
    [
        "binance-support.com",
        "login-binance.com",
        "binancewallet.com",
        "binance-airdrop-claim.com",
        "verify-binance-account.com",
    ],
)
def test_added_word_is_lookalike(value: str) -> None:
    verdict = check_channel(value, REGISTER)
    assert verdict.verdict is Verdict.LOOKALIKE
    assert Reason.ADDED_WORD in verdict.reasons
    assert verdict.brand == "binance"


@pytest.mark.parametrize("value", ["binance.co", "binance.net", "binance-us.xyz", "binance.co.uk"])
def test_other_tld_is_lookalike(value: str) -> None:
    verdict = check_channel(value, REGISTER)
    assert verdict.verdict is Verdict.LOOKALIKE
    assert Reason.OTHER_TLD in verdict.reasons


@pytest.mark.parametrize(
    "value", ["binance.com.secure-login.ru", "http://binance.account-verify.net/"]
)
def test_brand_as_subdomain_of_foreign_domain(value: str) -> None:
    verdict = check_channel(value, REGISTER)
    assert verdict.verdict is Verdict.LOOKALIKE
    assert Reason.SUBDOMAIN_ABUSE in verdict.reasons


def test_brand_on_free_hosting_platform() -> None:
    verdict = check_channel("binance-login.pages.dev", REGISTER)
    assert verdict.verdict is Verdict.LOOKALIKE
    assert Reason.FREE_HOSTING in verdict.reasons


def test_brand_in_path_and_userinfo() -> None:
    path = check_channel("https://evil.example.ru/binance/login", REGISTER)
    assert path.verdict is Verdict.LOOKALIKE
    assert path.reasons == [Reason.BRAND_IN_PATH]
    userinfo = check_channel("https://binance.com@evil.example.ru/", REGISTER)
    assert userinfo.verdict is Verdict.LOOKALIKE
    assert userinfo.normalized == "evil.example.ru"
    assert Reason.USERINFO in userinfo.reasons


def test_other_brands_are_protected_too() -> None:
    verdict = check_channel("metamask-restore.com", REGISTER)
    assert verdict.verdict is Verdict.LOOKALIKE
    assert verdict.matched_official == "metamask.io"
    # Another brand's own site is not ours, but it is no impersonation either.
    assert check_channel("coinbase.com", REGISTER).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize(
    "value",
    [
        "gateway.com",
        "researchgate.net",
        "gatesfoundation.org",
        "ok.ru",
        "okta.com",
        "capgemini.com",
        "consumerfinance.gov",
        "yahoo.finance.com",
        "annualcreditreport.com",
        "knowledge.com",
        "letsencrypt.org",
        "cryptography.io",
        "cryptocompare.com",
        "blockchaincommons.com",
        "blockchain-council.org",
        "trustpilot.com",
        "electronjs.org",
        "trevor.org",
        "google.com",
        "example.com",
    ],
)
def test_benign_lookalikes_are_not_flagged(value: str) -> None:
    assert check_channel(value, REGISTER).verdict is not Verdict.LOOKALIKE


@pytest.mark.parametrize("value", ["gate.io", "gate.com", "crypto.com", "ledger.com", "okx.com"])
def test_brand_domains_are_not_lookalikes_of_themselves(value: str) -> None:
    assert check_channel(value, REGISTER).verdict is Verdict.UNKNOWN


def test_official_email() -> None:
    verdict = check_channel("Support@Binance.com", REGISTER)
    assert verdict.kind is ChannelKind.EMAIL
    assert verdict.verdict is Verdict.OFFICIAL
    assert check_channel("news@mail.binance.com", REGISTER).verdict is Verdict.OFFICIAL


def test_strict_email_register_accepts_only_registered_addresses() -> None:
    strict = binance_register(strict_email=True)
    assert check_channel("support@binance.com", strict).verdict is Verdict.OFFICIAL
    assert check_channel("promo@binance.com", strict).verdict is Verdict.UNKNOWN


def test_email_on_lookalike_domain() -> None:
    verdict = check_channel("help@binance-verify.com", REGISTER)
    assert verdict.kind is ChannelKind.EMAIL
    assert verdict.verdict is Verdict.LOOKALIKE
    assert verdict.matched_official == "binance.com"


@pytest.mark.parametrize("value", ["binance.support@gmail.com", "b1nance-help@outlook.com"])
def test_freemail_with_brand_is_impersonation(value: str) -> None:
    verdict = check_channel(value, REGISTER)
    assert verdict.verdict is Verdict.LOOKALIKE
    assert Reason.FREEMAIL in verdict.reasons


def test_unrelated_email_is_unknown() -> None:
    assert check_channel("jane.doe@gmail.com", REGISTER).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize("value", ["+1 415 555 0100", "+1-415-555-0100", "+14155550100"])
def test_official_phone(value: str) -> None:
    verdict = check_channel(value, REGISTER)
    assert verdict.kind is ChannelKind.PHONE
    assert verdict.verdict is Verdict.OFFICIAL
    assert verdict.normalized == "+14155550100"


def test_unregistered_phone_is_only_not_official() -> None:
    verdict = check_channel("+44 20 7946 0958", REGISTER)
    assert verdict.verdict is Verdict.UNKNOWN
    assert verdict.normalized == "+442079460958"
    assert verdict.reasons == [Reason.NOT_OFFICIAL]


def test_phone_without_country_uses_default_region() -> None:
    register = binance_register(default_region="US")
    assert check_channel("(415) 555-0100", register).verdict is Verdict.OFFICIAL
    assert check_channel("+999 1", REGISTER).verdict is Verdict.INVALID


def test_official_handle() -> None:
    verdict = check_channel("@binance", REGISTER, platform="telegram")
    assert verdict.kind is ChannelKind.HANDLE
    assert verdict.verdict is Verdict.OFFICIAL
    assert check_channel("https://t.me/binance", REGISTER).verdict is Verdict.OFFICIAL


@pytest.mark.parametrize(
    "value", ["@binance_support_help", "@binance.help", "@b1nance", "@blnance", "@binannce"]
)
def test_lookalike_handle(value: str) -> None:
    verdict = check_channel(value, REGISTER, platform="telegram")
    assert verdict.kind is ChannelKind.HANDLE
    assert verdict.verdict is Verdict.LOOKALIKE
    assert verdict.matched_official == "@binance"


def test_handle_on_unregistered_platform_is_not_official() -> None:
    verdict = check_channel("@binance", REGISTER, platform="instagram")
    assert verdict.verdict is Verdict.UNKNOWN
    assert verdict.reasons == [Reason.NOT_OFFICIAL]


def test_unrelated_handle_is_unknown() -> None:
    assert check_channel("@crypto_jane", REGISTER).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize("value", ["", "   ", "not a channel at all!", "http://"])
def test_invalid_input(value: str) -> None:
    assert check_channel(value, REGISTER).verdict is Verdict.INVALID


def test_register_protects_its_own_name() -> None:
    register = ChannelRegister.of([OfficialChannel(ChannelKind.DOMAIN, "trustdeskx.com")])
    verdict = check_channel("trustdeskx-support.net", register)
    assert verdict.verdict is Verdict.LOOKALIKE
    assert verdict.matched_official == "trustdeskx.com"
