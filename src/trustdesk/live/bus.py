"""A publish/subscribe bus for live events.

Events are published only after the transaction that caused them commits (see `emit`), so a
page never shows a change that was rolled back. In one process the bus fans out through
asyncio queues. With TRUSTDESK_REDIS_URL set, events also travel through Redis pub/sub so that
every web process's subscribers see them (stateless web processes behind a load balancer).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.db import after_commit

log = logging.getLogger("trustdesk.live")

QUEUE_SIZE = 256


@dataclass
class Bus:
    """In-process fan-out; one per process."""

    subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = field(default_factory=dict)

    def publish_local(self, topic: str, event: dict[str, Any]) -> None:
        for queue in list(self.subscribers.get(topic, ())):
            with contextlib.suppress(asyncio.QueueFull):
                # A subscriber that stopped reading loses events rather than blocking everyone.
                queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def subscribe(self, *topics: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        for topic in topics:
            self.subscribers.setdefault(topic, set()).add(queue)
        try:
            yield queue
        finally:
            for topic in topics:
                self.subscribers.get(topic, set()).discard(queue)


bus = Bus()


class RedisRelay:
    """Relays events between processes through Redis pub/sub (channel `trustdesk:live`)."""

    CHANNEL = "trustdesk:live"

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.client = redis.from_url(url)
        self.task: asyncio.Task[None] | None = None

    async def publish(self, topic: str, event: dict[str, Any]) -> None:
        await self.client.publish(self.CHANNEL, json.dumps({"topic": topic, "event": event}))

    async def run(self) -> None:
        pubsub = self.client.pubsub()
        await pubsub.subscribe(self.CHANNEL)
        async for message in pubsub.listen():
            if message.get("type") != "message":
                continue
            data = json.loads(message["data"])
            bus.publish_local(data["topic"], data["event"])

    async def start(self) -> None:
        self.task = asyncio.create_task(self.run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.client.aclose()


relay: RedisRelay | None = None


async def publish(topic: str, event: dict[str, Any]) -> None:
    """Deliver now: through Redis when configured (every process, this one included)."""
    if relay is not None:
        try:
            await relay.publish(topic, event)
            return
        except Exception:  # noqa: BLE001 - a live update must never fail the request
            log.exception("redis publish failed; delivering locally only")
    bus.publish_local(topic, event)


def emit(session: AsyncSession, topic: str, event: dict[str, Any]) -> None:
    """Queue an event to publish once the session's transaction commits."""

    async def _send() -> None:
        await publish(topic, event)

    after_commit(session, _send)
