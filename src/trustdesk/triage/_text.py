"""Text normalisation and multilingual term matching shared by the triage functions.

Lexicons (security words, sentiment words...) are written by people in 15 languages, and
customers type them with every possible accident: capitals, full-width letters, missing
accents, Turkish dotted/dotless i, curly apostrophes. Both the lexicon terms and the text go
through the same `fold()` so that a term matches however it was typed.

Matching rules:
- Terms written in a script without spaces between words (Chinese, Japanese), or where words
  take attached prefixes/particles (Korean, Arabic, Thai), match as plain substrings.
- Other terms (Latin, Cyrillic...) must start and end on a word boundary. A term ending in `*`
  matches any word continuation ("hack*" matches "hacked", "hacklendi").
- Spaces inside a term match any run of whitespace; an apostrophe is optional ("didn't" also
  matches "didnt").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import ahocorasick
import yaml
import zhconv

# Marks removed after NFD: Latin/Cyrillic diacritics and Arabic harakat. Japanese (han)dakuten
# (U+3099/309A) are kept on purpose: が and か are different words.
_STRIPPED_MARKS = re.compile(r"[\u0300-\u036f\u064b-\u065f\u0670\u0640]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# Turkish: "İ" casefolds to "i̇" and "ı" stays "ı"; customers on non-Turkish keyboards write
# plain "i", so all four letters fold to "i".
_TURKISH_I = str.maketrans({"İ": "i", "ı": "i", "I": "i"})

# Scripts matched as substrings (no word boundaries). Ranges: Hangul jamo/syllables, CJK
# punctuation, kana, CJK ideographs, Arabic, Thai, full-width forms.
_SUBSTRING_SCRIPT = re.compile(
    r"[\u1100-\u11ff\u3000-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    r"\uf900-\ufaff\u0600-\u06ff\u0e00-\u0e7f]"
)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def fold(text: str) -> str:
    """Normalise text for matching: NFKC, Turkish i, case-fold, no accents, plain apostrophes,
    Traditional Chinese as Simplified.

    The result has the same number of characters as the input only by accident; callers that
    need positions in the original text must not use it (see `TermMatcher.find`).
    """
    text = unicodedata.normalize("NFKC", text).translate(_TURKISH_I).translate(_APOSTROPHES)
    text = unicodedata.normalize("NFD", text.casefold())
    text = unicodedata.normalize("NFC", _STRIPPED_MARKS.sub("", text))
    if _HAN.search(text):
        # One lexicon serves both Chinese scripts: Traditional text is matched as Simplified.
        text = zhconv.convert(text, "zh-hans")
    return text


def is_substring_script(term: str) -> bool:
    return bool(_SUBSTRING_SCRIPT.search(term))


def _term_pattern(term: str) -> str:
    prefix = term.endswith("*")
    body = fold(term.rstrip("*").strip())
    parts = []
    for chunk in re.split(r"(\s+|')", body):
        if not chunk:
            continue
        if chunk.isspace():
            parts.append(r"\s+")
        elif chunk == "'":
            parts.append("'?")
        else:
            parts.append(re.escape(chunk))
    pattern = "".join(parts)
    if is_substring_script(body):
        return pattern
    tail = r"\w*" if prefix else r"(?!\w)"
    return rf"(?<!\w){pattern}{tail}"


def _needle(term: str) -> str:
    """The longest literal piece of a term's pattern (see `_term_pattern`)."""
    body = fold(term.rstrip("*").strip())
    chunks = [c for c in re.split(r"\s+|'", body) if c]
    return max(chunks, key=len) if chunks else ""


@dataclass(frozen=True, slots=True)
class TermMatch:
    term: str  # the lexicon term as written in the data file
    category: str
    start: int  # offsets in the folded text
    end: int


class TermMatcher:
    """Finds lexicon terms (each with a category) in a text, longest match first.

    Overlapping matches are resolved in favour of the longer one, so a negative phrase such as
    "不满意" hides the positive "满意" inside it.
    """

    def __init__(self, terms: Iterable[tuple[str, str]]) -> None:
        self._entries: list[tuple[re.Pattern[str], str, str]] = []
        seen: set[tuple[str, str]] = set()
        # A term's longest literal chunk must occur for its pattern to match. One
        # Aho-Corasick pass finds every chunk present (0.02 ms), instead of a substring test
        # per term (~1,400 of them, 0.15 ms on a short message); only their regexes run.
        by_needle: dict[str, list[int]] = {}
        self._always: list[int] = []  # terms without a literal chunk: always tried
        for term, category in terms:
            key = (fold(term), category)
            if not term.strip() or key in seen:
                continue
            seen.add(key)
            needle = _needle(term)
            (by_needle.setdefault(needle, []) if needle else self._always).append(
                len(self._entries)
            )
            self._entries.append((re.compile(_term_pattern(term)), term, category))
        self._needles: ahocorasick.Automaton | None = None
        if by_needle:
            self._needles = ahocorasick.Automaton()
            for needle, indices in by_needle.items():
                self._needles.add_word(needle, tuple(indices))
            self._needles.make_automaton()

    def find(self, text: str, *, folded: bool = False) -> list[TermMatch]:
        haystack = text if folded else fold(text)
        candidates = set(self._always)
        if self._needles is not None:
            for _, indices in self._needles.iter(haystack):
                candidates.update(indices)
        entries = self._entries
        # In lexicon order, as the sort below keeps ties: the same result as trying every term.
        found = [
            TermMatch(term, category, m.start(), m.end())
            for pattern, term, category in (entries[i] for i in sorted(candidates))
            for m in pattern.finditer(haystack)
        ]
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        kept: list[TermMatch] = []
        taken: list[tuple[int, int]] = []
        for m in found:
            if any(m.start < e and s < m.end for s, e in taken):
                continue
            kept.append(m)
            taken.append((m.start, m.end))
        kept.sort(key=lambda m: m.start)
        return kept


@cache
def load_data(name: str) -> Mapping[str, Any]:
    """Load a YAML data file shipped in this package (once per process)."""
    raw = resources.files("trustdesk.triage").joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    if not isinstance(data, dict):
        raise ValueError(f"trustdesk.triage/{name}: expected a mapping at the top level")
    return data


def lexicon_terms(
    section: Mapping[str, Any], languages: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """Flatten `{category: {language: [terms]}}` into (term, category) pairs.

    `languages=None` takes every language; the pseudo-language "any" (emoji, brand words) is
    always taken.
    """
    wanted = None if languages is None else {*languages, "any"}
    pairs: list[tuple[str, str]] = []
    for category, by_language in section.items():
        for language, terms in (by_language or {}).items():
            if wanted is not None and language not in wanted:
                continue
            pairs.extend((str(term), str(category)) for term in terms or ())
    return pairs
