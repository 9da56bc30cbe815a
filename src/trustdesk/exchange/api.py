"""Exchange endpoints: customers' deposit/withdrawal diagnosis, the agents' customer panel,
and the admins' sandbox loader."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from trustdesk.db import commit
from trustdesk.deps import AdminAgent, CurrentAgent, CurrentCustomer, NowDep, SessionDep
from trustdesk.errors import InvalidInput, NotFound
from trustdesk.exchange import service
from trustdesk.exchange.chains import ChainRegistry, default_registry
from trustdesk.exchange.connector import ExchangeConnector
from trustdesk.exchange.sandbox import SandboxConnector, SandboxFileError, load_sandbox
from trustdesk.exchange.schemas import (
    CustomerExchangeRead,
    DepositDiagnosisRead,
    SandboxLoadRead,
    WithdrawalDiagnosisRead,
)
from trustdesk.models import Customer


async def get_registry(request: Request) -> ChainRegistry:
    """The chain registry: `app.state.exchange_registry` if set, else the packaged one."""
    registry = getattr(request.app.state, "exchange_registry", None)
    return registry if registry is not None else default_registry()


async def get_connector(
    request: Request,
    session: SessionDep,
    now: NowDep,
    registry: Annotated[ChainRegistry, Depends(get_registry)],
) -> ExchangeConnector:
    """The exchange: `app.state.exchange_connector` when set (e.g. an `HttpConnector` built at
    start-up from settings), else the sandbox in our own database on the request's session."""
    connector = getattr(request.app.state, "exchange_connector", None)
    if connector is not None:
        return connector  # type: ignore[no-any-return]
    return SandboxConnector(session, registry, lambda: now)


ConnectorDep = Annotated[ExchangeConnector, Depends(get_connector)]
RegistryDep = Annotated[ChainRegistry, Depends(get_registry)]
TxidQuery = Annotated[str | None, Query(max_length=200, description="Transaction id / hash")]
AssetQuery = Annotated[str | None, Query(max_length=20, description="e.g. USDT")]
NetworkQuery = Annotated[str | None, Query(max_length=40, description="e.g. TRC20, ERC20")]

me_router = APIRouter(prefix="/api/v1/me", tags=["exchange (customers)"])
agent_router = APIRouter(prefix="/api/v1/customers", tags=["exchange (agents)"])
sandbox_router = APIRouter(prefix="/api/v1/sandbox", tags=["sandbox exchange"])


@me_router.get("/deposits/diagnosis", response_model=DepositDiagnosisRead)
async def my_deposit_diagnosis(
    session: SessionDep,
    customer: CurrentCustomer,
    connector: ConnectorDep,
    registry: RegistryDep,
    now: NowDep,
    txid: TxidQuery = None,
    asset: AssetQuery = None,
    network: NetworkQuery = None,
) -> DepositDiagnosisRead:
    """Why my deposit is (not) credited. Without a txid, my recent deposits are examined."""
    query = service.check_deposit_query(registry, txid=txid, asset=asset, network=network)
    result = await service.diagnose_customer_deposit(
        connector, registry, customer.external_id, query, now=now
    )
    await commit(session)  # keeps the customer record the token refreshed
    return DepositDiagnosisRead.of(result)


@me_router.get("/withdrawals/{withdrawal_id}/diagnosis", response_model=WithdrawalDiagnosisRead)
async def my_withdrawal_diagnosis(
    withdrawal_id: str,
    session: SessionDep,
    customer: CurrentCustomer,
    connector: ConnectorDep,
    registry: RegistryDep,
    now: NowDep,
) -> WithdrawalDiagnosisRead:
    """Where my withdrawal stands, and what (if anything) I must do."""
    result = await service.diagnose_customer_withdrawal(
        connector, registry, customer.external_id, withdrawal_id, now=now
    )
    await commit(session)
    return WithdrawalDiagnosisRead.of(result)


async def _customer(session: SessionDep, customer_id: int) -> Customer:
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    return customer


@agent_router.get("/{customer_id}/exchange", response_model=CustomerExchangeRead)
async def customer_exchange_panel(
    customer_id: int,
    session: SessionDep,
    agent: CurrentAgent,
    connector: ConnectorDep,
    registry: RegistryDep,
    now: NowDep,
) -> CustomerExchangeRead:
    """The customer 360 panel: profile, balances, diagnosed deposits and withdrawals, security."""
    customer = await _customer(session, customer_id)
    panel = await service.customer_panel(connector, registry, customer.external_id, now=now)
    return CustomerExchangeRead.of(customer.id, panel)


@agent_router.get("/{customer_id}/deposits/diagnosis", response_model=DepositDiagnosisRead)
async def customer_deposit_diagnosis(
    customer_id: int,
    session: SessionDep,
    agent: CurrentAgent,
    connector: ConnectorDep,
    registry: RegistryDep,
    now: NowDep,
    txid: TxidQuery = None,
    asset: AssetQuery = None,
    network: NetworkQuery = None,
) -> DepositDiagnosisRead:
    """Diagnose a deposit of this customer, as they would see it."""
    customer = await _customer(session, customer_id)
    query = service.check_deposit_query(registry, txid=txid, asset=asset, network=network)
    result = await service.diagnose_customer_deposit(
        connector, registry, customer.external_id, query, now=now
    )
    return DepositDiagnosisRead.of(result)


@sandbox_router.post("/load", response_model=SandboxLoadRead)
async def load_sandbox_data(
    session: SessionDep,
    admin: AdminAgent,
    now: NowDep,
    registry: RegistryDep,
    data: Annotated[dict[str, Any], Body(description="The sandbox file (see SANDBOX.md) as JSON")],
) -> SandboxLoadRead:
    """Replace the listed sandbox users' data (admins; tests and demos)."""
    try:
        result = await load_sandbox(session, data, now=now, registry=registry)
    except SandboxFileError as exc:
        raise InvalidInput(str(exc)) from exc
    await commit(session)
    return SandboxLoadRead.of(result)


router = APIRouter()
for _router in (me_router, agent_router, sandbox_router):
    router.include_router(_router)
