"""Help-center articles (one row per slug and language) and their "was this helpful" votes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.db import Base, JSONType, UTCDateTime
from trustdesk.kit.clock import utcnow


class KnowledgeArticle(Base):
    """One translation of a help-center article; translations share the slug."""

    __tablename__ = "knowledge_articles"
    __table_args__ = (
        UniqueConstraint("slug", "language"),
        Index("ix_knowledge_articles_language_category", "language", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), index=True)
    language: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # Markdown
    tags: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on every edit: votes are counted per version, caches key on it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArticleFeedback(Base):
    """A "was this helpful" vote: by a signed-in customer, or anonymous with a session id."""

    __tablename__ = "knowledge_article_feedback"
    __table_args__ = (
        # One vote per customer per article version (NULL customer ids never collide).
        UniqueConstraint(
            "article_id", "article_version", "customer_id", name="uq_knowledge_feedback_vote"
        ),
        Index("ix_knowledge_article_feedback_session", "session_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_articles.id", ondelete="CASCADE"), index=True
    )
    article_version: Mapped[int] = mapped_column(Integer)
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    session_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
