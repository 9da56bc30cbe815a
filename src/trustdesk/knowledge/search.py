"""Pure ranking for the help center: language-aware tokens, BM25 over an inverted index.

Why a small BM25 here instead of `rank-bm25` / `bm25s` (both install fine): the corpus is a
few hundred short articles, partitioned per language, and ranking needs title/tag weighting
(BM25F-style term frequencies) plus our own tokeniser; both libraries score one flat field
and would still need everything below. The formula is the textbook Okapi BM25.

Tokenisation (same for documents and queries):
- NFKC, then casefold; Turkish dotted/dotless i fold to plain "i" (İ, I, ı, i all match);
- Latin, Cyrillic and Arabic words: diacritics removed (Latin/Cyrillic combining marks,
  Arabic harakat and tatweel), Arabic alef/ya/ta-marbuta variants unified and the article
  prefix "ال" (with و/ب/ك/ف/ل) stripped; words of 6+ letters also emit a 5-letter prefix
  token, a crude but language-neutral stemmer that catches inflections (депозит/депозита,
  yatırım/yatırımı, withdrawal/withdraw);
- Han, Hiragana and Katakana runs (zh, ja): character unigrams + bigrams, Traditional Han
  folded to Simplified;
- Hangul runs (ko): syllable bigrams (a lone syllable is kept as a unigram).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import zhconv

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3.0
TAG_WEIGHT = 2.0
PREFIX_LEN = 5

# A run of CJK ideographs / kana, a run of Hangul, or a word of letters and digits.
_CJK = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HANGUL = "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
_TOKEN = re.compile(rf"([{_CJK}]+)|([{_HANGUL}]+)|([^\W_{_CJK}{_HANGUL}]+)")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")  # harakat, superscript alef, tatweel
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_MARKDOWN = re.compile(r"[#*_`>\[\]()|]+")


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def fold(text: str) -> str:
    """NFKC + casefold, Turkish i-variants to "i", combining marks dropped (not in CJK).

    Traditional Han characters fold to Simplified (zhconv), so 提領 matches 提领: a zh-TW
    reader who types Simplified, or a query in the wrong script, still finds the article.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    if _HAN.search(text):
        text = zhconv.convert(text, "zh-cn")
    # casefold() maps İ to "i" + U+0307 and keeps dotless ı; fold all four to "i".
    text = text.replace("ı", "i")
    decomposed = unicodedata.normalize("NFD", text)
    # Kana voicing marks (U+3099/U+309A) change the word: keep them; drop accents elsewhere.
    stripped = "".join(
        ch for ch in decomposed if not unicodedata.combining(ch) or ch in "\u3099\u309a"
    )
    return unicodedata.normalize("NFC", stripped).replace("đ", "d")


def _arabic(word: str) -> str:
    word = _ARABIC_MARKS.sub("", word).translate(_ARABIC_FOLD)
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix) :]
    return word


def _word_tokens(word: str) -> list[str]:
    if _ARABIC_LETTER.search(word):
        word = _arabic(word)
        if not word:
            return []
    out = [word]
    if len(word) >= PREFIX_LEN + 1 and not word.isdigit():
        out.append(word[:PREFIX_LEN] + "~")
    elif len(word) >= 4 and word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])  # fees → fee, tags → tag
    return out


def tokenize(text: str) -> list[str]:
    """Search terms of `text`, in order, repeated as they occur (term frequency matters)."""
    tokens: list[str] = []
    for cjk, hangul, word in _TOKEN.findall(fold(text)):
        if cjk:
            tokens.extend(cjk)
            tokens.extend(cjk[i : i + 2] for i in range(len(cjk) - 1))
        elif hangul:
            if len(hangul) == 1:
                tokens.append(hangul)
            tokens.extend(hangul[i : i + 2] for i in range(len(hangul) - 1))
        elif word:
            tokens.extend(_word_tokens(word))
    return tokens


@dataclass(frozen=True)
class Document:
    """What the index needs of an article (the service maps rows to this)."""

    id: int
    slug: str
    language: str
    category: str
    title: str
    body: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scored:
    doc: Document
    score: float
    coverage: float  # IDF-weighted share of the query's distinct terms the document contains


@dataclass
class _Partition:
    docs: list[Document] = field(default_factory=list)
    lengths: list[float] = field(default_factory=list)
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    @property
    def avg_length(self) -> float:
        return (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0

    def idf(self, term: str) -> float:
        n = len(self.docs)
        df = len(self.postings.get(term, ()))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))


def weighted_terms(doc: Document) -> defaultdict[str, float]:
    """BM25F-style term frequency: a word in the title counts TITLE_WEIGHT times."""
    tf: defaultdict[str, float] = defaultdict(float)
    for term in tokenize(doc.title):
        tf[term] += TITLE_WEIGHT
    for tag in doc.tags:
        for term in tokenize(tag.replace("-", " ").replace("_", " ")):
            tf[term] += TAG_WEIGHT
    for term in tokenize(doc.body):
        tf[term] += 1.0
    return tf


class Bm25Index:
    """An inverted index per language; immutable once built (rebuild on change)."""

    def __init__(self, docs: Iterable[Document]) -> None:
        self._partitions: dict[str, _Partition] = {}
        for doc in docs:
            part = self._partitions.setdefault(doc.language, _Partition())
            idx = len(part.docs)
            part.docs.append(doc)
            tf = weighted_terms(doc)
            part.lengths.append(sum(tf.values()))
            for term, freq in tf.items():
                part.postings.setdefault(term, []).append((idx, freq))

    def languages(self) -> set[str]:
        return set(self._partitions)

    def documents(self, language: str) -> list[Document]:
        part = self._partitions.get(language)
        return list(part.docs) if part else []

    def search(
        self, query: str, language: str, *, category: str | None = None, limit: int = 10
    ) -> list[Scored]:
        """Documents of `language` ranked by BM25; documents matching no term are left out."""
        part = self._partitions.get(language)
        terms = set(tokenize(query))
        if part is None or not terms:
            return []
        avg = part.avg_length
        scores: dict[int, float] = {}
        matched_weight: dict[int, float] = {}
        for term in terms:
            postings = part.postings.get(term)
            if not postings:
                continue
            idf = part.idf(term)
            for idx, tf in postings:
                norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * part.lengths[idx] / avg))
                scores[idx] = scores.get(idx, 0.0) + idf * norm
                matched_weight[idx] = matched_weight.get(idx, 0.0) + idf
        ranked = sorted(scores.items(), key=lambda item: (-item[1], part.docs[item[0]].id))
        # Coverage weighs each query term by its IDF (a term no document has counts fully):
        # matching only "the", "my" or a common CJK character is not a good hit.
        weights = {t: part.idf(t) for t in terms}
        total = sum(weights.values()) or 1.0
        out = [
            Scored(part.docs[idx], score, matched_weight[idx] / total)
            for idx, score in ranked
            if category is None or part.docs[idx].category == category
        ]
        return out[:limit]


def plain_text(markdown: str) -> str:
    return re.sub(r"\s+", " ", _MARKDOWN.sub(" ", markdown)).strip()


def snippet(body: str, query: str, *, width: int = 220) -> str:
    """The body paragraph sharing most terms with the query, as plain text, cut to `width`."""
    terms = set(tokenize(query))
    blocks = [b for b in re.split(r"\n\s*\n", body) if not b.lstrip().startswith("#")]
    paragraphs = [plain_text(b) for b in blocks if plain_text(b)]
    if not paragraphs:
        return ""
    best = max(paragraphs, key=lambda p: (len(terms & set(tokenize(p))), -paragraphs.index(p)))
    if len(best) <= width:
        return best
    return best[: width - 1].rstrip() + "…"


def fuse(
    lexical: Sequence[Scored],
    dense: dict[int, float],
    docs: Sequence[Document],
    *,
    weight: float,
) -> list[tuple[Document, float]]:
    """Blend BM25 (scaled by the best score) with cosine similarity (min-max over `docs`).

    `weight` is the share given to the lexical score; documents no term matched still rank
    through their dense score, which is what finds paraphrases sharing no word.
    """
    best = max((s.score for s in lexical), default=0.0)
    lex = {s.doc.id: (s.score / best if best > 0 else 0.0) for s in lexical}
    values = [dense.get(d.id, 0.0) for d in docs]
    lo, hi = (min(values), max(values)) if values else (0.0, 0.0)
    span = (hi - lo) or 1.0
    blended = [
        (d, weight * lex.get(d.id, 0.0) + (1 - weight) * (dense.get(d.id, lo) - lo) / span)
        for d in docs
    ]
    return sorted(blended, key=lambda item: (-item[1], item[0].id))


# ---------------------------------------------------------------------------------------------
# Ranking with language fallback

# Share of the blended score given to BM25 when embeddings are used (tuned on the labelled set).
LEXICAL_WEIGHT = 0.5
# The requested language "has a good lexical hit" when a top document covers this IDF share.
MIN_COVERAGE = 0.3

DenseScorer = Callable[[str, Sequence[Document]], dict[int, float]]


@dataclass(frozen=True)
class Ranked:
    doc: Document
    score: float
    fallback: bool


@dataclass(frozen=True)
class _LanguageResult:
    ranked: list[tuple[Document, float]]
    coverage: float  # best IDF-weighted coverage among the top lexical hits
    best_cosine: float  # best query–document cosine (0 without embeddings)


def _rank_language(
    index: Bm25Index,
    query: str,
    language: str,
    *,
    category: str | None,
    limit: int,
    dense: DenseScorer | None,
) -> _LanguageResult:
    lexical = index.search(query, language, category=category, limit=50)
    coverage = max((s.coverage for s in lexical[:3]), default=0.0)
    if dense is None:
        return _LanguageResult([(s.doc, s.score) for s in lexical[:limit]], coverage, 0.0)
    docs = [d for d in index.documents(language) if category is None or d.category == category]
    if not docs:
        return _LanguageResult([], 0.0, 0.0)
    cosines = dense(query, docs)
    ranked = fuse(lexical, cosines, docs, weight=LEXICAL_WEIGHT)[:limit]
    return _LanguageResult(ranked, coverage, max(cosines.values(), default=0.0))


def _prefer_fallback(own: _LanguageResult, other: _LanguageResult, dense: bool) -> bool:
    """Whether the fallback language answers the query better than the requested one."""
    if not other.ranked:
        return False
    if not own.ranked:
        return True
    if own.coverage >= MIN_COVERAGE:
        return False
    if dense:
        # Cross-language cosines run lower than same-language ones, so an English article
        # that is closer than every article of the query's own language is a clear winner.
        return other.best_cosine > own.best_cosine
    return other.coverage > own.coverage


def rank(
    index: Bm25Index,
    query: str,
    language: str,
    *,
    category: str | None = None,
    limit: int = 3,
    dense: DenseScorer | None = None,
    fallback_language: str = "en",
) -> list[Ranked]:
    """Search `language`; when it has no good hit, answer from `fallback_language` instead."""
    own = _rank_language(index, query, language, category=category, limit=limit, dense=dense)
    if language != fallback_language:
        other = _rank_language(
            index, query, fallback_language, category=category, limit=limit, dense=dense
        )
        if _prefer_fallback(own, other, dense is not None):
            return [Ranked(doc, score, True) for doc, score in other.ranked]
    return [Ranked(doc, score, False) for doc, score in own.ranked]
