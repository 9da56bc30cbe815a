"""Anti-phishing: official-channel verification and look-alike detection.

Pure logic, no database: the caller passes the admin-managed register of official channels.

How a look-alike is found: every label of a host name (or a social handle, or the local part of
an e-mail address) is turned into a few "views" -- as written, as a visual skeleton (Unicode
confusables and accents folded to ASCII, `rn`->`m`, `vv`->`w`, `0`->`o`, i/l/1 merged), without
separators or inserted digits -- and each protected brand token is searched in them, exactly
and then with one edit (two for long names). Where the match sits tells the trick: the brand
with other words (combosquatting), the brand on another TLD, the brand as a subdomain of a
foreign domain. Registrable domains come from the Public Suffix List bundled with
`publicsuffixlist` (offline, private suffixes included, so `x.pages.dev` is its own site).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import phonenumbers
from publicsuffixlist import PublicSuffixList
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from trustdesk.risk.brands import Brand
from trustdesk.risk.channels import (
    ChannelKind,
    ChannelRegister,
    ChannelVerdict,
    Reason,
    Verdict,
)

__all__ = [
    "RegisterIndex",
    "build_index",
    "check_channel",
    "check_domain",
    "find_lookalikes_in_text",
    "skeleton",
]

_PSL = PublicSuffixList()
# ICANN-only view: tells a real TLD ("co.uk") from a hosting platform ("pages.dev").
_ICANN = PublicSuffixList(only_icann=True)

# A verdict is "lookalike" from this score up.
LOOKALIKE_THRESHOLD = 0.5

# Ordinary words one edit away from a long brand name. A typo match inside one of them is not an
# impersonation ("consumerfinance" is not "binance").
_TYPO_STOPWORDS = (
    "finance",
    "ledge",
    "edger",
    "lodger",
    "hedger",
    "tresor",
    "trevor",
    "bitmax",
    "exodos",
    "electron",
    "report",
)

_FREEMAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "mail.ru",
        "inbox.ru",
        "list.ru",
        "bk.ru",
        "yandex.ru",
        "yandex.com",
        "ya.ru",
        "qq.com",
        "163.com",
        "126.com",
        "yeah.net",
        "sina.com",
        "foxmail.com",
        "naver.com",
        "daum.net",
        "hanmail.net",
        "zoho.com",
        "tutanota.com",
        "tuta.io",
        "hotmail.fr",
        "hotmail.co.uk",
        "yahoo.co.jp",
        "yahoo.fr",
        "outlook.fr",
        "rambler.ru",
        "ukr.net",
    ]
)

# Social networks whose profile URLs are handles rather than web sites.
_SOCIAL_HOSTS = {
    "t.me": "telegram",
    "telegram.me": "telegram",
    "x.com": "x",
    "twitter.com": "x",
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "youtube.com": "youtube",
    "tiktok.com": "tiktok",
    "discord.gg": "discord",
}

# ---------------------------------------------------------------------------------------------
# Visual skeleton
# ---------------------------------------------------------------------------------------------

# Digits that pass for letters ("c0inbase", "meta3ask"); 2 and 6 are left alone, they are usually
# inserted rather than substituted and the digit-free view catches them.
_DIGIT_LETTERS = str.maketrans(
    {"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"}
)
# Letters that cannot be told apart in many fonts collapse to one representative.
_ASCII_CLASSES = str.maketrans({"i": "l", "|": "l"})
# Where Unicode's confusable data offers several ASCII letters, the visually closest one.
_PREFERRED = {"ν": "v", "ѵ": "v", "υ": "u", "ш": "w", "ɯ": "w", "ω": "w", "м": "m"}


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """Map one non-ASCII character to the ASCII letter it imitates ("" if it imitates none)."""
    if ch in _PREFERRED:
        return _PREFERRED[ch]
    decomposed = "".join(
        c for c in unicodedata.normalize("NFKD", ch) if unicodedata.category(c) != "Mn"
    ).lower()
    if decomposed.isascii() and decomposed.isalnum():
        return decomposed
    from confusables import CONFUSABLE_MAP  # large table, loaded on first non-ASCII input

    candidates: list[str] = sorted(
        {str(c).lower() for c in CONFUSABLE_MAP.get(ch, ()) if len(c) == 1 and c.isascii()}
    )
    letters = [c for c in candidates if c.isalpha()]
    if letters:
        return letters[0]
    digits = [c for c in candidates if c.isdigit()]
    return digits[0] if digits else ch


def skeleton(text: str, *, digits: bool = True) -> str:
    """The visual skeleton of `text`: what it looks like, folded to lower-case ASCII."""
    text = text.lower()
    if not text.isascii():
        text = "".join(c if c.isascii() else _fold_char(c) for c in text)
    if digits:
        text = text.translate(_DIGIT_LETTERS)
    text = text.replace("rn", "m").replace("vv", "w")
    return text.translate(_ASCII_CLASSES)


# ---------------------------------------------------------------------------------------------
# Register index
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    brand: Brand
    text: str  # compact form, no separators
    skel: str  # skeleton of `text`
    raw_re: re.Pattern[str]
    skel_re: re.Pattern[str]
    max_edits: int  # 0: never matched with typos


def _token_pattern(parts: list[str], strict: bool) -> re.Pattern[str]:
    body = "[.\\-_]?".join(re.escape(p) for p in parts)
    if len(parts) > 1:
        # "crypto.com" must end there too: "cryptocompare" is another site.
        return re.compile(f"(?<![a-z]){body}(?![a-z])")
    if strict:
        # Short or ordinary-word brands: must start a label or follow a separator or digit.
        return re.compile(f"(?<![a-z]){body}")
    return re.compile(body)


def _make_token(brand: Brand, token: str) -> _Token:
    parts = [p for p in re.split(r"[.\-_\s]+", token.lower()) if p]
    text = "".join(parts)
    strict = brand.strict or len(text) <= 4
    skel_parts = [skeleton(p) for p in parts]
    max_edits = 0 if strict or len(text) < 6 else (1 if len(text) < 10 else 2)
    return _Token(
        brand=brand,
        text=text,
        skel="".join(skel_parts),
        raw_re=_token_pattern(parts, strict),
        skel_re=_token_pattern(skel_parts, strict),
        max_edits=max_edits,
    )


@dataclass
class RegisterIndex:
    """Lookup structures built once from a ChannelRegister."""

    official_domains: frozenset[str]
    official_emails: frozenset[str]
    official_phones: frozenset[str]
    # handle -> platforms it is official on (None: any platform)
    official_handles: dict[str, set[str | None]]
    brands: tuple[Brand, ...]
    tokens: tuple[_Token, ...]
    fuzzy_tokens: tuple[_Token, ...]
    brand_domains: dict[str, Brand]
    own_brands: frozenset[str]
    stopwords: tuple[str, ...] = field(default_factory=tuple)


def _registrable(host: str) -> str:
    return _PSL.privatesuffix(host) or host


def build_index(register: ChannelRegister) -> RegisterIndex:
    """Normalise the register and compile the brand tokens it protects."""
    domains: set[str] = set()
    emails: set[str] = set()
    phones: set[str] = set()
    handles: dict[str, set[str | None]] = {}
    for ch in register.channels:
        kind = ChannelKind(ch.kind)
        if kind is ChannelKind.DOMAIN:
            host = _host_of(ch.value)
            if host:
                domains.add(host)
        elif kind is ChannelKind.EMAIL:
            emails.add(ch.value.strip().lower())
        elif kind is ChannelKind.PHONE:
            phone = _parse_phone(ch.value, register.default_region)
            if phone:
                phones.add(phone)
        else:
            handles.setdefault(_handle_of(ch.value), set()).add(
                ch.platform.lower() if ch.platform else None
            )

    brands = list(register.brands)
    own: set[str] = set()
    for brand in brands:
        if any(_registrable(d) in domains or d in domains for d in brand.domains):
            own.add(brand.name)
    # The exchange's own names (its registrable domains and handles) are protected too, even
    # when it is not in the brand list.
    known_tokens = {re.sub(r"[.\-_]", "", t) for b in brands for t in b.tokens}
    known_domains = {d for b in brands for d in b.domains}
    extra: dict[str, set[str]] = {}
    for d in domains:
        reg = _registrable(d)
        label = reg.split(".")[0]
        if len(label) >= 4 and label not in known_tokens and reg not in known_domains:
            extra.setdefault(label, set()).add(reg)
    for h in handles:
        compact = re.sub(r"[._]", "", h)
        if len(compact) >= 4 and compact not in known_tokens and compact not in extra:
            extra[compact] = set()
    own_domains = tuple(sorted(domains))
    for label, regs in extra.items():
        brands.append(
            Brand(name=label, domains=tuple(sorted(regs)) or own_domains, tokens=(label,))
        )
        own.add(label)

    tokens = tuple(_make_token(b, t) for b in brands for t in b.tokens)
    brand_domains = {d: b for b in brands for d in b.domains}
    return RegisterIndex(
        official_domains=frozenset(domains),
        official_emails=frozenset(emails),
        official_phones=frozenset(phones),
        official_handles=handles,
        brands=tuple(brands),
        tokens=tokens,
        fuzzy_tokens=tuple(t for t in tokens if t.max_edits),
        brand_domains=brand_domains,
        own_brands=frozenset(own),
        stopwords=tuple(skeleton(w) for w in _TYPO_STOPWORDS),
    )


# ---------------------------------------------------------------------------------------------
# Matching names against brands
# ---------------------------------------------------------------------------------------------


@dataclass
class _Match:
    brand: Brand
    token: str
    how: Reason | None  # None: literal; HOMOGLYPH or TYPO
    exact: bool  # the label is the token and nothing else
    label_index: int
    score: float


def _views(label: str) -> Iterator[tuple[str, Reason | None, float]]:
    """The forms in which a brand is searched in one label, with the reason and base score."""
    yield label, None, 0.9
    skel = skeleton(label, digits=False)
    yield skel, Reason.HOMOGLYPH, 0.95
    skel_d = skeleton(label)
    if skel_d != skel:
        yield skel_d, Reason.HOMOGLYPH, 0.95
    if re.search(r"[\-_.]", label):
        yield re.sub(r"[\-_.]", "", skel_d), Reason.TYPO, 0.85
    if re.search(r"\d", label):
        yield re.sub(r"[\d\-_.]", "", skel), Reason.HOMOGLYPH, 0.9


def _match_label(label: str, label_index: int, index: RegisterIndex) -> list[_Match]:
    found: dict[str, _Match] = {}
    compact_label = re.sub(r"[\-_.]", "", label)
    for view, how, score in _views(label):
        for tok in index.tokens:
            if tok.brand.name in found:
                continue
            pattern = tok.raw_re if how is None else tok.skel_re
            if pattern.search(view):
                exact = compact_label == tok.text or view == tok.skel
                found[tok.brand.name] = _Match(tok.brand, tok.text, how, exact, label_index, score)
    if index.fuzzy_tokens:
        for m in _fuzzy(label, label_index, index, skip=set(found)):
            found.setdefault(m.brand.name, m)
    return list(found.values())


def _fuzzy(label: str, label_index: int, index: RegisterIndex, skip: set[str]) -> list[_Match]:
    """Brand names within one edit (two for long names) of a window of the label."""
    view = re.sub(r"[\-_.]", "", skeleton(label))
    if len(view) < 5:
        return []
    for word in index.stopwords:
        # Mask ordinary words so that no window can sit inside them.
        view = view.replace(word, "#" * len(word))
    tokens = [t for t in index.fuzzy_tokens if t.brand.name not in skip]
    if not tokens:
        return []
    lengths = {
        n for t in tokens for n in range(len(t.skel) - t.max_edits, len(t.skel) + t.max_edits + 1)
    }
    windows: list[str] = []
    for n in sorted(lengths):
        windows.extend(view[i : i + n] for i in range(0, len(view) - n + 1))
    windows = [w for w in set(windows) if "#" not in w]
    if not windows:
        return []
    dist = cdist(windows, [t.skel for t in tokens], scorer=OSA.distance, score_cutoff=2, workers=1)
    out: dict[str, _Match] = {}
    for j, tok in enumerate(tokens):
        col = dist[:, j]
        best = int(col.min())
        if best == 0 or best > tok.max_edits or tok.brand.name in out:
            continue
        for i in (col <= tok.max_edits).nonzero()[0]:
            w = windows[i]
            if (
                abs(len(w) - len(tok.skel)) > tok.max_edits
                or w[0] != tok.skel[0]
                and w[-1] != tok.skel[-1]
            ):
                continue
            d = int(col[i])
            exact = len(view) <= len(tok.skel) + tok.max_edits
            out[tok.brand.name] = _Match(
                tok.brand, tok.text, Reason.TYPO, exact, label_index, 0.8 if d == 1 else 0.7
            )
            break
    return list(out.values())


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------

_HOST_CHARS = re.compile(r"^[a-z0-9\-_.]+$")


def _to_unicode_label(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return label.encode("ascii").decode("idna")
    except UnicodeError:
        try:
            return label[4:].encode("ascii").decode("punycode")
        except UnicodeError:
            return label


def _to_ascii_label(label: str) -> str:
    if label.isascii():
        return label
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        return "xn--" + label.encode("punycode").decode("ascii")


def _host_of(value: str) -> str | None:
    """The lower-case ASCII (IDNA) host of a URL or bare domain, or None."""
    value = value.strip().strip("<>\"'")
    if not value:
        return None
    if "://" not in value:
        value = "//" + value
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return None
    if not host:
        return None
    host = unicodedata.normalize("NFKC", host).lower().strip(".")
    # Full-width and ideographic dots are dots to a browser.
    host = re.sub(r"[\u3002\uff0e\uff61]", ".", host)
    labels = host.split(".")
    if len(labels) < 2 or any(not label for label in labels):
        return None
    try:
        ascii_host = ".".join(_to_ascii_label(label) for label in labels)
    except UnicodeError:
        return None
    if not _HOST_CHARS.match(ascii_host) or len(ascii_host) > 253:
        return None
    return ascii_host


def _parse_phone(value: str, region: str | None) -> str | None:
    """E.164 form of a phone number ("+442071234567"), or None when it is not one."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _handle_of(value: str) -> str:
    return unicodedata.normalize("NFKC", value.strip()).lstrip("@").lower()


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_RE = re.compile(r"^\+?[\d\s().\-/]{6,}$")
_HANDLE_RE = re.compile(r"^@?[\w.]{2,64}$")


def detect_kind(value: str) -> ChannelKind | None:
    """Guess whether `value` is a domain/URL, an e-mail address, a phone number or a handle."""
    v = value.strip()
    if not v:
        return None
    if "://" in v:
        return ChannelKind.DOMAIN
    if _EMAIL_RE.match(v) and not v.startswith("@"):
        return ChannelKind.EMAIL
    if _PHONE_RE.match(v) and sum(c.isdigit() for c in v) >= 6:
        return ChannelKind.PHONE
    if v.startswith("@"):
        return ChannelKind.HANDLE
    if "." in v.strip(".") or "/" in v:
        return ChannelKind.DOMAIN
    if _HANDLE_RE.match(v):
        return ChannelKind.HANDLE
    return None


# ---------------------------------------------------------------------------------------------
# Verdicts
# ---------------------------------------------------------------------------------------------


def _is_under(host: str, domains: Iterable[str]) -> str | None:
    for d in domains:
        if host == d or host.endswith("." + d):
            return d
    return None


def _primary_domain(brand: Brand) -> str | None:
    return brand.domains[0] if brand.domains else None


def _best(matches: list[_Match], index: RegisterIndex) -> _Match:
    # Prefer the exchange's own brand, then the strongest and the longest name.
    return max(matches, key=lambda m: (m.brand.name in index.own_brands, m.score, len(m.token)))


def _host_verdict(host: str, index: RegisterIndex) -> ChannelVerdict:
    official = _is_under(host, index.official_domains)
    if official:
        return ChannelVerdict(ChannelKind.DOMAIN, host, Verdict.OFFICIAL, official)
    suffix = _PSL.publicsuffix(host) or host.rsplit(".", 1)[-1]
    if suffix == host:
        # Wildcard rules ("*.mm") make the whole host a suffix; the name is still on the left.
        suffix = host.split(".", 1)[1]
    name = host[: -len(suffix) - 1] if host != suffix else ""
    labels = [_to_unicode_label(x) for x in name.split(".")] if name else []
    idn = any(x.startswith("xn--") for x in name.split("."))
    owner = _is_under(host, index.brand_domains)
    owner_brand = index.brand_domains[owner].name if owner else None
    matches: list[_Match] = []
    for i, label in enumerate(labels):
        for m in _match_label(label, i, index):
            if m.brand.name != owner_brand:
                matches.append(m)
    # Dotted brand names ("crypto.com", "gate.io") can span labels.
    joined = ".".join(labels)
    for tok in index.tokens:
        if "." not in tok.brand.name or tok.brand.name == owner_brand:
            continue
        hit = tok.raw_re.search(joined)
        if hit and not any(m.brand is tok.brand for m in matches):
            # The label the name ends in decides subdomain abuse vs. combosquatting.
            label_index = joined[: hit.end()].count(".")
            matches.append(_Match(tok.brand, tok.text, None, False, label_index, 0.9))
    if not matches:
        return ChannelVerdict(ChannelKind.DOMAIN, host, Verdict.UNKNOWN, brand=owner_brand)
    m = _best(matches, index)
    reasons: list[str] = []
    if m.how is not None:
        reasons.append(m.how)
    if idn and m.how is Reason.HOMOGLYPH:
        reasons.append(Reason.PUNYCODE)
    if m.label_index < len(labels) - 1:
        reasons.append(Reason.SUBDOMAIN_ABUSE)
    elif not m.exact:
        reasons.append(Reason.ADDED_WORD)
    official_suffixes = {d.split(".", 1)[1] for d in m.brand.domains if "." in d}
    if _ICANN.publicsuffix(host) != suffix:
        reasons.append(Reason.FREE_HOSTING)
    elif m.label_index == len(labels) - 1 and suffix not in official_suffixes:
        reasons.append(Reason.OTHER_TLD)
    score = min(1.0, m.score + (0.05 if len(reasons) > 1 else 0.0))
    return ChannelVerdict(
        ChannelKind.DOMAIN,
        host,
        Verdict.LOOKALIKE if score >= LOOKALIKE_THRESHOLD else Verdict.UNKNOWN,
        _primary_domain(m.brand),
        reasons,
        round(score, 3),
        brand=m.brand.name,
    )


def check_domain(host: str, register: ChannelRegister) -> ChannelVerdict:
    """Verdict for a bare host name (the fast path the benchmark and text scanner use)."""
    normalized = _host_of(host)
    if normalized is None:
        return ChannelVerdict(ChannelKind.DOMAIN, host.strip(), Verdict.INVALID)
    return _host_verdict(normalized, register.index)


def _check_url(value: str, index: RegisterIndex) -> ChannelVerdict:
    raw = value.strip()
    host = _host_of(raw)
    if host is None:
        return ChannelVerdict(ChannelKind.DOMAIN, raw, Verdict.INVALID)
    parts = urlsplit(raw if "://" in raw else "//" + raw)
    platform = _SOCIAL_HOSTS.get(host.removeprefix("www.").removeprefix("m."))
    path = unquote(parts.path or "")
    segment = path.strip("/").split("/")[0] if path.strip("/") else ""
    if platform and segment and segment.lstrip("@") not in {"s", "share", "joinchat", "status"}:
        verdict = _check_handle(segment, platform, index)
        verdict.normalized = f"{platform}:@{verdict.normalized}"
        return verdict
    verdict = _host_verdict(host, index)
    if verdict.verdict is Verdict.OFFICIAL:
        return verdict
    if parts.username and "." in parts.username:
        # https://binance.com@evil.example/ -- the part before "@" is not where the link goes.
        user_verdict = _host_verdict(_host_of(parts.username) or parts.username, index)
        if user_verdict.verdict in (Verdict.OFFICIAL, Verdict.LOOKALIKE):
            verdict.reasons.append(Reason.USERINFO)
            verdict.score = max(verdict.score, 0.9)
            verdict.matched_official = verdict.matched_official or user_verdict.matched_official
            verdict.brand = verdict.brand or user_verdict.brand
    rest = f"{path} {unquote(parts.query or '')}".lower()
    if rest.strip():
        for tok in index.tokens:
            if tok.raw_re.search(rest) and tok.brand.name != verdict.brand:
                if verdict.verdict is not Verdict.LOOKALIKE or not verdict.brand:
                    verdict.brand = tok.brand.name
                    verdict.matched_official = _primary_domain(tok.brand)
                verdict.reasons.append(Reason.BRAND_IN_PATH)
                verdict.score = max(verdict.score, 0.6)
                break
    if verdict.score >= LOOKALIKE_THRESHOLD:
        verdict.verdict = Verdict.LOOKALIKE
    return verdict


def _check_handle(value: str, platform: str | None, index: RegisterIndex) -> ChannelVerdict:
    handle = _handle_of(value)
    if not handle or not re.match(r"^[\w.\-]+$", handle):
        return ChannelVerdict(ChannelKind.HANDLE, handle, Verdict.INVALID, platform=platform)
    platforms = index.official_handles.get(handle)
    if platforms is not None and (platform is None or platform in platforms or None in platforms):
        return ChannelVerdict(
            ChannelKind.HANDLE, handle, Verdict.OFFICIAL, "@" + handle, platform=platform
        )
    matches = _match_label(handle, 0, index)
    if not matches:
        return ChannelVerdict(ChannelKind.HANDLE, handle, Verdict.UNKNOWN, platform=platform)
    m = _best(matches, index)
    official = _official_handle_for(m.brand, index) or _primary_domain(m.brand)
    if m.exact and m.how is None:
        # The brand's own name, on a platform where it is not registered: maybe real, maybe not.
        score = 0.5 if m.brand.name in index.own_brands else 0.0
        reasons: list[str] = [Reason.NOT_OFFICIAL] if score else []
        return ChannelVerdict(
            ChannelKind.HANDLE,
            handle,
            Verdict.UNKNOWN,
            official if score else None,
            reasons,
            score,
            brand=m.brand.name,
            platform=platform,
        )
    reasons = [m.how] if m.how else []
    if not m.exact:
        reasons.append(Reason.ADDED_WORD)
    return ChannelVerdict(
        ChannelKind.HANDLE,
        handle,
        Verdict.LOOKALIKE,
        official,
        reasons,
        m.score,
        brand=m.brand.name,
        platform=platform,
    )


def _official_handle_for(brand: Brand, index: RegisterIndex) -> str | None:
    tokens = set(brand.tokens)
    for handle in sorted(index.official_handles):
        if re.sub(r"[._]", "", handle) in tokens:
            return "@" + handle
    return None


def _check_email(value: str, register: ChannelRegister) -> ChannelVerdict:
    index = register.index
    address = unicodedata.normalize("NFKC", value.strip()).lower()
    local, _, domain = address.rpartition("@")
    host = _host_of(domain)
    if not local or host is None:
        return ChannelVerdict(ChannelKind.EMAIL, address, Verdict.INVALID)
    address = f"{local}@{host}"
    if address in index.official_emails:
        return ChannelVerdict(ChannelKind.EMAIL, address, Verdict.OFFICIAL, address)
    domain_verdict = _host_verdict(host, index)
    if domain_verdict.verdict is Verdict.OFFICIAL:
        if register.strict_email:
            return ChannelVerdict(
                ChannelKind.EMAIL, address, Verdict.UNKNOWN, None, [Reason.NOT_OFFICIAL], 0.5
            )
        return ChannelVerdict(
            ChannelKind.EMAIL, address, Verdict.OFFICIAL, domain_verdict.matched_official
        )
    if domain_verdict.verdict is Verdict.LOOKALIKE:
        domain_verdict.kind = ChannelKind.EMAIL
        domain_verdict.normalized = address
        return domain_verdict
    matches = [m for m in _match_label(local, 0, index) if m.brand.name != domain_verdict.brand]
    if not matches:
        return ChannelVerdict(ChannelKind.EMAIL, address, Verdict.UNKNOWN)
    m = _best(matches, index)
    reasons: list[str] = [m.how] if m.how else []
    if _registrable(host) in _FREEMAIL:
        # binance.support@gmail.com: no exchange writes from a free-mail account.
        reasons.insert(0, Reason.FREEMAIL)
        score = 0.9
    else:
        reasons.insert(0, Reason.BRAND_IN_LOCAL_PART)
        score = 0.6
    return ChannelVerdict(
        ChannelKind.EMAIL,
        address,
        Verdict.LOOKALIKE,
        _primary_domain(m.brand),
        reasons,
        score,
        brand=m.brand.name,
    )


def _check_phone(value: str, register: ChannelRegister) -> ChannelVerdict:
    phone = _parse_phone(value, register.default_region)
    if phone is None:
        return ChannelVerdict(ChannelKind.PHONE, value.strip(), Verdict.INVALID)
    if phone in register.index.official_phones:
        return ChannelVerdict(ChannelKind.PHONE, phone, Verdict.OFFICIAL, phone)
    # A phone number carries no name to imitate: all we can say is that it is not ours.
    return ChannelVerdict(ChannelKind.PHONE, phone, Verdict.UNKNOWN, None, [Reason.NOT_OFFICIAL])


def check_channel(
    value: str, register: ChannelRegister, *, platform: str | None = None
) -> ChannelVerdict:
    """Is `value` (URL, domain, e-mail, phone or social handle) an official channel?

    Official channels come from `register`; anything else is checked for impersonation of the
    register's brands. `platform` ("telegram", "x", ...) narrows a handle check to one network.
    """
    kind = detect_kind(value)
    index = register.index
    if kind is ChannelKind.EMAIL:
        return _check_email(value, register)
    if kind is ChannelKind.PHONE:
        return _check_phone(value, register)
    if kind is ChannelKind.HANDLE:
        return _check_handle(value, platform.lower() if platform else None, index)
    if kind is ChannelKind.DOMAIN:
        return _check_url(value, index)
    return ChannelVerdict(ChannelKind.HANDLE, value.strip(), Verdict.INVALID)


# Letters a host name may contain when written in Unicode: Latin, Greek, Cyrillic. CJK is left
# out on purpose, so that "访问binance-support.com获取" yields the domain and not the sentence.
_L = "a-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
_LABEL = f"[{_L}](?:[{_L}\\-]{{0,61}}[{_L}])?"
_DOT = "[.\u3002\uff0e\uff61]"
_TLD = "(?:[a-z]{2,24}|xn--[a-z0-9\\-]{2,59})"
_TEXT_EMAIL = re.compile(
    f"(?<![a-z0-9._%+\\-])[a-z0-9._%+\\-]+@(?:{_LABEL}{_DOT})+{_TLD}(?![{_L}\\-])", re.I
)
_URL_CHARS = f"[a-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=%{_L[6:]}]"
_TEXT_URL = re.compile(f"(?:(?:https?|hxxps?)://|www{_DOT}){_URL_CHARS}+", re.I)
_TEXT_HOST = re.compile(
    f"(?<![{_L}\\-.@/])(?:{_LABEL}{_DOT})+{_TLD}(?![{_L}\\-@])(?:/{_URL_CHARS}*)?", re.I
)
_TEXT_HANDLE = re.compile(r"(?<![a-z0-9_.@/])@([a-z0-9_](?:[a-z0-9_.]{1,30}[a-z0-9_]))", re.I)
_TRAILING = ".,;:!?)]}'\"»›…"


def _mentions(text: str) -> Iterator[tuple[ChannelKind, str, int, int]]:
    """(kind, value, start, end) of every e-mail, URL, host name and handle in `text`."""
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for m in _TEXT_EMAIL.finditer(text):
        taken.append(m.span())
        yield ChannelKind.EMAIL, m.group(), m.start(), m.end()
    for m in _TEXT_URL.finditer(text):
        value = m.group().rstrip(_TRAILING)
        if value.lower().startswith("hxxp"):
            value = "http" + value[4:]
        span = (m.start(), m.start() + len(value))
        if free(*span):
            taken.append(span)
            yield ChannelKind.DOMAIN, value, *span
    for m in _TEXT_HOST.finditer(text):
        value = m.group().rstrip(_TRAILING)
        span = (m.start(), m.start() + len(value))
        host = value.split("/", 1)[0].lower()
        if free(*span) and _PSL.publicsuffix(host, accept_unknown=False):
            taken.append(span)
            yield ChannelKind.DOMAIN, value, *span
    for m in _TEXT_HANDLE.finditer(text):
        if free(*m.span()):
            yield ChannelKind.HANDLE, m.group(), m.start(), m.end()


def find_lookalikes_in_text(text: str, register: ChannelRegister) -> list[ChannelVerdict]:
    """Suspicious URLs, host names, e-mail addresses and handles mentioned in a message.

    Run on every inbound customer message: what it returns is shown as a warning to the agent
    and the customer. Official and unrelated mentions are not returned; phone numbers are not
    looked at, since a number cannot imitate a brand.
    """
    index = register.index
    out: list[ChannelVerdict] = []
    seen: set[str] = set()
    for kind, value, start, end in sorted(_mentions(text), key=lambda m: m[2]):
        if kind is ChannelKind.EMAIL:
            verdict = _check_email(value, register)
        elif kind is ChannelKind.HANDLE:
            verdict = _check_handle(value, None, index)
        else:
            verdict = _check_url(value, index)
        if verdict.verdict is Verdict.LOOKALIKE and verdict.normalized not in seen:
            seen.add(verdict.normalized)
            verdict.span = (start, end)
            out.append(verdict)
    return out
