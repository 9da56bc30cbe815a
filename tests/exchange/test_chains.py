from decimal import Decimal

import pytest

from trustdesk.exchange.chains import (
    MemoKind,
    UnknownAsset,
    UnknownNetwork,
    default_registry,
    load_registry,
)
from trustdesk.exchange.types import AddressFamily


def test_registry_covers_required_pairs():
    reg = default_registry()
    for asset, network in [
        ("BTC", "BTC"),
        ("ETH", "ETH"),
        ("USDT", "ERC20"),
        ("USDC", "ERC20"),
        ("TRX", "TRX"),
        ("USDT", "TRC20"),
        ("USDT", "BEP20"),
        ("BNB", "BSC"),
        ("SOL", "SOL"),
        ("USDT", "SOL"),
        ("USDC", "SPL"),
        ("XRP", "XRP"),
        ("XLM", "XLM"),
        ("TON", "TON"),
        ("ATOM", "ATOM"),
        ("USDT", "POLYGON"),
        ("USDC", "ARBITRUM"),
    ]:
        entry = reg.asset_network(asset, network)
        assert isinstance(entry.min_deposit, Decimal)
        assert entry.confirmations_to_unlock >= entry.confirmations_to_credit >= 1


def test_network_aliases_resolve_case_insensitively():
    reg = default_registry()
    assert reg.network_code("erc20") == "ETH"
    assert reg.network_code("TRC20") == "TRX"
    assert reg.network_code("bep-20") == "BSC"
    assert reg.network("Polygon").chain_id == 137


def test_unknown_asset_raises():
    with pytest.raises(UnknownAsset, match="DOGE"):
        default_registry().asset_network("DOGE", "ETH")


def test_unknown_network_raises():
    with pytest.raises(UnknownNetwork, match="Unknown network"):
        default_registry().network("FANTOM")


def test_asset_not_on_network_raises_unknown_network_with_alternatives():
    with pytest.raises(UnknownNetwork, match="USDT is not supported on XRP.*TRX"):
        default_registry().asset_network("USDT", "XRP")


def test_registry_errors_are_plain_exceptions():
    assert issubclass(UnknownAsset, Exception) and issubclass(UnknownNetwork, Exception)


def test_networks_for_asset():
    nets = default_registry().networks_for_asset("usdt")
    assert {"ETH", "TRX", "BSC", "SOL", "MATIC", "ARBITRUM"} <= set(nets)
    assert default_registry().networks_for_asset("BTC") == ("BTC",)


def test_one_evm_address_is_valid_on_four_networks():
    reg = default_registry()
    assert reg.networks_for_family(AddressFamily.EVM) == {"ETH", "BSC", "MATIC", "ARBITRUM"}
    assert reg.networks_for_family("tron") == {"TRX"}
    assert all(reg.network(n).is_evm for n in reg.networks_for_family("evm"))


def test_token_by_contract_is_case_insensitive_on_evm():
    reg = default_registry()
    entry = reg.token_by_contract("ERC20", "0xdac17f958d2ee523a2206206994597c13d831ec7")
    assert entry is not None and entry.asset == "USDT"
    assert reg.token_by_contract("ETH", "0x0000000000000000000000000000000000000001") is None
    assert reg.token_by_contract("ETH", None).asset == "ETH"


def test_memo_specs():
    reg = default_registry()
    xrp = reg.network("XRP").memo
    assert xrp.kind is MemoKind.INTEGER and xrp.max_value == 2**32 - 1
    assert reg.network("XLM").memo.max_bytes == 28
    assert reg.network("TON").memo_required and reg.network("ATOM").memo_required
    assert not reg.network("ETH").memo_required


def test_explorer_url_and_eta():
    btc = default_registry().network("BTC")
    assert btc.explorer_url("ab" * 32) == "https://mempool.space/tx/" + "ab" * 32
    assert btc.eta_minutes(2) == 20
    assert default_registry().network("ETH").eta_minutes(1) == 1
    assert btc.eta_minutes(0) == 0


def test_derived_registry_keeps_original_frozen():
    reg = default_registry()
    paused = reg.with_network("TRC20", maintenance=True)
    assert paused.network("TRX").maintenance and not reg.network("TRX").maintenance
    closed = reg.with_asset_network("USDT", "TRX", deposits_enabled=False)
    assert not closed.asset_network("USDT", "TRX").deposits_enabled


def test_float_amount_in_yaml_is_rejected(tmp_path):
    path = tmp_path / "chains.yaml"
    path.write_text(
        "networks:\n  BTC: {name: Bitcoin, family: bitcoin, native_asset: BTC,"
        " block_time_seconds: 600, explorer_tx_url: 'x/{txid}'}\n"
        "assets:\n  BTC:\n    networks:\n      BTC: {decimals: 8, confirmations_to_credit: 1,"
        " confirmations_to_unlock: 2, min_deposit: 0.1, min_withdrawal: '1',"
        " withdrawal_fee: '1', recovery_fee: '1', auto_recovery_cap: '1'}\n"
    )
    with pytest.raises(ValueError, match="quoted strings"):
        load_registry(path)
