"""UI translations (gettext catalogs under trustdesk/locale) and the choice of language.

The .po files are the source of truth and are committed; they are compiled in memory the first
time a language is used, so there is no build step and no stale .mo file to forget.
"""

from __future__ import annotations

import functools
import io
from gettext import GNUTranslations, NullTranslations
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from trustdesk.triage.language import (
    RTL_LANGUAGES,
    SUPPORTED_LANGUAGES,
    best_match_accept_language,
    normalize_language_tag,
)

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"

# Each language named in itself, for the language picker.
NATIVE_NAMES: dict[str, str] = {
    "en": "English",
    "zh-CN": "简体中文",
    "zh-TW": "繁體中文",
    "ja": "日本語",
    "ko": "한국어",
    "vi": "Tiếng Việt",
    "id": "Bahasa Indonesia",
    "tr": "Türkçe",
    "ru": "Русский",
    "uk": "Українська",
    "es": "Español",
    "pt-BR": "Português (Brasil)",
    "fr": "Français",
    "de": "Deutsch",
    "ar": "العربية",
}


def catalog_dir(language: str) -> Path:
    """gettext directory names use an underscore: zh-CN → zh_CN."""
    return LOCALE_DIR / language.replace("-", "_") / "LC_MESSAGES"


@functools.cache
def translations(language: str) -> NullTranslations:
    """The compiled catalog of one language (English is the source text itself)."""
    path = catalog_dir(language) / f"{DOMAIN}.po"
    if language == DEFAULT or not path.is_file():
        return NullTranslations()
    with path.open("rb") as fp:
        catalog = read_po(fp, locale=language.replace("-", "_"))
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return GNUTranslations(buffer)


def is_rtl(language: str) -> bool:
    return language in RTL_LANGUAGES


def supported(code: str | None) -> str | None:
    """Our code for a tag such as 'zh-hans' or 'pt_br', or None if we do not speak it."""
    if not code:
        return None
    normalized = normalize_language_tag(code)
    return normalized if normalized in SUPPORTED_LANGUAGES else None


def choose_language(*, chosen: str | None, profile: str | None, accept_language: str | None) -> str:
    """An explicit choice (the picker) first, then the profile, then the browser, then English."""
    return (
        supported(chosen)
        or supported(profile)
        or best_match_accept_language(accept_language)
        or DEFAULT
    )


# Messages built at run time (status, presence and chart labels) that no _("…") call names.
EXTRA_MESSAGES: tuple[str, ...] = (
    "new",
    "open",
    "pending customer",
    "on hold",
    "resolved",
    "closed",
    "online",
    "away",
    "offline",
    "breached",
    "< 15m",
    "< 1h",
    "< 4h",
    "< 24h",
    "later",
    "first response",
    "next response",
    "resolution",
    # web.py's _CODE_HELP: a security-check form sent without a code.
    "Enter the 6 to 8 digits of the code.",
)
