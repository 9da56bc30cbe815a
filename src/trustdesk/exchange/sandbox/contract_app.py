"""A tiny ASGI app serving the connector contract (`connector_openapi.yaml`) from the sandbox.

It plays "the exchange" for `HttpConnector` tests and for integrators who want to see the
contract answer: `create_contract_app(database_url, api_key)`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Body, FastAPI, Header, HTTPException, Request

from trustdesk.db import make_engine, make_sessionmaker
from trustdesk.exchange import wire
from trustdesk.exchange.chains import ChainRegistry, default_registry
from trustdesk.exchange.errors import ExchangeConflict, ExchangeObjectNotFound
from trustdesk.exchange.sandbox.connector import SandboxConnector
from trustdesk.kit.clock import utcnow

# Module level: the annotations below are strings that FastAPI resolves in this namespace.
Auth = Annotated[str | None, Header()]


def create_contract_app(
    database_url: str,
    api_key: str,
    *,
    clock: Callable[[], datetime] = utcnow,
    registry: ChainRegistry | None = None,
) -> FastAPI:
    """The contract over the sandbox tables of `database_url`."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(database_url)
        app.state.sandbox = SandboxConnector(
            make_sessionmaker(engine), registry or default_registry(), clock
        )
        yield
        await engine.dispose()

    app = FastAPI(title="Exchange connector contract (sandbox)", lifespan=lifespan)

    def sandbox(request: Request, authorization: str | None) -> SandboxConnector:
        if authorization != f"Bearer {api_key}":
            raise HTTPException(401, "bad API key")
        return request.app.state.sandbox  # type: ignore[no-any-return]

    @contextlib.contextmanager
    def _errors():  # type: ignore[no-untyped-def]
        try:
            yield
        except ExchangeObjectNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except ExchangeConflict as exc:
            raise HTTPException(409, str(exc)) from exc

    @app.get("/users/{user_id}")
    async def get_user(request: Request, user_id: str, authorization: Auth = None) -> Any:
        found = await sandbox(request, authorization).get_profile(user_id)
        if found is None:
            raise HTTPException(404, "no such user")
        return wire.dump(found)

    @app.get("/users/{user_id}/security-events")
    async def events(
        request: Request, user_id: str, since: datetime, authorization: Auth = None
    ) -> Any:
        items = await sandbox(request, authorization).list_security_events(user_id, since)
        return {"items": [wire.dump(i) for i in items]}

    @app.get("/users/{user_id}/deposit-addresses")
    async def addresses(request: Request, user_id: str, authorization: Auth = None) -> Any:
        items = await sandbox(request, authorization).list_deposit_addresses(user_id)
        return {"items": [wire.dump(i) for i in items]}

    @app.get("/users/{user_id}/deposits")
    async def deposits(
        request: Request, user_id: str, since: datetime | None = None, authorization: Auth = None
    ) -> Any:
        items = await sandbox(request, authorization).list_deposits(user_id, since)
        return {"items": [wire.dump(i) for i in items]}

    @app.get("/users/{user_id}/withdrawals")
    async def withdrawals(request: Request, user_id: str, authorization: Auth = None) -> Any:
        items = await sandbox(request, authorization).list_withdrawals(user_id)
        return {"items": [wire.dump(i) for i in items]}

    @app.get("/users/{user_id}/balances")
    async def balances(request: Request, user_id: str, authorization: Auth = None) -> Any:
        items = await sandbox(request, authorization).get_balances(user_id)
        return {"items": [wire.dump(i) for i in items]}

    @app.get("/chain/transactions/{txid}")
    async def chain_tx(request: Request, txid: str, authorization: Auth = None) -> Any:
        found = await sandbox(request, authorization).find_chain_transaction(txid)
        if found is None:
            raise HTTPException(404, "unknown transaction")
        return wire.dump(found)

    @app.get("/networks")
    async def networks(request: Request, authorization: Auth = None) -> Any:
        flags = await sandbox(request, authorization).network_maintenance()
        return {"networks": {code: {"maintenance": on} for code, on in flags.items()}}

    @app.get("/deposit-destinations/attributed")
    async def attributed(
        request: Request,
        network: str,
        address: str,
        memo: str | None = None,
        authorization: Auth = None,
    ) -> Any:
        found = await sandbox(request, authorization).is_attributed_destination(
            network, address, memo
        )
        return {"attributed": found}

    @app.post("/users/{user_id}/freeze", status_code=204)
    async def freeze(
        request: Request,
        user_id: str,
        body: Annotated[dict[str, Any], Body()],
        authorization: Auth = None,
    ) -> None:
        with _errors():
            await sandbox(request, authorization).freeze_account(
                user_id, str(body.get("reason", ""))
            )

    @app.post("/withdrawals/{withdrawal_id}/hold")
    async def hold(
        request: Request,
        withdrawal_id: str,
        body: Annotated[dict[str, Any], Body()],
        authorization: Auth = None,
    ) -> Any:
        with _errors():
            result = await sandbox(request, authorization).hold_withdrawal(
                withdrawal_id, str(body.get("reason", ""))
            )
        return wire.dump(result)

    @app.post("/withdrawals/{withdrawal_id}/release")
    async def release(request: Request, withdrawal_id: str, authorization: Auth = None) -> Any:
        with _errors():
            result = await sandbox(request, authorization).release_withdrawal(withdrawal_id)
        return wire.dump(result)

    @app.post("/users/{user_id}/recovered-deposits")
    async def recovered(
        request: Request,
        user_id: str,
        body: Annotated[dict[str, Any], Body()],
        authorization: Auth = None,
    ) -> Any:
        with _errors():
            result = await sandbox(request, authorization).credit_recovered_deposit(
                user_id,
                body["asset"],
                body["network"],
                Decimal(body["amount"]),
                body["reference"],
                source_txid=body.get("source_txid"),
            )
        return wire.dump(result)

    return app
