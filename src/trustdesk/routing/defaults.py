"""The desk's standard queues, created once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models import Queue
from trustdesk.models.queue import QueueKind
from trustdesk.routing import repository

# rank: agents serving several queues take the VIP desk and security first.
DEFAULT_QUEUES = (
    ("vip", "VIP desk", QueueKind.vip, None, 10),
    ("security", "Security", QueueKind.department, None, 20),
    ("tier2", "Tier 2 specialists", QueueKind.tier, 2, 50),
    ("tier1", "Tier 1", QueueKind.tier, 1, 100),
    ("engineering", "Engineering", QueueKind.department, None, 200),
    ("legal", "Legal", QueueKind.department, None, 200),
)


async def ensure_default_queues(session: AsyncSession) -> None:
    existing = await repository.queues_by_key(session)
    for key, name, kind, level, rank in DEFAULT_QUEUES:
        if key not in existing:
            session.add(Queue(key=key, name=name, kind=kind, level=level, rank=rank))
    await session.flush()
