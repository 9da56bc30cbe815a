"""Create and change agents; presence changes hand waiting tickets to whoever came online."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.agents import repository
from trustdesk.agents.schemas import QUEUE_KEYS, AgentCreate, AgentUpdate
from trustdesk.audit import service as audit
from trustdesk.auth.passwords import hash_password
from trustdesk.errors import Conflict, InvalidInput
from trustdesk.models import Agent
from trustdesk.models.agent import Presence
from trustdesk.routing import service as routing
from trustdesk.triage.language import normalize_language_tag


def _languages(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        code = normalize_language_tag(value)
        if code is None:
            raise InvalidInput(f"unsupported language '{value}'")
        if code not in out:
            out.append(code)
    return out


def _queues(values: list[str]) -> list[str]:
    unknown = sorted(set(values) - set(QUEUE_KEYS))
    if unknown:
        raise InvalidInput(f"unknown queues {unknown}; known: {', '.join(QUEUE_KEYS)}")
    return sorted(set(values))


async def create_agent(
    session: AsyncSession, data: AgentCreate, *, actor: Agent | None, now: datetime
) -> Agent:
    """Add a staff member. Their password is stored as an argon2 hash only."""
    if await repository.by_email(session, data.email):
        raise Conflict(f"an agent with e-mail {data.email} already exists")
    ui_language = normalize_language_tag(data.ui_language)
    if ui_language is None:
        raise InvalidInput(f"unsupported UI language '{data.ui_language}'")
    agent = Agent(
        email=data.email,
        name=data.name,
        password_hash=hash_password(data.password),
        role=data.role,
        languages=_languages(data.languages),
        topics=sorted(set(data.topics)),
        queues=_queues(data.queues),
        capacity=data.capacity,
        ui_language=ui_language,
        presence=Presence.offline,
        created_at=now,
    )
    session.add(agent)
    await session.flush()
    audit.record(
        session,
        entity="agent",
        entity_id=agent.id,
        action="created",
        actor=actor,
        at=now,
        after={k: getattr(agent, k) for k in ("email", "role", "languages", "queues", "capacity")},
    )
    return agent


async def update_agent(
    session: AsyncSession, agent: Agent, data: AgentUpdate, *, actor: Agent, now: datetime
) -> Agent:
    changes: dict[str, object] = {}
    for field in ("role", "capacity", "active"):
        value = getattr(data, field)
        if value is not None:
            changes[field] = value
    if data.languages is not None:
        changes["languages"] = _languages(data.languages)
    if data.queues is not None:
        changes["queues"] = _queues(data.queues)
    if data.topics is not None:
        changes["topics"] = sorted(set(data.topics))
    if data.ui_language is not None:
        code = normalize_language_tag(data.ui_language)
        if code is None:
            raise InvalidInput(f"unsupported UI language '{data.ui_language}'")
        changes["ui_language"] = code
    before, after = audit.diff(agent, changes)
    if after:
        audit.record(
            session,
            entity="agent",
            entity_id=agent.id,
            action="updated",
            actor=actor,
            at=now,
            before=before,
            after=after,
        )
    await session.flush()
    await routing.drain_queues(session, now=now)
    return agent


async def set_presence(
    session: AsyncSession, agent: Agent, presence: Presence, *, now: datetime
) -> Agent:
    """Going online pulls waiting tickets; going away stops new assignments."""
    before, after = audit.diff(agent, {"presence": presence})
    if after:
        audit.record(
            session,
            entity="agent",
            entity_id=agent.id,
            action="presence_changed",
            actor=agent,
            at=now,
            before=before,
            after=after,
        )
    await session.flush()
    if presence == Presence.online:
        await routing.drain_queues(session, now=now)
    return agent
