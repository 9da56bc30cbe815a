"""Mask secrets a customer pastes into a message before it is stored, shown or sent to an LLM.

What is masked (replacement "[redacted: <kind>]"):
- seed phrases: 12+ consecutive words of one BIP-39 word list (bip_utils ships English, Chinese,
  Korean, Spanish, French, Italian, Portuguese, Czech), or 6+ when "seed phrase"/"助记词"/... is
  nearby. Natural sentences do not produce such runs: BIP-39 has no word under 3 letters, so "the",
  "my", "is", "to"... break a run. Whole runs are masked even at odd lengths (a partial phrase
  still gives most of the key away).
- private keys: PEM blocks; extended private keys (xprv/yprv/zprv/tprv...); WIF keys (base58
  starting 5/K/L/c/9) whose Base58Check checksum is valid, or any WIF-shaped string next to a
  "private key" word; 64-hex strings and 85–90 character base58 strings (Solana) per the context
  rule below.
- passwords given in a sentence ("my password is hunter2", "şifrem: abc123", "密码是 xxx") in the
  15 languages: the word after the label is masked. After an explicit "is"/":"/"=" any word except
  a short list of descriptive words ("my password is wrong") is masked; without one ("şifrem
  abc123") only a password-shaped word (digit, symbol or inner capital) is.
- 2FA/OTP codes: 6–8 digits (or "123 456") right after or before a 2FA/OTP/authenticator/
  verification-code label in the 15 languages. Bare numbers are left alone (amounts, UIDs).
- API secrets: the value after "api secret"/"secret key".

Context rule for 64-hex (and 0x+64-hex) and long base58 strings, which may be a private key or a
public txid / Sui-Aptos address / Solana signature: look for key words ("private key", "私钥",
"clave privada"...) and public words ("txid", "hash", "transaction", "address", "交易", "地址"...)
within 120 characters before and 40 after. Masked when a key word is there and is at least as
close as any public word; kept otherwise - including when no word is there at all, because txids
are pasted thousands of times more often than bare keys and masking them would force agents to
ask the customer again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from bip_utils import Base58Decoder, Bip39Languages
from bip_utils.bip.bip39.bip39_mnemonic_utils import Bip39WordsListGetter


class SecretKind(StrEnum):
    PASSWORD = "password"
    SEED_PHRASE = "seed_phrase"
    PRIVATE_KEY = "private_key"
    OTP_CODE = "otp_code"
    API_SECRET = "api_secret"


_LABELS = {
    SecretKind.PASSWORD: "password",
    SecretKind.SEED_PHRASE: "seed phrase",
    SecretKind.PRIVATE_KEY: "private key",
    SecretKind.OTP_CODE: "2FA code",
    SecretKind.API_SECRET: "API secret",
}


def placeholder(kind: SecretKind) -> str:
    return f"[redacted: {_LABELS[kind]}]"


@dataclass(frozen=True, slots=True)
class RedactionResult:
    """Result of `redact_secrets`: the masked text and one kind per masked span, in order."""

    text: str
    redactions: list[SecretKind] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Seed phrases

_SEED_MIN_WORDS = 12
_SEED_MIN_WORDS_WITH_CONTEXT = 6
_SEED_CONTEXT = re.compile(
    r"seed|mnemonic|recovery\s+phrase|secret\s+phrase|backup\s+phrase|12\s+words|24\s+words|"
    r"助记词|助記詞|シード|復元フレーズ|시드|복구\s*구문|니모닉|cụm\s+từ|frasa\s+pemulihan|"
    r"kurtarma\s+ifadesi|gizli\s+ifade|сид|мнемони|секретн\w+\s+фраз|фраз\w*\s+восстановлени|"
    r"фраз\w*\s+відновлення|frase\s+(?:semilla|secreta|de\s+recupera)|phrase\s+(?:de\s+récupération|"
    r"secrète)|wiederherstellungsphrase|العبارة\s+السرية|عبارة\s+الاسترداد|كلمات\s+الاسترداد",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+")
# Between two words of a phrase: spaces, commas, numbering ("1." "2)"), bars, quotes.
_SEED_GAP = re.compile(r"[\s,.;:|/\-–()\[\]\"'#\d\u3000、，]{1,12}")


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _wordlists() -> list[frozenset[str]]:
    getter = Bip39WordsListGetter()
    lists = []
    for language in Bip39Languages:
        words = getter.GetByLanguage(language)
        lists.append(frozenset(_plain(words.GetWordAtIdx(i)) for i in range(words.Length())))
    return lists


def _seed_spans(text: str) -> list[tuple[int, int]]:
    tokens = [(m.start(), m.end(), _plain(m.group())) for m in _WORD.finditer(text)]
    minimum = _SEED_MIN_WORDS_WITH_CONTEXT if _SEED_CONTEXT.search(text) else _SEED_MIN_WORDS
    spans: list[tuple[int, int]] = []
    for wordlist in _wordlists():
        run: list[tuple[int, int, str]] = []
        for token in [*tokens, (len(text), len(text), "")]:
            joined = (
                run
                and token[2] in wordlist
                and _SEED_GAP.fullmatch(text[run[-1][1] : token[0]]) is not None
            )
            if joined:
                run.append(token)
                continue
            if len(run) >= minimum:
                spans.append((run[0][0], run[-1][1]))
            run = [token] if token[2] in wordlist else []
    return spans


# ---------------------------------------------------------------------------------------------
# Private keys

_B58 = "1-9A-HJ-NP-Za-km-z"
_PEM = re.compile(
    r"-----BEGIN[A-Z ]*PRIVATE KEY-----.*?(?:-----END[A-Z ]*PRIVATE KEY-----|\Z)", re.DOTALL
)
_XPRV = re.compile(rf"(?<![{_B58}])[xyztuvXYZUV]prv[{_B58}]{{90,115}}(?![{_B58}])")
_WIF = re.compile(rf"(?<![{_B58}])[5KL9c][{_B58}]{{50,51}}(?![{_B58}])")
_HEX64 = re.compile(r"(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_B58_LONG = re.compile(rf"(?<![{_B58}])[{_B58}]{{85,90}}(?![{_B58}])")
_KEY_WORDS = re.compile(
    r"priv(?:ate)?[\s_-]*key|privkey|secret[\s_-]*key|私钥|私鑰|秘密鍵|秘密キー|プライベートキー|"
    r"개인\s*키|프라이빗\s*키|khóa\s+(?:riêng|bí\s+mật)|kunci\s+(?:privat|pribadi|rahasia)|"
    r"özel\s+anahtar|(?:приватн|закрыт|секретн|закрит)\w*\s+ключ|clave\s+privada|"
    r"chave\s+privada|clé\s+privée|private[rn]?\s+schlüssel|privatschlüssel|"
    r"المفتاح\s+(?:الخاص|السري)",
    re.IGNORECASE,
)
_PUBLIC_WORDS = re.compile(
    r"tx\s*id|txn|txhash|tx\s+hash|\btx\b|hash|transaction|address|"
    r"explorer|etherscan|tronscan|bscscan|solscan|交易|哈希|转账|轉帳|地址|トランザクション|ハッシュ|"
    r"アドレス|거래|해시|주소|giao\s+dịch|địa\s+chỉ|transaksi|alamat|işlem|adres|хе[шэ]|"
    r"транзакц|адрес|transacci|transaç|dirección|endereço|adresse|transaktion|المعاملة|عنوان|هاش",
    re.IGNORECASE,
)
_BEFORE, _AFTER = 120, 40


def _nearest(pattern: re.Pattern[str], text: str, start: int, end: int) -> int | None:
    """Distance in characters from the span to the closest match of `pattern` around it."""
    window_start = max(0, start - _BEFORE)
    before = [start - (window_start + m.end()) for m in pattern.finditer(text, window_start, start)]
    after = [m.start() - end for m in pattern.finditer(text, end, end + _AFTER)]
    distances = before + after
    return min(distances) if distances else None


def _named_as_key(text: str, start: int, end: int) -> bool:
    key = _nearest(_KEY_WORDS, text, start, end)
    if key is None:
        return False
    public = _nearest(_PUBLIC_WORDS, text, start, end)
    return public is None or key <= public


def _valid_wif(candidate: str) -> bool:
    try:
        payload = Base58Decoder.CheckDecode(candidate)
    except Exception:  # checksum or alphabet error: not a WIF
        return False
    return len(payload) in (33, 34) and payload[0] in (0x80, 0xEF)


def _key_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _PEM.finditer(text)]
    spans += [m.span() for m in _XPRV.finditer(text)]
    for m in _WIF.finditer(text):
        if _valid_wif(m.group()) or _named_as_key(text, *m.span()):
            spans.append(m.span())
    for pattern in (_HEX64, _B58_LONG):
        for m in pattern.finditer(text):
            if _named_as_key(text, *m.span()):
                spans.append(m.span())
    return spans


# ---------------------------------------------------------------------------------------------
# Passwords and API secrets

# (label, explicit separator) per language. Group "sep" is set when the customer used an explicit
# "is"/":"/"=" - then any value but a descriptive word is masked.
_SEP = re.compile(
    r"\s*(?P<sep>:|：|=|-|—)\s*"
    r"|\s+(?P<sepw>is|was|es|é|est|ist|lautet|là|adalah|ialah|это|це|هي)\s+"
    r"|\s+",
    re.IGNORECASE,
)
_PASSWORD_LATIN = re.compile(
    r"(?<!\w)(?:(?:my|the|login|account|fund|trading|email)\s+)?(?:password|passwd|pwd|passcode|pass|pw)"
    r"|(?<!\w)(?:[şs]ifrem|[şs]ifre|parolam|parola)(?:m[ıi]z)?"
    r"|(?<!\w)(?:мой\s+|мій\s+)?пароль"
    r"|(?<!\w)mật\s+khẩu(?:\s+của\s+tôi)?"
    r"|(?<!\w)(?:kata\s+sandi|sandi)(?:\s+saya)?|(?<!\w)password\s+saya"
    r"|(?<!\w)(?:mi\s+)?(?:contraseña|clave)"
    r"|(?<!\w)(?:minha\s+)?senha"
    r"|(?<!\w)(?:mon\s+)?(?:mot\s+de\s+passe|mdp)"
    r"|(?<!\w)(?:mein\s+)?(?:passwort|kennwort)"
    r"|(?:كلمة\s+(?:المرور|السر)|الباسورد)",
    re.IGNORECASE,
)
_PASSWORD_CJK = re.compile(
    r"(?:登录|登錄|资金|資金|交易)?(?:密码|密碼)\s*(?P<sep>是|为|為|:|：|=)?\s*"
    r"|(?:パスワード|暗証番号)\s*(?P<sep2>は|:|：|=)?\s*"
    r"|(?:비밀번호|비번|패스워드)\s*(?P<sep3>는|은|:|：|=)?\s*"
)
_API_SECRET = re.compile(
    r"(?<!\w)(?:api[\s_-]*secret(?:[\s_-]*key)?|secret[\s_-]*key|secretkey)\s*(?:is|:|=)?\s*"
    r"(?P<value>[A-Za-z0-9+/=_-]{16,})",
    re.IGNORECASE,
)
_LATIN_VALUE = re.compile(r"[^\s,;，。、]+")
_ASCII_VALUE = re.compile(r"[\x21-\x7e]+")
_TRAILING = ".,!?;:)]}\"'"
# Words that describe a password rather than being one ("my password is wrong").
_DESCRIPTIVE_LIST = """
    not wrong incorrect invalid correct right too very the a an my same expired changed reset
    locked blocked still now weak strong forgotten lost required needed also being no ok fine
    what where how and or but if for to in on of with doesn't isn't don't can't cannot wont
    won't working accepted rejected
    değil yanlış doğru unuttum çalındı değişti hatalı
    не неверный неправильный верный правильный забыл забыла изменен сменил
    неправильний забув змінено
    không sai đúng bị quên
    tidak salah benar lupa sudah
    incorrecta incorrecto correcta correcto equivocada
    não errada errado incorreta incorreto correta correto
    pas faux incorrect correct oublié
    nicht falsch richtig vergessen
    لا خاطئة خطأ صحيحة
    什么 多少 错误 錯誤 不对 不對"""
_DESCRIPTIVE = frozenset(_DESCRIPTIVE_LIST.split())


def _password_shaped(value: str) -> bool:
    return (
        any(c.isdigit() for c in value)
        or any(not c.isalnum() for c in value)
        or any(c.isupper() for c in value[1:])
    )


def _secret_value(
    text: str, at: int, explicit: bool, value_pattern: re.Pattern[str]
) -> tuple[int, int] | None:
    m = value_pattern.match(text, at)
    if not m:
        return None
    value = m.group().rstrip(_TRAILING)
    if not value or value.casefold() in _DESCRIPTIVE or value.endswith("?"):
        return None
    if not explicit and not _password_shaped(value):
        return None
    return (m.start(), m.start() + len(value))


def _password_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for label in _PASSWORD_LATIN.finditer(text):
        sep = _SEP.match(text, label.end())
        if not sep:
            continue
        explicit = bool(sep.group("sep") or sep.group("sepw"))
        span = _secret_value(text, sep.end(), explicit, _LATIN_VALUE)
        if span:
            spans.append(span)
    for label in _PASSWORD_CJK.finditer(text):
        explicit = any(label.group(g) for g in ("sep", "sep2", "sep3"))
        span = _secret_value(text, label.end(), explicit, _ASCII_VALUE)
        if span:
            spans.append(span)
    return spans


# ---------------------------------------------------------------------------------------------
# 2FA / OTP codes

_OTP_LABEL = (
    r"(?:2fa|two[\s-]*factor|2[\s-]*step|mfa|otp|totp|g2fa|one[\s-]*time\s+(?:pass)?code|"
    r"authenticator|google\s+auth|verification\s+code|security\s+code|sms\s+code|auth\s+code|"
    r"email\s+code|验证码|驗證碼|动态码|動態碼|校验码|認証コード|確認コード|ワンタイムパスワード|"
    r"2段階認証|인증\s*번호|인증\s*코드|mã\s+(?:xác\s+(?:thực|minh|nhận)|otp|2fa)|"
    r"kode\s+(?:otp|verifikasi|2fa|autentikasi)|doğrulama\s+kodu|onay\s+kodu|sms\s+kodu|"
    r"код\w*\s+(?:подтверждения|из\s+смс|2fa|аутентификатора|підтвердження|з\s+смс)|"
    r"одноразов\w+\s+код|código\s+(?:de\s+)?(?:verificación|verificação|autenticación|"
    r"autenticação|2fa|sms)|code\s+(?:de\s+vérification|2fa|d'authentification|sms)|"
    r"bestätigungscode|verifizierungscode|2fa-code|authentifizierungscode|رمز\s+التحقق|"
    r"كود\s+التحقق|رمز\s+otp)"
)
_OTP_CODE = r"(?P<code>(?<!\d)(?:\d{3}[ -]\d{3}|\d{6,8})(?!\d))"
_OTP_AFTER = re.compile(_OTP_LABEL + r"[^\d\n]{0,25}?" + _OTP_CODE, re.IGNORECASE)
_OTP_BEFORE = re.compile(_OTP_CODE + r"[^\d\n]{0,15}?" + _OTP_LABEL, re.IGNORECASE)


def _otp_spans(text: str) -> list[tuple[int, int]]:
    return [m.span("code") for p in (_OTP_AFTER, _OTP_BEFORE) for m in p.finditer(text)]


# ---------------------------------------------------------------------------------------------


def redact_secrets(text: str) -> RedactionResult:
    """Mask passwords, seed phrases, private keys, 2FA codes and API secrets in `text`.

    Txids and addresses stay readable (see the module docstring for the heuristic). The result
    lists one `SecretKind` per masked span, in the order they appear.
    """
    found: list[tuple[int, int, SecretKind]] = []
    # Earlier kinds win where spans overlap (a seed phrase beats a "password" inside it).
    for kind, spans in (
        (SecretKind.SEED_PHRASE, _seed_spans(text)),
        (SecretKind.PRIVATE_KEY, _key_spans(text)),
        (SecretKind.API_SECRET, [m.span("value") for m in _API_SECRET.finditer(text)]),
        (SecretKind.PASSWORD, _password_spans(text)),
        (SecretKind.OTP_CODE, _otp_spans(text)),
    ):
        for start, end in spans:
            if not any(start < e and s < end for s, e, _ in found):
                found.append((start, end, kind))
    found.sort()
    pieces: list[str] = []
    cursor = 0
    for start, end, kind in found:
        pieces.append(text[cursor:start])
        pieces.append(placeholder(kind))
        cursor = end
    pieces.append(text[cursor:])
    return RedactionResult(text="".join(pieces), redactions=[kind for _, _, kind in found])
