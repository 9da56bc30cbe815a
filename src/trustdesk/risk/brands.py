"""Brands protected by the look-alike detector: their official domains and name tokens.

This is a list of *brands*, never a block list of phishing domains: detection works by
comparing what a customer sees with these names, so it catches domains nobody has listed yet.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Brand:
    """A protected brand.

    `tokens` are the lower-case ASCII names an impostor would imitate; a dot inside a token
    ("crypto.com") means "these parts, with or without a separator". `strict` brands are short or
    ordinary words (okx, gemini, gate.io): a token only counts where it starts a label or follows
    a separator or digit, and is never matched with typos.
    """

    name: str
    domains: tuple[str, ...]
    tokens: tuple[str, ...]
    strict: bool = False


def _b(name: str, domains: str, tokens: str = "", *, strict: bool = False) -> Brand:
    return Brand(
        name=name,
        domains=tuple(domains.split()),
        tokens=tuple((tokens or name).split()),
        strict=strict,
    )


EXCHANGES: tuple[Brand, ...] = (
    _b("binance", "binance.com binance.us bnbchain.org"),
    _b("coinbase", "coinbase.com"),
    _b("kraken", "kraken.com"),
    _b("okx", "okx.com okex.com", "okx okex", strict=True),
    _b("bybit", "bybit.com", strict=True),
    _b("kucoin", "kucoin.com"),
    _b("bitget", "bitget.com"),
    _b("gate.io", "gate.io gate.com", "gate.io", strict=True),
    _b("huobi/htx", "htx.com huobi.com", "huobi htx", strict=True),
    _b("mexc", "mexc.com", strict=True),
    _b("bitfinex", "bitfinex.com"),
    _b("bitstamp", "bitstamp.net"),
    _b("gemini", "gemini.com", strict=True),
    _b("crypto.com", "crypto.com", "crypto.com", strict=True),
    _b("bitmex", "bitmex.com"),
    _b("upbit", "upbit.com", strict=True),
    _b("bithumb", "bithumb.com"),
    _b("poloniex", "poloniex.com"),
    _b("bittrex", "bittrex.com"),
    _b("blockchain.com", "blockchain.com", "blockchain.com", strict=True),
    _b("bitpanda", "bitpanda.com"),
    _b("bitvavo", "bitvavo.com"),
    _b("bingx", "bingx.com", strict=True),
)

WALLETS: tuple[Brand, ...] = (
    _b("metamask", "metamask.io"),
    _b("trustwallet", "trustwallet.com", "trustwallet"),
    _b("ledger", "ledger.com"),
    _b("trezor", "trezor.io"),
    _b("phantom", "phantom.app phantom.com"),
    _b("exodus", "exodus.com"),
    _b("myetherwallet", "myetherwallet.com"),
    _b("mycrypto", "mycrypto.com"),
    _b("tronlink", "tronlink.org"),
    _b("tokenpocket", "tokenpocket.pro"),
    _b("imtoken", "token.im imtoken.com", strict=True),
    _b("safepal", "safepal.com"),
    _b("walletconnect", "walletconnect.com walletconnect.org walletconnect.network"),
    _b("rabby", "rabby.io", strict=True),
    _b("keplr", "keplr.app"),
    _b("atomicwallet", "atomicwallet.io"),
    _b("electrum", "electrum.org"),
)

PROTOCOLS: tuple[Brand, ...] = (
    _b("uniswap", "uniswap.org"),
    _b("opensea", "opensea.io"),
    _b("polkadot", "polkadot.network polkadot.com"),
    _b("pancakeswap", "pancakeswap.finance"),
)

DEFAULT_BRANDS: tuple[Brand, ...] = EXCHANGES + WALLETS + PROTOCOLS


def brands_named(names: set[str], brands: tuple[Brand, ...] = DEFAULT_BRANDS) -> tuple[Brand, ...]:
    """Return the brands whose name is in `names` (e.g. the brands one data set targets)."""
    return tuple(b for b in brands if b.name in names)
