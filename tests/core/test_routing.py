"""Routing: fairness, language, capacity, presence, VIP desk bypass, queue positions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import auth
from tests.factories import login, make_agent, open_ticket
from trustdesk.models.agent import Presence
from trustdesk.routing import repository as routing_repository
from trustdesk.routing import service as routing_service
from trustdesk.routing.scoring import Candidate, RoutingNeed, choose_agent

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def cand(agent_id, *, load=0, langs=("en",), queues=("tier1",), cap=3, online=True, last=None):
    return Candidate(
        agent_id=agent_id,
        queues=frozenset(queues),
        languages=frozenset(langs),
        capacity=cap,
        open_tickets=load,
        online=online,
        last_assigned_at=last,
    )


def test_no_second_conversation_while_a_colleague_has_none():
    need = RoutingNeed(queue="tier1", language="en")
    assert choose_agent(need, [cand(1, load=1), cand(2, load=0)]) == 2


def test_language_speaker_preferred_over_idle_non_speaker():
    need = RoutingNeed(queue="tier1", language="tr")
    pool = [cand(1, load=0, langs=("en",)), cand(2, load=1, langs=("tr", "en"))]
    assert choose_agent(need, pool) == 2


def test_nobody_speaks_it_then_any_free_agent_takes_it():
    need = RoutingNeed(queue="tier1", language="vi")
    assert choose_agent(need, [cand(1, load=2), cand(2, load=1)]) == 2


def test_full_offline_or_wrong_queue_agents_are_never_chosen():
    need = RoutingNeed(queue="tier1", language="en")
    pool = [cand(1, load=3, cap=3), cand(2, online=False), cand(3, queues=("vip",))]
    assert choose_agent(need, pool) is None


def test_ties_go_to_whoever_waited_longest():
    need = RoutingNeed(queue="tier1", language="en")
    pool = [cand(1, last=T0 + timedelta(minutes=5)), cand(2, last=T0), cand(3, last=None)]
    assert choose_agent(need, pool) == 3


def test_pt_skill_matches_pt_br():
    need = RoutingNeed(queue="tier1", language="pt-BR")
    assert choose_agent(need, [cand(1, load=1, langs=("pt",)), cand(2)]) == 1


async def test_tickets_spread_evenly_across_agents(client, maker, clock, customer_token):
    for name in ("a", "b", "c"):
        await make_agent(maker, f"{name}@x.io", now=clock.now)
    headers = await login(client, "a@x.io")
    for i in range(6):
        clock.advance(seconds=1)
        await open_ticket(client, customer_token(f"c{i}"))
    agents = (await client.get("/api/v1/agents", headers=headers)).json()["items"]
    assert sorted(a["open_tickets"] for a in agents) == [2, 2, 2]


async def test_capacity_full_tickets_wait_with_positions(client, maker, clock, customer_token):
    await make_agent(maker, "a@x.io", now=clock.now, capacity=1)
    first = await open_ticket(client, customer_token("c1"))
    assert first["assigned"] is True
    waiting = []
    for i in range(2, 5):
        clock.advance(seconds=10)
        waiting.append(
            (customer_token(f"c{i}"), await open_ticket(client, customer_token(f"c{i}")))
        )
    positions = [t["estimate"]["queue_position"] for _, t in waiting]
    assert positions == [1, 2, 3]
    token, last = waiting[-1]
    seen = (await client.get(f"/api/v1/me/tickets/{last['id']}", headers=auth(token))).json()
    assert seen["estimate"]["queue_position"] == 3
    assert seen["estimate"]["first_response_at"] is not None


async def test_a_queue_deeper_than_counted_gives_a_lower_bound_and_the_sla(
    client, maker, clock, customer_token, monkeypatch
):
    monkeypatch.setattr(routing_repository, "POSITION_COUNT_LIMIT", 3)
    await make_agent(maker, "a@x.io", now=clock.now, presence=Presence.away)
    tickets = []
    for i in range(5):
        clock.advance(seconds=10)
        tickets.append(await open_ticket(client, customer_token(f"c{i}")))
    estimates = [t["estimate"] for t in tickets]
    assert [(e["queue_position"], e["queue_position_at_least"]) for e in estimates] == [
        (1, False),
        (2, False),
        (3, False),
        (4, True),
        (4, True),
    ]
    # Too deep to count: the first-response promise is the SLA deadline, never "now".
    assert estimates[4]["first_response_at"] > tickets[4]["created_at"]


async def test_vip_ticket_goes_to_vip_desk_and_never_waits_behind_standard(
    client, maker, clock, customer_token
):
    await make_agent(maker, "std@x.io", now=clock.now, capacity=1)
    vip_agent = await make_agent(
        maker, "vip@x.io", now=clock.now, queues=["vip", "tier1"], capacity=1
    )
    # The standard agent is full and two standard customers wait.
    for i in range(3):
        clock.advance(seconds=1)
        await open_ticket(client, customer_token(f"std{i}"))
    clock.advance(seconds=1)
    vip = await open_ticket(client, customer_token("whale", vip=4), body="Withdrawal pending")
    headers = await login(client, "std@x.io")
    detail = (await client.get(f"/api/v1/tickets/{vip['id']}", headers=headers)).json()
    assert detail["queue"] == "vip"
    assert detail["vip"] is True
    # Both agents are busy with standard tickets, so the VIP waits first in line on its desk,
    # not behind the standard ticket that has waited longer.
    assert detail["assignee_id"] is None
    assert vip["estimate"]["queue_position"] == 1
    mine = (
        await client.get(f"/api/v1/tickets?assignee_id={vip_agent.id}", headers=headers)
    ).json()["items"]
    vip_headers = await login(client, "vip@x.io")
    await client.patch(
        f"/api/v1/tickets/{mine[0]['id']}", headers=vip_headers, json={"status": "resolved"}
    )
    # Freed, the VIP agent gets the VIP ticket before the older standard one.
    detail = (await client.get(f"/api/v1/tickets/{vip['id']}", headers=headers)).json()
    assert detail["assignee_id"] == vip_agent.id
    waiting = (await client.get("/api/v1/tickets?unassigned=true", headers=headers)).json()
    assert [t["vip"] for t in waiting["items"]] == [False]


async def test_vip_queue_position_ignores_standard_queue(client, maker, clock, customer_token):
    for i in range(3):
        await open_ticket(client, customer_token(f"std{i}"))
    vip = await open_ticket(client, customer_token("whale", vip=2))
    assert vip["estimate"]["queue_position"] == 1


async def test_agent_coming_online_takes_waiting_tickets(client, maker, clock, customer_token):
    agent = await make_agent(maker, "a@x.io", now=clock.now, presence=Presence.away)
    ticket = await open_ticket(client, customer_token("c1"))
    assert ticket["assigned"] is False
    headers = await login(client, "a@x.io")
    response = await client.put(
        "/api/v1/agents/me/presence", headers=headers, json={"presence": "online"}
    )
    assert response.status_code == 200
    detail = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert detail["assignee_id"] == agent.id


@pytest.fixture
def long_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the who-is-free snapshot for an hour: only invalidation can refresh it."""
    monkeypatch.setattr(routing_service._CANDIDATES, "ttl", 3600.0)


async def test_a_new_ticket_sees_an_agent_who_just_came_online(
    client, maker, clock, customer_token, long_snapshot
):
    # A create while nobody is free caches "nobody is free"; an agent coming online must end
    # that at once, or the next customer would wait beside an idle agent. (The waiting ticket
    # is the security team's, so the drain assigns nothing that would refresh the snapshot.)
    agent = await make_agent(maker, "a@x.io", now=clock.now, presence=Presence.away)
    hacked = await open_ticket(client, customer_token("c1"), body="My account was hacked!")
    assert hacked["assigned"] is False
    headers = await login(client, "a@x.io")
    await client.put("/api/v1/agents/me/presence", headers=headers, json={"presence": "online"})
    second = await open_ticket(client, customer_token("c2"))
    detail = (await client.get(f"/api/v1/tickets/{second['id']}", headers=headers)).json()
    assert (detail["assignee_id"], second["assigned"]) == (agent.id, True)


async def test_a_new_ticket_takes_capacity_freed_by_a_resolve(
    client, maker, clock, customer_token, long_snapshot
):
    await make_agent(maker, "a@x.io", now=clock.now, capacity=1)
    first = await open_ticket(client, customer_token("c1"))
    assert first["assigned"] is True
    hacked = await open_ticket(client, customer_token("c2"), body="My account was hacked!")
    assert hacked["assigned"] is False  # and "nobody is free" is cached
    headers = await login(client, "a@x.io")
    response = await client.patch(
        f"/api/v1/tickets/{first['id']}", headers=headers, json={"status": "resolved"}
    )
    assert response.status_code == 200, response.text
    assert (await open_ticket(client, customer_token("c3")))["assigned"] is True


async def test_security_words_make_a_p1_on_the_security_queue(client, maker, clock, customer_token):
    await make_agent(maker, "lead@x.io", now=clock.now, presence=Presence.offline)
    headers = await login(client, "lead@x.io")
    ticket = await open_ticket(
        client, customer_token("c1"), body="My account was hacked, unauthorized withdrawal!"
    )
    detail = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert detail["priority"] == "P1"
    assert detail["security"] is True
    assert detail["queue"] == "security"


async def test_language_is_detected_on_creation(client, maker, clock, customer_token):
    await make_agent(maker, "lead@x.io", now=clock.now, presence=Presence.offline)
    headers = await login(client, "lead@x.io")
    ticket = await open_ticket(
        client, customer_token("c1"), body="3 saat önce USDT yatırdım ama hesabıma geçmedi"
    )
    detail = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert detail["language"] == "tr"
