"""Help-center rules: reading, searching, editing articles, and "was this helpful" votes.

`search_articles` and `get_article` are the assistant's entry points: keep their signatures.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.audit import service as audit
from trustdesk.errors import AppError, Conflict, InvalidInput, NotFound
from trustdesk.knowledge import repository, vectors
from trustdesk.knowledge.catalog import (
    CATEGORIES,
    FALLBACK_LANGUAGE,
    LANGUAGES,
    category_name,
    resolve_language,
)
from trustdesk.knowledge.schemas import ArticleCreate, ArticleUpdate, FeedbackCreate
from trustdesk.knowledge.search import Bm25Index, Document, Ranked, rank, snippet
from trustdesk.knowledge.vectors import passage_key
from trustdesk.models import Agent, Customer
from trustdesk.models.knowledge import ArticleFeedback, KnowledgeArticle

Article = KnowledgeArticle

# Anonymous votes: at most this many per browser session per hour (all articles together).
ANONYMOUS_VOTES_PER_HOUR = 20


class TooManyRequests(AppError):
    status_code = 429


@dataclass(frozen=True)
class ArticleHit:
    article_id: int
    slug: str
    language: str
    title: str
    category: str
    snippet: str
    score: float
    url: str
    fallback_language: bool


def article_url(language: str, slug: str) -> str:
    return f"/help/{language}/{slug}"


def require_language(value: str | None) -> str:
    language = resolve_language(value)
    if language is None:
        raise InvalidInput(f"unknown language '{value}': use one of {', '.join(LANGUAGES)}")
    return language


def require_category(value: str | None) -> str | None:
    if value is None:
        return None
    if value not in CATEGORIES:
        raise InvalidInput(f"unknown category '{value}': use one of {', '.join(CATEGORIES)}")
    return value


# ---------------------------------------------------------------------------------------------
# The per-process search index. Rebuilt lazily when the corpus signature changes, so an edit
# made by any process is searchable at the next query of every process.


@dataclass
class _IndexState:
    signature: tuple[Any, ...]
    index: Bm25Index


_state: _IndexState | None = None
_vectors: dict[str, np.ndarray] = {}  # sha1(passage) → embedding, kept across rebuilds
_vectors_lock = threading.Lock()


def _document(article: KnowledgeArticle) -> Document:
    return Document(
        id=article.id,
        slug=article.slug,
        language=article.language,
        category=article.category,
        title=article.title,
        body=article.body,
        tags=tuple(str(t) for t in article.tags or ()),
    )


async def search_index(session: AsyncSession) -> Bm25Index:
    global _state
    signature = await repository.corpus_signature(session)
    if _state is None or _state.signature != signature:
        articles = await repository.published_all(session)
        _state = _IndexState(signature, Bm25Index(_document(a) for a in articles))
    return _state.index


def _passage(doc: Document) -> str:
    # Title twice: it states the problem in the customer's words; the body's start follows.
    return f"{doc.title}. {doc.title}. {doc.body[:600]}"


def _doc_vectors(docs: Sequence[Document]) -> dict[int, np.ndarray]:
    from trustdesk.assistant.intents import encoder

    keys = {d.id: passage_key(_passage(d)) for d in docs}
    shipped = vectors.shipped()
    with _vectors_lock:
        for key in keys.values():
            if key not in _vectors and key in shipped:
                _vectors[key] = shipped[key]
        missing = [d for d in docs if keys[d.id] not in _vectors]
    if missing:
        encoded = encoder.encode([_passage(d) for d in missing])
        with _vectors_lock:
            for doc, vector in zip(missing, encoded, strict=True):
                _vectors[keys[doc.id]] = vector
    return {d.id: _vectors[keys[d.id]] for d in docs}


@lru_cache(maxsize=2048)
def _query_vector(query: str) -> np.ndarray:
    from trustdesk.assistant.intents import encoder

    return encoder.encode_one(query)


def dense_scores(query: str, docs: Sequence[Document]) -> dict[int, float]:
    """Cosine similarity of the query to each document (multilingual-e5-small)."""
    if not docs:
        return {}
    vectors = _doc_vectors(docs)
    q = _query_vector(query)
    return {doc_id: float(np.dot(vec, q)) for doc_id, vec in vectors.items()}


# Measured with tests/knowledge/bench_search.py on the labelled set in tests/knowledge/queries.py:
# hybrid lifts recall@1 from 0.88 to 0.92 and paraphrase recall@3 from 0.92 to 1.0, and it is
# what lets a query in one language find an English article (fallback) at all.
USE_EMBEDDINGS = True


async def search_articles(
    session: AsyncSession,
    query: str,
    language: str,
    *,
    limit: int = 3,
    category: str | None = None,
) -> list[ArticleHit]:
    """Best published articles for `query`, in `language` first, else English (flagged)."""
    lang = resolve_language(language) or FALLBACK_LANGUAGE
    require_category(category)
    if not query.strip() or limit < 1:
        return []
    index = await search_index(session)
    # The encoder is CPU-bound (tens of ms): run it off the event loop.
    ranked = await asyncio.to_thread(
        rank,
        index,
        query,
        lang,
        category=category,
        limit=limit,
        dense=dense_scores if USE_EMBEDDINGS else None,
        fallback_language=FALLBACK_LANGUAGE,
    )
    return [_hit(r, query) for r in ranked]


def _hit(r: Ranked, query: str) -> ArticleHit:
    return ArticleHit(
        article_id=r.doc.id,
        slug=r.doc.slug,
        language=r.doc.language,
        title=r.doc.title,
        category=r.doc.category,
        snippet=snippet(r.doc.body, query),
        score=round(r.score, 4),
        url=article_url(r.doc.language, r.doc.slug),
        fallback_language=r.fallback,
    )


# ---------------------------------------------------------------------------------------------
# Reading


async def get_article(session: AsyncSession, language: str, slug: str) -> Article | None:
    """A published article, or None (unknown, unpublished, or not in this language)."""
    lang = resolve_language(language)
    if lang is None:
        return None
    return await repository.by_slug(session, repository.published(), lang, slug)


async def public_article(session: AsyncSession, language: str, slug: str) -> Article:
    article = await get_article(session, require_language(language), slug)
    if article is None:
        raise NotFound(f"no published article '{slug}' in language {language}")
    return article


async def categories(session: AsyncSession, language: str) -> list[dict[str, Any]]:
    lang = require_language(language)
    counts = await repository.category_counts(session, lang)
    return [
        {"key": c, "name": category_name(c, lang), "article_count": counts.get(c, 0)}
        for c in CATEGORIES
    ]


# ---------------------------------------------------------------------------------------------
# Editing (admins)


def _check_vocabulary(language: str | None, category: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(f"unknown language '{language}': use one of {', '.join(LANGUAGES)}")
    require_category(category)


def _snapshot(article: KnowledgeArticle) -> dict[str, Any]:
    return {
        "slug": article.slug,
        "language": article.language,
        "category": article.category,
        "title": article.title,
        "published": article.published,
        "version": article.version,
    }


async def create_article(
    session: AsyncSession, data: ArticleCreate, *, now: datetime, actor: Agent | None
) -> KnowledgeArticle:
    _check_vocabulary(data.language, data.category)
    existing = await repository.by_slug(
        session, repository.all_articles(), data.language, data.slug
    )
    if existing is not None:
        raise Conflict(
            f"article '{data.slug}' already exists in {data.language} (id {existing.id}); "
            "edit it with PUT instead",
            extra={"article_id": existing.id},
        )
    article = KnowledgeArticle(
        slug=data.slug,
        language=data.language,
        category=data.category,
        title=data.title,
        body=data.body,
        tags=list(data.tags),
        published=data.published,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(article)
    await session.flush()
    audit.record(
        session,
        entity="knowledge_article",
        entity_id=article.id,
        action="created",
        actor=actor,
        at=now,
        after=_snapshot(article),
    )
    return article


async def admin_article(session: AsyncSession, article_id: int) -> KnowledgeArticle:
    article = await session.get(KnowledgeArticle, article_id)
    if article is None:
        raise NotFound(f"no article with id {article_id}")
    return article


async def update_article(
    session: AsyncSession,
    article_id: int,
    data: ArticleUpdate,
    *,
    now: datetime,
    actor: Agent | None,
) -> KnowledgeArticle:
    article = await admin_article(session, article_id)
    _check_vocabulary(None, data.category)
    changes = data.model_dump(exclude_none=True)
    if not changes:
        raise InvalidInput("nothing to change: send at least one field")
    before = _snapshot(article)
    for field, value in changes.items():
        setattr(article, field, value)
    article.version += 1
    article.updated_at = now
    await session.flush()
    audit.record(
        session,
        entity="knowledge_article",
        entity_id=article.id,
        action="updated",
        actor=actor,
        at=now,
        before=before,
        after=_snapshot(article),
    )
    return article


async def delete_article(
    session: AsyncSession, article_id: int, *, now: datetime, actor: Agent | None
) -> None:
    article = await admin_article(session, article_id)
    audit.record(
        session,
        entity="knowledge_article",
        entity_id=article.id,
        action="deleted",
        actor=actor,
        at=now,
        before=_snapshot(article),
    )
    await session.delete(article)
    await session.flush()


async def feedback_counts(
    session: AsyncSession, article_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    return await repository.feedback_counts(session, article_ids)


# ---------------------------------------------------------------------------------------------
# "Was this helpful"


async def submit_feedback(
    session: AsyncSession,
    language: str,
    slug: str,
    data: FeedbackCreate,
    *,
    customer: Customer | None,
    now: datetime,
) -> tuple[ArticleFeedback, tuple[int, int]]:
    """Record one vote; return it with the article's (helpful, not helpful) totals."""
    article = await public_article(session, language, slug)
    comment = (data.comment or "").strip() or None
    if customer is not None:
        if await repository.customer_voted(session, article.id, article.version, customer.id):
            raise Conflict("you already rated this version of the article")
    else:
        if data.session_id is None:
            raise InvalidInput("session_id is required when rating without signing in")
        if await repository.session_voted(session, article.id, article.version, data.session_id):
            raise Conflict("this session already rated this version of the article")
        recent = await repository.session_votes_since(
            session, data.session_id, now - timedelta(hours=1)
        )
        if recent >= ANONYMOUS_VOTES_PER_HOUR:
            raise TooManyRequests(
                f"at most {ANONYMOUS_VOTES_PER_HOUR} ratings per hour without signing in"
            )
    vote = ArticleFeedback(
        article_id=article.id,
        article_version=article.version,
        helpful=data.helpful,
        comment=comment,
        customer_id=customer.id if customer is not None else None,
        session_id=data.session_id,
        created_at=now,
    )
    session.add(vote)
    await session.flush()
    counts = (await repository.feedback_counts(session, [article.id])).get(article.id, (0, 0))
    return vote, counts


# ---------------------------------------------------------------------------------------------
# Demo content


def demo_documents() -> list[dict[str, Any]]:
    """Every article in the shipped YAML files (knowledge/articles/<language>.yaml)."""
    folder = resources.files("trustdesk.knowledge") / "articles"
    out: list[dict[str, Any]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        language = data["language"]
        for item in data["articles"]:
            out.append({**item, "language": language})
    return out


async def load_demo_articles(session: AsyncSession, now: datetime) -> int:
    """Insert the shipped articles that are missing; existing ones (maybe edited) are kept.

    Idempotent: a second run inserts nothing. Returns how many articles were created.
    """
    created = 0
    for item in demo_documents():
        data = ArticleCreate(
            slug=item["slug"],
            language=item["language"],
            category=item["category"],
            title=item["title"],
            body=item["body"].strip(),
            tags=[str(t) for t in item.get("tags", [])],
        )
        existing = await repository.by_slug(
            session, repository.all_articles(), data.language, data.slug
        )
        if existing is None:
            await create_article(session, data, now=now, actor=None)
            created += 1
    return created
