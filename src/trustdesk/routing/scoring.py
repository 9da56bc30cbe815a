"""Pure assignment rules: who should get this ticket, given everyone's skills and load."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class RoutingNeed:
    """What a ticket asks of the agent who takes it."""

    queue: str
    language: str
    topic: str | None = None


@dataclass(frozen=True)
class Candidate:
    """An agent as routing sees them: skills, presence and current load."""

    agent_id: int
    queues: frozenset[str]
    languages: frozenset[str]
    topics: frozenset[str] = field(default_factory=frozenset)
    capacity: int = 8
    open_tickets: int = 0
    online: bool = True
    last_assigned_at: datetime | None = None


def _language_family(code: str) -> str:
    # zh-CN and zh-TW readers can usually help each other; pt-BR matches a "pt" skill.
    return code.split("-")[0].lower()


def speaks(candidate: Candidate, language: str) -> bool:
    wanted = _language_family(language)
    return language in candidate.languages or any(
        _language_family(lang) == wanted for lang in candidate.languages
    )


def eligible(candidate: Candidate, need: RoutingNeed) -> bool:
    return (
        candidate.online
        and need.queue in candidate.queues
        and candidate.open_tickets < candidate.capacity
    )


def choose_agent(need: RoutingNeed, candidates: Sequence[Candidate]) -> int | None:
    """Pick the agent for a ticket, or None when it must wait in the queue.

    Rules, in order:
    1. Only online agents who serve the queue and have spare capacity.
    2. Language is a hard requirement while someone who speaks it is free; only when nobody
       who speaks it is free does a colleague take it (the customer must not wait for a
       language while agents idle — they answer with translation help).
    3. Fairness first: the fewest open tickets wins, so no agent gets a second conversation
       while a qualified colleague has none.
    4. Then topic skill, then whoever has waited longest since their last assignment.
    """
    pool = [c for c in candidates if eligible(c, need)]
    if not pool:
        return None
    speakers = [c for c in pool if speaks(c, need.language)]
    pool = speakers or pool

    def key(c: Candidate) -> tuple[int, int, float, int]:
        knows_topic = 0 if need.topic and need.topic in c.topics else 1
        waited = c.last_assigned_at.timestamp() if c.last_assigned_at else float("-inf")
        return (c.open_tickets, knows_topic, waited, c.agent_id)

    return min(pool, key=key).agent_id
