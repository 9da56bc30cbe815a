"""Live events reach subscribers after commit, locally and through Redis."""

from __future__ import annotations

import asyncio

import pytest

from tests.factories import open_ticket
from trustdesk.db import commit
from trustdesk.live import bus as live


async def test_ticket_creation_is_announced_to_the_desk_and_the_customer(client, customer_token):
    async with live.bus.subscribe("desk") as desk:
        ticket = await open_ticket(client, customer_token("alice"))
        event = await asyncio.wait_for(desk.get(), timeout=5)
    assert event["type"] == "ticket_created"
    assert event["ticket_id"] == ticket["id"]


async def test_rolled_back_work_announces_nothing(maker):
    async with live.bus.subscribe("desk") as desk, maker() as session:
        live.emit(session, "desk", {"type": "never"})
        await session.rollback()
        session.info.pop("after_commit", None)
        await commit(session)
        assert desk.empty()


async def test_redis_relay_delivers_across_processes():
    redis = pytest.importorskip("redis.asyncio")
    try:
        await redis.from_url("redis://127.0.0.1:6379/0").ping()
    except Exception:  # noqa: BLE001
        pytest.skip("no Redis on 127.0.0.1:6379")
    live.relay = live.RedisRelay("redis://127.0.0.1:6379/0")
    await live.relay.start()
    try:
        await asyncio.sleep(0.2)  # let the subscription settle
        async with live.bus.subscribe("desk") as desk:
            await live.publish("desk", {"type": "via-redis"})
            event = await asyncio.wait_for(desk.get(), timeout=5)
        assert event == {"type": "via-redis"}
    finally:
        await live.relay.stop()
        live.relay = None
