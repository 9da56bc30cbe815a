import pytest
from bip_utils import WifEncoder

from trustdesk.triage.redaction import SecretKind, redact_secrets

SEED_12 = "abandon ability able about above absent absorb abstract absurd abuse access accident"
SEED_24 = (
    "legal winner thank year wave sausage worth useful legal winner thank yellow "
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above"
)
HEX64 = "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa99"
WIF = WifEncoder.Encode(bytes(range(1, 33)))  # a valid compressed mainnet WIF (starts with K)
XPRV = (
    "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3"
    "TGtRBeJgk33yuGBxrMPHi"
)
XPUB = (
    "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265"
    "TMg7usUDFdp6W1EGMcet8"
)


def test_plain_text_is_untouched():
    text = "My deposit of 120 USDT has not arrived, order 556677, UID 123456789."
    result = redact_secrets(text)
    assert result.text == text
    assert result.redactions == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my password is hunter2", "my password is [redacted: password]"),
        ("Password: dragonfly please reset", "Password: [redacted: password] please reset"),
        ("şifrem: abc123", "şifrem: [redacted: password]"),
        ("Şifrem abc123 ama giremiyorum", "Şifrem [redacted: password] ama giremiyorum"),
        ("密码是 xxx", "密码是 [redacted: password]"),
        ("我的密码是abc123，帮我看看", "我的密码是[redacted: password]，帮我看看"),
        ("パスワードは Pass1234 です", "パスワードは [redacted: password] です"),
        ("비밀번호는 qwer1234입니다", "비밀번호는 [redacted: password]입니다"),
        ("mật khẩu của tôi là matkhau99", "mật khẩu của tôi là [redacted: password]"),
        ("kata sandi saya adalah rahasia123", "kata sandi saya adalah [redacted: password]"),
        ("мой пароль qwerty123", "мой пароль [redacted: password]"),
        ("mi contraseña es perro2020", "mi contraseña es [redacted: password]"),
        ("minha senha é gato123", "minha senha é [redacted: password]"),
        ("mon mot de passe est soleil", "mon mot de passe est [redacted: password]"),
        ("mein Passwort ist Sommer2024!", "mein Passwort ist [redacted: password]!"),
        ("كلمة المرور هي abc12345", "كلمة المرور هي [redacted: password]"),
    ],
)
def test_passwords_in_sentences(text, expected):
    result = redact_secrets(text)
    assert result.text == expected
    assert result.redactions == [SecretKind.PASSWORD]


@pytest.mark.parametrize(
    "text",
    [
        "My password is wrong, please help",
        "I forgot my password",
        "şifrem çalındı",
        "密码是多少？",
        "password reset is not working",
        "Мой пароль не подходит",
    ],
)
def test_talking_about_a_password_is_not_redacted(text):
    assert redact_secrets(text).text == text


def test_seed_phrase_12_and_24_words():
    result = redact_secrets(f"here is my wallet: {SEED_12}\nthanks, should I do it")
    assert result.text == "here is my wallet: [redacted: seed phrase]\nthanks, should I do it"
    assert result.redactions == ["seed_phrase"]
    # Adjacent words that happen to be BIP-39 words are swallowed: over-masking is the safe side.
    result = redact_secrets(f"{SEED_12}. Can you help?")
    assert result.redactions == ["seed_phrase"]
    assert "abandon" not in result.text and "accident" not in result.text
    result = redact_secrets(SEED_24.upper())
    assert result.text == "[redacted: seed phrase]"


def test_numbered_seed_phrase():
    numbered = " ".join(f"{i}. {w}" for i, w in enumerate(SEED_12.split(), start=1))
    result = redact_secrets(numbered + "\nthanks")
    assert result.redactions == ["seed_phrase"]
    assert "abandon" not in result.text and "accident" not in result.text


def test_partial_seed_phrase_with_context():
    result = redact_secrets("my seed phrase starts with: abandon ability able about above absent")
    assert result.redactions == ["seed_phrase"]
    assert "abandon" not in result.text


def test_spanish_seed_phrase():
    spanish = "ábaco abdomen abeja abierto abogado abono aborto abrazo abrir abuelo abuso acabar"
    assert redact_secrets(spanish).redactions == ["seed_phrase"]


def test_ordinary_english_is_not_a_seed_phrase():
    text = (
        "Hello, I would like to know why my withdrawal of 50 USDT to my wallet is still "
        "pending after two hours, I also tried again but the same problem happens."
    )
    assert redact_secrets(text).redactions == []


def test_private_key_hex_with_context_is_redacted():
    result = redact_secrets(f"my private key is {HEX64}")
    assert result.text == "my private key is [redacted: private key]"
    assert redact_secrets(f"私钥：{HEX64}").redactions == ["private_key"]
    assert redact_secrets(f"mi clave privada 0x{HEX64}").redactions == ["private_key"]


@pytest.mark.parametrize(
    "text",
    [
        f"txid: {HEX64}",
        f"Transaction hash 0x{HEX64} is not credited",
        f"交易哈希 {HEX64}",
        f"Here is the hash {HEX64} of my deposit, my private key is safe",
        f"{HEX64}",  # bare 64-hex: treated as a txid (see module docstring)
    ],
)
def test_txids_stay_readable(text):
    result = redact_secrets(text)
    assert result.text == text
    assert result.redactions == []


def test_key_and_txid_in_one_message():
    text = f"The txid is {HEX64[::-1]}. Also my private key: {HEX64}"
    result = redact_secrets(text)
    assert result.text == f"The txid is {HEX64[::-1]}. Also my private key: [redacted: private key]"


def test_wif_and_xprv_are_redacted_but_xpub_and_addresses_stay():
    assert WIF[0] in "KL"
    assert redact_secrets(f"import {WIF} please").text == "import [redacted: private key] please"
    assert redact_secrets(XPRV).redactions == ["private_key"]
    address = "0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE"
    btc = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"
    text = f"xpub {XPUB}, address {address}, {btc}, TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9"
    assert redact_secrets(text).text == text


def test_pem_private_key():
    text = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIO\n-----END EC PRIVATE KEY-----\nhelp"
    result = redact_secrets(text)
    assert result.text == "[redacted: private key]\nhelp"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my 2fa code is 123456", "my 2fa code is [redacted: 2FA code]"),
        ("Google Authenticator: 654321", "Google Authenticator: [redacted: 2FA code]"),
        ("here: 123 456 is the OTP", "here: [redacted: 2FA code] is the OTP"),
        ("验证码 123456", "验证码 [redacted: 2FA code]"),
        ("認証コードは 123 456 です", "認証コードは [redacted: 2FA code] です"),
        ("인증번호 482913 입니다", "인증번호 [redacted: 2FA code] 입니다"),
        ("kode OTP saya 987654", "kode OTP saya [redacted: 2FA code]"),
        ("doğrulama kodu 112233", "doğrulama kodu [redacted: 2FA code]"),
        ("код подтверждения 445566", "код подтверждения [redacted: 2FA code]"),
        ("código de verificación: 778899", "código de verificación: [redacted: 2FA code]"),
        ("Bestätigungscode 13579246", "Bestätigungscode [redacted: 2FA code]"),
        ("رمز التحقق 246810", "رمز التحقق [redacted: 2FA code]"),
    ],
)
def test_otp_codes(text, expected):
    result = redact_secrets(text)
    assert result.text == expected
    assert result.redactions == ["otp_code"]


@pytest.mark.parametrize(
    "text", ["error code 100001", "my UID is 123456 and my order is 654321", "I sent 250000 USDT"]
)
def test_numbers_without_otp_label_stay(text):
    assert redact_secrets(text).text == text


def test_api_secret():
    result = redact_secrets("api key abc, api secret: abcdefABCDEF1234567890xyz")
    assert result.text == "api key abc, api secret: [redacted: API secret]"


def test_several_secrets_in_order():
    text = f"password: hunter2 and 2fa 123456 and seed {SEED_12}"
    result = redact_secrets(text)
    assert result.redactions == ["password", "otp_code", "seed_phrase"]
    assert "hunter2" not in result.text and "123456" not in result.text
