"""The fast lane (kit/fast_lane.py): a routed endpoint's direct twin is called past FastAPI's
routing, and answers exactly as the routed endpoint does: success, the app's error handlers,
and 500s."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from tests.risk.test_holds import EXCHANGE, withdrawal
from trustdesk.errors import Conflict, install_error_handlers
from trustdesk.kit.fast_lane import FastLane, lane_routes


async def served(request: Request) -> Response:
    """Says whether FastAPI's router (which sets scope["route"]) or the lane called it."""
    return await answer(request)


async def served_direct(request: Request) -> Response:
    return await answer(request)


async def answer(request: Request) -> Response:
    how = "router" if "route" in request.scope else "lane"
    if request.query_params.get("fail") == "conflict":
        raise Conflict("already done")
    if request.query_params.get("fail") == "invalid":
        raise RequestValidationError([{"loc": ("body", "amount"), "msg": "bad", "type": "x"}])
    if request.query_params.get("fail") == "bug":
        raise RuntimeError("a bug")
    return JSONResponse({"served_by": how, "body": (await request.body()).decode()})


async def elsewhere(request: Request) -> Response:
    return JSONResponse({"served_by": "router" if "route" in request.scope else "lane"})


def make_app(*, lane: bool) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.post("/api/v1/things")(served)
    app.post("/api/v1/other")(elsewhere)
    if lane:
        app.add_middleware(FastLane, owner=app, routes=lane_routes(app, {served: served_direct}))
    return app


def client_for(app: FastAPI, root_path: str = "") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, root_path=root_path)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_a_listed_endpoint_is_called_directly_and_others_are_routed():
    async with client_for(make_app(lane=True)) as client:
        direct = await client.post("/api/v1/things", content=b'{"a": 1}')
        assert direct.json() == {"served_by": "lane", "body": '{"a": 1}'}
        assert (await client.post("/api/v1/other")).json() == {"served_by": "router"}
        # Another method on the same path is not in the lane: the router answers 405.
        assert (await client.get("/api/v1/things")).status_code == 405
    async with client_for(make_app(lane=True), root_path="/desk") as client:
        under_prefix = await client.post("/desk/api/v1/things")
        assert under_prefix.json()["served_by"] == "lane"


@pytest.mark.parametrize("fail", ["conflict", "invalid", "bug"])
async def test_errors_are_answered_as_the_routed_endpoint_answers_them(fail):
    answers = []
    for lane in (True, False):
        async with client_for(make_app(lane=lane)) as client:
            r = await client.post(f"/api/v1/things?fail={fail}")
            answers.append((r.status_code, r.text))
    assert answers[0] == answers[1]
    assert answers[0][0] == {"conflict": 409, "invalid": 422, "bug": 500}[fail]


def test_lane_routes_refuse_what_the_router_does_not_serve_plainly():
    app = make_app(lane=False)

    async def unrouted(request: Request) -> Response:
        return Response()

    with pytest.raises(ValueError, match="without a route"):
        lane_routes(app, {unrouted: unrouted})

    async def one(request: Request) -> Response:
        return Response()

    app.get("/api/v1/things/{thing_id}")(one)
    with pytest.raises(ValueError, match="cannot have parameters"):
        lane_routes(app, {one: one})


async def test_risk_decisions_take_the_lane_and_keep_their_api_contract(app, client):
    """The scoring endpoint is served by the lane; the OpenAPI document describes its body,
    its key header and its answer; the lane and the router answer alike."""
    assert ("POST", "/api/v1/risk/withdrawals") in next(
        m.kwargs["routes"] for m in app.user_middleware if m.cls is FastLane
    )
    spec = (await client.get("/openapi.json")).json()
    operation = spec["paths"]["/api/v1/risk/withdrawals"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/WithdrawalIn"}
    assert "WithdrawalIn" in spec["components"]["schemas"]
    assert [p["name"] for p in operation["parameters"]] == ["X-Exchange-Key"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/DecisionRead"}

    r = await client.post("/api/v1/risk/withdrawals", json=withdrawal("w-lane"), headers=EXCHANGE)
    assert r.status_code == 200 and r.json()["decision"] == "step_up", r.text  # a new user

    for path in ("/api/v1/risk/withdrawals", "/api/v1/risk/events"):  # lane, then router
        broken = await client.post(path, content=b"{not json", headers=EXCHANGE)
        assert broken.status_code == 422, (path, broken.text)
        assert broken.json()["error"] == "ValidationError", (path, broken.text)

    # The same requests through the app's middleware stack without the lane: FastAPI routes
    # them, validates them and runs the same error handlers.
    lane = next(m for m in app.user_middleware if m.cls is FastLane)
    app.user_middleware.remove(lane)
    routed_stack = app.build_middleware_stack()
    app.user_middleware.insert(0, lane)

    async def routed_only(scope, receive, send):
        scope["app"] = app  # what Starlette sets before its middleware
        await routed_stack(scope, receive, send)

    path = "/api/v1/risk/withdrawals"
    transport = httpx.ASGITransport(app=routed_only)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as routed:
        again = await routed.post(path, json=withdrawal("w-lane"), headers=EXCHANGE)
        assert again.status_code == 200 and again.json() == {**r.json(), "replayed": True}
        fresh = await routed.post(path, json=withdrawal("w-routed"), headers=EXCHANGE)
        assert fresh.status_code == 200, fresh.text
        direct = await client.post(path, json=withdrawal("w-routed"), headers=EXCHANGE)
        assert direct.json() == {**fresh.json(), "replayed": True}
        for headers, body in (
            ({}, withdrawal("w-3")),
            (EXCHANGE, {"withdrawal_id": "w-3"}),
            (EXCHANGE, {**withdrawal("w-3"), "amount": "-1", "extra": 1}),
        ):
            by_router = await routed.post(path, json=body, headers=headers)
            by_lane = await client.post(path, json=body, headers=headers)
            assert by_router.status_code in (401, 422), by_router.text
            assert (by_lane.status_code, by_lane.json()) == (
                by_router.status_code,
                by_router.json(),
            )
