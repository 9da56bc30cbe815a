"""The chain registry: which assets the exchange supports on which networks, and their rules.

Loaded from `chains.yaml` into frozen dataclasses. Lookups accept the codes customers actually
type ("ERC20", "trc20", "BEP20", "Polygon") through per-network aliases, and raise
`UnknownAsset` / `UnknownNetwork` (plain exceptions; the web layer maps them to 4xx).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from trustdesk.exchange.types import AddressFamily

__all__ = [
    "AssetNetwork",
    "ChainRegistry",
    "MemoKind",
    "MemoSpec",
    "Network",
    "RegistryError",
    "UnknownAsset",
    "UnknownNetwork",
    "default_registry",
    "load_registry",
    "registry_from_mapping",
]


class RegistryError(Exception):
    """Base class for registry lookup failures."""


class UnknownAsset(RegistryError):
    """The asset is not listed by the exchange."""


class UnknownNetwork(RegistryError):
    """The network is unknown, or the asset is not supported on it."""


class MemoKind(StrEnum):
    INTEGER = "integer"
    TEXT = "text"
    REGEX = "regex"


@dataclass(frozen=True, slots=True)
class MemoSpec:
    """What a memo / destination tag / comment must look like on a shared-address network."""

    label: str
    kind: MemoKind
    min_value: int | None = None
    max_value: int | None = None
    max_bytes: int | None = None
    pattern: str | None = None


@dataclass(frozen=True, slots=True)
class Network:
    """One blockchain network the exchange runs nodes for."""

    code: str
    name: str
    family: AddressFamily
    native_asset: str
    block_time_seconds: float
    explorer_tx_url: str
    chain_id: int | None = None
    memo: MemoSpec | None = None
    maintenance: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def is_evm(self) -> bool:
        return self.family is AddressFamily.EVM

    @property
    def memo_required(self) -> bool:
        return self.memo is not None

    def explorer_url(self, txid: str) -> str:
        return self.explorer_tx_url.format(txid=txid)

    def eta_minutes(self, confirmations_left: int) -> int:
        """Minutes until `confirmations_left` more blocks, rounded up; 0 when none are left."""
        if confirmations_left <= 0:
            return 0
        return max(1, math.ceil(confirmations_left * self.block_time_seconds / 60))


@dataclass(frozen=True, slots=True)
class AssetNetwork:
    """The rules for one asset on one network (e.g. USDT on TRX)."""

    asset: str
    network: str
    decimals: int
    confirmations_to_credit: int
    confirmations_to_unlock: int
    min_deposit: Decimal
    min_withdrawal: Decimal
    withdrawal_fee: Decimal
    recovery_fee: Decimal
    auto_recovery_cap: Decimal
    contract: str | None = None
    deposits_enabled: bool = True
    withdrawals_enabled: bool = True
    # Several deposits under the minimum to the same address are credited together once their
    # total reaches the minimum (the policy most large exchanges publish).
    accumulates_below_minimum: bool = True

    @property
    def is_token(self) -> bool:
        return self.contract is not None


def _norm(code: str) -> str:
    # "BEP-20", "bep20" and "Arbitrum One" / "ARBITRUM_ONE" are the same name.
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _contract_key(network: Network, contract: str) -> str:
    # EVM contracts compare case-insensitively (EIP-55 only adds a checksum); base58 does not.
    return contract.lower() if network.is_evm else contract.strip()


@dataclass(frozen=True)
class ChainRegistry:
    """Immutable view of every supported network and (asset, network) pair."""

    networks: Mapping[str, Network]
    asset_networks: Mapping[tuple[str, str], AssetNetwork]
    asset_names: Mapping[str, str]
    _aliases: Mapping[str, str] = field(repr=False, compare=False)
    _contracts: Mapping[tuple[str, str], AssetNetwork] = field(repr=False, compare=False)

    # -- lookups -----------------------------------------------------------------------------

    def network_code(self, network: str) -> str:
        """Canonical code for a network code or alias ("erc20" -> "ETH")."""
        code = self._aliases.get(_norm(network))
        if code is None:
            raise UnknownNetwork(f"Unknown network: {network!r}")
        return code

    def network(self, network: str) -> Network:
        return self.networks[self.network_code(network)]

    def asset_code(self, asset: str) -> str:
        code = _norm(asset)
        if code not in self.asset_names:
            raise UnknownAsset(f"Unknown asset: {asset!r}")
        return code

    def asset_network(self, asset: str, network: str) -> AssetNetwork:
        """Rules for `asset` on `network`; UnknownAsset / UnknownNetwork when unsupported."""
        asset_code = self.asset_code(asset)
        network_code = self.network_code(network)
        entry = self.asset_networks.get((asset_code, network_code))
        if entry is None:
            raise UnknownNetwork(
                f"{asset_code} is not supported on {network_code}; "
                f"supported: {', '.join(self.networks_for_asset(asset_code))}"
            )
        return entry

    def find_asset_network(self, asset: str | None, network: str | None) -> AssetNetwork | None:
        """Like `asset_network` but returns None instead of raising."""
        if asset is None or network is None:
            return None
        try:
            return self.asset_network(asset, network)
        except RegistryError:
            return None

    def find_network(self, network: str | None) -> Network | None:
        if network is None:
            return None
        code = self._aliases.get(_norm(network))
        return None if code is None else self.networks[code]

    def assets(self) -> tuple[str, ...]:
        return tuple(self.asset_names)

    def networks_for_asset(self, asset: str) -> tuple[str, ...]:
        """Network codes on which `asset` can be deposited or withdrawn, in registry order."""
        code = self.asset_code(asset)
        return tuple(net for (a, net) in self.asset_networks if a == code)

    def asset_networks_for(self, asset: str) -> tuple[AssetNetwork, ...]:
        code = self.asset_code(asset)
        return tuple(v for (a, _), v in self.asset_networks.items() if a == code)

    def networks_for_family(self, family: AddressFamily | str) -> frozenset[str]:
        """Every network on which an address of `family` is valid (one EVM address: 4 networks)."""
        fam = AddressFamily(family)
        return frozenset(code for code, net in self.networks.items() if net.family is fam)

    def native_asset_network(self, network: str) -> AssetNetwork | None:
        net = self.network(network)
        return self.asset_networks.get((net.native_asset, net.code))

    def token_by_contract(self, network: str, contract: str | None) -> AssetNetwork | None:
        """The listed asset behind a token contract (None contract: the native coin)."""
        net = self.network(network)
        if contract is None:
            return self.asset_networks.get((net.native_asset, net.code))
        return self._contracts.get((net.code, _contract_key(net, contract)))

    # -- derived registries (admin toggles, tests) ---------------------------------------------

    def with_network(self, network: str, **changes: Any) -> ChainRegistry:
        """A copy with one network's fields changed, e.g. `maintenance=True`."""
        net = self.network(network)
        networks = dict(self.networks)
        networks[net.code] = dataclasses.replace(net, **changes)
        return _build(networks, dict(self.asset_networks), dict(self.asset_names))

    def with_asset_network(self, asset: str, network: str, **changes: Any) -> ChainRegistry:
        """A copy with one (asset, network) entry changed, e.g. `deposits_enabled=False`."""
        entry = self.asset_network(asset, network)
        entries = dict(self.asset_networks)
        entries[(entry.asset, entry.network)] = dataclasses.replace(entry, **changes)
        return _build(dict(self.networks), entries, dict(self.asset_names))


def _build(
    networks: dict[str, Network],
    entries: dict[tuple[str, str], AssetNetwork],
    asset_names: dict[str, str],
) -> ChainRegistry:
    aliases: dict[str, str] = {}
    for code, net in networks.items():
        for name in (code, *net.aliases):
            key = _norm(name)
            if aliases.get(key, code) != code:
                raise ValueError(f"Network alias {name!r} used by {aliases[key]} and {code}")
            aliases[key] = code
    contracts: dict[tuple[str, str], AssetNetwork] = {}
    for entry in entries.values():
        if entry.contract is not None:
            contracts[(entry.network, _contract_key(networks[entry.network], entry.contract))] = (
                entry
            )
    return ChainRegistry(
        networks=MappingProxyType(networks),
        asset_networks=MappingProxyType(entries),
        asset_names=MappingProxyType(asset_names),
        _aliases=MappingProxyType(aliases),
        _contracts=MappingProxyType(contracts),
    )


def _memo_spec(raw: Mapping[str, Any] | None) -> MemoSpec | None:
    if not raw:
        return None
    spec = MemoSpec(
        label=str(raw["label"]),
        kind=MemoKind(raw["kind"]),
        min_value=raw.get("min"),
        max_value=raw.get("max"),
        max_bytes=raw.get("max_bytes"),
        pattern=raw.get("pattern"),
    )
    if spec.kind is MemoKind.REGEX:
        re.compile(spec.pattern or "")
    return spec


def _decimal(value: Any, where: str) -> Decimal:
    # Floats in YAML would carry binary rounding into money; insist on strings or ints.
    if isinstance(value, float):
        raise ValueError(f"{where}: write amounts as quoted strings, not floats ({value!r})")
    return Decimal(str(value))


def registry_from_mapping(data: Mapping[str, Any]) -> ChainRegistry:
    """Build a registry from the parsed YAML structure (see chains.yaml)."""
    networks: dict[str, Network] = {}
    for code, raw in data["networks"].items():
        code = _norm(code)
        networks[code] = Network(
            code=code,
            name=str(raw["name"]),
            family=AddressFamily(raw["family"]),
            native_asset=_norm(raw["native_asset"]),
            block_time_seconds=float(raw["block_time_seconds"]),
            explorer_tx_url=str(raw["explorer_tx_url"]),
            chain_id=raw.get("chain_id"),
            memo=_memo_spec(raw.get("memo")),
            maintenance=bool(raw.get("maintenance", False)),
            aliases=tuple(str(a) for a in raw.get("aliases", ())),
        )
    entries: dict[tuple[str, str], AssetNetwork] = {}
    asset_names: dict[str, str] = {}
    for asset, raw_asset in data["assets"].items():
        asset = _norm(asset)
        asset_names[asset] = str(raw_asset.get("name", asset))
        for net_code, raw in raw_asset["networks"].items():
            net_code = _norm(net_code)
            if net_code not in networks:
                raise ValueError(f"{asset}: unknown network {net_code}")
            where = f"{asset}/{net_code}"
            entries[(asset, net_code)] = AssetNetwork(
                asset=asset,
                network=net_code,
                decimals=int(raw["decimals"]),
                confirmations_to_credit=int(raw["confirmations_to_credit"]),
                confirmations_to_unlock=int(raw["confirmations_to_unlock"]),
                min_deposit=_decimal(raw["min_deposit"], where),
                min_withdrawal=_decimal(raw["min_withdrawal"], where),
                withdrawal_fee=_decimal(raw["withdrawal_fee"], where),
                recovery_fee=_decimal(raw["recovery_fee"], where),
                auto_recovery_cap=_decimal(raw["auto_recovery_cap"], where),
                contract=raw.get("contract"),
                deposits_enabled=bool(raw.get("deposits_enabled", True)),
                withdrawals_enabled=bool(raw.get("withdrawals_enabled", True)),
                accumulates_below_minimum=bool(raw.get("accumulates_below_minimum", True)),
            )
    return _build(networks, entries, asset_names)


def load_registry(path: str | Path | None = None) -> ChainRegistry:
    """Load a registry from a YAML file; the packaged `chains.yaml` by default."""
    if path is None:
        text = resources.files("trustdesk.exchange").joinpath("chains.yaml").read_text("utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return registry_from_mapping(yaml.safe_load(text))


@cache
def default_registry() -> ChainRegistry:
    """The packaged registry, loaded once per process."""
    return load_registry()
