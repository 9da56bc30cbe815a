"""The FastAPI application."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from trustdesk import worker
from trustdesk.assistant.llm import provider_for
from trustdesk.auth.customer_tokens import issue_customer_token
from trustdesk.config import Environment, Settings, get_settings
from trustdesk.db import make_engine, make_sessionmaker
from trustdesk.deps import SessionDep
from trustdesk.errors import install_error_handlers
from trustdesk.exchange.http_connector import HttpConnector
from trustdesk.kit.clock import utcnow
from trustdesk.kit.discovery import discover
from trustdesk.kit.fast_lane import FastLane, lane_routes
from trustdesk.kit.heap import settle_startup_heap
from trustdesk.live import bus as live_bus

LANDING = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>TrustDesk</title><meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}
code{background:#f2f2f2;padding:.1rem .3rem}</style></head><body>
<h1>TrustDesk is running</h1>
<p>Customer service for cryptocurrency exchanges.</p>
<ul><li><a href="/console">Agent console</a> — sign in as <code>lead@demo.trustdesk.dev</code>
/ <code>demo-password</code> (lead board at <a href="/console/board">/console/board</a>)</li>
<li>Customer side (help center, assistant chat, My tickets): {customer_links}</li>
<li><a href="/docs">API explorer</a> (OpenAPI at <a href="/openapi.json">/openapi.json</a>)</li>
<li><a href="/healthz">Health</a></li></ul>
</body></html>"""


def _demo_token(settings: Settings, external_id: str) -> str:
    return issue_customer_token(
        settings.customer_token_secret, external_id, now=utcnow(), ttl=timedelta(hours=8)
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settle_startup_heap()
        task = None
        connector = None
        if settings.exchange_url:
            connector = HttpConnector(settings.exchange_url, settings.exchange_api_key)
            app.state.exchange_connector = connector
        if settings.redis_url:
            live_bus.relay = live_bus.RedisRelay(settings.redis_url)
            await live_bus.relay.start()
        if settings.run_sweep_in_process:
            task = asyncio.create_task(worker.run_loops(app.state.sessionmaker, settings))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if connector is not None:
                await connector.aclose()
            if live_bus.relay is not None:
                await live_bus.relay.stop()
                live_bus.relay = None
            await engine.dispose()

    app = FastAPI(
        title="TrustDesk",
        version="0.1.0",
        description="Customer service platform for cryptocurrency exchanges. "
        "Agents authenticate with a bearer token from /api/v1/auth/login; customers with "
        "a JWT (HS256) signed by the exchange with the shared customer-token secret.",
        lifespan=lifespan,
        telemetry=None
        if settings.telemetry
        else {"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    # None unless TRUSTDESK_LLM_ENABLED: the assistant then answers from rules and articles.
    app.state.assistant_llm = provider_for(settings)
    install_error_handlers(app)
    # JSON API first, then the HTML pages of every domain that has a web.py.
    # A domain's `hot_router` (endpoints on a latency budget) goes before every other route:
    # FastAPI tries the routes in order on each request, ~3 µs each.
    hot = discover("api", "hot_router")
    for router in hot + discover("api", "router") + discover("web", "router"):
        app.include_router(router)
    # The endpoints on the tightest CPU budget skip FastAPI's routing (kit/fast_lane.py).
    twins = {
        routed: direct for lane in discover("api", "fast_lane") for routed, direct in lane.items()
    }
    app.add_middleware(FastLane, owner=app, routes=lane_routes(app, twins))
    static = Path(__file__).parent / "static"
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/healthz", tags=["health"])
    async def healthz(session: SessionDep) -> dict[str, str]:
        """Liveness and database reachability."""
        await session.execute(text("SELECT 1"))
        return {"status": "ok", "database": engine.dialect.name}

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    async def landing() -> str:
        if settings.env is Environment.production:
            links = "the exchange links its signed-in users to <code>/app?token=…</code>"
        else:
            # Development only: sign demo links the way the exchange would.
            links = ", ".join(
                f'<a href="/app?token={_demo_token(settings, user)}">{label}</a>'
                for user, label in (
                    ("u-1001", "Ahmet (Turkish)"),
                    ("u-1014", "Mohammed (Arabic)"),
                    ("u-1002", "Wang Wei (Chinese)"),
                    ("u-1016", "Michael (English)"),
                )
            )
        return LANDING.replace("{customer_links}", links)

    return app
