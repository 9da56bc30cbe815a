"""A small sandbox chain graph shared by the tracing tests (pure and over the API)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

T0 = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)

VICTIM = "0xV1C71M0000000000000000000000000000000000"
THIEF = "0xa000000000000000000000000000000000000001"
B = "0xb000000000000000000000000000000000000002"
C = "0xc000000000000000000000000000000000000003"
D = "0xd000000000000000000000000000000000000004"
E = "0xe000000000000000000000000000000000000005"
EXCHANGE = "0xee00000000000000000000000000000000000006"
HOT = "0xee00000000000000000000000000000000000007"
MIXER = "0x1111000000000000000000000000000000000008"
EARLY = "0x2222000000000000000000000000000000000009"


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def sandbox_chain() -> dict[str, Any]:
    """Theft of 100 USDT, fan-out, merge, a cycle, a mixer and an exchange.

    VICTIM -100-> THIEF (0xtheft, t+0)
    THIEF -60-> B, -40-> C            (0xsplit #0/#1, t+10)    fan-out
    B -60-> D, C -30-> D              (t+20)                   merge at D (90)
    C -10-> E, E -10-> C              (t+20, t+30)             cycle; 10 stays at C
    D -50-> EXCHANGE, D -40-> MIXER   (t+40)                   first exchange; mixer
    EXCHANGE -50-> HOT                (t+50)                   inside the exchange: not followed
    THIEF -5-> EARLY                  (t-5)                    before the theft: not followed
    THIEF -0.01 ETH-> B               (t+11)                   other asset: not followed
    """
    usdt = {"asset": "USDT"}
    return {
        "network": "ETH",
        "transfers": [
            {"txid": "0xtheft", "from": VICTIM, "to": THIEF, "amount": "100", "at": at(0), **usdt},
            {"txid": "0xearly", "from": THIEF, "to": EARLY, "amount": "5", "at": at(-5), **usdt},
            {
                "txid": "0xsplit",
                "index": 0,
                "from": THIEF,
                "to": B,
                "amount": "60",
                "at": at(10),
                **usdt,
            },
            {
                "txid": "0xsplit",
                "index": 1,
                "from": THIEF,
                "to": C,
                "amount": "40",
                "at": at(10),
                **usdt,
            },
            {
                "txid": "0xgas",
                "from": THIEF,
                "to": B,
                "amount": "0.01",
                "asset": "ETH",
                "at": at(11),
            },
            {"txid": "0xb-d", "from": B, "to": D, "amount": "60", "at": at(20), **usdt},
            {"txid": "0xc-d", "from": C, "to": D, "amount": "30", "at": at(20), **usdt},
            {"txid": "0xc-e", "from": C, "to": E, "amount": "10", "at": at(20), **usdt},
            {"txid": "0xe-c", "from": E, "to": C, "amount": "10", "at": at(30), **usdt},
            {"txid": "0xcash", "from": D, "to": EXCHANGE, "amount": "50", "at": at(40), **usdt},
            {"txid": "0xmix", "from": D, "to": MIXER, "amount": "40", "at": at(40), **usdt},
            {"txid": "0xhot", "from": EXCHANGE, "to": HOT, "amount": "50", "at": at(50), **usdt},
        ],
        "tags": [
            {
                "address": EXCHANGE,
                "category": "exchange",
                "label": "Example Exchange deposit",
                "source": "test feed",
                "confidence": 0.95,
            },
            {
                "address": MIXER,
                "category": "mixer",
                "label": "Test mixer",
                "source": "test feed",
                "confidence": 0.8,
            },
        ],
    }
