"""`trustdesk trace ...`: load chain data and address tags for fund tracing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from trustdesk.config import get_settings

trace_app = typer.Typer(help="Fund tracing: chain data and address tags.", no_args_is_help=True)
console = Console()


async def _load(path: Path | None) -> tuple[int, int]:
    from trustdesk.db import commit, make_engine, make_sessionmaker
    from trustdesk.kit.clock import utcnow
    from trustdesk.trust.chainfile import load_chain_file, load_demo_chain

    engine = make_engine(get_settings().database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            if path is None:
                result = await load_demo_chain(session, utcnow())
            else:
                result = await load_chain_file(session, path, now=utcnow())
            await commit(session)
    finally:
        await engine.dispose()
    return result.transfers, result.tags


def _run(path: Path | None) -> None:
    from trustdesk.trust.chainfile import ChainFileError

    try:
        transfers, tags = asyncio.run(_load(path))
    except ChainFileError as exc:
        console.print(f"[red]invalid chain file:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print(f"chain data loaded: {transfers} transfers, {tags} address tags")


@trace_app.command("load")
def load(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Chain YAML (trust/chainfile.py).")
    ],
) -> None:
    """Load transfers and address tags from a YAML file (loading again updates in place)."""
    _run(file)


@trace_app.command("demo")
def demo() -> None:
    """Load the packaged demo chain graph (start a trace from txid 0xdemo-theft on ETH)."""
    _run(None)


# Picked up by trustdesk.cli: `trustdesk trace ...`.
CLI_NAME = "trace"
cli = trace_app
