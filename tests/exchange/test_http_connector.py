"""`HttpConnector` against a real local HTTP server serving the contract from the sandbox."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest
import uvicorn

from tests.conftest import auth
from tests.exchange.sandbox_helpers import load_fixture
from tests.exchange.test_api import DEPOSIT, DEPOSIT_CASES
from trustdesk.exchange import service
from trustdesk.exchange.chains import default_registry
from trustdesk.exchange.errors import ConnectorError, ExchangeConflict
from trustdesk.exchange.http_connector import HttpConnector
from trustdesk.exchange.sandbox import SandboxConnector
from trustdesk.exchange.sandbox.contract_app import create_contract_app
from trustdesk.exchange.types import WithdrawalStatus

API_KEY = "test-exchange-key"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def exchange_url(settings, clock) -> Iterator[str]:
    """The sandbox, served over HTTP by uvicorn on 127.0.0.1 in a background thread."""
    port = _free_port()
    app = create_contract_app(settings.database_url, API_KEY, clock=lambda: clock.now)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the local exchange did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def http(exchange_url):
    connector = HttpConnector(exchange_url, API_KEY)
    yield connector
    await connector.aclose()


async def test_both_connectors_give_the_same_diagnosis(maker, clock, http):
    await load_fixture(maker, clock.now)
    registry = default_registry()
    sandbox = SandboxConnector(maker, registry, lambda: clock.now)
    for txid, verdict, _ in DEPOSIT_CASES:
        query = service.check_deposit_query(registry, txid=txid, asset=None, network=None)
        direct = await service.diagnose_customer_deposit(
            sandbox, registry, "t-alice", query, now=clock.now
        )
        remote = await service.diagnose_customer_deposit(
            http, registry, "t-alice", query, now=clock.now
        )
        assert remote == direct
        assert direct.verdict.value == verdict
    for user in ("t-alice", "t-carol"):
        assert await http.list_withdrawals(user) == await sandbox.list_withdrawals(user)
        assert await http.get_balances(user) == await sandbox.get_balances(user)
        assert await http.get_profile(user) == await sandbox.get_profile(user)
        since = clock.now.replace(year=2025)
        assert await http.list_security_events(user, since) == await sandbox.list_security_events(
            user, since
        )


async def test_reads_of_unknown_things_are_none_or_empty(maker, clock, http):
    await load_fixture(maker, clock.now)
    assert await http.get_profile("nobody/../x") is None
    assert await http.find_chain_transaction("f" * 64) is None
    assert await http.list_deposits("nobody") == []


async def test_actions_over_http(maker, clock, http):
    await load_fixture(maker, clock.now)
    held = await http.hold_withdrawal("c-processing", "account takeover suspected")
    assert held.status is WithdrawalStatus.HELD
    assert (await http.release_withdrawal("c-processing")).status is WithdrawalStatus.PROCESSING
    with pytest.raises(ExchangeConflict):
        await http.hold_withdrawal("c-completed", "too late")
    await http.freeze_account("t-carol", "takeover")
    assert (await http.get_profile("t-carol")).account_state.value == "frozen"
    one = await http.credit_recovered_deposit("t-alice", "XRP", "XRP", Decimal("19.5"), "R-9")
    two = await http.credit_recovered_deposit("t-alice", "XRP", "XRP", Decimal("19.5"), "R-9")
    assert one == two and one.txid is None
    txid = "ab" * 32
    sourced = await http.credit_recovered_deposit(
        "t-alice", "XRP", "XRP", Decimal("2"), "R-10", source_txid=txid
    )
    assert sourced.txid == txid


async def test_a_bad_api_key_is_not_retried_and_not_retryable(exchange_url):
    connector = HttpConnector(exchange_url, "wrong-key", retries=0)
    with pytest.raises(ConnectorError) as info:
        await connector.get_profile("t-alice")
    await connector.aclose()
    assert info.value.status == 401 and not info.value.retryable


async def test_an_unreachable_exchange_is_retryable_and_a_503(client, app, customer_token):
    connector = HttpConnector(f"http://127.0.0.1:{_free_port()}", API_KEY, retries=1, backoff=0)
    with pytest.raises(ConnectorError) as info:
        await connector.get_profile("t-alice")
    assert info.value.retryable
    app.state.exchange_connector = connector
    response = await client.get(DEPOSIT, headers=auth(customer_token("t-alice")))
    await connector.aclose()
    assert response.status_code == 503
    assert response.json()["error"] == "ExchangeUnavailable"


async def test_the_app_uses_the_configured_connector(
    client, app, maker, clock, customer_token, http
):
    await load_fixture(maker, clock.now)
    app.state.exchange_connector = http
    headers = auth(customer_token("t-alice"))
    for txid, verdict, _ in DEPOSIT_CASES[:6]:
        body = (await client.get(DEPOSIT, params={"txid": txid}, headers=headers)).json()
        assert body["verdict"] == verdict


def test_the_shipped_contract_documents_every_served_path():
    from importlib import resources

    import yaml

    text = resources.files("trustdesk.exchange").joinpath("connector_openapi.yaml").read_text()
    documented = yaml.safe_load(text)["paths"]
    served = create_contract_app("sqlite+aiosqlite://", API_KEY).openapi()["paths"]
    assert set(served) == set(documented)
    for path, methods in served.items():
        assert set(methods) == set(documented[path]), path
