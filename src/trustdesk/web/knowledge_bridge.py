"""The help-center pages' calls into the knowledge base."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.knowledge import repository, schemas, service
from trustdesk.knowledge.catalog import resolve_language
from trustdesk.models import Customer


def help_language(language: str) -> str:
    """The knowledge base's code for our UI language (both use the same 15 codes)."""
    resolved = resolve_language(language)
    return str(resolved or "en")


async def categories(session: AsyncSession, language: str) -> list[dict[str, Any]]:
    return list(await service.categories(session, help_language(language)))


async def articles(
    session: AsyncSession, language: str, category: str | None, limit: int = 50
) -> list[Any]:
    service.require_category(category)
    return list(
        await repository.page(
            session,
            repository.published(),
            language=help_language(language),
            category=category,
            after_id=None,
            limit=limit,
        )
    )


async def search(
    session: AsyncSession, query: str, language: str, category: str | None
) -> list[Any]:
    return list(
        await service.search_articles(
            session, query, help_language(language), limit=10, category=category
        )
    )


async def article(session: AsyncSession, language: str, slug: str) -> Any:
    return await service.public_article(session, language, slug)


async def rate(
    session: AsyncSession,
    language: str,
    slug: str,
    helpful: bool,
    customer: Customer,
    now: Any,
) -> None:
    data = schemas.FeedbackCreate(helpful=helpful)
    await service.submit_feedback(session, language, slug, data, customer=customer, now=now)
