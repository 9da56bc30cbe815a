"""Request and response bodies of the help-center API."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_COMMENT = 1000


class _Strict(BaseModel):
    # Unknown fields are an error: a typo in a field name must not be silently ignored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def clean_tags(tags: list[str]) -> list[str]:
    cleaned = sorted({t.strip().lower() for t in tags if t.strip()})
    too_long = [t for t in cleaned if len(t) > 48]
    if too_long:
        raise ValueError(f"tags longer than 48 characters: {too_long}")
    return cleaned


class ArticleCreate(_Strict):
    """A new article or a new translation (same slug, another language)."""

    slug: str = Field(min_length=2, max_length=120, description="Shared by all translations.")
    language: str = Field(description="One of the 15 help-center languages, e.g. en, zh-CN.")
    category: str = Field(description="account_verification, trading, ...")
    title: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=50_000, description="Markdown.")
    tags: list[str] = Field(default_factory=list, max_length=20)
    published: bool = True

    @field_validator("slug")
    @classmethod
    def _slug(cls, slug: str) -> str:
        if not SLUG_PATTERN.match(slug):
            raise ValueError("slug: lowercase letters and digits separated by single hyphens")
        return slug

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: list[str]) -> list[str]:
        return clean_tags(tags)


class ArticleUpdate(_Strict):
    """Change any of these; every change bumps the article's version."""

    category: str | None = None
    title: str | None = Field(default=None, min_length=1, max_length=300)
    body: str | None = Field(default=None, min_length=1, max_length=50_000)
    tags: list[str] | None = Field(default=None, max_length=20)
    published: bool | None = None

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: list[str] | None) -> list[str] | None:
        return None if tags is None else clean_tags(tags)


class ArticleSummary(BaseModel):
    id: int
    slug: str
    language: str
    category: str
    title: str
    tags: list[str]
    updated_at: datetime
    url: str


class ArticleRead(ArticleSummary):
    body: str
    version: int
    translations: list[str] = Field(
        default_factory=list, description="Other languages this article is published in."
    )


class ArticleHitRead(BaseModel):
    article_id: int
    slug: str
    language: str
    title: str
    category: str
    snippet: str
    score: float
    url: str
    fallback_language: bool


class ArticleList(BaseModel):
    """A category listing (paginated) or, with `q`, search hits (best first, one page)."""

    items: list[ArticleSummary] = Field(default_factory=list)
    hits: list[ArticleHitRead] | None = None
    next_cursor: str | None = None


class CategoryRead(BaseModel):
    key: str
    name: str
    article_count: int


class FeedbackCreate(_Strict):
    helpful: bool
    comment: str | None = Field(default=None, max_length=MAX_COMMENT)
    session_id: str | None = Field(
        default=None,
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_\-]+$",
        description="The browser's anonymous session id; required without a customer token.",
    )


class FeedbackRead(BaseModel):
    article_id: int
    article_version: int
    helpful: bool
    helpful_count: int
    not_helpful_count: int


class AdminArticleRead(ArticleRead):
    published: bool
    created_at: datetime
    helpful_count: int = 0
    not_helpful_count: int = 0
