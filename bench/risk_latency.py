"""Withdrawal risk decision latency: in-process and over HTTP, at a fixed arrival rate.

    python bench/risk_latency.py [--rate 500] [--seconds 10] [--users 5000] [--workers 2]
                                 [--db both|postgres|sqlite] [--skip-http]

For each database (PostgreSQL first: the primary figure; then SQLite):

1. Seeds a scratch database (the PostgreSQL database `trustdesk_risk_bench`, dropped and
   recreated, reached over its Unix socket as a server on the same host should be, or at
   127.0.0.1 with `--pg-socket ''`; or a SQLite file in a temp dir) with `--users` exchange users:
   30 days of logins and 8 scored withdrawals each, so every decision reads a real history.
2. pure: `risk.service.evaluate` (signals + anomaly model + scoring) on in-memory histories.
3. sequential: `risk.service.score_withdrawal` on a real session (history query, every value
   stored, commit), one decision after another: CPU per decision of this process, without HTTP.
4. in-process open loop: the same service call, one session per decision, committed, offered
   at `--rate` per second for `--seconds` by open-loop schedulers in `--procs` processes (2,
   like the server's workers: one Python process uses one core), each taking its share of
   the rate: each decision is due at its scheduled time and its latency counts from that
   time, so queueing counts. On PostgreSQL concurrent decisions share their history read
   and their INSERT (group commit); `mean_batch` reports the mean number of decisions per
   statement.
5. http: starts `uvicorn trustdesk.asgi:app --workers 2` on 127.0.0.1 (a free port), then
   sends POST /api/v1/risk/withdrawals open-loop at `--rate` per second for `--seconds`, latency
   from the scheduled send time. Keep-alive connections driven by event-loop callbacks
   (`http_load.OpenLoop`: no task or stream per request, answers parsed after the window), so
   the load generator takes as little of the shared CPU as possible: it shares the two cores
   with what it measures, and its own delays would be counted as the server's. 97% ordinary
   repeat withdrawals, 2% from a new device, 1% account-takeover patterns (hold: connector
   hold, P1 ticket, verification). With `--follow-up worker` (the default) the holds are
   acted on by a `trustdesk worker` (TRUSTDESK_RISK_FOLLOW_UP=worker), as a deployment that
   scores every withdrawal runs it; `--follow-up web` has the answering process act after
   the answer. The run waits for every hold's follow-up and reports how long after its
   answer each one committed its ticket (`follow_ups`) and the worker's CPU per decision.

Every phase reports the 1-minute load average before it and the share of the machine's CPU
that was busy during it (all processes: server, PostgreSQL, client, and anyone else's), and
CPU milliseconds per decision of each party (this process or the uvicorn workers, the
PostgreSQL backends, the HTTP client): the load-independent cost that decides whether 2 cores
can sustain the offered rate at all. The HTTP phase also reports `p99_by_second`: one high
second among low ones is a burst (another process's work, a host slowdown), all high a queue.
The host's speed drifts (the sequential phase's CPU per decision shows it): compare runs taken
in turn, not hours apart.
The last line is one JSON object: p50 / p99 (ms) and throughput of the PostgreSQL HTTP run
(or of the in-process open loop with --skip-http), plus every other figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import uvloop
from http_load import OpenLoop, wait_listening

HOST = "127.0.0.1"  # the only host this benchmark talks to
PG_DB = "trustdesk_risk_bench"
PG_SOCKET_DIR = "/var/run/postgresql"  # Debian's
HOME_DEV, HOME_IP, HOME_CC, HOME_ASN = "dev-home", "10.0.0.1", "DE", 3320


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [float(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def proc_cpu(
    session_id: int | None = None, worker_session: int | None = None
) -> dict[str, dict[int, float]]:
    """CPU seconds used so far, per process, by PostgreSQL, by one process session (the
    uvicorn server and its workers) and by another (the background worker), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, dict[int, float]] = {"postgres": {}, "server": {}, "worker": {}}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                raw = f.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / tick
        if name.startswith("postgres"):
            out["postgres"][int(pid)] = cpu
        elif session_id is not None and int(fields[3]) == session_id:
            out["server"][int(pid)] = cpu
        elif worker_session is not None and int(fields[3]) == worker_session:
            out["worker"][int(pid)] = cpu
    return out


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two snapshots by the processes alive at the end (new ones included;
    a process that exited in between is not counted)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


class Phase:
    """Load average before, and the machine's busy share during, one benchmark phase."""

    def __init__(self, server_session: int | None = None) -> None:
        self.server_session = server_session

    def __enter__(self) -> Phase:
        self.load_avg = round(os.getloadavg()[0], 2)
        self.cpu0 = machine_cpu()
        self.proc0 = proc_cpu(self.server_session)
        return self

    def __exit__(self, *exc: object) -> None:
        busy, total = machine_cpu()
        span = total - self.cpu0[1]
        self.busy_pct = round(100 * (busy - self.cpu0[0]) / span, 1) if span else None
        proc1 = proc_cpu(self.server_session)
        self.proc = {k: cpu_delta(self.proc0[k], proc1[k]) for k in proc1}
        before = self.proc0["server"]
        self.proc_by_pid = sorted(
            (round(cpu - before.get(pid, 0.0), 2) for pid, cpu in proc1["server"].items()),
            reverse=True,
        )

    def into(self, result: dict[str, Any]) -> dict[str, Any]:
        result["load_avg_before"] = self.load_avg
        result["machine_cpu_busy_pct"] = self.busy_pct
        n = result.get("decisions") or 0
        if n:
            # PostgreSQL's figure is every backend's, ours and anyone else's during the phase.
            # Backends that exited during the phase are not counted (in-process phases
            # measure their own before closing their pool).
            result.setdefault(
                "postgres_cpu_ms_per_decision", round(self.proc["postgres"] / n * 1000, 3)
            )
            if self.server_session is not None:
                result.setdefault("server_cpu_s_by_process", self.proc_by_pid)
                result.setdefault(
                    "server_cpu_ms_per_decision", round(self.proc["server"] / n * 1000, 3)
                )
        return result


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary(latencies_s: list[float], wall_s: float, errors: int) -> dict[str, Any]:
    ms = [x * 1000 for x in latencies_s]
    return {
        "p50": round(percentile(ms, 50), 3),
        "p90": round(percentile(ms, 90), 3),
        "p99": round(percentile(ms, 99), 3),
        "max": round(max(ms), 3) if ms else None,
        "throughput": round(len(ms) / wall_s, 1) if wall_s else None,
        "decisions": len(ms),
        "errors": errors,
    }


# -- data ------------------------------------------------------------------------------------


def user_id(i: int) -> str:
    return f"bench-{i}"


def address(i: int) -> str:
    return f"TXbench{i:027d}"


def request_body(i: int, n: int, kind: str, now: datetime) -> dict[str, Any]:
    body: dict[str, Any] = {
        "withdrawal_id": f"bw-{os.getpid()}-{n}",
        "user_id": user_id(i),
        "asset": "USDT",
        "network": "TRC20",
        "amount": str(100 + n % 7),
        "to_address": address(i),
        "balance_before": "5000",
        "device_id": HOME_DEV,
        "ip": HOME_IP,
        "country": HOME_CC,
        "asn": HOME_ASN,
        "login_at": (now - timedelta(hours=1)).isoformat(),
    }
    if kind == "new_device":
        body["device_id"] = f"dev-new-{n}"
    elif kind == "takeover":
        body.update(
            device_id=f"dev-x-{n}",
            ip="203.0.113.9",
            country="BR",
            asn=28573,
            amount="4750",
            to_address=f"TXthief{n:027d}",
            login_at=(now - timedelta(minutes=2)).isoformat(),
            recent_events=[
                {
                    "event_id": f"b2fa-{os.getpid()}-{n}",
                    "kind": "2fa_change",
                    "at": (now - timedelta(hours=1)).isoformat(),
                }
            ],
        )
    return body


def pick_kind(rng: random.Random) -> str:
    x = rng.random()
    return "takeover" if x < 0.01 else ("new_device" if x < 0.03 else "normal")


async def seed(url: str, users: int, now: datetime) -> None:
    from sqlalchemy import insert

    from trustdesk.bootstrap import ensure_reference_data
    from trustdesk.db import make_engine, make_sessionmaker
    from trustdesk.migrate import upgrade
    from trustdesk.models.risk import RiskAssessment, RiskEvent

    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    async with maker() as session:
        await ensure_reference_data(session)
        events, assessments = [], []
        for i in range(users):
            for d in range(1, 31, 3):
                events.append(
                    {
                        "event_id": f"seed-{i}-{d}",
                        "user_id": user_id(i),
                        "kind": "login",
                        "at": now - timedelta(days=d, hours=i % 5),
                        "ip": HOME_IP,
                        "device_id": HOME_DEV,
                        "country": HOME_CC,
                        "asn": HOME_ASN,
                        "received_at": now,
                    }
                )
            for k in range(1, 9):
                assessments.append(
                    {
                        "withdrawal_id": f"seed-w-{i}-{k}",
                        "user_id": user_id(i),
                        "asset": "USDT",
                        "network": "TRC20",
                        "amount": Decimal(100 + k),
                        "balance_before": Decimal(5000),
                        "to_address": address(i),
                        "device_id": HOME_DEV,
                        "ip": HOME_IP,
                        "country": HOME_CC,
                        "asn": HOME_ASN,
                        "decision": "approve",
                        "score": 0,
                        "signals": [],
                        "detail": {},
                        "reasons": [],
                        "rules_version": 1,
                        "model_version": "seed",
                        "request": {},
                        "created_at": now - timedelta(days=3 * k, minutes=i % 60),
                    }
                )
        for start in range(0, len(events), 5000):
            await session.execute(insert(RiskEvent), events[start : start + 5000])
        for start in range(0, len(assessments), 5000):
            await session.execute(insert(RiskAssessment), assessments[start : start + 5000])
        await session.commit()
    await engine.dispose()


# -- pure and in-process ---------------------------------------------------------------------


def bench_pure(count: int, now: datetime) -> dict[str, Any]:
    from trustdesk.risk.scoring import default_rules
    from trustdesk.risk.service import evaluate
    from trustdesk.risk.signals import PastWithdrawal, SeenEvent, UserHistory, WithdrawalFacts

    rules = default_rules()
    history = UserHistory(
        events=[
            SeenEvent("login", now - timedelta(days=d), HOME_DEV, HOME_IP, HOME_CC, HOME_ASN)
            for d in range(1, 31, 3)
        ],
        withdrawals=[
            PastWithdrawal(
                now - timedelta(days=3 * k), "USDT", 100.0 + k, address(0), 5000.0, HOME_DEV
            )
            for k in range(1, 9)
        ],
    )
    rng = random.Random(1)
    latencies = []
    start = time.perf_counter()
    cpu_start = time.process_time()
    for n in range(count):
        b = request_body(0, n, pick_kind(rng), now)
        facts = WithdrawalFacts(
            withdrawal_id=b["withdrawal_id"],
            user_id=b["user_id"],
            asset="USDT",
            network="TRC20",
            amount=Decimal(b["amount"]),
            to_address=b["to_address"],
            memo=None,
            balance_before=Decimal(b["balance_before"]),
            device_id=b["device_id"],
            ip=b["ip"],
            country=b["country"],
            asn=b["asn"],
            login_at=datetime.fromisoformat(b["login_at"]),
        )
        t0 = time.perf_counter()
        evaluate(facts, history, rules, now=now)
        latencies.append(time.perf_counter() - t0)
    result = summary(latencies, time.perf_counter() - start, 0)
    result["cpu_ms_per_decision"] = round((time.process_time() - cpu_start) / count * 1000, 4)
    return result


def _in_process_setup(url: str) -> Any:
    from trustdesk.db import make_engine, make_sessionmaker
    from trustdesk.risk.verification import LogEmailSender, RiskSettings

    engine = make_engine(url)
    return engine, make_sessionmaker(engine), RiskSettings(), LogEmailSender()


async def _decide(maker: Any, settings: Any, sender: Any, data: Any, now: datetime) -> None:
    from trustdesk.db import commit
    from trustdesk.risk import service

    async with maker() as session:
        await service.score_withdrawal(
            session,
            data,
            now=now,
            connector=None,
            email_sender=sender,
            settings=settings,
            secret_key="bench",
        )
        await commit(session)


async def bench_in_process(url: str, users: int, count: int) -> dict[str, Any]:
    """One decision after another: latency without queueing, and CPU per decision."""
    from trustdesk.risk.schemas import WithdrawalIn

    engine, maker, settings, sender = _in_process_setup(url)
    rng = random.Random(2)
    latencies, errors = [], 0
    for n in range(20):  # warm-up: connections, prepared statements, the rule set
        now = datetime.now(UTC)
        body = request_body(rng.randrange(users), 9_000_000 + n, "normal", now)
        await _decide(maker, settings, sender, WithdrawalIn.model_validate(body), now)
    pg_start = proc_cpu()["postgres"]  # the pool's backends exist now: warm-up opened them
    start = time.perf_counter()
    cpu_start = time.process_time()  # this process, all threads (aiosqlite's included)
    for n in range(count):
        now = datetime.now(UTC)
        kind = "normal" if rng.random() > 0.02 else "new_device"  # holds are measured over HTTP
        data = WithdrawalIn.model_validate(
            request_body(rng.randrange(users), 10_000_000 + n, kind, now)
        )
        t0 = time.perf_counter()
        try:
            await _decide(maker, settings, sender, data, now)
        except Exception as exc:  # noqa: BLE001 (counted and reported)
            errors += 1
            log(f"in-process error: {exc!r}")
        latencies.append(time.perf_counter() - t0)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    pg = cpu_delta(pg_start, proc_cpu()["postgres"])  # before dispose() ends the backends
    await engine.dispose()
    result = summary(latencies, wall, errors)
    result["postgres_cpu_ms_per_decision"] = round(pg / count * 1000, 3)
    # Load-independent cost: CPU per decision (this process only, not the database server).
    result["cpu_ms_per_decision"] = round(cpu / count * 1000, 3)
    result["capacity_2_cores"] = round(2 / (cpu / count), 1)
    return result


async def _open_loop_share(
    url: str, users: int, rate: float, seconds: float, start_at: float, seed: int
) -> dict[str, Any]:
    """One process's share of the open loop: raw latencies and CPU."""
    from trustdesk.risk.schemas import WithdrawalIn

    engine, maker, settings, sender = _in_process_setup(url)
    rng = random.Random(seed)
    # As the server's workers do at start-up (trustdesk.app's lifespan): full garbage
    # collections would otherwise stall this process for 0.3 s and more now and then.
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)

    async def warm(n: int) -> None:
        now = datetime.now(UTC)
        body = request_body(rng.randrange(users), 30_000_000 + n, "normal", now)
        await _decide(maker, settings, sender, WithdrawalIn.model_validate(body), now)

    for batch in range(3):  # concurrent, so the pool opens its connections before the clock
        await asyncio.gather(*(warm(batch * 100 + i) for i in range(12)))
    latencies: list[float] = []
    errors = 0
    total = int(rate * seconds)
    loop = asyncio.get_running_loop()
    t_start = loop.time() + max(0.05, start_at - time.time())  # the processes start together
    cpu_start = time.process_time()
    pg_start = proc_cpu()["postgres"]

    async def one(n: int, due: float) -> None:
        nonlocal errors
        now = datetime.now(UTC)
        kind = "normal" if rng.random() > 0.02 else "new_device"
        try:
            data = WithdrawalIn.model_validate(
                request_body(rng.randrange(users), 40_000_000 + n, kind, now)
            )
            await _decide(maker, settings, sender, data, now)
        except Exception as exc:  # noqa: BLE001 (counted and reported)
            errors += 1
            if errors <= 3:
                log(f"in-process error: {exc!r}")
        latencies.append(loop.time() - due)

    tasks = []
    for n in range(total):
        due = t_start + n / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n, due)))
    await asyncio.gather(*tasks)
    wall = loop.time() - t_start
    cpu = time.process_time() - cpu_start
    pg = cpu_delta(pg_start, proc_cpu()["postgres"])
    batching = _batching(engine)
    await engine.dispose()
    return {
        "latencies": latencies,
        "wall": wall,
        "errors": errors,
        "cpu": cpu,
        "pg": pg,
        "batching": batching,
    }


def _batching(engine: Any) -> dict[str, list[int]]:
    """[statements, decisions] of this engine's batched hot path (PostgreSQL only), warm-up
    included: decisions / statements is the mean batch (group commit) size."""
    from trustdesk.risk import repository

    hot = repository._hot_paths.get(engine.sync_engine)
    if hot is None:
        return {}
    return {
        name: [getattr(hot, name).batches, getattr(hot, name).items]
        for name in ("reads", "inserts")
    }


def _open_loop_child(args: tuple[Any, ...]) -> dict[str, Any]:
    return asyncio.run(_open_loop_share(*args))


def bench_in_process_open_loop(
    url: str, users: int, rate: float, seconds: float, procs: int
) -> dict[str, Any]:
    """Decisions offered at a fixed total rate, one session each, committed; latency from
    the due time (a decision that waits for the event loop or a pool connection counts the
    wait). `procs` processes (like the server's workers: one Python process uses one core)
    each take rate / procs on their own schedule, all starting at the same instant."""
    import multiprocessing

    start_at = time.time() + 3.0  # after every child has connected and warmed up
    jobs = [(url, users, rate / procs, seconds, start_at, 4 + i) for i in range(procs)]
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        shares = pool.map(_open_loop_child, jobs)
    latencies = [x for share in shares for x in share["latencies"]]
    total = len(latencies)
    errors = sum(share["errors"] for share in shares)
    result = summary(latencies, max(share["wall"] for share in shares), errors)
    # Each process saw every backend's CPU over the same window: the largest is the total.
    pg = max(share["pg"] for share in shares)
    result["postgres_cpu_ms_per_decision"] = round(pg / total * 1000, 3)
    result["offered_rate"] = rate
    result["processes"] = procs
    cpu = sum(share["cpu"] for share in shares)
    result["process_cpu_ms_per_decision"] = round(cpu / total * 1000, 3)
    batches: dict[str, list[int]] = {}
    for share in shares:
        for name, (statements, decisions) in share["batching"].items():
            totals = batches.setdefault(name, [0, 0])
            totals[0] += statements
            totals[1] += decisions
    result["mean_batch"] = {name: round(d / s, 2) for name, (s, d) in batches.items() if s}
    return result


# -- HTTP ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_env(url: str, follow_up: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.update(
        TRUSTDESK_DATABASE_URL=url,
        TRUSTDESK_ENV="development",
        TRUSTDESK_RUN_SWEEP_IN_PROCESS="false",
        TRUSTDESK_RISK_FOLLOW_UP=follow_up,
    )
    return env


def start_worker(url: str) -> subprocess.Popen[bytes]:
    """`trustdesk worker`, acting on the holds the web processes answered."""
    cmd = [str(Path(sys.executable).parent / "trustdesk"), "worker"]
    return subprocess.Popen(
        cmd,
        env=server_env(url, "worker"),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


async def follow_up_lags(url: str, since: datetime, within: float = 60) -> dict[str, Any]:
    """Wait until every hold answered since `since` has been acted on (its P1 ticket exists),
    then: how long after the answer each follow-up committed its ticket."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    deadline = time.monotonic() + within
    try:
        async with engine.connect() as conn:
            while True:
                acting = (
                    await conn.execute(
                        text("SELECT count(*) FROM risk_assessments WHERE action_state = 'acting'")
                    )
                ).scalar_one()
                if not acting or time.monotonic() > deadline:
                    break
                await conn.rollback()
                await asyncio.sleep(0.1)
            rows = (
                await conn.execute(
                    text(
                        "SELECT a.created_at, t.created_at FROM risk_assessments a "
                        "JOIN tickets t ON t.id = a.ticket_id "
                        "WHERE a.created_at >= :since AND a.decision IN ('hold', 'decline')"
                    ),
                    {"since": since},
                )
            ).all()
    finally:
        await engine.dispose()

    def aware(value: Any) -> datetime:
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    lags = [(aware(t) - aware(a)).total_seconds() * 1000 for a, t in rows]
    return {
        "acted": len(lags),
        "not_acted": acting,
        "lag_p50_ms": round(percentile(lags, 50), 1),
        "lag_max_ms": round(max(lags), 1) if lags else None,
    }


def flush_writes(url: str) -> None:
    """Write the seeding's data out before a clock starts: PostgreSQL's dirty buffers
    (CHECKPOINT) and the kernel's dirty pages (sync). Left to the background, that write-back
    lands in the measured window and every commit's WAL flush queues behind it."""
    if url.startswith("postgresql"):
        import psycopg

        plain = url.replace("postgresql+asyncpg://", "postgresql://")
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
    os.sync()


def start_server(url: str, port: int, workers: int, follow_up: str) -> subprocess.Popen[bytes]:
    env = server_env(url, follow_up)
    cmd = [
        sys.executable, "-m", "uvicorn", "trustdesk.asgi:app", "--host", HOST,
        "--port", str(port), "--workers", str(workers), "--no-access-log",
        "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(cmd, env=env, start_new_session=True)


async def bench_http(
    url: str,
    port: int,
    users: int,
    rate: float,
    seconds: float,
    connections: int,
    sessions: tuple[int, int | None],
) -> dict[str, Any]:
    from trustdesk.risk.verification import get_risk_settings

    # This process (the load generator) has imported and built a lot by now: a full garbage
    # collection here would stall the client ~0.3 s and be counted as the server's latency.
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    headers = {"X-Exchange-Key": get_risk_settings().exchange_api_key}
    client = OpenLoop(HOST, port, connections)
    await client.open()
    rng = random.Random(3)

    def encoded(n: int, kind: str) -> bytes:
        body = json.dumps(request_body(rng.randrange(users), n, kind, datetime.now(UTC)))
        return client.encode("POST", "/api/v1/risk/withdrawals", body.encode(), headers)

    # Warm-up: a few requests per connection (imports, caches, prepared statements), holds
    # included: a worker's first P1 ticket loads the triage rules and the language model once.
    # Sent on every connection at once, a few rounds: a running server's pool holds the
    # database connections its concurrency needs; opened during the measurement instead, each
    # stalls its worker (asyncpg builds an SSL context per new connection, ~20 ms).
    for start in range(0, connections * 3, connections):
        warm = [
            encoded(20_000_000 + n, "takeover" if n % 4 == 0 else "normal")
            for n in range(start, start + connections)
        ]
        await client.run(warm, rate=1e9)
    # The warm-up's holds are acted on after their answers: let that finish off the clock.
    await asyncio.sleep(1.0)
    flush_writes(url)

    # Every request is built and encoded before the clock starts: the client shares the two
    # cores with what it measures, and building a body is most of its own cost per request.
    total = int(rate * seconds)
    requests = [encoded(n, pick_kind(rng)) for n in range(total)]
    cpu0 = proc_cpu(*sessions)  # after the warm-up: the measured window only
    since = datetime.now(UTC)
    wall = await client.run(requests, rate)
    client.close()
    # Answers are read after the window: parsing them is not the load generator's job there.
    errors = 0
    decisions: dict[str, int] = {}
    for status, payload in client.answers:
        if status != 200:
            errors += 1
            if errors <= 3:
                log(f"HTTP {status}: {payload[:300]!r}")
        else:
            d = json.loads(payload)["decision"]
            decisions[d] = decisions.get(d, 0) + 1
    latencies = client.latencies
    # The holds' follow-ups are part of the cost: wait for them before reading the CPU.
    follow_up = await follow_up_lags(url, since)
    cpu1 = proc_cpu(*sessions)
    result = summary(latencies, wall, errors)
    # Whether the tail is a steady queue or a few bursts: the p99 of each second's requests.
    by_second: dict[int, list[float]] = {}
    for n, latency in zip(client.sent, latencies, strict=True):
        by_second.setdefault(int(n // rate), []).append(latency)
    result["p99_by_second"] = [
        round(percentile(by_second[s], 99) * 1000, 1) for s in sorted(by_second)
    ]
    result["offered_rate"] = rate
    result["decision_mix"] = decisions
    result["follow_ups"] = follow_up
    for party in ("server", "worker", "postgres"):
        used = cpu_delta(cpu0[party], cpu1[party])
        result[f"{party}_cpu_ms_per_decision"] = round(used / max(1, total) * 1000, 3)
    result["server_cpu_s_by_process"] = sorted(
        (round(cpu - cpu0["server"].get(pid, 0.0), 2) for pid, cpu in cpu1["server"].items()),
        reverse=True,
    )
    return result


def pg_url(name: str, socket_dir: str | None) -> str:
    """A fresh scratch database; its URL over PostgreSQL's Unix socket in `socket_dir` (how a
    server on the same host is best reached: no TCP stack, ~5% less CPU per decision for the
    web process and PostgreSQL together), or over TCP to 127.0.0.1 without one."""
    import psycopg
    from psycopg import sql

    where = f"host={socket_dir}" if socket_dir else f"host={HOST} port=5432"
    with psycopg.connect(f"{where} user=root dbname=test", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    if socket_dir:
        return f"postgresql+asyncpg://root@/{name}?host={socket_dir}"
    return f"postgresql+asyncpg://root@{HOST}:5432/{name}"


def run_db(args: argparse.Namespace, db: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    tmp = tempfile.TemporaryDirectory(prefix="risk-bench-")
    url = (
        pg_url(args.pg_db, args.pg_socket or None)
        if db == "postgres"
        else f"sqlite+aiosqlite:///{Path(tmp.name) / 'risk.db'}"
    )
    log(f"[{db}] seeding {args.users} users into {url.split('@')[-1]} ...")
    asyncio.run(seed(url, args.users, now))
    flush_writes(url)
    result: dict[str, Any] = {}
    with Phase() as ph:
        pure = bench_pure(args.pure, now)
    result["pure"] = ph.into(pure)
    log(
        f"[{db}] pure evaluate:  p50 {pure['p50']} ms  p99 {pure['p99']} ms  "
        f"cpu {pure['cpu_ms_per_decision']} ms  (load {ph.load_avg})"
    )
    with Phase() as ph:
        seq = asyncio.run(bench_in_process(url, args.users, args.in_process))
    result["sequential"] = ph.into(seq)
    log(
        f"[{db}] sequential:     p50 {seq['p50']} ms  p99 {seq['p99']} ms  "
        f"cpu {seq['cpu_ms_per_decision']} ms/decision  ({seq['throughput']}/s, "
        f"errors {seq['errors']}, load {ph.load_avg}, machine busy {ph.busy_pct}%)"
    )
    with Phase() as ph:
        loop = bench_in_process_open_loop(url, args.users, args.rate, args.seconds, args.procs)
    result["in_process"] = ph.into(loop)
    log(
        f"[{db}] in-process @ {args.rate}/s ({args.procs} processes): p50 {loop['p50']} ms  "
        f"p99 {loop['p99']} ms  "
        f"throughput {loop['throughput']}/s  errors {loop['errors']}  "
        f"cpu {loop['process_cpu_ms_per_decision']} ms + PostgreSQL "
        f"{loop['postgres_cpu_ms_per_decision']} ms/decision  batches {loop['mean_batch']}  "
        f"(load {ph.load_avg}, machine busy {ph.busy_pct}%)"
    )
    if not args.skip_http:
        port = free_port()
        server = start_server(url, port, args.workers, args.follow_up)
        worker = start_worker(url) if args.follow_up == "worker" else None
        try:
            asyncio.run(wait_listening(HOST, port))
            with Phase(server.pid) as ph:
                cpu0 = os.times()
                # uvloop, as the server runs: the client's own CPU per request is halved.
                http = uvloop.run(
                    bench_http(
                        url,
                        port,
                        args.users,
                        args.rate,
                        args.seconds,
                        args.connections,
                        (server.pid, worker.pid if worker else None),
                    )
                )
                cpu1 = os.times()
            client = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
            http["client_cpu_s"] = round(client, 2)
            http["client_cpu_ms_per_decision"] = round(client / max(1, http["decisions"]) * 1000, 3)
            http["workers"] = args.workers
            http["follow_up_in"] = args.follow_up
        finally:
            stop(server)
            stop(worker)
        result["http"] = ph.into(http)
        log(
            f"[{db}] http @ {args.rate}/s ({args.workers} workers): p50 {http['p50']} ms  "
            f"p99 {http['p99']} ms  throughput {http['throughput']}/s  errors {http['errors']}  "
            f"mix {http['decision_mix']}  cpu ms/decision: server "
            f"{http['server_cpu_ms_per_decision']}, PostgreSQL "
            f"{http['postgres_cpu_ms_per_decision']}, worker {http['worker_cpu_ms_per_decision']}, "
            f"client {http['client_cpu_ms_per_decision']}  follow-ups {http['follow_ups']}"
            f"  (load {ph.load_avg}, machine busy {ph.busy_pct}%)"
        )
    tmp.cleanup()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--procs", type=int, default=2, help="in-process open loop: processes sharing the rate"
    )
    parser.add_argument("--pure", type=int, default=5000, help="pure evaluations")
    parser.add_argument("--in-process", type=int, default=1000, help="sequential decisions")
    parser.add_argument("--db", choices=("both", "postgres", "sqlite"), default="both")
    parser.add_argument("--pg-db", default=PG_DB, help="scratch PostgreSQL database (dropped)")
    parser.add_argument(
        "--pg-socket",
        default=PG_SOCKET_DIR if Path(PG_SOCKET_DIR, ".s.PGSQL.5432").exists() else "",
        help="directory of PostgreSQL's Unix socket ('' for TCP to 127.0.0.1:5432)",
    )
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument(
        "--follow-up",
        choices=("worker", "web"),
        default="worker",
        help="who acts on holds: a `trustdesk worker` (TRUSTDESK_RISK_FOLLOW_UP=worker) or "
        "the web process that answered",
    )
    args = parser.parse_args()

    dbs = ["postgres", "sqlite"] if args.db == "both" else [args.db]
    out: dict[str, Any] = {
        "cpus": len(os.sched_getaffinity(0)),
        "load_avg_start": [round(x, 2) for x in os.getloadavg()],
        "rate": args.rate,
        "seconds": args.seconds,
        "users": args.users,
        "pg_socket": args.pg_socket,
    }
    results = {db: run_db(args, db) for db in dbs}
    primary = results[dbs[0]]
    main_figures = primary["in_process" if args.skip_http else "http"]
    head = {
        "db": dbs[0],
        "mode": "in_process" if args.skip_http else "http",
        "p50": main_figures["p50"],
        "p99": main_figures["p99"],
        "throughput": main_figures["throughput"],
        "decisions": main_figures["decisions"],
        "errors": main_figures["errors"],
        "target_p99_ms": 20,
        "target_met": main_figures["p99"] < 20 and main_figures["throughput"] >= 0.98 * args.rate,
    }
    out["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(head | out | results))
    errors = sum(r[m]["errors"] for r in results.values() for m in ("in_process", "http") if m in r)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
