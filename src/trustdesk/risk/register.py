"""The official-channel register: validating entries, and a per-process cache of the register.

Pure (no database): `trustdesk.trust.service` reads the rows and the version stamp and asks
`RegisterCache` for the `ChannelRegister`; the look-alike index of a register is built once and
reused by every check until an admin changes the register.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from trustdesk.risk.brands import DEFAULT_BRANDS, Brand
from trustdesk.risk.channels import ChannelKind, ChannelRegister, OfficialChannel, Verdict
from trustdesk.risk.lookalike import check_channel

__all__ = [
    "DEMO_CHANNELS",
    "DEMO_EXCHANGE_NAME",
    "InvalidChannel",
    "LoadedRegister",
    "RegisterCache",
    "RegisterEntry",
    "build_register",
    "normalize_channel",
]

PLATFORMS = frozenset(
    {
        "telegram",
        "x",
        "instagram",
        "facebook",
        "youtube",
        "tiktok",
        "discord",
        "linkedin",
        "reddit",
        "whatsapp",
        "wechat",
        "line",
        "kakaotalk",
        "weibo",
        "vk",
    }
)

_KIND_NAMES = {
    ChannelKind.DOMAIN: "a domain or URL",
    ChannelKind.EMAIL: "an e-mail address",
    ChannelKind.PHONE: "a phone number",
    ChannelKind.HANDLE: "a social handle",
}

# An empty register: only used to parse and normalise values, so it protects no brand.
_PARSER = ChannelRegister(channels=(), brands=())


class InvalidChannel(ValueError):
    """A register entry that cannot be an official channel; the message says why."""


@dataclass(frozen=True)
class NormalizedChannel:
    kind: ChannelKind
    value: str  # canonical: host name, lower-case address, E.164 number, handle without "@"
    platform: str | None

    @property
    def key(self) -> str:
        """What makes two entries the same channel (unique in the register)."""
        return f"{self.kind}:{self.platform or ''}:{self.value}"

    @property
    def display(self) -> str:
        return "@" + self.value if self.kind is ChannelKind.HANDLE else self.value


def normalize_channel(
    kind: ChannelKind | str, value: str, platform: str | None = None
) -> NormalizedChannel:
    """Validate a register entry and return its canonical form, or raise InvalidChannel."""
    kind = ChannelKind(kind)
    value = value.strip()
    if not value:
        raise InvalidChannel("value is empty")
    if len(value) > 320:
        raise InvalidChannel("value is longer than 320 characters")
    platform = platform.strip().lower() if platform else None
    if kind is ChannelKind.HANDLE:
        if not platform:
            raise InvalidChannel("a handle needs its platform (telegram, x, instagram, ...)")
        if platform not in PLATFORMS:
            raise InvalidChannel(
                f"unknown platform '{platform}'; one of: {', '.join(sorted(PLATFORMS))}"
            )
    elif platform:
        raise InvalidChannel("platform only applies to handles")
    # A handle may contain dots ("trust.desk"): the "@" makes it read as a handle.
    probe = "@" + value.lstrip("@") if kind is ChannelKind.HANDLE else value
    verdict = check_channel(probe, _PARSER)
    if verdict.verdict is Verdict.INVALID or verdict.kind is not kind:
        hint = " (write it with +country code)" if kind is ChannelKind.PHONE else ""
        raise InvalidChannel(f"'{value}' is not {_KIND_NAMES[kind]}{hint}")
    normalized = verdict.normalized
    if kind is ChannelKind.DOMAIN and "." not in normalized:
        raise InvalidChannel(f"'{value}' is not a domain name (it has no dot)")
    return NormalizedChannel(kind, normalized, platform)


def build_register(
    channels: Iterable[OfficialChannel], brands: Iterable[Brand] = DEFAULT_BRANDS
) -> ChannelRegister:
    """The register the look-alike detector uses, from the active official channels."""
    return ChannelRegister.of(channels, brands)


@dataclass(frozen=True)
class RegisterEntry:
    """An active register row, as the checks show it (id and note included)."""

    id: int
    kind: ChannelKind
    value: str
    platform: str | None
    note: str | None


@dataclass(frozen=True)
class LoadedRegister:
    """The built register plus its rows, so a verdict can name the entry it matched."""

    register: ChannelRegister
    entries: tuple[RegisterEntry, ...]

    @classmethod
    def of(
        cls, entries: Iterable[RegisterEntry], brands: Iterable[Brand] = DEFAULT_BRANDS
    ) -> LoadedRegister:
        rows = tuple(entries)
        channels = [OfficialChannel(e.kind, e.value, e.platform) for e in rows]
        return cls(build_register(channels, brands), rows)

    def domain_for(self, host: str) -> RegisterEntry | None:
        """The most specific registered domain `host` is, or is under."""
        under = [
            e
            for e in self.entries
            if e.kind is ChannelKind.DOMAIN and (host == e.value or host.endswith("." + e.value))
        ]
        return max(under, key=lambda e: len(e.value)) if under else None

    def find(self, matched: str | None, platform: str | None = None) -> RegisterEntry | None:
        """The entry behind a verdict's `matched_official` ("trustdesk.exchange", "@handle")."""
        if not matched:
            return None
        if matched.startswith("@"):
            handles = [
                e
                for e in self.entries
                if e.kind is ChannelKind.HANDLE and e.value == matched[1:].lower()
            ]
            for e in handles:
                if platform is None or e.platform == platform:
                    return e
            return handles[0] if handles else None
        for e in self.entries:
            if e.kind is not ChannelKind.HANDLE and e.value == matched.lower():
                return e
        return None


class RegisterCache:
    """One built register per (database, version stamp), shared by the process.

    The stamp changes with every admin change, so a stale register is never served; building
    the look-alike index happens once per change instead of once per check.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[str, LoadedRegister]] = {}
        self.builds = 0  # how many times a register was built (observability, tests)

    def lookup(self, db: str, stamp: str) -> LoadedRegister | None:
        with self._lock:
            hit = self._entries.get(db)
        return hit[1] if hit is not None and hit[0] == stamp else None

    def store(self, db: str, stamp: str, loaded: LoadedRegister) -> LoadedRegister:
        _ = loaded.register.index  # build the look-alike index once, before sharing it
        with self._lock:
            self._entries[db] = (stamp, loaded)
            self.builds += 1
        return loaded

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


DEMO_EXCHANGE_NAME = "TrustDesk Exchange"

# The demo exchange's register (loaded by `trustdesk.trust.service.load_demo_channels`).
DEMO_CHANNELS: tuple[tuple[ChannelKind, str, str | None, str], ...] = (
    (ChannelKind.DOMAIN, "trustdesk.exchange", None, "Main web site and app links"),
    (ChannelKind.DOMAIN, "support.trustdesk.exchange", None, "Help center and support chat"),
    (ChannelKind.EMAIL, "support@trustdesk.exchange", None, "Support e-mail"),
    (ChannelKind.PHONE, "+44 20 7946 0958", None, "Support hotline (call-back only)"),
    (ChannelKind.HANDLE, "@trustdesk", "telegram", "Announcements channel (never DMs first)"),
    (ChannelKind.HANDLE, "@trustdesk", "x", "Official X account"),
)
