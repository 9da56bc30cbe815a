"""`trustdesk web customer-link`: open the customer pages as a demo customer (development)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console

from trustdesk.auth.customer_tokens import issue_customer_token
from trustdesk.config import Environment, get_settings
from trustdesk.kit.clock import utcnow

CLI_NAME = "web"
cli = typer.Typer(help="The web pages (customer side and agent console).", no_args_is_help=True)
console = Console()


@cli.command("customer-link")
def customer_link(
    external_id: Annotated[str, typer.Argument(help="Exchange user id, e.g. u-1001")] = "u-1001",
    lang: Annotated[str | None, typer.Option(help="Profile language, e.g. ar, zh-CN")] = None,
    hours: Annotated[int, typer.Option(min=1, max=24)] = 2,
) -> None:
    """Print a /app link with a customer token signed as the exchange would sign it."""
    settings = get_settings()
    if settings.env is Environment.production:
        raise typer.BadParameter("refusing to mint customer tokens in production")
    token = issue_customer_token(
        settings.customer_token_secret,
        external_id,
        now=utcnow(),
        ttl=timedelta(hours=hours),
        issuer=settings.customer_token_issuer,
        lang=lang,
    )
    console.print(f"http://{settings.host}:{settings.port}/app?token={token}", soft_wrap=True)
