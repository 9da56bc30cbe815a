"""Fund tracing over a small sandbox graph, without a database: `trustdesk.risk.tracing`."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from tests.trust.chain_helpers import (
    EARLY,
    EXCHANGE,
    HOT,
    MIXER,
    T0,
    THIEF,
    B,
    C,
    D,
    sandbox_chain,
)
from trustdesk.risk.tracing import (
    AddressTag,
    GraphSnapshot,
    StartKind,
    TraceStart,
    Transfer,
    collect_snapshot,
    trace_funds,
)

NOW = T0 + timedelta(days=1)
THEFT = TraceStart("ETH", StartKind.TXID, "0xtheft")


def _snapshot() -> GraphSnapshot:
    data = sandbox_chain()
    transfers = [
        Transfer(
            txid=t["txid"],
            network="ETH",
            from_address=t["from"],
            to_address=t["to"],
            amount=Decimal(t["amount"]),
            asset=t["asset"],
            at=datetime.fromisoformat(t["at"]),
            index=t.get("index", 0),
        )
        for t in data["transfers"]
    ]
    tags = [
        AddressTag("ETH", g["address"], g["category"], g["label"], g["source"], g["confidence"])
        for g in data["tags"]
    ]
    return GraphSnapshot.of(transfers, tags)


def _trace(**kwargs):
    options = {"max_hops": 6, "min_amount": Decimal("0.001"), "now": NOW, **kwargs}
    return trace_funds(_snapshot(), [THEFT], **options)


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.000001"))


def test_fan_out_and_merge_attribute_amounts_proportionally():
    result = _trace()
    edges = {(e.txid, e.index): e for e in result.edges}
    assert edges[("0xtheft", 0)].hop == 0 and edges[("0xtheft", 0)].traced_amount == 100
    assert edges[("0xsplit", 0)].traced_amount == 60
    assert edges[("0xsplit", 1)].traced_amount == 40
    # D receives 60 + 30 and pays 50 / 40: each payment carries all of the stolen funds it can.
    addresses = {a.address: a for a in result.addresses}
    assert _q(addresses[D].received) == Decimal("90")
    assert _q(edges[("0xcash", 0)].traced_amount) == Decimal("50")
    assert _q(edges[("0xmix", 0)].traced_amount) == Decimal("40")
    assert result.attribution == "proportional"
    assert result.total_started == 100


def test_transfers_before_the_theft_or_of_another_asset_are_not_followed():
    txids = {e.txid for e in _trace().edges}
    assert "0xearly" not in txids
    assert "0xgas" not in txids
    assert EARLY not in {a.address for a in _trace().addresses}


def test_cycle_ends_and_leaves_the_remainder_unspent():
    result = _trace()
    addresses = {a.address: a for a in result.addresses}
    txids = [e.txid for e in result.edges]
    assert txids.count("0xe-c") == 1
    # C got 40 and sent 30 + 10; the 10 that came back from E has nowhere to go.
    assert _q(addresses[C].unspent) == Decimal("10")
    assert _q(addresses[C].received) == Decimal("50")


def test_first_exchange_is_found_and_not_walked_into():
    result = _trace()
    assert [x.address for x in result.exchanges] == [EXCHANGE]
    hit = result.exchanges[0]
    assert hit.label == "Example Exchange deposit"
    assert (hit.source, hit.confidence) == ("test feed", 0.95)
    assert _q(hit.amount) == Decimal("50")
    assert hit.hop == 3  # theft 0, split 1, merge 2, cash-out 3
    assert HOT not in {a.address for a in result.addresses}
    assert "0xhot" not in {e.txid for e in result.edges}
    to_exchange = [p for p in result.paths if p.end == "exchange"]
    assert to_exchange and all(p.first_exchange == EXCHANGE for p in to_exchange)
    assert {p.txids[:2] for p in to_exchange} == {("0xtheft", "0xsplit")}


def test_mixer_is_tagged_and_stops_the_walk():
    result = _trace()
    mixer = next(a for a in result.addresses if a.address == MIXER)
    assert mixer.stop == "mixer"
    assert [t.category for t in mixer.tags] == ["mixer"]
    assert any(p.end == "mixer" for p in result.paths)


def test_max_hops_bounds_the_walk():
    result = _trace(max_hops=2)
    assert max(e.hop for e in result.edges) == 2
    assert result.exchanges == []
    assert next(a for a in result.addresses if a.address == D).stop == "max_hops"


def test_min_amount_drops_small_parcels():
    result = _trace(min_amount=Decimal("45"))
    # 60 to B passes; 40 to C is too small to follow.
    assert C not in {a.address for a in result.addresses}
    assert any(p.end == "below_min" for p in result.paths)


def test_address_start_with_amount_and_transfers_after_now_ignored():
    start = TraceStart("ETH", StartKind.ADDRESS, THIEF, "USDT", Decimal("50"), T0)
    result = trace_funds(
        _snapshot(),
        [start],
        max_hops=6,
        min_amount=Decimal("0"),
        now=T0 + timedelta(minutes=15),
    )
    edges = {(e.txid, e.index): e for e in result.edges}
    # 50 of the 100 the thief holds: shared 60:40 over the split outputs.
    assert edges[("0xsplit", 0)].traced_amount == 30
    assert edges[("0xsplit", 1)].traced_amount == 20
    # Later transfers have not happened yet at `now`.
    assert "0xb-d" not in {e.txid for e in result.edges}
    assert {a.address: a.unspent for a in result.addresses}[B] == 30


def test_address_start_without_amount_is_rejected():
    with pytest.raises(ValueError, match="amount"):
        trace_funds(
            _snapshot(),
            [TraceStart("ETH", StartKind.ADDRESS, THIEF)],
            max_hops=3,
            min_amount=Decimal(0),
            now=NOW,
        )


def test_result_serialises_amounts_as_strings():
    data = _trace().to_dict()
    assert data["edges"][0]["amount"] == "100"
    assert data["exchanges"][0]["address"] == EXCHANGE
    assert data["attribution"] == "proportional"


class _Graph:
    """A ChainGraph over the snapshot, counting calls: collect_snapshot asks only what it needs."""

    def __init__(self) -> None:
        self.snap = _snapshot()
        self.asked: list[str] = []

    async def outgoing(self, network, address):
        self.asked.append(address)
        return self.snap.outgoing.get((network, address), [])

    async def by_txid(self, network, txid):
        return self.snap.by_txid.get((network, txid), [])

    async def tags(self, network, addresses):
        return [t for a in addresses for t in self.snap.tags.get((network, a), [])]


async def test_collect_snapshot_walks_breadth_first_and_skips_tagged_stops():
    graph = _Graph()
    snap = await collect_snapshot(graph, [THEFT], max_hops=6)
    assert EXCHANGE not in graph.asked and MIXER not in graph.asked
    assert len(graph.asked) == len(set(graph.asked))
    result = trace_funds(snap, [THEFT], max_hops=6, min_amount=Decimal("0.001"), now=NOW)
    assert [x.address for x in result.exchanges] == [EXCHANGE]


async def test_collect_snapshot_respects_the_address_budget():
    graph = _Graph()
    snap = await collect_snapshot(graph, [THEFT], max_hops=6, max_addresses=2)
    assert snap.truncated
    assert len(graph.asked) <= 2
