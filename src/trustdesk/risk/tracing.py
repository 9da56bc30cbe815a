"""Fund tracing: follow stolen funds hop by hop over chain data, toward a downstream exchange.

Two halves:
- `collect_snapshot` (async, no database) asks a `ChainGraph` for the outgoing transfers of every
  address the funds may have reached, breadth first, up to `max_hops` and a node budget, and
  returns a frozen `GraphSnapshot`. The graph can be our own table (`trustdesk.trust`'s
  `DbChainGraph`, loaded from sandbox YAML) or an exchange / analytics connector.
- `trace_funds` (pure) walks that snapshot and attributes the stolen amount to each transfer.

Amount attribution: **proportional ("haircut") with time order and capacity caps.** A parcel of
stolen funds that reached an address at time `t` leaves through the transfers of the same asset
that the address made at or after `t`, shared in proportion to their amounts; a transfer never
carries more stolen funds than its own amount, whatever number of parcels reached its sender
(merges), and what the address did not send on stays there ("unspent"). Proportional is the
conservative choice for evidence: it never claims more than the chain shows, and it does not
depend on a wallet's internal coin order, which FIFO would have to guess for account-based
chains. Cycles end on their own (a transfer's remaining capacity only shrinks, and money cannot
move back in time), and `max_hops`, `min_amount` and `MAX_PARCELS` bound the walk.

Following stops at an address tagged with a stop category (exchange, mixer, bridge by default):
at an exchange the funds can be frozen, so the *first* known exchange of each path is the answer
the case needs; past a mixer or a bridge the chain no longer tells where the money went.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

__all__ = [
    "AddressTag",
    "ChainGraph",
    "ExchangeHit",
    "GraphSnapshot",
    "StartKind",
    "TraceAddress",
    "TraceEdge",
    "TracePath",
    "TraceResult",
    "TraceStart",
    "Transfer",
    "collect_snapshot",
    "normalize_address",
    "trace_funds",
]

# Upper bound on the parcels one trace may create: a fan-out graph cannot run away.
MAX_PARCELS = 20_000
# Upper bound on the addresses `collect_snapshot` asks the graph about.
MAX_ADDRESSES = 5_000
# Upper bound on the paths kept in the result (the edges and addresses are always complete).
MAX_PATHS = 500
DEFAULT_STOP_CATEGORIES = frozenset({"exchange", "mixer", "bridge"})


class TagCategory(StrEnum):
    EXCHANGE = "exchange"
    BRIDGE = "bridge"
    MIXER = "mixer"
    DEFI = "defi"
    SCAM = "scam"
    SANCTIONED = "sanctioned"
    MERCHANT = "merchant"
    PERSONAL = "personal"
    OTHER = "other"


class StartKind(StrEnum):
    ADDRESS = "address"
    TXID = "txid"


def normalize_address(address: str) -> str:
    """The form addresses are compared in: EVM hex is case-insensitive, the rest is not."""
    address = address.strip()
    if address[:2].lower() == "0x":
        return address.lower()
    return address


@dataclass(frozen=True)
class Transfer:
    """One movement of value on a chain: what `ChainGraph` returns for an address."""

    txid: str
    network: str
    from_address: str
    to_address: str
    amount: Decimal
    asset: str
    at: datetime
    index: int = 0  # output / log index: one transaction can pay several addresses

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.network, self.txid, self.index, self.to_address)


@dataclass(frozen=True)
class AddressTag:
    """What is known about an address: an exchange deposit wallet, a bridge, a mixer, ..."""

    network: str
    address: str
    category: str
    label: str
    source: str
    confidence: float


class ChainGraph(Protocol):
    """Chain data a trace reads: the DB-backed sandbox graph or a connector to an indexer."""

    async def outgoing(self, network: str, address: str) -> Sequence[Transfer]:
        """Every transfer sent by `address` on `network`, oldest first."""
        ...

    async def by_txid(self, network: str, txid: str) -> Sequence[Transfer]:
        """The transfers (outputs) of one transaction."""
        ...

    async def tags(self, network: str, addresses: Iterable[str]) -> Sequence[AddressTag]:
        """The tags known for these addresses."""
        ...


@dataclass(frozen=True)
class TraceStart:
    """Where the stolen funds are first seen: an address holding them, or the theft's txid.

    With a txid, the funds start at each recipient of that transaction (its full amount, or
    `amount` when given). With an address, `amount` (required) is what it received at `at`.
    `asset` narrows the trace to one asset (needed for an address start).
    """

    network: str
    kind: StartKind
    value: str
    asset: str | None = None
    amount: Decimal | None = None
    at: datetime | None = None


@dataclass
class GraphSnapshot:
    """The part of the chain graph a trace needs, fetched once."""

    outgoing: dict[tuple[str, str], list[Transfer]] = field(default_factory=dict)
    by_txid: dict[tuple[str, str], list[Transfer]] = field(default_factory=dict)
    tags: dict[tuple[str, str], list[AddressTag]] = field(default_factory=dict)
    truncated: bool = False

    @classmethod
    def of(cls, transfers: Iterable[Transfer], tags: Iterable[AddressTag] = ()) -> GraphSnapshot:
        """A snapshot holding a whole (small) graph: tests and the sandbox."""
        snap = cls()
        for t in transfers:
            snap.outgoing.setdefault((t.network, normalize_address(t.from_address)), []).append(t)
            snap.by_txid.setdefault((t.network, t.txid), []).append(t)
        for lst in snap.outgoing.values():
            lst.sort(key=lambda t: (t.at, t.txid, t.index))
        for tag in tags:
            snap.tags.setdefault((tag.network, normalize_address(tag.address)), []).append(tag)
        return snap


@dataclass(frozen=True)
class TraceEdge:
    """A transfer on the path of the stolen funds, with the part of it attributed to them."""

    txid: str
    network: str
    index: int
    from_address: str
    to_address: str
    amount: Decimal
    traced_amount: Decimal
    asset: str
    at: datetime
    hop: int


@dataclass(frozen=True)
class TraceAddress:
    """An address the funds reached: how much, first at which hop, and what is known of it."""

    network: str
    address: str
    received: Decimal
    unspent: Decimal
    first_hop: int
    tags: tuple[AddressTag, ...]
    stop: str | None  # exchange | mixer | bridge | max_hops | None


@dataclass(frozen=True)
class ExchangeHit:
    """The first known exchange on a path: who to ask to freeze, and how much arrived."""

    network: str
    address: str
    label: str
    source: str
    confidence: float
    amount: Decimal
    hop: int
    txids: tuple[str, ...]


@dataclass(frozen=True)
class TracePath:
    """One route of funds from a start to where the walk ended."""

    addresses: tuple[str, ...]
    txids: tuple[str, ...]
    amount: Decimal
    end: str  # exchange | mixer | bridge | unspent | max_hops | below_min
    first_exchange: str | None


_PLACES = Decimal(10) ** -18


def format_amount(value: Decimal) -> str:
    """An amount as evidence shows it: at most 18 decimals, no trailing zeros, no exponent."""
    text = format(value.quantize(_PLACES).normalize(), "f")
    return "0" if text in ("-0", "0E-18") else text


@dataclass
class TraceResult:
    """What a trace found. `to_dict` is the stored / exported form (amounts as strings)."""

    starts: list[TraceStart]
    edges: list[TraceEdge]
    addresses: list[TraceAddress]
    exchanges: list[ExchangeHit]
    paths: list[TracePath]
    max_hops: int
    min_amount: Decimal
    attribution: str
    generated_at: datetime
    truncated: bool = False
    total_started: Decimal = Decimal(0)

    def to_dict(self) -> dict[str, Any]:
        def tag(t: AddressTag) -> dict[str, Any]:
            return {
                "category": t.category,
                "label": t.label,
                "source": t.source,
                "confidence": t.confidence,
            }

        return {
            "attribution": self.attribution,
            "max_hops": self.max_hops,
            "min_amount": format_amount(self.min_amount),
            "generated_at": self.generated_at.isoformat(),
            "truncated": self.truncated,
            "total_started": format_amount(self.total_started),
            "starts": [
                {
                    "network": s.network,
                    "kind": str(s.kind),
                    "value": s.value,
                    "asset": s.asset,
                    "amount": None if s.amount is None else format_amount(s.amount),
                    "at": None if s.at is None else s.at.isoformat(),
                }
                for s in self.starts
            ],
            "edges": [
                {
                    "hop": e.hop,
                    "txid": e.txid,
                    "index": e.index,
                    "network": e.network,
                    "from": e.from_address,
                    "to": e.to_address,
                    "amount": format_amount(e.amount),
                    "traced_amount": format_amount(e.traced_amount),
                    "asset": e.asset,
                    "at": e.at.isoformat(),
                }
                for e in self.edges
            ],
            "addresses": [
                {
                    "network": a.network,
                    "address": a.address,
                    "received": format_amount(a.received),
                    "unspent": format_amount(a.unspent),
                    "first_hop": a.first_hop,
                    "stop": a.stop,
                    "tags": [tag(t) for t in a.tags],
                }
                for a in self.addresses
            ],
            "exchanges": [
                {
                    "network": x.network,
                    "address": x.address,
                    "label": x.label,
                    "source": x.source,
                    "confidence": x.confidence,
                    "amount": format_amount(x.amount),
                    "hop": x.hop,
                    "txids": list(x.txids),
                }
                for x in self.exchanges
            ],
            "paths": [
                {
                    "addresses": list(p.addresses),
                    "txids": list(p.txids),
                    "amount": format_amount(p.amount),
                    "end": p.end,
                    "first_exchange": p.first_exchange,
                }
                for p in self.paths
            ],
        }


@dataclass
class _Parcel:
    network: str
    address: str
    asset: str
    amount: Decimal
    arrived_at: datetime
    hop: int
    addresses: tuple[str, ...]
    txids: tuple[str, ...]


def _stop_tag(tags: Sequence[AddressTag], stop_categories: frozenset[str]) -> AddressTag | None:
    hits = [t for t in tags if t.category in stop_categories]
    if not hits:
        return None
    # An exchange wins: it is where a freeze request goes.
    return max(hits, key=lambda t: (t.category == "exchange", t.confidence))


def _start_parcels(
    snapshot: GraphSnapshot, starts: Sequence[TraceStart], now: datetime
) -> tuple[list[_Parcel], list[TraceEdge]]:
    parcels: list[_Parcel] = []
    edges: list[TraceEdge] = []
    for s in starts:
        if s.kind is StartKind.TXID:
            outputs = [
                t
                for t in snapshot.by_txid.get((s.network, s.value.strip()), [])
                if (s.asset is None or t.asset == s.asset) and t.at <= now
            ]
            total = sum((t.amount for t in outputs), Decimal(0))
            for t in outputs:
                amount = t.amount
                if s.amount is not None and total > 0:
                    amount = min(t.amount, s.amount * t.amount / total)
                to = normalize_address(t.to_address)
                edges.append(
                    TraceEdge(
                        t.txid,
                        t.network,
                        t.index,
                        normalize_address(t.from_address),
                        to,
                        t.amount,
                        amount,
                        t.asset,
                        t.at,
                        0,
                    )
                )
                parcels.append(_Parcel(t.network, to, t.asset, amount, t.at, 0, (to,), (t.txid,)))
        else:
            if s.amount is None or s.asset is None:
                raise ValueError(f"start address {s.value}: give the amount and the asset")
            address = normalize_address(s.value)
            arrived = s.at or datetime.min.replace(tzinfo=now.tzinfo)
            parcels.append(
                _Parcel(s.network, address, s.asset, s.amount, arrived, 0, (address,), ())
            )
    return parcels, edges


def trace_funds(
    graph_snapshot: GraphSnapshot,
    starts: Sequence[TraceStart],
    *,
    max_hops: int,
    min_amount: Decimal,
    now: datetime,
    stop_categories: frozenset[str] = DEFAULT_STOP_CATEGORIES,
) -> TraceResult:
    """Follow the stolen funds from `starts` over `graph_snapshot` (see the module docstring).

    A hop is one transfer after the start (the theft transaction itself is hop 0). Transfers
    later than `now` are ignored; parcels under `min_amount` are not followed.
    """
    if max_hops < 1:
        raise ValueError("max_hops must be at least 1")
    snap = graph_snapshot
    parcels, start_edges = _start_parcels(snap, starts, now)
    total_started = sum((p.amount for p in parcels), Decimal(0))
    capacity: dict[tuple[str, str, int, str], Decimal] = {}
    edge_traced: dict[tuple[str, str, int, str], Decimal] = {}
    edge_info: dict[tuple[str, str, int, str], tuple[Transfer, int]] = {}
    received: dict[tuple[str, str], Decimal] = {}
    unspent: dict[tuple[str, str], Decimal] = {}
    first_hop: dict[tuple[str, str], int] = {}
    stops: dict[tuple[str, str], str] = {}
    exchanges: dict[tuple[str, str], ExchangeHit] = {}
    paths: list[TracePath] = []
    truncated = snap.truncated
    created = len(parcels)

    def add_path(p: _Parcel, end: str, exchange: str | None) -> None:
        nonlocal truncated
        if len(paths) >= MAX_PATHS:
            truncated = True
            return
        paths.append(TracePath(p.addresses, p.txids, p.amount, end, exchange))

    queue = deque(parcels)
    while queue:
        p = queue.popleft()
        node = (p.network, p.address)
        received[node] = received.get(node, Decimal(0)) + p.amount
        first_hop[node] = min(first_hop.get(node, p.hop), p.hop)
        tag = _stop_tag(snap.tags.get(node, []), stop_categories)
        if tag is not None:
            stops[node] = tag.category
            exchange = None
            if tag.category == "exchange":
                exchange = p.address
                hit = exchanges.get(node)
                exchanges[node] = ExchangeHit(
                    p.network,
                    p.address,
                    tag.label,
                    tag.source,
                    tag.confidence,
                    (hit.amount if hit else Decimal(0)) + p.amount,
                    min(hit.hop, p.hop) if hit else p.hop,
                    hit.txids if hit else p.txids,
                )
            add_path(p, tag.category, exchange)
            continue
        if p.hop >= max_hops:
            stops.setdefault(node, "max_hops")
            unspent[node] = unspent.get(node, Decimal(0)) + p.amount
            add_path(p, "max_hops", None)
            continue
        eligible = [
            t
            for t in snap.outgoing.get(node, [])
            if t.asset == p.asset and p.arrived_at <= t.at <= now and t.amount > 0
        ]
        for t in eligible:
            capacity.setdefault(t.key, t.amount)
        eligible = [t for t in eligible if capacity[t.key] > 0]
        out_total = sum((capacity[t.key] for t in eligible), Decimal(0))
        left = p.amount
        if out_total > 0:
            share = min(Decimal(1), p.amount / out_total)
            for i, t in enumerate(eligible):
                portion = min(capacity[t.key] * share, capacity[t.key], left)
                if share < 1 and i == len(eligible) - 1:
                    # The last share takes the rounding remainder: no dust is left behind.
                    portion = min(capacity[t.key], left)
                if portion <= 0:
                    continue
                capacity[t.key] -= portion
                left -= portion
                edge_traced[t.key] = edge_traced.get(t.key, Decimal(0)) + portion
                prev = edge_info.get(t.key)
                edge_info[t.key] = (t, min(prev[1], p.hop + 1) if prev else p.hop + 1)
                to = normalize_address(t.to_address)
                child = _Parcel(
                    p.network,
                    to,
                    p.asset,
                    portion,
                    t.at,
                    p.hop + 1,
                    p.addresses + (to,),
                    p.txids + (t.txid,),
                )
                if portion < min_amount:
                    add_path(child, "below_min", None)
                    continue
                if created >= MAX_PARCELS:
                    truncated = True
                    continue
                created += 1
                queue.append(child)
        if left > 0:
            unspent[node] = unspent.get(node, Decimal(0)) + left
            if left == p.amount:
                add_path(p, "unspent", None)

    edges = list(start_edges)
    for key, traced in edge_traced.items():
        t, hop = edge_info[key]
        edges.append(
            TraceEdge(
                t.txid,
                t.network,
                t.index,
                normalize_address(t.from_address),
                normalize_address(t.to_address),
                t.amount,
                traced,
                t.asset,
                t.at,
                hop,
            )
        )
    edges.sort(key=lambda e: (e.hop, e.at, e.txid, e.index))
    addresses = [
        TraceAddress(
            node[0],
            node[1],
            amount,
            unspent.get(node, Decimal(0)),
            first_hop[node],
            tuple(snap.tags.get(node, [])),
            stops.get(node),
        )
        for node, amount in received.items()
    ]
    addresses.sort(key=lambda a: (a.first_hop, a.network, a.address))
    hits = sorted(exchanges.values(), key=lambda x: (x.hop, -x.amount, x.address))
    return TraceResult(
        starts=list(starts),
        edges=edges,
        addresses=addresses,
        exchanges=hits,
        paths=paths,
        max_hops=max_hops,
        min_amount=min_amount,
        attribution="proportional",
        generated_at=now,
        truncated=truncated,
        total_started=total_started,
    )


async def collect_snapshot(
    graph: ChainGraph,
    starts: Sequence[TraceStart],
    *,
    max_hops: int,
    max_addresses: int = MAX_ADDRESSES,
    stop_categories: frozenset[str] = DEFAULT_STOP_CATEGORIES,
) -> GraphSnapshot:
    """Fetch, breadth first, the outgoing transfers of every address within `max_hops`."""
    snap = GraphSnapshot()
    frontier: list[tuple[str, str]] = []
    for s in starts:
        if s.kind is StartKind.TXID:
            outputs = list(await graph.by_txid(s.network, s.value.strip()))
            snap.by_txid[(s.network, s.value.strip())] = outputs
            frontier.extend((t.network, normalize_address(t.to_address)) for t in outputs)
        else:
            frontier.append((s.network, normalize_address(s.value)))
    seen: set[tuple[str, str]] = set()
    for _hop in range(max_hops + 1):
        batch = [n for n in dict.fromkeys(frontier) if n not in seen]
        frontier = []
        if not batch:
            break
        if len(seen) + len(batch) > max_addresses:
            batch = batch[: max(0, max_addresses - len(seen))]
            snap.truncated = True
        seen.update(batch)
        by_network: dict[str, list[str]] = {}
        for network, address in batch:
            by_network.setdefault(network, []).append(address)
        for network, addrs in by_network.items():
            for tag in await graph.tags(network, addrs):
                snap.tags.setdefault((network, normalize_address(tag.address)), []).append(tag)
        for node in batch:
            # Tagged stop addresses are not expanded: the walk ends there anyway.
            if any(t.category in stop_categories for t in snap.tags.get(node, [])):
                continue
            transfers = sorted(await graph.outgoing(*node), key=lambda t: (t.at, t.txid, t.index))
            snap.outgoing[node] = transfers
            frontier.extend((t.network, normalize_address(t.to_address)) for t in transfers)
        if snap.truncated:
            break
    return snap
