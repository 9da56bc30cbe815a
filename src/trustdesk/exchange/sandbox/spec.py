"""The sandbox file: parse and check it into plain values before anything touches the database.

The format is documented in `trustdesk/exchange/SANDBOX.md`. Every error names the entry it is
about, e.g. ``users[2] (u-1003).deposits[0] (d-7): unknown network 'ERC-21'``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from trustdesk.exchange.addresses import validate_address, validate_memo, validate_txid
from trustdesk.exchange.chains import AssetNetwork, ChainRegistry, RegistryError
from trustdesk.exchange.types import (
    AccountState,
    DepositStatus,
    KycStatus,
    SecurityEventKind,
    WithdrawalStatus,
)

__all__ = ["SandboxFileError", "SandboxSpec", "parse_sandbox", "read_sandbox_file"]


class SandboxFileError(ValueError):
    """The sandbox file is malformed; the message names the bad entry."""


@dataclass(frozen=True)
class NetworkSpec:
    code: str
    height: int | None
    maintenance: bool | None


@dataclass(frozen=True)
class ChainTxSpec:
    txid: str
    network: str
    asset: str | None
    token_contract: str | None
    from_address: str | None
    to_address: str
    memo: str | None
    amount: Decimal
    confirmations: int
    broadcast: bool


@dataclass(frozen=True)
class DepositSpec:
    id: str
    asset: str
    network: str
    amount: Decimal
    txid: str | None
    from_address: str | None
    to_address: str
    memo: str | None
    status: DepositStatus
    confirmations: int
    auto_credit: bool
    compliance_hold: bool
    detected_at: datetime
    credited_at: datetime | None


@dataclass(frozen=True)
class WithdrawalSpec:
    id: str
    asset: str
    network: str
    amount: Decimal
    fee: Decimal
    to_address: str
    memo: str | None
    status: WithdrawalStatus
    txid: str | None
    confirmations: int
    hold_reason_code: str | None
    reject_code: str | None
    created_at: datetime


@dataclass(frozen=True)
class UserSpec:
    id: str
    email: str | None
    phone: str | None
    vip_level: int
    kyc_level: int
    kyc_status: KycStatus
    account_state: AccountState
    balances: tuple[tuple[str, Decimal, Decimal], ...]
    # (asset, network, address, memo)
    deposit_addresses: tuple[tuple[str, str, str, str | None], ...]
    # (kind, at, ip, device_id, country, asn)
    security_events: tuple[tuple[SecurityEventKind, datetime, Any, Any, Any, Any], ...]
    deposits: tuple[DepositSpec, ...]
    withdrawals: tuple[WithdrawalSpec, ...]
    chain_transactions: tuple[ChainTxSpec, ...]


@dataclass(frozen=True)
class SandboxSpec:
    networks: tuple[NetworkSpec, ...] = ()
    users: tuple[UserSpec, ...] = field(default_factory=tuple)


_DURATION = re.compile(r"(\d+)\s*([dhms])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


class _Ctx:
    """Where we are in the file, for error messages."""

    def __init__(self, registry: ChainRegistry, now: datetime) -> None:
        self.registry = registry
        self.now = now

    def fail(self, where: str, message: str) -> SandboxFileError:
        return SandboxFileError(f"{where}: {message}")


def _mapping(value: Any, where: str, ctx: _Ctx) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ctx.fail(where, f"expected a mapping, got {type(value).__name__}")
    return value


def _list(value: Any, where: str, ctx: _Ctx) -> Sequence[Any]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ctx.fail(where, f"expected a list, got {type(value).__name__}")
    return value


def _check_keys(raw: Mapping[str, Any], allowed: set[str], where: str, ctx: _Ctx) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ctx.fail(
            where, f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


def _required(raw: Mapping[str, Any], key: str, where: str, ctx: _Ctx) -> Any:
    if raw.get(key) in (None, ""):
        raise ctx.fail(where, f"'{key}' is required")
    return raw[key]


def _str(value: Any) -> str | None:
    return None if value is None else str(value).strip() or None


def _amount(value: Any, where: str, ctx: _Ctx, name: str = "amount") -> Decimal:
    # Floats would carry binary rounding into money: amounts are strings or integers.
    if isinstance(value, (float, bool)):
        raise ctx.fail(where, f"write '{name}' as a quoted string, not {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ctx.fail(where, f"'{name}' is not a number: {value!r}") from exc
    if not amount.is_finite() or amount < 0:
        raise ctx.fail(where, f"'{name}' must be a non-negative number, got {value!r}")
    return amount


def _int(value: Any, where: str, ctx: _Ctx, name: str, default: int = 0) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ctx.fail(where, f"'{name}' must be a whole number >= 0, got {value!r}")
    return value


def _bool(value: Any, where: str, ctx: _Ctx, name: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ctx.fail(where, f"'{name}' must be true or false, got {value!r}")
    return value


def _enum(kind: Any, value: Any, where: str, ctx: _Ctx, name: str, default: Any = None) -> Any:
    if value is None and default is not None:
        return default
    try:
        return kind(str(value))
    except ValueError as exc:
        allowed = ", ".join(m.value for m in kind)
        raise ctx.fail(where, f"'{name}' must be one of {allowed}; got {value!r}") from exc


def _time(raw: Mapping[str, Any], prefix: str, where: str, ctx: _Ctx, required: bool) -> Any:
    """`<prefix>_at` (ISO 8601 with offset) or `<prefix>_ago` ("90m", "2h", "1d12h");
    plain `at` / `ago` when `prefix` is empty."""
    at_key, ago_key = (f"{prefix}_at", f"{prefix}_ago") if prefix else ("at", "ago")
    at, ago = raw.get(at_key), raw.get(ago_key)
    if at is not None and ago is not None:
        raise ctx.fail(where, f"give either '{at_key}' or '{ago_key}', not both")
    if at is not None:
        if isinstance(at, str):
            try:
                at = datetime.fromisoformat(at)
            except ValueError as exc:
                raise ctx.fail(where, f"'{at_key}' is not an ISO 8601 time: {at!r}") from exc
        if not isinstance(at, datetime) or at.tzinfo is None:
            raise ctx.fail(where, f"'{at_key}' needs a UTC offset, e.g. 2026-11-02T03:00:00Z")
        return at.astimezone(UTC)
    if ago is not None:
        text = str(ago).replace(" ", "")
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ctx.fail(where, f"'{ago_key}' must look like 30s, 15m, 2h, 3d or 1d6h: {ago!r}")
        delta = timedelta()
        for number, unit in parts:
            delta += timedelta(**{_UNITS[unit]: int(number)})
        return ctx.now - delta
    if required:
        raise ctx.fail(where, f"'{at_key}' or '{ago_key}' is required")
    return None


def _asset_network(asset: Any, network: Any, where: str, ctx: _Ctx) -> AssetNetwork:
    reg = ctx.registry
    try:
        reg.asset_code(str(asset))
    except RegistryError as exc:
        raise ctx.fail(
            where, f"unknown asset {asset!r}; supported: {', '.join(reg.assets())}"
        ) from exc
    try:
        return reg.asset_network(str(asset), str(network))
    except RegistryError as exc:
        raise ctx.fail(where, str(exc)) from exc


def _network(network: Any, where: str, ctx: _Ctx) -> str:
    try:
        return ctx.registry.network_code(str(network))
    except RegistryError as exc:
        known = ", ".join(ctx.registry.networks)
        raise ctx.fail(where, f"unknown network {network!r}; known: {known}") from exc


def _address(network: str, address: Any, where: str, ctx: _Ctx, name: str) -> str:
    text = str(address).strip()
    check = validate_address(network, text, registry=ctx.registry)
    if not check.valid:
        raise ctx.fail(where, f"'{name}' {text!r} is not a valid {network} address: {check.reason}")
    return text


def _memo(network: str, memo: Any, where: str, ctx: _Ctx) -> str | None:
    text = _str(memo)
    if text is None:
        return None
    net = ctx.registry.network(network)
    if net.memo is None:
        raise ctx.fail(where, f"{network} has no memo/tag; remove 'memo'")
    check = validate_memo(net, text)
    if not check.valid:
        raise ctx.fail(where, f"bad {net.memo.label}: {check.reason}")
    return check.normalized


def _txid(network: str, txid: Any, where: str, ctx: _Ctx) -> str | None:
    text = _str(txid)
    if text is None:
        return None
    check = validate_txid(ctx.registry.network(network).family, text)
    if not check.valid:
        raise ctx.fail(where, f"txid {text!r} is malformed for {network}: {check.reason}")
    return text


_USER_KEYS = {
    "id", "email", "phone", "vip_level", "kyc_level", "kyc_status", "account_state", "note",
    "balances", "deposit_addresses", "security_events", "deposits", "withdrawals",
    "chain_transactions",
}  # fmt: skip
_DEPOSIT_KEYS = {
    "id", "asset", "network", "amount", "txid", "from_address", "to_address", "memo", "status",
    "confirmations", "auto_credit", "compliance_hold", "detected_at", "detected_ago",
    "credited_at", "credited_ago", "note",
}  # fmt: skip
_WITHDRAWAL_KEYS = {
    "id", "asset", "network", "amount", "fee", "to_address", "memo", "status", "txid",
    "confirmations", "hold_reason_code", "reject_code", "created_at", "created_ago", "note",
}  # fmt: skip
_CHAIN_KEYS = {
    "txid", "network", "asset", "token_contract", "from_address", "to_address", "memo", "amount",
    "confirmations", "broadcast", "note",
}  # fmt: skip


def _user(raw_any: Any, where: str, ctx: _Ctx) -> UserSpec:
    raw = _mapping(raw_any, where, ctx)
    user_id = _str(_required(raw, "id", where, ctx))
    assert user_id is not None
    where = f"{where} ({user_id})"
    _check_keys(raw, _USER_KEYS, where, ctx)
    vip = _int(raw.get("vip_level"), where, ctx, "vip_level")
    if vip > 9:
        raise ctx.fail(where, f"'vip_level' must be 0-9, got {vip}")

    balances = []
    for i, b_any in enumerate(_list(raw.get("balances"), f"{where}.balances", ctx)):
        w = f"{where}.balances[{i}]"
        b = _mapping(b_any, w, ctx)
        _check_keys(b, {"asset", "available", "locked"}, w, ctx)
        try:
            asset = ctx.registry.asset_code(str(_required(b, "asset", w, ctx)))
        except RegistryError as exc:
            supported = ", ".join(ctx.registry.assets())
            raise ctx.fail(w, f"unknown asset {b['asset']!r}; supported: {supported}") from exc
        balances.append(
            (
                asset,
                _amount(b.get("available", "0"), w, ctx, "available"),
                _amount(b.get("locked", "0"), w, ctx, "locked"),
            )
        )
    if len({a for a, _, _ in balances}) != len(balances):
        raise ctx.fail(f"{where}.balances", "an asset is listed twice")

    addresses = []
    for i, a_any in enumerate(_list(raw.get("deposit_addresses"), f"{where}.addresses", ctx)):
        w = f"{where}.deposit_addresses[{i}]"
        a = _mapping(a_any, w, ctx)
        _check_keys(a, {"asset", "network", "address", "memo"}, w, ctx)
        entry = _asset_network(
            _required(a, "asset", w, ctx), _required(a, "network", w, ctx), w, ctx
        )
        address = _address(entry.network, _required(a, "address", w, ctx), w, ctx, "address")
        addresses.append(
            (entry.asset, entry.network, address, _memo(entry.network, a.get("memo"), w, ctx))
        )

    events = []
    for i, e_any in enumerate(_list(raw.get("security_events"), f"{where}.events", ctx)):
        w = f"{where}.security_events[{i}]"
        e = _mapping(e_any, w, ctx)
        _check_keys(e, {"kind", "at", "ago", "ip", "device_id", "country", "asn"}, w, ctx)
        kind = _enum(SecurityEventKind, _required(e, "kind", w, ctx), w, ctx, "kind")
        at = _time(e, "", w, ctx, True)
        asn = e.get("asn")
        if asn is not None:
            asn = _int(asn, w, ctx, "asn")
        events.append(
            (kind, at, _str(e.get("ip")), _str(e.get("device_id")), _str(e.get("country")), asn)
        )

    deposits = tuple(
        _deposit(d, f"{where}.deposits[{i}]", ctx, addresses)
        for i, d in enumerate(_list(raw.get("deposits"), f"{where}.deposits", ctx))
    )
    withdrawals = tuple(
        _withdrawal(d, f"{where}.withdrawals[{i}]", ctx)
        for i, d in enumerate(_list(raw.get("withdrawals"), f"{where}.withdrawals", ctx))
    )
    chain = tuple(
        _chain_tx(d, f"{where}.chain_transactions[{i}]", ctx)
        for i, d in enumerate(_list(raw.get("chain_transactions"), f"{where}.chain", ctx))
    )
    return UserSpec(
        id=user_id,
        email=_str(raw.get("email")),
        phone=_str(raw.get("phone")),
        vip_level=vip,
        kyc_level=_int(raw.get("kyc_level"), where, ctx, "kyc_level"),
        kyc_status=_enum(
            KycStatus, raw.get("kyc_status"), where, ctx, "kyc_status", KycStatus.NONE
        ),
        account_state=_enum(
            AccountState, raw.get("account_state"), where, ctx, "account_state", AccountState.ACTIVE
        ),
        balances=tuple(balances),
        deposit_addresses=tuple(addresses),
        security_events=tuple(events),
        deposits=deposits,
        withdrawals=withdrawals,
        chain_transactions=chain,
    )


def _deposit(
    raw_any: Any, where: str, ctx: _Ctx, addresses: Sequence[tuple[str, str, str, str | None]]
) -> DepositSpec:
    raw = _mapping(raw_any, where, ctx)
    dep_id = _str(_required(raw, "id", where, ctx))
    assert dep_id is not None
    where = f"{where} ({dep_id})"
    _check_keys(raw, _DEPOSIT_KEYS, where, ctx)
    entry = _asset_network(
        _required(raw, "asset", where, ctx), _required(raw, "network", where, ctx), where, ctx
    )
    to = raw.get("to_address")
    memo = raw.get("memo")
    if to is None:
        # Default: the user's own address for this asset and network.
        own = next((a for a in addresses if a[0] == entry.asset and a[1] == entry.network), None)
        if own is None:
            raise ctx.fail(
                where,
                f"'to_address' is required: the user has no {entry.asset} address on "
                f"{entry.network} under deposit_addresses",
            )
        to, memo = own[2], memo if "memo" in raw else own[3]
    status = _enum(DepositStatus, raw.get("status"), where, ctx, "status", DepositStatus.CONFIRMING)
    default_conf = entry.confirmations_to_unlock if status is DepositStatus.CREDITED else 0
    detected = _time(raw, "detected", where, ctx, True)
    credited = _time(raw, "credited", where, ctx, False)
    if status is DepositStatus.CREDITED and credited is None:
        credited = detected + timedelta(minutes=2)
    return DepositSpec(
        id=dep_id,
        asset=entry.asset,
        network=entry.network,
        amount=_amount(_required(raw, "amount", where, ctx), where, ctx),
        txid=_txid(entry.network, raw.get("txid"), where, ctx),
        from_address=_str(raw.get("from_address")),
        to_address=_address(entry.network, to, where, ctx, "to_address"),
        memo=_memo(entry.network, memo, where, ctx),
        status=status,
        confirmations=_int(raw.get("confirmations"), where, ctx, "confirmations", default_conf),
        auto_credit=_bool(raw.get("auto_credit"), where, ctx, "auto_credit", True),
        compliance_hold=_bool(raw.get("compliance_hold"), where, ctx, "compliance_hold", False),
        detected_at=detected,
        credited_at=credited,
    )


def _withdrawal(raw_any: Any, where: str, ctx: _Ctx) -> WithdrawalSpec:
    raw = _mapping(raw_any, where, ctx)
    wd_id = _str(_required(raw, "id", where, ctx))
    assert wd_id is not None
    where = f"{where} ({wd_id})"
    _check_keys(raw, _WITHDRAWAL_KEYS, where, ctx)
    entry = _asset_network(
        _required(raw, "asset", where, ctx), _required(raw, "network", where, ctx), where, ctx
    )
    status = _enum(WithdrawalStatus, _required(raw, "status", where, ctx), where, ctx, "status")
    txid = _txid(entry.network, raw.get("txid"), where, ctx)
    if status in (WithdrawalStatus.BROADCAST, WithdrawalStatus.COMPLETED) and txid is None:
        raise ctx.fail(where, f"a {status.value} withdrawal needs a 'txid'")
    default_conf = entry.confirmations_to_unlock if status is WithdrawalStatus.COMPLETED else 0
    fee = raw.get("fee")
    return WithdrawalSpec(
        id=wd_id,
        asset=entry.asset,
        network=entry.network,
        amount=_amount(_required(raw, "amount", where, ctx), where, ctx),
        fee=entry.withdrawal_fee if fee is None else _amount(fee, where, ctx, "fee"),
        to_address=_address(
            entry.network, _required(raw, "to_address", where, ctx), where, ctx, "to_address"
        ),
        memo=_memo(entry.network, raw.get("memo"), where, ctx),
        status=status,
        txid=txid,
        confirmations=_int(raw.get("confirmations"), where, ctx, "confirmations", default_conf),
        hold_reason_code=_str(raw.get("hold_reason_code")),
        reject_code=_str(raw.get("reject_code")),
        created_at=_time(raw, "created", where, ctx, True),
    )


def _chain_tx(raw_any: Any, where: str, ctx: _Ctx) -> ChainTxSpec:
    raw = _mapping(raw_any, where, ctx)
    txid_raw = _required(raw, "txid", where, ctx)
    where = f"{where} ({txid_raw})"
    _check_keys(raw, _CHAIN_KEYS, where, ctx)
    network = _network(_required(raw, "network", where, ctx), where, ctx)
    txid = _txid(network, txid_raw, where, ctx)
    assert txid is not None
    contract = _str(raw.get("token_contract"))
    asset = _str(raw.get("asset"))
    if asset is None:
        known = ctx.registry.token_by_contract(network, contract)
        asset = known.asset if known else None
    return ChainTxSpec(
        txid=txid,
        network=network,
        asset=asset.upper() if asset else None,
        token_contract=contract,
        from_address=_str(raw.get("from_address")),
        to_address=_address(
            network, _required(raw, "to_address", where, ctx), where, ctx, "to_address"
        ),
        memo=_str(raw.get("memo")),
        amount=_amount(_required(raw, "amount", where, ctx), where, ctx),
        confirmations=_int(raw.get("confirmations"), where, ctx, "confirmations", 0),
        broadcast=_bool(raw.get("broadcast"), where, ctx, "broadcast", True),
    )


def parse_sandbox(data: Any, registry: ChainRegistry, now: datetime) -> SandboxSpec:
    """Check a parsed sandbox file (or API body); relative times (`*_ago`) count back from
    `now`. Raises `SandboxFileError` naming the first bad entry."""
    ctx = _Ctx(registry, now)
    root = _mapping(data, "file", ctx)
    _check_keys(root, {"networks", "users"}, "file", ctx)
    networks = []
    raw_nets = root.get("networks") or {}
    for code, raw_any in _mapping(raw_nets, "networks", ctx).items():
        where = f"networks.{code}"
        net = _network(code, where, ctx)
        raw = _mapping(raw_any or {}, where, ctx)
        _check_keys(raw, {"height", "maintenance"}, where, ctx)
        height = raw.get("height")
        networks.append(
            NetworkSpec(
                code=net,
                height=None if height is None else _int(height, where, ctx, "height"),
                maintenance=None
                if raw.get("maintenance") is None
                else _bool(raw.get("maintenance"), where, ctx, "maintenance", False),
            )
        )
    users = tuple(
        _user(u, f"users[{i}]", ctx) for i, u in enumerate(_list(root.get("users"), "users", ctx))
    )
    seen: dict[str, str] = {}
    for kind, ids in (
        ("user", [u.id for u in users]),
        ("deposit", [d.id for u in users for d in u.deposits]),
        ("withdrawal", [w.id for u in users for w in u.withdrawals]),
    ):
        seen.clear()
        for item in ids:
            if item in seen:
                raise SandboxFileError(f"{kind} id {item!r} appears twice in the file")
            seen[item] = item
    return SandboxSpec(networks=tuple(networks), users=users)


def read_sandbox_file(path: str | Path) -> Any:
    """The YAML (or JSON) document in `path`, parsed but not yet checked."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SandboxFileError(f"{path}: not valid YAML: {exc}") from exc
