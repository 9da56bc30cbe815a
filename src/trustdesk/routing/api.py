"""Queues and how many customers wait in each."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from trustdesk.deps import CurrentAgent, SessionDep
from trustdesk.routing import repository

router = APIRouter(prefix="/api/v1/queues", tags=["queues"])


class QueueRead(BaseModel):
    key: str
    name: str
    kind: str
    waiting: int
    online_agents: int


@router.get("", response_model=list[QueueRead])
async def list_queues(session: SessionDep, agent: CurrentAgent) -> list[QueueRead]:
    queues = await repository.queues_by_key(session)
    waiting = await repository.waiting_counts(session)
    online = await repository.agents_with_load(session)
    return [
        QueueRead(
            key=q.key,
            name=q.name,
            kind=q.kind,
            waiting=waiting.get(q.id, 0),
            online_agents=sum(1 for a, _ in online if q.key in (a.queues or [])),
        )
        for q in sorted(queues.values(), key=lambda q: q.rank)
    ]
