"""`HttpConnector`: the `ExchangeConnector` over a real exchange's internal HTTP API.

The contract is `connector_openapi.yaml` in this package. Authentication: `Authorization:
Bearer <api key>`. Timeouts, transport errors and 5xx are retried, then raised as a retryable
`ConnectorError`; 404 on a read means "none"; 404 on an action, `ExchangeObjectNotFound`; 409,
`ExchangeConflict`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx

from trustdesk.exchange import wire
from trustdesk.exchange.errors import ConnectorError, ExchangeConflict, ExchangeObjectNotFound
from trustdesk.exchange.types import (
    Balance,
    ChainTransaction,
    CustomerProfile,
    Deposit,
    DepositAddress,
    SecurityEvent,
    Withdrawal,
)

__all__ = ["ConnectorError", "HttpConnector"]


def _p(value: str) -> str:
    return quote(value, safe="")


class HttpConnector:
    """Talks to the exchange at `base_url`. Pass `client` to share a connection pool (the
    connector then leaves closing it to you)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        client: httpx.AsyncClient | None = None,
        *,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.2,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}
        self._client = client or httpx.AsyncClient(timeout=timeout)
        self._owns_client = client is None
        self._retries = retries
        self._backoff = backoff

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        none_on_404: bool = False,
    ) -> Any:
        url = self._base + path
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        last: ConnectorError | None = None
        for attempt in range(self._retries + 1):
            if attempt:
                await asyncio.sleep(self._backoff * attempt)
            try:
                response = await self._client.request(
                    method, url, params=clean, json=body, headers=self._headers
                )
            except httpx.TimeoutException as exc:
                last = ConnectorError(f"{method} {path}: timed out", retryable=True)
                last.__cause__ = exc
                continue
            except httpx.TransportError as exc:
                last = ConnectorError(f"{method} {path}: {exc!r}", retryable=True)
                last.__cause__ = exc
                continue
            status = response.status_code
            if status >= 500:
                last = ConnectorError(
                    f"{method} {path}: HTTP {status}", retryable=True, status=status
                )
                continue
            if status == 404:
                if none_on_404:
                    return None
                raise ExchangeObjectNotFound(f"{method} {path}: not found", status=404)
            if status == 409:
                raise ExchangeConflict(f"{method} {path}: {_detail(response)}", status=409)
            if status >= 400:
                raise ConnectorError(
                    f"{method} {path}: HTTP {status} {_detail(response)}", status=status
                )
            try:
                return response.json() if response.content else None
            except ValueError as exc:
                raise ConnectorError(f"{method} {path}: the answer is not JSON") from exc
        assert last is not None
        raise last

    async def _items(self, path: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        data = await self._call("GET", path, params=params, none_on_404=True)
        return [] if data is None else list(data["items"])

    # -- reads ---------------------------------------------------------------------------------

    async def get_profile(self, user_id: str) -> CustomerProfile | None:
        data = await self._call("GET", f"/users/{_p(user_id)}", none_on_404=True)
        return None if data is None else wire.profile(data)

    async def list_security_events(self, user_id: str, since: datetime) -> Sequence[SecurityEvent]:
        items = await self._items(
            f"/users/{_p(user_id)}/security-events", {"since": since.isoformat()}
        )
        return [wire.security_event(i) for i in items]

    async def list_deposit_addresses(self, user_id: str) -> Sequence[DepositAddress]:
        return [
            wire.deposit_address(i)
            for i in await self._items(f"/users/{_p(user_id)}/deposit-addresses")
        ]

    async def list_deposits(self, user_id: str, since: datetime | None = None) -> Sequence[Deposit]:
        params = {"since": since.isoformat() if since else None}
        return [
            wire.deposit(i) for i in await self._items(f"/users/{_p(user_id)}/deposits", params)
        ]

    async def find_chain_transaction(self, txid: str) -> ChainTransaction | None:
        data = await self._call("GET", f"/chain/transactions/{_p(txid.strip())}", none_on_404=True)
        return None if data is None else wire.chain_transaction(data)

    async def list_withdrawals(self, user_id: str) -> Sequence[Withdrawal]:
        return [wire.withdrawal(i) for i in await self._items(f"/users/{_p(user_id)}/withdrawals")]

    async def get_balances(self, user_id: str) -> Sequence[Balance]:
        return [wire.balance(i) for i in await self._items(f"/users/{_p(user_id)}/balances")]

    async def network_maintenance(self) -> Mapping[str, bool]:
        data = await self._call("GET", "/networks")
        return {code: bool(v.get("maintenance")) for code, v in data["networks"].items()}

    async def is_attributed_destination(self, network: str, address: str, memo: str | None) -> bool:
        data = await self._call(
            "GET",
            "/deposit-destinations/attributed",
            params={"network": network, "address": address, "memo": memo},
        )
        return bool(data["attributed"])

    # -- actions -------------------------------------------------------------------------------

    async def freeze_account(self, user_id: str, reason: str) -> None:
        await self._call("POST", f"/users/{_p(user_id)}/freeze", body={"reason": reason})

    async def hold_withdrawal(self, withdrawal_id: str, reason: str) -> Withdrawal:
        data = await self._call(
            "POST", f"/withdrawals/{_p(withdrawal_id)}/hold", body={"reason": reason}
        )
        return wire.withdrawal(data)

    async def release_withdrawal(self, withdrawal_id: str) -> Withdrawal:
        return wire.withdrawal(
            await self._call("POST", f"/withdrawals/{_p(withdrawal_id)}/release")
        )

    async def credit_recovered_deposit(
        self,
        user_id: str,
        asset: str,
        network: str,
        amount: Decimal,
        reference: str,
        *,
        source_txid: str | None = None,
    ) -> Deposit:
        body = {"asset": asset, "network": network, "amount": str(amount), "reference": reference}
        if source_txid:
            body["source_txid"] = source_txid
        data = await self._call("POST", f"/users/{_p(user_id)}/recovered-deposits", body=body)
        return wire.deposit(data)


def _detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    return str(data.get("detail", data) if isinstance(data, dict) else data)[:200]
