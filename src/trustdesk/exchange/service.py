"""Exchange support rules: diagnose a customer's deposits and withdrawals, the customer panel.

Works against any `ExchangeConnector` (the sandbox or a real exchange over HTTP) and raises
`AppError` subclasses. Two connector extras are used when present (both connectors here have
them): `network_maintenance()` and `is_attributed_destination(network, address, memo)`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from trustdesk.errors import AppError, InvalidInput, NotFound
from trustdesk.exchange.addresses import address_key, validate_memo, validate_txid
from trustdesk.exchange.chains import ChainRegistry, RegistryError
from trustdesk.exchange.connector import ExchangeConnector
from trustdesk.exchange.diagnosis import (
    DepositDiagnosis,
    WithdrawalDiagnosis,
    diagnose_deposit,
    diagnose_withdrawal,
    txid_key,
)
from trustdesk.exchange.errors import ConnectorError, ExchangeConflict, ExchangeObjectNotFound
from trustdesk.exchange.types import (
    AddressFamily,
    Balance,
    ChainTransaction,
    CustomerProfile,
    Deposit,
    DepositAddress,
    SecurityEvent,
    Withdrawal,
)

# How far back the support views look.
DEPOSIT_LOOKBACK = timedelta(days=90)
SECURITY_LOOKBACK = timedelta(days=30)
PANEL_ITEMS = 20


class ExchangeUnavailable(AppError):
    """The exchange did not answer (timeout, 5xx); try again shortly."""

    status_code = 503


class ExchangeRefused(AppError):
    """The exchange answered with an error we cannot act on."""

    status_code = 502


class NoExchangeAccount(NotFound):
    """The customer has no account at the exchange."""


class WithdrawalNotFound(NotFound):
    """No such withdrawal among the customer's."""


class UnsupportedAsset(InvalidInput):
    """The asset is not listed by the exchange."""


class UnknownNetworkName(InvalidInput):
    """The network is not one the exchange runs."""


class MalformedTxid(InvalidInput):
    """The text cannot be a transaction id."""


@contextlib.contextmanager
def _exchange() -> Iterator[None]:
    try:
        yield
    except ExchangeObjectNotFound as exc:
        raise NotFound(str(exc)) from exc
    except ExchangeConflict as exc:
        raise AppError(str(exc)) from exc
    except ConnectorError as exc:
        if exc.retryable:
            raise ExchangeUnavailable(f"the exchange is not answering: {exc}") from exc
        raise ExchangeRefused(f"the exchange refused the request: {exc}") from exc


@dataclass(frozen=True)
class DepositQuery:
    txid: str | None
    asset: str | None
    network: str | None


def check_deposit_query(
    registry: ChainRegistry, *, txid: str | None, asset: str | None, network: str | None
) -> DepositQuery:
    """Normalise what the customer typed; a clear 422 for an unknown asset or network or a
    string that is no transaction id on any (or the given) network."""
    asset_code = network_code = None
    if asset is not None and asset.strip():
        try:
            asset_code = registry.asset_code(asset.strip())
        except RegistryError as exc:
            raise UnsupportedAsset(
                f"unknown asset {asset.strip()!r}; supported: {', '.join(registry.assets())}"
            ) from exc
    if network is not None and network.strip():
        try:
            network_code = registry.network_code(network.strip())
        except RegistryError as exc:
            raise UnknownNetworkName(
                f"unknown network {network.strip()!r}; supported: {', '.join(registry.networks)}"
            ) from exc
    clean = txid.strip() if txid else None
    if clean:
        families = [registry.network(network_code).family] if network_code else list(AddressFamily)
        checks = [validate_txid(family, clean) for family in families]
        if not any(c.valid for c in checks):
            where = f" on {network_code}" if network_code else ""
            raise MalformedTxid(
                f"{clean[:100]!r} is not a transaction id{where}: {checks[0].reason}"
            )
    return DepositQuery(clean or None, asset_code, network_code)


async def effective_registry(
    connector: ExchangeConnector, registry: ChainRegistry
) -> ChainRegistry:
    """The registry with the exchange's live maintenance switches applied."""
    get = getattr(connector, "network_maintenance", None)
    if get is None:
        return registry
    with _exchange():
        flags = await get()
    for code, on in flags.items():
        if code in registry.networks and registry.networks[code].maintenance != bool(on):
            registry = registry.with_network(code, maintenance=bool(on))
    return registry


def _addressed_to(
    registry: ChainRegistry, tx: ChainTransaction, addresses: Sequence[DepositAddress]
) -> bool:
    """Whether `tx` went to one of these addresses (with their memo, on a shared address)."""
    net = registry.find_network(tx.network)
    for a in addresses:
        a_net = registry.find_network(a.network) or net
        family = a_net.family if a_net else None
        if address_key(family, a.address) != address_key(family, tx.to_address):
            continue
        if a.memo is None or net is None or net.memo is None:
            return True
        if validate_memo(net, tx.memo).normalized == validate_memo(net, a.memo).normalized:
            return True
    return False


async def _visible_chain_tx(
    connector: ExchangeConnector,
    registry: ChainRegistry,
    tx: ChainTransaction | None,
    addresses: Sequence[DepositAddress],
) -> ChainTransaction | None:
    """The chain transaction, or None when it went to another customer of the exchange.

    Someone else's txid must answer exactly like an unknown one: otherwise the reply would
    confirm that the destination is an exchange customer's, and show their amount and memo.
    """
    if tx is None or _addressed_to(registry, tx, addresses):
        return tx
    check = getattr(connector, "is_attributed_destination", None)
    if check is None:
        return None  # cannot tell: say nothing rather than risk telling too much
    with _exchange():
        return None if await check(tx.network, tx.to_address, tx.memo) else tx


async def diagnose_customer_deposit(
    connector: ExchangeConnector,
    registry: ChainRegistry,
    user_id: str,
    query: DepositQuery,
    *,
    now: datetime,
) -> DepositDiagnosis:
    """Why the customer's deposit is (not) credited, from their own data only."""
    registry = await effective_registry(connector, registry)
    with _exchange():
        if await connector.get_profile(user_id) is None:
            raise NoExchangeAccount("no exchange account is linked to this customer")
        deposits = await connector.list_deposits(user_id, since=now - DEPOSIT_LOOKBACK)
        addresses = await connector.list_deposit_addresses(user_id)
        chain_tx = None
        if query.txid and not any(
            d.txid and txid_key(d.txid) == txid_key(query.txid) for d in deposits
        ):
            chain_tx = await connector.find_chain_transaction(query.txid)
    chain_tx = await _visible_chain_tx(connector, registry, chain_tx, addresses)
    return diagnose_deposit(
        registry,
        deposits=deposits,
        deposit_addresses=addresses,
        chain_tx=chain_tx,
        txid=query.txid,
        asset=query.asset,
        now=now,
    )


async def diagnose_customer_withdrawal(
    connector: ExchangeConnector,
    registry: ChainRegistry,
    user_id: str,
    withdrawal_id: str,
    *,
    now: datetime,
) -> WithdrawalDiagnosis:
    """Where one of the customer's withdrawals stands; 404 for anyone else's."""
    registry = await effective_registry(connector, registry)
    with _exchange():
        withdrawals = await connector.list_withdrawals(user_id)
    found = next((w for w in withdrawals if w.id == withdrawal_id), None)
    if found is None:
        raise WithdrawalNotFound(f"withdrawal {withdrawal_id!r} not found")
    return diagnose_withdrawal(registry, found, now)


@dataclass(frozen=True)
class CustomerPanel:
    """The agent's 360° view of a customer at the exchange."""

    profile: CustomerProfile
    balances: Sequence[Balance]
    deposits: Sequence[tuple[Deposit, DepositDiagnosis]]
    withdrawals: Sequence[tuple[Withdrawal, WithdrawalDiagnosis]]
    security_events: Sequence[SecurityEvent]


async def customer_panel(
    connector: ExchangeConnector, registry: ChainRegistry, user_id: str, *, now: datetime
) -> CustomerPanel:
    """Profile, balances, recent deposits and withdrawals each diagnosed, security events."""
    registry = await effective_registry(connector, registry)
    with _exchange():
        profile = await connector.get_profile(user_id)
        if profile is None:
            raise NoExchangeAccount("no exchange account is linked to this customer")
        balances = await connector.get_balances(user_id)
        deposits = list(await connector.list_deposits(user_id, since=now - DEPOSIT_LOOKBACK))
        addresses = await connector.list_deposit_addresses(user_id)
        withdrawals = list(await connector.list_withdrawals(user_id))[:PANEL_ITEMS]
        events = await connector.list_security_events(user_id, now - SECURITY_LOOKBACK)
    diagnosed = []
    for dep in deposits[:PANEL_ITEMS]:
        diagnosis = diagnose_deposit(
            registry,
            deposits=deposits if dep.txid else [dep],
            deposit_addresses=addresses,
            chain_tx=None,
            txid=dep.txid,
            asset=dep.asset,
            now=now,
        )
        diagnosed.append((dep, diagnosis))
    return CustomerPanel(
        profile=profile,
        balances=balances,
        deposits=diagnosed,
        withdrawals=[(w, diagnose_withdrawal(registry, w, now)) for w in withdrawals],
        security_events=list(reversed(events)),
    )
