from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from trustdesk.models.agent import AgentRole, Presence

QUEUE_KEYS = ("tier1", "tier2", "vip", "security", "engineering", "legal")


class AgentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=10, max_length=1024)
    role: AgentRole = AgentRole.agent
    languages: list[str] = Field(default_factory=lambda: ["en"], max_length=15)
    topics: list[str] = Field(default_factory=list, max_length=50)
    queues: list[str] = Field(default_factory=lambda: ["tier1"], max_length=10)
    capacity: int = Field(default=8, ge=1, le=100)
    ui_language: str = "en"

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        return v.lower()


class AgentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: AgentRole | None = None
    languages: list[str] | None = Field(default=None, max_length=15)
    topics: list[str] | None = Field(default=None, max_length=50)
    queues: list[str] | None = Field(default=None, max_length=10)
    capacity: int | None = Field(default=None, ge=1, le=100)
    active: bool | None = None
    ui_language: str | None = None


class PresenceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    presence: Presence


class AgentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: AgentRole
    languages: list[str]
    topics: list[str]
    queues: list[str]
    capacity: int
    presence: Presence
    ui_language: str
    active: bool
    created_at: datetime


class AgentLoad(AgentRead):
    open_tickets: int
