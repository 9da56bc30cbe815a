from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.db import Base, JSONType, UTCDateTime
from trustdesk.kit.clock import utcnow


class AgentRole(StrEnum):
    agent = "agent"
    lead = "lead"
    qa = "qa"
    security = "security"
    admin = "admin"


class Presence(StrEnum):
    online = "online"
    away = "away"
    offline = "offline"


class Agent(Base):
    """A member of the support staff, with the skills routing matches tickets against."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[AgentRole] = mapped_column(String(16), default=AgentRole.agent)
    # Skills: the languages they answer in, topics (intents) they know, queues they serve.
    languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    topics: Mapped[list[str]] = mapped_column(JSONType, default=list)
    queues: Mapped[list[str]] = mapped_column(JSONType, default=list)
    capacity: Mapped[int] = mapped_column(Integer, default=8)
    presence: Mapped[Presence] = mapped_column(String(16), default=Presence.offline, index=True)
    ui_language: Mapped[str] = mapped_column(String(8), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Breaks ties between equally loaded agents: the one who waited longest gets the next ticket.
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgentToken(Base):
    """A bearer token issued at login. Only its SHA-256 is stored."""

    __tablename__ = "agent_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
