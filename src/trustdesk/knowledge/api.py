"""Help-center endpoints: the public help center (/help) and the admins' article editor."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse

from trustdesk.db import commit
from trustdesk.deps import (
    AdminAgent,
    IdempotencyKey,
    NowDep,
    SessionDep,
    SettingsDep,
    bearer_token,
    current_customer,
    cursor_after,
)
from trustdesk.idempotency import run_idempotent
from trustdesk.kit.pagination import MAX_LIMIT, Page, encode_cursor
from trustdesk.knowledge import repository, service
from trustdesk.knowledge.schemas import (
    AdminArticleRead,
    ArticleCreate,
    ArticleHitRead,
    ArticleList,
    ArticleRead,
    ArticleSummary,
    ArticleUpdate,
    CategoryRead,
    FeedbackCreate,
    FeedbackRead,
)
from trustdesk.models import Customer
from trustdesk.models.knowledge import KnowledgeArticle

router = APIRouter()
public_router = APIRouter(prefix="/api/v1/help", tags=["help center"])
admin_router = APIRouter(prefix="/api/v1/admin/articles", tags=["help center (admin)"])

Language = Annotated[str, Query(description="One of the 15 help-center languages, e.g. en, ja.")]
MAX_SEARCH_RESULTS = 20


def _summary(article: KnowledgeArticle) -> ArticleSummary:
    return ArticleSummary(
        id=article.id,
        slug=article.slug,
        language=article.language,
        category=article.category,
        title=article.title,
        tags=list(article.tags or []),
        updated_at=article.updated_at,
        url=service.article_url(article.language, article.slug),
    )


async def _admin_view(session: SessionDep, article: KnowledgeArticle) -> AdminArticleRead:
    helpful, not_helpful = (await service.feedback_counts(session, [article.id])).get(
        article.id, (0, 0)
    )
    return AdminArticleRead(
        **_summary(article).model_dump(),
        body=article.body,
        version=article.version,
        translations=[
            lang
            for lang in await repository.published_languages(session, article.slug)
            if lang != article.language
        ],
        published=article.published,
        created_at=article.created_at,
        helpful_count=helpful,
        not_helpful_count=not_helpful,
    )


async def optional_customer(
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Customer | None:
    """The signed-in customer when a token is sent; None for anonymous visitors."""
    if not authorization:
        return None
    return await current_customer(session, await bearer_token(authorization), now, settings)


# ---------------------------------------------------------------------------------------------
# Public help center (no sign-in)


@public_router.get("/categories", response_model=list[CategoryRead])
async def list_categories(session: SessionDep, language: Language = "en") -> list[CategoryRead]:
    """The four categories with their localized names and published article counts."""
    return [CategoryRead(**c) for c in await service.categories(session, language)]


@public_router.get("/articles", response_model=ArticleList)
async def list_articles(
    session: SessionDep,
    language: Language = "en",
    category: str | None = None,
    q: Annotated[str | None, Query(max_length=500, description="Search text.")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> ArticleList:
    """Browse a language's articles, or search them with `q` (hits in `hits`, best first)."""
    lang = service.require_language(language)
    service.require_category(category)
    if q is not None and q.strip():
        hits = await service.search_articles(
            session, q, lang, limit=min(limit, MAX_SEARCH_RESULTS), category=category
        )
        return ArticleList(hits=[ArticleHitRead(**h.__dict__) for h in hits])
    articles = await repository.page(
        session,
        repository.published(),
        language=lang,
        category=category,
        after_id=cursor_after(cursor),
        limit=limit,
    )
    items = [_summary(a) for a in articles]
    next_cursor = encode_cursor(articles[-1].id) if len(articles) == limit else None
    return ArticleList(items=items, next_cursor=next_cursor)


@public_router.get("/articles/{language}/{slug}", response_model=ArticleRead)
async def read_article(session: SessionDep, language: str, slug: str) -> ArticleRead:
    article = await service.public_article(session, language, slug)
    languages = await repository.published_languages(session, slug)
    return ArticleRead(
        **_summary(article).model_dump(),
        body=article.body,
        version=article.version,
        translations=[lang for lang in languages if lang != article.language],
    )


@public_router.post(
    "/articles/{language}/{slug}/feedback", status_code=201, response_model=FeedbackRead
)
async def rate_article(
    language: str,
    slug: str,
    data: FeedbackCreate,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> FeedbackRead:
    """Was this helpful? Anonymous with a session_id, or signed in (one vote per version)."""
    customer = await optional_customer(session, now, settings, authorization)
    vote, (helpful, not_helpful) = await service.submit_feedback(
        session, language, slug, data, customer=customer, now=now
    )
    await commit(session)
    return FeedbackRead(
        article_id=vote.article_id,
        article_version=vote.article_version,
        helpful=vote.helpful,
        helpful_count=helpful,
        not_helpful_count=not_helpful,
    )


# ---------------------------------------------------------------------------------------------
# Admin editor


@admin_router.get("", response_model=Page[AdminArticleRead])
async def admin_list_articles(
    session: SessionDep,
    agent: AdminAgent,
    language: str | None = None,
    category: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> Page[AdminArticleRead]:
    """All articles, published or not, with their helpful / not-helpful counts."""
    lang = service.require_language(language) if language is not None else None
    service.require_category(category)
    articles = await repository.page(
        session,
        repository.all_articles(),
        language=lang,
        category=category,
        after_id=cursor_after(cursor),
        limit=limit,
    )
    items = [await _admin_view(session, a) for a in articles]
    next_cursor = encode_cursor(articles[-1].id) if len(articles) == limit else None
    return Page(items=items, next_cursor=next_cursor)


@admin_router.post("", status_code=201, response_model=AdminArticleRead)
async def admin_create_article(
    data: ArticleCreate,
    session: SessionDep,
    agent: AdminAgent,
    now: NowDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Create an article or a translation (same slug, new language); 409 if it exists."""

    async def create() -> AdminArticleRead:
        article = await service.create_article(session, data, now=now, actor=agent)
        return await _admin_view(session, article)

    return await run_idempotent(
        session,
        key=idempotency_key,
        scope=f"agent:{agent.id}:articles",
        payload=data,
        now=now,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        create=create,
    )


@admin_router.get("/{article_id}", response_model=AdminArticleRead)
async def admin_read_article(
    article_id: int, session: SessionDep, agent: AdminAgent
) -> AdminArticleRead:
    return await _admin_view(session, await service.admin_article(session, article_id))


@admin_router.put("/{article_id}", response_model=AdminArticleRead)
async def admin_update_article(
    article_id: int, data: ArticleUpdate, session: SessionDep, agent: AdminAgent, now: NowDep
) -> AdminArticleRead:
    article = await service.update_article(session, article_id, data, now=now, actor=agent)
    view = await _admin_view(session, article)
    await commit(session)
    return view


@admin_router.delete("/{article_id}", status_code=204)
async def admin_delete_article(
    article_id: int, session: SessionDep, agent: AdminAgent, now: NowDep
) -> Response:
    await service.delete_article(session, article_id, now=now, actor=agent)
    await commit(session)
    return Response(status_code=204)


router.include_router(public_router)
router.include_router(admin_router)
