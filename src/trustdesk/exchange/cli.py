"""`trustdesk sandbox ...`: load the sandbox exchange from a file."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from trustdesk.config import get_settings

sandbox_app = typer.Typer(
    help="The sandbox exchange (see exchange/SANDBOX.md).", no_args_is_help=True
)
console = Console()


async def _load(path: Path | None) -> dict[str, int]:
    from trustdesk.db import commit, make_engine, make_sessionmaker
    from trustdesk.exchange.sandbox import load_demo_sandbox, load_sandbox_file
    from trustdesk.kit.clock import utcnow

    engine = make_engine(get_settings().database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            if path is None:
                result = await load_demo_sandbox(session, utcnow())
            else:
                result = await load_sandbox_file(session, path, now=utcnow())
            await commit(session)
    finally:
        await engine.dispose()
    return {
        "users": result.users,
        "deposits": result.deposits,
        "withdrawals": result.withdrawals,
        "chain transactions": result.chain_transactions,
    }


def _run(path: Path | None) -> None:
    from trustdesk.exchange.sandbox import SandboxFileError

    try:
        counts = asyncio.run(_load(path))
    except SandboxFileError as exc:
        console.print(f"[red]invalid sandbox file:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print("sandbox loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@sandbox_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Sandbox YAML file.")],
) -> None:
    """Load a sandbox file: each user in it replaces that user's sandbox data."""
    _run(file)


@sandbox_app.command("demo")
def demo() -> None:
    """Load the packaged demo exchange (users u-1001..u-1016)."""
    _run(None)


# Picked up by trustdesk.cli: `trustdesk sandbox ...`.
CLI_NAME = "sandbox"
cli = sandbox_app
