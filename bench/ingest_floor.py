"""What bench/ingest.py's target leaves for a ticket create: the framework's own floor.

    python bench/ingest_floor.py [--requests 6000] [--concurrency 32] [--workers 2]

Measures, in one run against a scratch PostgreSQL database (`trustdesk_floor`, dropped and
recreated): the raw INSERT rate exactly as bench/ingest.py does (asyncpg, one connection per
client, one autocommitted single-row INSERT per round trip), then the rate of the smallest
HTTP create the stack can serve (bench/floor_app.py under uvicorn with uvloop and httptools:
JWT check, Pydantic body, the same one INSERT, nothing else) from the same lean keep-alive
clients as bench/ingest.py. The share of the raw rate the floor reaches is the most any real
ticket create (language detection, triage, routing, SLA, audit, idempotency) could reach on
this machine with this stack. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import jwt
from floor_app import SECRET
from http_load import Connection, wait_listening
from ingest import (
    HOST,
    RAW_TABLE,
    free_port,
    percentile,
    raw_insert_rate,
    recreate_database,
)


async def fire(port: int, args: argparse.Namespace) -> dict[str, float]:
    body = json.dumps(
        {
            "subject": "Withdrawal stuck",
            "body": "My withdrawal of 250 USDT (TRC20) has been "
            "processing since yesterday. Order 88231.",
        }  # fmt: skip
    ).encode()
    conns = []
    for _ in range(args.concurrency):
        conns.append(await Connection(HOST, port).open())
        await asyncio.sleep(0.02)  # spread the connections over the workers
    requests = []
    for n, conn in enumerate(conns):
        token = jwt.encode({"sub": str(n + 1)}, SECRET, algorithm="HS256")
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        requests.append(conn.encode("POST", "/tickets", body, headers))
    for conn, request in zip(conns, requests, strict=True):  # warm-up
        for _ in range(10):
            status, _ = await conn.send(request)
            assert status == 201, status
    left = args.requests
    latencies: list[float] = []
    errors = 0

    async def client(conn: Connection, request: bytes) -> None:
        nonlocal left, errors
        while left > 0:
            left -= 1
            started = time.perf_counter()
            status, _ = await conn.send(request)
            latencies.append(time.perf_counter() - started)
            errors += status != 201

    started = time.perf_counter()
    await asyncio.gather(*(client(c, r) for c, r in zip(conns, requests, strict=True)))
    elapsed = time.perf_counter() - started
    for conn in conns:
        conn.close()
    return {
        "per_s": args.requests / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "errors": errors,
    }


async def create_table(args: argparse.Namespace) -> None:
    conn = await asyncpg.connect(host=HOST, port=args.pg_port, user=args.pg_user, database=args.db)
    try:
        await conn.execute(RAW_TABLE)
    finally:
        await conn.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=6000)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--raw-inserts", type=int, default=20000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--db", default="trustdesk_floor", help="scratch database: DROPPED first")
    p.add_argument("--admin-db", default="test")
    p.add_argument("--pg-port", type=int, default=5432)
    p.add_argument("--pg-user", default="root")
    args = p.parse_args()

    recreate_database(args)
    asyncio.run(create_table(args))
    raw, raw_p50, raw_p99 = asyncio.run(raw_insert_rate(args))
    port = free_port()
    env = dict(os.environ, FLOOR_DSN=f"postgresql://{args.pg_user}@{HOST}:{args.pg_port}/{args.db}")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "floor_app:app",
            "--app-dir",
            str(Path(__file__).parent),
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--no-access-log",
            "--log-level",
            "warning",
        ],  # fmt: skip
        env=env,
        start_new_session=True,
    )
    try:
        asyncio.run(wait_listening(HOST, port))
        floor = asyncio.run(fire(port, args))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
    share = floor["per_s"] / raw
    print(
        f"raw INSERT {raw:,.0f}/s (p50 {raw_p50:.1f} ms)  floor create {floor['per_s']:,.0f}/s "
        f"= {share:.1%} of raw, p50 {floor['p50_ms']:.1f} ms, p99 {floor['p99_ms']:.1f} ms "
        f"(load {os.getloadavg()[0]:.2f})",
        file=sys.stderr,
    )
    result = {
        "raw_insert_per_s": round(raw, 1),
        "raw_p50_ms": round(raw_p50, 2),
        "raw_p99_ms": round(raw_p99, 2),
        "floor_per_s": round(floor["per_s"], 1),
        "floor_share_of_raw": round(share, 4),
        "floor_p50_ms": round(floor["p50_ms"], 2),
        "floor_p99_ms": round(floor["p99_ms"], 2),
        "errors": floor["errors"],
        "concurrency": args.concurrency,
        "workers": args.workers,
        "cpus": len(os.sched_getaffinity(0)),
    }
    print(json.dumps(result))
    return 1 if floor["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
