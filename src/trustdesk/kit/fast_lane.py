"""A direct lane, past FastAPI's routing, for the few endpoints on a CPU budget.

FastAPI's own handling of a request (its inner middleware layers, trying each route in turn,
solving dependencies, validating the body and wrapping the response) costs a risk decision
about a fifth of its CPU. Such an endpoint stays an ordinary FastAPI route, which the OpenAPI
document describes and the router serves, and has a direct twin: a function of the Starlette
`Request` alone that reads the headers and body itself and returns the same `Response`.
This middleware calls the twin for the route's method and path.

Errors are answered by the application's own exception handlers, so a direct call fails
exactly like a routed one; anything without a handler goes on to Starlette's
ServerErrorMiddleware (a logged 500), outside this one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]


def lane_routes(
    app: FastAPI, twins: Mapping[Callable[..., Any], Endpoint]
) -> dict[tuple[str, str], Endpoint]:
    """(method, path) → direct twin, for each routed endpoint in `twins`: the paths come from
    the routes themselves, so the lane cannot drift from the router."""
    found: dict[tuple[str, str], Endpoint] = {}
    routed: set[Callable[..., Any]] = set()
    # FastAPI's own walk over the routes of included routers (what its OpenAPI document uses).
    for route in iter_route_contexts(app.routes):
        endpoint, path = route.endpoint, route.path
        if endpoint is None or endpoint not in twins or path is None:
            continue
        if "{" in path:
            raise ValueError(f"{path}: a fast-lane path cannot have parameters")
        routed.add(endpoint)
        for method in route.methods or ():
            found[(method, path)] = twins[endpoint]
    missing = set(twins) - routed
    if missing:
        raise ValueError(f"fast-lane endpoints without a route: {sorted(map(repr, missing))}")
    return found


class FastLane:
    """ASGI middleware: requests for `routes` go straight to their endpoint."""

    def __init__(
        self, app: ASGIApp, *, owner: FastAPI, routes: Mapping[tuple[str, str], Endpoint]
    ) -> None:
        self.app = app
        self.owner = owner
        self.routes = dict(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = None
        if scope["type"] == "http":
            path: str = scope["path"]
            root: str = scope.get("root_path", "")
            if root and path.startswith(root):
                path = path[len(root) :]
            endpoint = self.routes.get((scope["method"], path))
        if endpoint is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await endpoint(request)
        except Exception as exc:
            handler = self._handler_for(exc)
            if handler is None:
                raise
            response = await handler(request, exc)
        await response(scope, receive, send)

    def _handler_for(self, exc: Exception) -> Callable[[Request, Any], Awaitable[Response]] | None:
        """The application's handler for this exception: its class's, or its nearest base's
        (what Starlette's ExceptionMiddleware looks up); None for a 500."""
        handlers = self.owner.exception_handlers
        for cls in type(exc).__mro__:
            if cls in handlers and cls is not Exception:
                return handlers[cls]  # type: ignore[return-value]
        return None
