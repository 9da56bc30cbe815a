"""Ingest benchmark: concurrent HTTP ticket creates against PostgreSQL.

    python bench/ingest.py [--requests 3000] [--concurrency 32] [--workers 2]

Recreates a scratch database (`trustdesk_bench` by default) on the PostgreSQL server at
127.0.0.1 (never anything else), runs `trustdesk demo` into it (schema, reference data and the
demo staff: ten online agents over tier1/tier2/vip/security, so routing does real work), then

1. measures the raw INSERT rate of that database: asyncpg, one connection per client, one
   autocommitted single-row INSERT of a ticket-shaped row per round trip;
2. starts `uvicorn trustdesk.asgi:app` as a subprocess on a free port, warms it up, and fires
   `--requests` POST /api/v1/me/tickets from `--concurrency` keep-alive clients, each
   as one of `--customers` customers (JWT) with a multilingual body and an Idempotency-Key,
   through a lean HTTP/1.1 client (bench/http_load.py) so the load generator takes as little
   of the shared cores as it can.

The client runs on the same cores as the server and PostgreSQL: its CPU share is printed.
Any non-201 answer is counted and makes the run exit 1. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import psycopg
import uvloop
from http_load import Connection
from psycopg import sql
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from trustdesk.auth.customer_tokens import issue_customer_token
from trustdesk.config import DEV_CUSTOMER_TOKEN_SECRET

HOST = "127.0.0.1"  # the only host this benchmark ever talks to
console = Console(stderr=True)

# (language, subject, body) — bodies get an amount, asset, network and order id filled in.
TEMPLATES = (
    ("en", "Deposit not credited",
     "I deposited {amount} {asset} via {network} {hours} hours ago and it is still not credited "
     "to my account. Order {order}. Please check."),
    ("en", "Withdrawal stuck in processing",
     "My withdrawal of {amount} {asset} ({network}) has been processing since yesterday. "
     "Reference {order}. Why is it taking so long?"),
    ("en", "Sent to the wrong network",
     "I sent {amount} {asset} on {network} but your address was for another chain. "
     "Can you recover my funds? Tx {order}."),
    ("tr", "Param yatmadı",
     "{hours} saat önce {amount} {asset} yatırdım ({network}) ama hesabıma geçmedi. "
     "İşlem numarası {order}. Lütfen yardım edin."),
    ("zh-CN", "充值未到账",
     "我{hours}个小时前通过{network}充值了 {amount} {asset}，到现在还没有到账，订单号 {order}，"
     "请帮我查一下。"),
    ("ja", "入金が反映されません",
     "{hours}時間前に{network}で{amount} {asset}を入金しましたが、まだ残高に反映されていません。"
     "注文番号 {order}。"),
    ("ko", "입금이 안 됐어요",
     "{hours}시간 전에 {network} 네트워크로 {amount} {asset}를 입금했는데 "
     "아직 반영되지 않았습니다. 주문번호 {order}."),
    ("ru", "Депозит не зачислен",
     "Я отправил {amount} {asset} через {network} {hours} часа назад, но средства так и не "
     "поступили на счёт. Номер операции {order}."),
    ("es", "Retiro pendiente",
     "Mi retiro de {amount} {asset} por {network} sigue pendiente desde hace {hours} horas. "
     "Referencia {order}. ¿Qué pasa?"),
    ("pt-BR", "Depósito não creditado",
     "Enviei {amount} {asset} pela rede {network} há {hours} horas e ainda não apareceu na minha "
     "conta. Pedido {order}."),
    ("de", "Einzahlung nicht gutgeschrieben",
     "Ich habe vor {hours} Stunden {amount} {asset} über {network} eingezahlt, aber es wurde "
     "noch nicht gutgeschrieben. Auftrag {order}."),
    ("fr", "Dépôt non crédité",
     "J'ai déposé {amount} {asset} via {network} il y a {hours} heures et mon compte n'est "
     "toujours pas crédité. Référence {order}."),
    ("ar", "لم يصل الإيداع",
     "قمت بإيداع {amount} {asset} عبر شبكة {network} قبل {hours} ساعات ولم يصل إلى حسابي "
     "حتى الآن. رقم الطلب {order}."),
    ("vi", "Nạp tiền chưa về",
     "Tôi đã nạp {amount} {asset} qua mạng {network} từ {hours} giờ trước nhưng vẫn chưa thấy "
     "vào tài khoản. Mã lệnh {order}."),
    ("id", "Penarikan tertunda",
     "Penarikan {amount} {asset} lewat jaringan {network} saya tertunda sejak {hours} jam lalu. "
     "Nomor pesanan {order}."),
    ("uk", "Депозит не зараховано",
     "Я надіслала {amount} {asset} через {network} {hours} години тому, але кошти досі не "
     "надійшли. Номер {order}."),
)  # fmt: skip
ASSETS = (("USDT", "TRC20"), ("USDT", "ERC20"), ("ETH", "ERC20"), ("BTC", "Bitcoin"),
          ("XRP", "XRP Ledger"), ("SOL", "Solana"), ("BNB", "BEP20"))  # fmt: skip

RAW_TABLE = """
CREATE TABLE IF NOT EXISTS bench_raw_tickets (
    id bigserial PRIMARY KEY,
    customer_id integer NOT NULL,
    subject varchar(200) NOT NULL,
    status varchar(24) NOT NULL,
    priority varchar(4) NOT NULL,
    language varchar(16) NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
)"""
RAW_INSERT = (
    "INSERT INTO bench_raw_tickets (customer_id, subject, status, priority, language, body, "
    "created_at, updated_at) VALUES ($1, $2, 'new', 'P3', $3, $4, $5, $5) RETURNING id"
)


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    client_cpu: float = 0.0

    @property
    def ok(self) -> int:
        return len(self.latencies)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ticket_payload(rng: random.Random, n: int) -> tuple[str, dict[str, str]]:
    lang, subject, body = rng.choice(TEMPLATES)
    asset, network = rng.choice(ASSETS)
    filled = body.format(
        amount=f"{rng.uniform(0.01, 5000):.2f}",
        asset=asset,
        network=network,
        hours=rng.randint(1, 48),
        order=f"{rng.randint(10**11, 10**12 - 1)}-{n}",
    )
    return lang, {"subject": subject, "body": filled}


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


# -- database -----------------------------------------------------------------------------------


def recreate_database(args: argparse.Namespace) -> None:
    admin = f"host={HOST} port={args.pg_port} user={args.pg_user} dbname={args.admin_db}"
    with psycopg.connect(admin, autocommit=True) as conn:
        name = sql.Identifier(args.db)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def database_url(args: argparse.Namespace) -> str:
    return f"postgresql+asyncpg://{args.pg_user}@{HOST}:{args.pg_port}/{args.db}"


def app_env(args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env |= {
        "TRUSTDESK_DATABASE_URL": database_url(args),
        "TRUSTDESK_ENV": "development",  # the dev customer-token secret is accepted
        "TRUSTDESK_RUN_SWEEP_IN_PROCESS": "false",
    }
    return env


def load_demo(args: argparse.Namespace) -> None:
    cli = Path(sys.executable).with_name("trustdesk")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "trustdesk.cli"]
    done = subprocess.run(
        [*command, "demo"], env=app_env(args), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        console.print(done.stdout, done.stderr)
        raise SystemExit(f"`trustdesk demo` failed with exit status {done.returncode}")


async def count_rows(args: argparse.Namespace, table: str) -> int:
    conn = await asyncpg.connect(host=HOST, port=args.pg_port, user=args.pg_user, database=args.db)
    try:
        return int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
    finally:
        await conn.close()


async def raw_insert_rate(args: argparse.Namespace) -> tuple[float, float, float]:
    """Inserts per second, p50 and p99 ms: one autocommitted single-row INSERT per round trip."""
    connect = {"host": HOST, "port": args.pg_port, "user": args.pg_user, "database": args.db}
    conns = [await asyncpg.connect(**connect) for _ in range(args.concurrency)]
    try:
        await conns[0].execute(RAW_TABLE)
        await conns[0].execute("TRUNCATE bench_raw_tickets")
        rng = random.Random(7)
        rows = [ticket_payload(rng, n) for n in range(args.raw_inserts)]
        latencies: list[float] = []
        next_row = 0
        with progress() as bar:
            task = bar.add_task("raw INSERT", total=args.raw_inserts, rate="")

            async def client(conn: asyncpg.Connection) -> None:
                nonlocal next_row
                stmt = await conn.prepare(RAW_INSERT)
                while next_row < args.raw_inserts:
                    n = next_row
                    next_row += 1
                    lang, payload = rows[n]
                    now = datetime.now(UTC)
                    t0 = time.perf_counter()
                    await stmt.fetchval(n % 997 + 1, payload["subject"], lang, payload["body"], now)
                    latencies.append(time.perf_counter() - t0)
                    bar.advance(task)

            started = time.perf_counter()
            await asyncio.gather(*(client(c) for c in conns))
            elapsed = time.perf_counter() - started
            bar.update(task, rate=f"{args.raw_inserts / elapsed:,.0f}/s")
        return (
            args.raw_inserts / elapsed,
            percentile(latencies, 50) * 1000,
            percentile(latencies, 99) * 1000,
        )
    finally:
        for conn in conns:
            await conn.close()


# -- server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(args: argparse.Namespace, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "uvicorn", "trustdesk.asgi:app",
        "--host", HOST, "--port", str(port), "--workers", str(args.workers),
        "--loop", args.loop, "--http", args.http,
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    # Its own process group: stop_server() can reach the uvicorn workers too.
    with log.open("wb") as out:
        return subprocess.Popen(
            command, env=app_env(args), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def summarize_log(log: Path) -> None:
    """The server's tracebacks go to its log; show which exceptions it raised, and how often."""
    text = log.read_text(errors="replace")
    raised = Counter(
        line.split(":", 1)[0]
        for line in text.splitlines()
        if line and not line[0].isspace() and "Error" in line.split(":", 1)[0]
    )
    if raised:
        counts = ", ".join(f"{name} ×{n}" for name, n in raised.most_common(5))
        console.print(f"[red]server log {log}[/]: {counts}")


def stop_server(server: subprocess.Popen[bytes] | None) -> None:
    if server is None or server.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


async def wait_healthy(port: int, server: subprocess.Popen[bytes], within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            conn = await Connection(HOST, port).open()
            try:
                if (await conn.get("/healthz"))[0] == 200:
                    return
            finally:
                conn.close()
        await asyncio.sleep(0.2)
    raise SystemExit(f"the server did not answer /healthz within {within:.0f}s")


# -- load ---------------------------------------------------------------------------------------


def customer_tokens(count: int, seed: int) -> list[tuple[str, str]]:
    """(language, JWT) per customer, issued by the exchange side before the clock starts."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    tokens = []
    for i in range(count):
        lang = rng.choice(TEMPLATES)[0]
        vip = 3 if i % 25 == 0 else 0  # a few VIPs take the vip desk's routing path
        token = issue_customer_token(
            DEV_CUSTOMER_TOKEN_SECRET,
            f"bench-{seed}-{i:05d}",
            now=now,
            ttl=timedelta(hours=2),
            name=f"Bench Customer {i}",
            lang=lang,
            vip=vip,
            kyc=2,
        )
        tokens.append((lang, token))
    return tokens


async def fire(
    base: str,
    args: argparse.Namespace,
    *,
    count: int,
    label: str,
    seed: int,
    tokens: list[tuple[str, str]],
) -> Run:
    rng = random.Random(seed)
    # Prepared before the clock starts: a customer, a body in that customer's language, a key.
    by_lang: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for n in range(max(count, 1) * 2):
        lang, payload = ticket_payload(rng, n)
        by_lang.setdefault(lang, []).append((lang, payload))
    jobs = []
    for n in range(count):
        lang, token = tokens[n % len(tokens)]
        payload = by_lang[lang][n % len(by_lang[lang])][1]
        headers = {"Authorization": f"Bearer {token}"}
        if args.idempotency_key:
            headers["Idempotency-Key"] = str(uuid.UUID(int=rng.getrandbits(128)))
        jobs.append((headers, payload))

    # Every request's bytes are encoded before the clock starts.
    port = int(base.rsplit(":", 1)[1])
    connections = [await Connection(HOST, port).open() for _ in range(args.concurrency)]
    requests = [
        connections[0].encode("POST", "/api/v1/me/tickets", json.dumps(payload).encode(), headers)
        for headers, payload in jobs
    ]
    run = Run()
    next_job = 0
    with progress() as bar:
        task = bar.add_task(label, total=count, rate="")

        async def worker(conn: Connection) -> None:
            nonlocal next_job
            while next_job < count:
                request = requests[next_job]
                next_job += 1
                t0 = time.perf_counter()
                try:
                    status, body = await conn.send(request)
                except (OSError, asyncio.IncompleteReadError) as exc:
                    run.error(type(exc).__name__)
                    conn.close()
                else:
                    if status == 201:
                        run.latencies.append(time.perf_counter() - t0)
                    else:
                        run.error(f"HTTP {status}")
                        if sum(run.errors.values()) <= 3:
                            console.print(f"[red]{status}[/] {body[:300]!r}")
                bar.advance(task)

        cpu0 = time.process_time()
        started = time.perf_counter()
        await asyncio.gather(*(worker(c) for c in connections))
        run.elapsed = time.perf_counter() - started
        run.client_cpu = time.process_time() - cpu0
        bar.update(task, rate=f"{count / run.elapsed:,.0f}/s")
    for conn in connections:
        conn.close()
    return run


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) of the live processes of a process group (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:  # fields[0] is the state; pgrp is the 5th stat field
                total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy so far (Linux /proc/stat, all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def start_profiler(args: argparse.Namespace, pid: int) -> subprocess.Popen[bytes] | None:
    """py-spy (installed separately, not a project dependency) on the uvicorn workers."""
    if args.py_spy is None:
        return None
    # The venv's py-spy when the venv is not activated (python bench/ingest.py from make).
    beside = Path(sys.executable).parent / "py-spy"
    command = [
        str(beside) if beside.exists() else "py-spy",
        "record", "--pid", str(pid), "--subprocesses", "--rate", "200",
        "--format", "raw" if args.py_spy.suffix == ".txt" else "flamegraph",
        "--output", str(args.py_spy),
    ]  # fmt: skip
    profiler = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    time.sleep(1)  # attach before the clock starts
    return profiler


def stop_profiler(profiler: subprocess.Popen[bytes] | None, args: argparse.Namespace) -> None:
    if profiler is None:
        return
    profiler.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
    try:
        profiler.wait(timeout=60)
    except subprocess.TimeoutExpired:
        profiler.kill()
    console.print(f"[bold]profile[/] {args.py_spy}")


# -- main ---------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=3000, help="measured ticket creates")
    p.add_argument("--concurrency", type=int, default=32, help="concurrent clients")
    p.add_argument("--warmup", type=int, default=300, help="creates before the clock starts")
    p.add_argument("--raw-inserts", type=int, default=20000, help="rows for the raw INSERT rate")
    p.add_argument("--customers", type=int, default=500, help="distinct customers (JWT subjects)")
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    p.add_argument("--loop", default="uvloop", choices=["auto", "asyncio", "uvloop"])
    p.add_argument("--http", default="httptools", choices=["auto", "h11", "httptools"])
    p.add_argument(
        "--no-idempotency-key", dest="idempotency_key", action="store_false",
        help="send no Idempotency-Key (skips the idempotency table)",
    )  # fmt: skip
    p.add_argument(
        "--py-spy", type=Path, metavar="FILE",
        help="profile the workers during the measured run (.svg flame graph, .txt collapsed)",
    )  # fmt: skip
    p.add_argument("--db", default="trustdesk_bench", help="scratch database: DROPPED first")
    p.add_argument("--admin-db", default="test", help="an existing database to connect to")
    p.add_argument("--pg-port", type=int, default=5432)
    p.add_argument("--pg-user", default="root")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    if args.db in {args.admin_db, "postgres", "template0", "template1"}:
        p.error(f"--db {args.db} would drop a database this benchmark does not own")
    if min(args.requests, args.concurrency, args.raw_inserts, args.customers, args.workers) < 1:
        p.error("counts must be positive")
    return args


async def bench(args: argparse.Namespace) -> tuple[dict[str, object], int]:
    console.print(f"[bold]database[/] {database_url(args)} (recreated, demo data loaded)")
    recreate_database(args)
    load_demo(args)
    raw_rate, raw_p50, raw_p99 = await raw_insert_rate(args)

    warmup_errors = 0
    port = free_port()
    base = f"http://{HOST}:{port}"
    log = Path(tempfile.gettempdir()) / f"trustdesk-ingest-{port}.log"
    server = start_server(args, port, log)
    try:
        await wait_healthy(port, server)
        console.print(
            f"[bold]server[/] {base}: {args.workers} worker(s), loop={args.loop}, "
            f"http={args.http}; {args.concurrency} clients, {args.customers} customers"
        )
        tokens = customer_tokens(args.customers, args.seed)
        if args.warmup:
            warm = await fire(
                base, args, count=args.warmup, label="warm-up", seed=args.seed + 1, tokens=tokens
            )
            if warm.errors:
                warmup_errors = sum(warm.errors.values())
                console.print(f"[red]warm-up errors (the run will fail): {warm.errors}")
        tickets_before = await count_rows(args, "tickets")
        profiler = start_profiler(args, server.pid)
        server_cpu0, machine0 = group_cpu(server.pid), machine_busy()
        run = await fire(
            base, args, count=args.requests, label="create", seed=args.seed + 2, tokens=tokens
        )
        server_cpu, machine = group_cpu(server.pid) - server_cpu0, machine_busy() - machine0
        stop_profiler(profiler, args)
    finally:
        stop_server(server)
        summarize_log(log)
    created = await count_rows(args, "tickets") - tickets_before
    assigned = await count_rows(args, "tickets WHERE assignee_id IS NOT NULL")

    rate = run.ok / run.elapsed
    p50 = percentile(run.latencies, 50) * 1000
    p99 = percentile(run.latencies, 99) * 1000
    errors = sum(run.errors.values())
    ratio = rate / raw_rate

    table = Table(title=f"Ingest: {args.requests} creates, {args.concurrency} clients")
    table.add_column("")
    table.add_column("per second", justify="right")
    table.add_column("p50 ms", justify="right")
    table.add_column("p99 ms", justify="right")
    table.add_row("POST /api/v1/me/tickets", f"{rate:,.1f}", f"{p50:.1f}", f"{p99:.1f}")
    table.add_row("raw INSERT (asyncpg)", f"{raw_rate:,.1f}", f"{raw_p50:.2f}", f"{raw_p99:.2f}")
    console.print(table)
    cores = os.cpu_count() or 1
    console.print(
        f"ratio tickets/s ÷ raw inserts/s: [bold]{ratio:.1%}[/] (target ≥ 25%); "
        f"p99 {p99:.1f} ms (target < 100 ms)\n"
        f"wall {run.elapsed:.2f}s; client CPU {run.client_cpu:.2f}s "
        f"({run.client_cpu / run.elapsed / cores:.0%} of {cores} cores), server CPU "
        f"{server_cpu:.2f}s ({server_cpu / run.elapsed / cores:.0%}, "
        f"{server_cpu / max(run.ok, 1) * 1000:.1f} ms a ticket); whole machine busy "
        f"{machine / run.elapsed / cores:.0%} (PostgreSQL and any other load included)\n"
        f"{created} tickets stored, {assigned} assigned in all; errors: {run.errors or 0}"
    )
    if created != run.ok:
        console.print(f"[red]{run.ok} creates answered 201 but {created} tickets were stored")
    return {
        "tickets_per_second": round(rate, 1),
        "raw_inserts_per_second": round(raw_rate, 1),
        "ratio": round(ratio, 4),
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "concurrency": args.concurrency,
        "requests": args.requests,
        "errors": errors,
        "workers": args.workers,
    }, warmup_errors


def main() -> int:
    args = parse_args()
    try:
        result, warmup_errors = uvloop.run(bench(args))
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
        return 130
    print(json.dumps(result))
    return 1 if result["errors"] or warmup_errors else 0


if __name__ == "__main__":
    sys.exit(main())
