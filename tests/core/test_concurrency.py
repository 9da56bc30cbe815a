"""Many customers at once: every create succeeds, nobody exceeds capacity, load stays even."""

from __future__ import annotations

import asyncio

from tests.conftest import auth
from tests.factories import login, make_agent


async def test_concurrent_creates_all_succeed_and_respect_capacity(
    client, maker, clock, customer_token
):
    for name in ("a", "b", "c", "d"):
        await make_agent(maker, f"{name}@x.io", now=clock.now, capacity=3)

    async def create(i: int) -> int:
        response = await client.post(
            "/api/v1/me/tickets",
            headers={**auth(customer_token(f"c{i}")), "Idempotency-Key": f"k{i}"},
            json={"subject": "Help", "body": "How do I change my nickname?"},
        )
        return response.status_code

    statuses = await asyncio.gather(*(create(i) for i in range(24)))
    assert statuses == [201] * 24
    headers = await login(client, "a@x.io")
    agents = (await client.get("/api/v1/agents", headers=headers)).json()["items"]
    assert sorted(a["open_tickets"] for a in agents) == [3, 3, 3, 3]
    waiting = (await client.get("/api/v1/tickets?unassigned=true", headers=headers)).json()
    assert len(waiting["items"]) == 24 - 12
