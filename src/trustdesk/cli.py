"""The `trustdesk` command."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from trustdesk.config import get_settings
from trustdesk.exchange.cli import sandbox_app
from trustdesk.kit.discovery import discover_modules

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

app = typer.Typer(
    help="TrustDesk: customer service for cryptocurrency exchanges.", no_args_is_help=True
)
agents_app = typer.Typer(help="Manage support staff.", no_args_is_help=True)
app.add_typer(agents_app, name="agents")
# Each domain's cli.py contributes its command group (`cli`, named `CLI_NAME`).
for _module in discover_modules("cli"):
    app.add_typer(_module.cli, name=_module.CLI_NAME)
app.add_typer(sandbox_app, name="sandbox")
console = Console()


def _maker() -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    from trustdesk.db import make_engine, make_sessionmaker

    engine = make_engine(get_settings().database_url)
    return engine, make_sessionmaker(engine)


async def _bootstrap() -> None:
    from trustdesk.bootstrap import ensure_reference_data
    from trustdesk.db import commit

    engine, maker = _maker()
    async with maker() as session:
        await ensure_reference_data(session)
        await commit(session)
    await engine.dispose()


@app.command()
def migrate() -> None:
    """Bring the database schema up to date and create the reference data."""
    from trustdesk.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    asyncio.run(_bootstrap())
    console.print(f"[green]database ready[/]: {settings.database_url}")


async def _demo() -> dict[str, int]:
    from trustdesk.db import commit
    from trustdesk.demo.data import load_demo
    from trustdesk.kit.clock import utcnow

    engine, maker = _maker()
    async with maker() as session:
        result = await load_demo(session, now=utcnow())
        await commit(session)
    await engine.dispose()
    return result


@app.command()
def demo() -> None:
    """Load the demo data set (agents, customers, tickets in 15 languages). Safe to re-run."""
    migrate()
    result = asyncio.run(_demo())
    if result["agents"]:
        console.print(f"demo loaded: {result['agents']} agents, {result['tickets']} tickets")
    else:
        console.print("demo data already present")
    from trustdesk.demo.data import DEMO_PASSWORD, DOMAIN

    console.print(f"agents sign in as [bold]lead@{DOMAIN}[/] / [bold]{DEMO_PASSWORD}[/]")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port.")] = None,
    with_demo: Annotated[bool, typer.Option("--demo", help="Migrate and load demo data.")] = False,
    workers: Annotated[int, typer.Option(help="Web processes (PostgreSQL only).")] = 1,
) -> None:
    """Start the web server (and, in embedded mode, the SLA sweep)."""
    import uvicorn

    settings = get_settings()
    if with_demo:
        demo()
    else:
        migrate()
    host = host or settings.host
    port = port or settings.port
    console.print(f"[bold green]TrustDesk is up:[/] open http://{host}:{port}/")
    uvicorn.run(
        "trustdesk.asgi:app",
        host=host,
        port=port,
        workers=workers if not settings.is_sqlite else 1,
        log_level="info",
    )


@app.command("worker")
def run_worker() -> None:
    """Run the background worker (SLA and risk sweeps; with TRUSTDESK_RISK_FOLLOW_UP=worker
    also the risk holds' follow-ups). Several may run against PostgreSQL."""
    from trustdesk.worker import run

    logging.basicConfig(level=logging.INFO)
    settings = get_settings()
    os.nice(settings.worker_nice)
    _, maker = _maker()
    console.print(f"worker sweeping every {settings.sla_sweep_interval_seconds}s")
    if settings.risk_follow_up == "worker":
        console.print(f"acting on risk holds every {settings.risk_follow_up_poll_seconds}s")
    asyncio.run(run(maker, settings))


@agents_app.command("create")
def agents_create(
    email: str,
    name: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    role: Annotated[str, typer.Option()] = "agent",
    languages: Annotated[str, typer.Option(help="Comma-separated, e.g. en,tr")] = "en",
    queues: Annotated[str, typer.Option(help="Comma-separated queue keys")] = "tier1",
    capacity: Annotated[int, typer.Option()] = 8,
) -> None:
    """Create a staff account."""
    from pydantic import ValidationError

    from trustdesk.agents.schemas import AgentCreate
    from trustdesk.errors import AppError

    try:
        data = AgentCreate(
            email=email,
            name=name,
            password=password,
            role=role,
            languages=[x.strip() for x in languages.split(",") if x.strip()],
            queues=[x.strip() for x in queues.split(",") if x.strip()],
            capacity=capacity,
        )
    except ValidationError as exc:
        console.print(f"[red]invalid agent:[/] {exc}")
        raise typer.Exit(2) from exc

    async def create() -> int:
        from trustdesk.agents.service import create_agent
        from trustdesk.db import commit
        from trustdesk.kit.clock import utcnow

        engine, maker = _maker()
        try:
            async with maker() as session:
                agent = await create_agent(session, data, actor=None, now=utcnow())
                await commit(session)
                return agent.id
        finally:
            await engine.dispose()

    try:
        agent_id = asyncio.run(create())
    except AppError as exc:
        console.print(f"[red]{exc.detail}[/]")
        raise typer.Exit(1) from exc
    console.print(f"agent {agent_id} created: {data.email} ({data.role})")
