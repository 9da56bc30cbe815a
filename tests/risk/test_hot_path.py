"""The decision hot path: concurrent decisions share one history read and one INSERT on
PostgreSQL (group commit); each still gets its own answer, stored once, before the answer."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from tests.risk.test_holds import EXCHANGE, build_history, withdrawal
from trustdesk.models.risk import RiskAssessment
from trustdesk.risk import repository
from trustdesk.risk.batch import Batcher

# -- the batcher (no database) ---------------------------------------------------------------


async def test_concurrent_calls_share_a_batch_and_get_their_own_results():
    batches: list[list[int]] = []

    async def run(items):
        batches.append(list(items))
        await asyncio.sleep(0.01)  # a round trip: calls arriving meanwhile wait for the next
        return [i * 10 for i in items]

    batcher: Batcher[int, int] = Batcher(run)
    first = asyncio.ensure_future(batcher.submit(0))
    await asyncio.sleep(0)  # the first goes out alone, at once
    rest = await asyncio.gather(*(batcher.submit(i) for i in range(1, 6)))
    assert await first == 0 and rest == [10, 20, 30, 40, 50]
    assert batches == [[0], [1, 2, 3, 4, 5]]


async def test_a_failing_item_fails_only_its_own_call():
    async def run(items):
        if 3 in items:
            raise ValueError("the database refused item 3")
        return [f"ok {i}" for i in items]

    batcher: Batcher[int, str] = Batcher(run)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(5)), return_exceptions=True)
    assert results[:3] == ["ok 0", "ok 1", "ok 2"] and results[4] == "ok 4"
    assert isinstance(results[3], ValueError)


async def test_a_cancelled_caller_does_not_disturb_the_others():
    release = asyncio.Event()

    async def run(items):
        await release.wait()
        return list(items)

    batcher: Batcher[int, int] = Batcher(run, in_flight=1)
    gone = asyncio.ensure_future(batcher.submit(1))
    stays = asyncio.ensure_future(batcher.submit(2))
    await asyncio.sleep(0)
    gone.cancel()
    release.set()
    assert await stays == 2
    assert gone.cancelled()
    assert await batcher.submit(3) == 3  # and the batcher still works


async def test_batches_are_bounded():
    sizes = []

    async def run(items):
        sizes.append(len(items))
        await asyncio.sleep(0)
        return list(items)

    batcher: Batcher[int, int] = Batcher(run, max_batch=4, in_flight=1)
    assert await asyncio.gather(*(batcher.submit(i) for i in range(10))) == list(range(10))
    assert max(sizes) == 4 and sum(sizes) == 10


# -- through the API, on either database ------------------------------------------------------


async def test_concurrent_decisions_are_each_answered_and_stored_once(client, clock, maker, app):
    await build_history(client, clock)
    login = (clock.now - timedelta(hours=1)).isoformat()
    bodies = [withdrawal(f"w-many-{i}", amount=str(100 + i), login_at=login) for i in range(24)]
    answers = await asyncio.gather(
        *(client.post("/api/v1/risk/withdrawals", json=b, headers=EXCHANGE) for b in bodies)
    )
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
    decided = [r.json() for r in answers]
    assert [d["withdrawal_id"] for d in decided] == [b["withdrawal_id"] for b in bodies]
    assert len({d["assessment_id"] for d in decided}) == 24
    assert not any(d["replayed"] for d in decided)
    async with maker() as s:
        rows = (
            await s.execute(
                select(RiskAssessment).where(RiskAssessment.withdrawal_id.like("w-many-%"))
            )
        ).scalars()
        stored = {r.withdrawal_id: r for r in rows}
    assert len(stored) == 24
    for d in decided:
        row = stored[d["withdrawal_id"]]
        assert row.id == d["assessment_id"] and row.decision == d["decision"]
        assert row.score == d["score"] and row.signals and row.request["amount"]
        assert row.amount == Decimal(row.request["amount"])
    if app.state.engine.dialect.name == "postgresql":
        async with maker() as s:
            hot = repository.hot_path(s)
        assert hot is not None
        # Calls that arrived together went out together.
        assert hot.reads.items > hot.reads.batches and hot.inserts.items > hot.inserts.batches


async def test_the_same_withdrawal_sent_twice_at_once_is_stored_once(client, clock, maker):
    await build_history(client, clock)
    body = withdrawal("w-dup", login_at=(clock.now - timedelta(hours=1)).isoformat())
    first, second = await asyncio.gather(
        *(client.post("/api/v1/risk/withdrawals", json=body, headers=EXCHANGE) for _ in range(2))
    )
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    a, b = first.json(), second.json()
    assert a["assessment_id"] == b["assessment_id"] and a["decision"] == b["decision"]
    assert sorted([a["replayed"], b["replayed"]]) == [False, True]
    async with maker() as s:
        count = (
            await s.execute(
                select(func.count())
                .select_from(RiskAssessment)
                .where(RiskAssessment.withdrawal_id == "w-dup")
            )
        ).scalar_one()
    assert count == 1


# -- PostgreSQL's batched statements -----------------------------------------------------------


@pytest.fixture
async def hot(app, maker):
    if app.state.engine.dialect.name != "postgresql":
        pytest.skip("the batched path is PostgreSQL's")
    return repository.HotPath(app.state.engine)


async def test_batched_read_matches_the_portable_read(client, clock, maker, hot):
    await build_history(client, clock)
    await build_history(client, clock, user="u-2")
    since, contacts_since = clock.now - timedelta(days=90), clock.now - timedelta(days=14)
    asks = [("u-1", "u-1-past-2"), ("u-2", "nope"), ("u-1", "nope"), ("u-3", "nope")]
    batched = await asyncio.gather(
        *(hot.reads.submit((u, w, since, contacts_since)) for u, w in asks)
    )
    async with maker() as s:
        await s.connection()  # in a transaction: the portable statement on the session
        portable = [
            await repository.scoring_context(s, u, w, since=since, contacts_since=contacts_since)
            for u, w in asks
        ]
    assert batched == portable
    assert batched[0].already_scored and not batched[1].already_scored
    assert len(batched[1].history.withdrawals) == 4 and batched[3].history.withdrawals == []


async def test_a_refused_row_fails_only_its_own_decision(client, clock, maker, hot):
    row = {
        "user_id": "u-9",
        "asset": "USDT",
        "network": "TRC20",
        "amount": Decimal("1"),
        "balance_before": Decimal("2"),
        "to_address": "TX1",
        "decision": "approve",
        "score": 0,
        "signals": [],
        "detail": {},
        "reasons": [],
        "rules_version": 1,
        "model_version": "m",
        "request": {},
        "created_at": clock.now,
    }
    rows = [dict(row, withdrawal_id=f"w-row-{i}") for i in range(4)]
    rows[2]["amount"] = Decimal("1" + "0" * 25)  # beyond NUMERIC(38, 18)
    results = await asyncio.gather(*(hot.inserts.submit(r) for r in rows), return_exceptions=True)
    assert isinstance(results[2], Exception)
    ids = [results[i] for i in (0, 1, 3)]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 3
    async with maker() as s:
        stored = (
            await s.execute(
                select(RiskAssessment.withdrawal_id).where(
                    RiskAssessment.withdrawal_id.like("w-row-%")
                )
            )
        ).scalars()
        assert sorted(stored) == ["w-row-0", "w-row-1", "w-row-3"]


async def test_parked_connections_close_with_the_engine(client, clock, maker, app):
    if app.state.engine.dialect.name != "postgresql":
        pytest.skip("the batched path is PostgreSQL's")
    await build_history(client, clock)
    async with maker() as s:
        hot = repository.hot_path(s)
    assert hot is not None
    parked = [raw.driver_connection for raw, _ in hot._parked]
    assert parked and not any(c.is_closed() for c in parked)
    await app.state.engine.dispose()
    assert hot._parked == [] and all(c.is_closed() for c in parked)


async def test_recent_events_are_stored_once_and_seen_by_the_decision(client, clock, maker):
    from trustdesk.models.risk import RiskEvent

    await build_history(client, clock)
    change = {
        "event_id": "e-2fa-x",
        "kind": "2fa_change",
        "at": (clock.now - timedelta(hours=1)).isoformat(),
    }
    for wid in ("w-ev-1", "w-ev-2"):  # the exchange sends the same event with both
        r = await client.post(
            "/api/v1/risk/withdrawals",
            json=withdrawal(wid, recent_events=[change]),
            headers=EXCHANGE,
        )
        assert r.status_code == 200, r.text
        assert "twofa_changed" in {x["code"] for x in r.json()["reasons"]}
    async with maker() as s:
        rows = (
            (await s.execute(select(RiskEvent).where(RiskEvent.event_id == "e-2fa-x")))
            .scalars()
            .all()
        )
    assert len(rows) == 1 and rows[0].user_id == "u-1" and rows[0].kind == "2fa_change"


async def test_a_parked_connection_the_server_dropped_is_replaced(client, clock, maker, app):
    if app.state.engine.dialect.name != "postgresql":
        pytest.skip("the batched path is PostgreSQL's")
    from sqlalchemy import text

    await build_history(client, clock)
    async with maker() as s:
        hot = repository.hot_path(s)
        assert hot is not None and hot._parked
        pids = [raw.driver_connection.get_server_pid() for raw, _ in hot._parked]
        # A restart, an idle timeout, an administrator: the server ends those sessions.
        await s.execute(
            text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:p AS int[])) AS pid"),
            {"p": pids},
        )
        await s.commit()
    r = await client.post(
        "/api/v1/risk/withdrawals",
        json=withdrawal("w-after-drop", login_at=(clock.now - timedelta(hours=1)).isoformat()),
        headers=EXCHANGE,
    )
    assert r.status_code == 200, r.text
    assert r.json()["decision"] == "approve" and not r.json()["replayed"]


async def test_stored_decisions_compress_their_audit_json_with_lz4(client, clock, maker, hot):
    """Migration 0011: each decision's ~3 KB of audit JSON is over the TOAST threshold, and
    LZ4 compresses it for a fraction of pglz's CPU (where the server has LZ4, as here)."""
    await build_history(client, clock)
    async with maker() as s:
        methods = (
            await s.execute(
                text(
                    "SELECT DISTINCT pg_column_compression(signals) FROM risk_assessments"
                    " WHERE pg_column_compression(signals) IS NOT NULL"
                )
            )
        ).scalars()
        assert set(methods) == {"lz4"}
