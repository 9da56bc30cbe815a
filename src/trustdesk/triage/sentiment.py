"""Lexicon-based sentiment for customer messages in the 15 languages.

Not a model: a weighted word list (`sentiment_lexicon.yaml`) plus typographic signals (ALL-CAPS
shouting, "!!!", "???", "for 3 days"). It only has to be good enough to decide "offer a human at
once" (`anxious` or `angry`) and to flag negative conversations for escalation and QA sampling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from trustdesk.triage._text import TermMatcher, fold, lexicon_terms, load_data
from trustdesk.triage.language import SUPPORTED_LANGUAGES, normalize_language_tag

NEGATIVE_BELOW = -0.2
POSITIVE_ABOVE = 0.2

# Tickers and acronyms customers type in capitals without shouting.
_ACRONYM_LIST = (
    "USDT USDC BUSD FDUSD BTC ETH BNB SOL TRX XRP DOGE KYC AML API OTP SMS SIM UID TXID "
    "ERC BEP TRC SEPA SWIFT IBAN NFT P2P USD EUR GBP TRY RUB UAH VND IDR BRL JPY KRW CNY "
    "FAQ VIP ATM PIN OTC"
)
_ACRONYMS = frozenset(_ACRONYM_LIST.split())
_WORD = re.compile(r"[^\W\d_]+")
_EXCLAIM = re.compile(r"[!！]{2,}")
_QUESTION = re.compile(r"[?？]{2,}|[?？][!！]|[!！][?？]")
_NUMBER_THEN_UNIT = r"(?<![\w.])(\d+)\s*({units})(?!\w)"


class SentimentLabel(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


@dataclass(frozen=True, slots=True)
class Sentiment:
    """Result of `assess_sentiment`.

    score: -1 (very negative) .. 1 (very positive).
    anxious / angry: offer a human at once when either is set.
    signals: why, e.g. "anger:ridiculous", "shouting", "repeated_exclamation", "waiting:3 days".
    """

    score: float
    label: SentimentLabel
    anxious: bool
    angry: bool
    signals: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Lexicon:
    weights: dict[str, float]
    flags: dict[str, frozenset[str]]
    matcher: TermMatcher
    negators: re.Pattern[str] | None
    duration: re.Pattern[str] | None


@cache
def _lexicon(language: str | None) -> _Lexicon:
    data: dict[str, Any] = dict(load_data("sentiment_lexicon.yaml"))
    languages = None if language is None else ["en", language]
    categories = data["categories"]

    def words(section: dict[str, list[str]]) -> list[str]:
        chosen = (
            section.items()
            if languages is None
            else ((k, v) for k, v in section.items() if k in languages)
        )
        return sorted({fold(str(w)) for _, ws in chosen for w in ws or ()}, key=len, reverse=True)

    negators = words(data.get("negators", {}))
    units = words(data.get("duration_units", {}))
    return _Lexicon(
        weights={name: float(spec["weight"]) for name, spec in categories.items()},
        flags={name: frozenset(spec.get("flags") or ()) for name, spec in categories.items()},
        matcher=TermMatcher(lexicon_terms(data["terms"], languages)),
        negators=(
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, negators)) + r")\s+(?:\w+\s+)?$")
            if negators
            else None
        ),
        duration=(
            re.compile(_NUMBER_THEN_UNIT.format(units="|".join(map(re.escape, units))))
            if units
            else None
        ),
    )


def _is_shouting(text: str) -> bool:
    words = [w for w in _WORD.findall(text) if w.upper() != w.lower()]  # cased scripts only
    caps = [w for w in words if len(w) >= 2 and w.isupper() and w not in _ACRONYMS]
    if not any(len(w) >= 4 for w in caps):
        return False
    letters = sum(len(w) for w in words)
    caps_letters = sum(len(w) for w in caps)
    return len(caps) >= 3 or (len(caps) >= 2 and caps_letters >= 0.6 * letters)


def assess_sentiment(text: str, language: str | None) -> Sentiment:
    """Score how the customer feels: negative/neutral/positive, plus anxious and angry flags.

    `language` (any tag, e.g. "pt-BR", "zh_TW") selects its lexicon plus English; None or an
    unsupported language uses every lexicon.
    """
    code = normalize_language_tag(language) if language else None
    lexicon = _lexicon(code if code in SUPPORTED_LANGUAGES else None)
    folded = fold(text)
    score = 0.0
    signals: list[str] = []
    flags: set[str] = set()

    for match in lexicon.matcher.find(folded, folded=True):
        category = match.category
        if (
            category == "positive"
            and lexicon.negators is not None
            and lexicon.negators.search(folded[max(0, match.start - 20) : match.start])
        ):
            score -= 0.2
            signals.append(f"negated_positive:{match.term}")
            continue
        score += lexicon.weights[category]
        flags |= lexicon.flags[category]
        signals.append(f"{category}:{match.term}")

    if lexicon.duration is not None:
        for m in lexicon.duration.finditer(folded):
            score -= 0.15
            signals.append(f"waiting:{m.group(1)} {m.group(2)}")

    shouting = _is_shouting(text)
    if shouting:
        score -= 0.25
        signals.append("shouting")
    exclaims = len(_EXCLAIM.findall(text))
    if exclaims:
        score -= 0.1 * min(exclaims, 3)
        signals.append("repeated_exclamation")
    questions = len(_QUESTION.findall(text))
    if questions:
        score -= 0.1 * min(questions, 3)
        signals.append("repeated_question")

    score = max(-1.0, min(1.0, round(score, 3)))
    negative = score <= NEGATIVE_BELOW
    angry = "angry" in flags or (negative and (shouting or exclaims > 0))
    anxious = "anxious" in flags or (negative and questions > 0)
    if score <= NEGATIVE_BELOW:
        label = SentimentLabel.NEGATIVE
    elif score >= POSITIVE_ABOVE:
        label = SentimentLabel.POSITIVE
    else:
        label = SentimentLabel.NEUTRAL
    return Sentiment(score=score, label=label, anxious=anxious, angry=angry, signals=signals)
