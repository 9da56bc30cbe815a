"""Every query of the help center. Public reads start from published articles only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models.knowledge import ArticleFeedback, KnowledgeArticle


def published() -> Select[KnowledgeArticle]:
    """What the public may see: the starting point of every public read."""
    return select(KnowledgeArticle).where(KnowledgeArticle.published.is_(True))


def all_articles() -> Select[KnowledgeArticle]:
    return select(KnowledgeArticle)


async def by_slug(
    session: AsyncSession, stmt: Select[KnowledgeArticle], language: str, slug: str
) -> KnowledgeArticle | None:
    found = await session.execute(
        stmt.where(KnowledgeArticle.language == language, KnowledgeArticle.slug == slug)
    )
    return found.scalar_one_or_none()


async def page(
    session: AsyncSession,
    stmt: Select[KnowledgeArticle],
    *,
    language: str | None,
    category: str | None,
    after_id: int | None,
    limit: int,
) -> Sequence[KnowledgeArticle]:
    if language is not None:
        stmt = stmt.where(KnowledgeArticle.language == language)
    if category is not None:
        stmt = stmt.where(KnowledgeArticle.category == category)
    if after_id is not None:
        stmt = stmt.where(KnowledgeArticle.id > after_id)
    return (await session.execute(stmt.order_by(KnowledgeArticle.id).limit(limit))).scalars().all()


async def category_counts(session: AsyncSession, language: str) -> dict[str, int]:
    rows = await session.execute(
        select(KnowledgeArticle.category, func.count())
        .where(KnowledgeArticle.published.is_(True), KnowledgeArticle.language == language)
        .group_by(KnowledgeArticle.category)
    )
    return {category: count for category, count in rows.all()}


async def published_languages(session: AsyncSession, slug: str) -> list[str]:
    rows = await session.execute(
        select(KnowledgeArticle.language).where(
            KnowledgeArticle.slug == slug, KnowledgeArticle.published.is_(True)
        )
    )
    return sorted(rows.scalars().all())


async def corpus_signature(session: AsyncSession) -> tuple[Any, ...]:
    """Changes whenever a published article is added, edited, hidden or deleted.

    One aggregate row: cheap enough to run before every search, and it lets every process
    notice edits made by another process without any message bus.
    """
    row = (
        await session.execute(
            select(
                func.count(),
                func.max(KnowledgeArticle.id),
                func.sum(KnowledgeArticle.id * 31 + KnowledgeArticle.version),
                func.max(KnowledgeArticle.updated_at),
                func.sum(func.length(KnowledgeArticle.title) + func.length(KnowledgeArticle.body)),
            ).where(KnowledgeArticle.published.is_(True))
        )
    ).one()
    return tuple(row)


async def published_all(session: AsyncSession) -> Sequence[KnowledgeArticle]:
    return (await session.execute(published().order_by(KnowledgeArticle.id))).scalars().all()


async def feedback_counts(
    session: AsyncSession, article_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """article id → (helpful, not helpful), over all versions."""
    if not article_ids:
        return {}
    rows = await session.execute(
        select(
            ArticleFeedback.article_id,
            func.sum(case((ArticleFeedback.helpful.is_(True), 1), else_=0)),
            func.sum(case((ArticleFeedback.helpful.is_(False), 1), else_=0)),
        )
        .where(ArticleFeedback.article_id.in_(article_ids))
        .group_by(ArticleFeedback.article_id)
    )
    return {aid: (int(yes or 0), int(no or 0)) for aid, yes, no in rows.all()}


async def customer_voted(
    session: AsyncSession, article_id: int, version: int, customer_id: int
) -> bool:
    found = await session.execute(
        select(ArticleFeedback.id).where(
            ArticleFeedback.article_id == article_id,
            ArticleFeedback.article_version == version,
            ArticleFeedback.customer_id == customer_id,
        )
    )
    return found.first() is not None


async def session_voted(session: AsyncSession, article_id: int, version: int, sid: str) -> bool:
    found = await session.execute(
        select(ArticleFeedback.id).where(
            ArticleFeedback.article_id == article_id,
            ArticleFeedback.article_version == version,
            ArticleFeedback.session_id == sid,
            ArticleFeedback.customer_id.is_(None),
        )
    )
    return found.first() is not None


async def session_votes_since(session: AsyncSession, sid: str, since: datetime) -> int:
    count = await session.execute(
        select(func.count()).where(
            ArticleFeedback.session_id == sid,
            ArticleFeedback.customer_id.is_(None),
            ArticleFeedback.created_at >= since,
        )
    )
    return int(count.scalar_one())
