"""Official channels register and the verdict types of the look-alike detector."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from trustdesk.risk.brands import DEFAULT_BRANDS, Brand

if TYPE_CHECKING:
    from trustdesk.risk.lookalike import RegisterIndex


class ChannelKind(StrEnum):
    DOMAIN = "domain"
    EMAIL = "email"
    PHONE = "phone"
    HANDLE = "handle"


class Verdict(StrEnum):
    OFFICIAL = "official"
    LOOKALIKE = "lookalike"
    UNKNOWN = "unknown"
    INVALID = "invalid"


class Reason(StrEnum):
    """Why a channel looks like an impersonation (codes shown to agents and stored)."""

    HOMOGLYPH = "homoglyph"
    PUNYCODE = "punycode"
    TYPO = "typo"
    ADDED_WORD = "added_word"
    OTHER_TLD = "other_tld"
    SUBDOMAIN_ABUSE = "subdomain_abuse"
    FREE_HOSTING = "free_hosting"
    BRAND_IN_PATH = "brand_in_path"
    USERINFO = "userinfo"
    FREEMAIL = "freemail"
    BRAND_IN_LOCAL_PART = "brand_in_local_part"
    NOT_OFFICIAL = "not_official"


@dataclass(frozen=True)
class OfficialChannel:
    """One entry of the admin-managed register: a domain, e-mail address, phone or handle.

    `platform` names the social network of a handle ("telegram", "x", "instagram", ...).
    """

    kind: ChannelKind
    value: str
    platform: str | None = None


@dataclass
class ChannelVerdict:
    """The answer to "is this one of our channels, or an impersonation?"."""

    kind: ChannelKind
    normalized: str
    verdict: Verdict
    matched_official: str | None = None
    reasons: list[str] = field(default_factory=list)
    # Confidence (0..1) that the channel impersonates a brand; 0.0 when official or unrelated.
    score: float = 0.0
    brand: str | None = None
    platform: str | None = None
    # Where the value was found, for verdicts from find_lookalikes_in_text.
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class ChannelRegister:
    """The exchange's official channels plus the brands the detector protects.

    `default_region` (ISO 3166 code) parses phone numbers written without "+country".
    With `strict_email`, only the registered addresses are official, not every address on an
    official domain.
    """

    channels: tuple[OfficialChannel, ...] = ()
    brands: tuple[Brand, ...] = DEFAULT_BRANDS
    default_region: str | None = None
    strict_email: bool = False

    @classmethod
    def of(
        cls,
        channels: Iterable[OfficialChannel],
        brands: Iterable[Brand] = DEFAULT_BRANDS,
        **options: object,
    ) -> ChannelRegister:
        return cls(tuple(channels), tuple(brands), **options)  # type: ignore[arg-type]

    # The indexes below are built once per register and reused for every check.
    @cached_property
    def index(self) -> RegisterIndex:
        from trustdesk.risk.lookalike import build_index

        return build_index(self)
