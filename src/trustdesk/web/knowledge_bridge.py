"""The help-center pages' link to the knowledge base (trustdesk.knowledge), when installed.

Built by another team; until its service exists the help center says "not available yet".
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models import Customer

REQUIRED = ("categories", "search_articles", "public_article", "submit_feedback")


def _modules() -> tuple[ModuleType, ModuleType, ModuleType] | None:
    try:
        service = importlib.import_module("trustdesk.knowledge.service")
        repository = importlib.import_module("trustdesk.knowledge.repository")
        schemas = importlib.import_module("trustdesk.knowledge.schemas")
    except ImportError:
        return None
    if not all(hasattr(service, name) for name in REQUIRED):
        return None
    return service, repository, schemas


def available() -> bool:
    return _modules() is not None


def help_language(language: str) -> str:
    """The knowledge base's code for our UI language (both use the same 15 codes)."""
    modules = _modules()
    assert modules is not None
    resolved = getattr(modules[0], "resolve_language", lambda code: code)(language)
    return str(resolved or "en")


async def categories(session: AsyncSession, language: str) -> list[dict[str, Any]]:
    modules = _modules()
    assert modules is not None
    return list(await modules[0].categories(session, help_language(language)))


async def articles(
    session: AsyncSession, language: str, category: str | None, limit: int = 50
) -> list[Any]:
    modules = _modules()
    assert modules is not None
    service, repository, _ = modules
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
    modules = _modules()
    assert modules is not None
    return list(
        await modules[0].search_articles(
            session, query, help_language(language), limit=10, category=category
        )
    )


async def article(session: AsyncSession, language: str, slug: str) -> Any:
    modules = _modules()
    assert modules is not None
    return await modules[0].public_article(session, language, slug)


async def rate(
    session: AsyncSession,
    language: str,
    slug: str,
    helpful: bool,
    customer: Customer,
    now: Any,
) -> None:
    modules = _modules()
    assert modules is not None
    service, _, schemas = modules
    data = schemas.FeedbackCreate(helpful=helpful)
    await service.submit_feedback(session, language, slug, data, customer=customer, now=now)
