"""Held withdrawals for the chat and page tests: the exchange's own calls (history, a hijack-like
withdrawal) through the risk API, a sandbox withdrawal to hold, and a real local SMTP server
(aiosmtpd) that catches the e-mailed codes."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from email import message_from_string
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select

from trustdesk.models.exchange import SandboxAccount, SandboxWithdrawal
from trustdesk.risk.verification import DEV_EXCHANGE_API_KEY

EXCHANGE = {"X-Exchange-Key": DEV_EXCHANGE_API_KEY}
HOME = {"device_id": "dev-home", "ip": "10.0.0.1", "country": "DE", "asn": 3320}
HOME_ADDRESS = "TXhome0000000000000000000000000001"
THIEF_ADDRESS = "TXhijacker000000000000000000000001"


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append(envelope.content.decode())
        return "250 OK"

    def text(self, index: int = -1) -> str:
        """A message's body, decoded (the customer's language may need quoted-printable)."""
        message = message_from_string(self.messages[index], policy=default_policy)
        return str(message.get_body().get_content())  # type: ignore[union-attr]

    def code(self) -> str:
        """The code of the last message, in whichever language it was written."""
        found = re.search(r"\b(\d{6})\b", self.text())
        assert found, self.text()
        return found.group(1)


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def sandbox_withdrawal(maker, now, user: str, withdrawal_id: str) -> None:  # type: ignore[no-untyped-def]
    """The exchange's record of the withdrawal risk control will hold."""
    async with maker() as s:
        account = await s.execute(select(SandboxAccount).where(SandboxAccount.user_id == user))
        if account.first() is None:
            s.add(SandboxAccount(user_id=user, created_at=now, updated_at=now))
        s.add(
            SandboxWithdrawal(
                withdrawal_id=withdrawal_id,
                user_id=user,
                asset="USDT",
                network="TRC20",
                amount=Decimal("4750"),
                fee=Decimal("1"),
                to_address=THIEF_ADDRESS,
                status="requested",
                created_at=now,
            )
        )
        await s.commit()


def _withdrawal(user: str, wid: str, **over: Any) -> dict[str, Any]:
    body = {
        "withdrawal_id": wid,
        "user_id": user,
        "asset": "USDT",
        "network": "TRC20",
        "amount": "100",
        "to_address": HOME_ADDRESS,
        "balance_before": "5000",
        **HOME,
    }
    body.update(over)
    return body


async def build_history(client, clock, user: str) -> None:  # type: ignore[no-untyped-def]
    """Four weeks of ordinary life: logins from home and a weekly withdrawal."""
    start = clock.now
    clock.now = start - timedelta(days=28)
    for week in range(4):
        event = {
            "event_id": f"{user}-login-{week}",
            "user_id": user,
            "kind": "login",
            "at": clock.now.isoformat(),
            **HOME,
        }
        r = await client.post("/api/v1/risk/events", json=event, headers=EXCHANGE)
        assert r.status_code == 201, r.text
        past = _withdrawal(
            user,
            f"{user}-past-{week}",
            amount=str(100 + week),
            login_at=(clock.now - timedelta(hours=1)).isoformat(),
        )
        r = await client.post("/api/v1/risk/withdrawals", json=past, headers=EXCHANGE)
        assert r.status_code == 200, r.text
        clock.now += timedelta(days=7)
    clock.now = start


async def hijack(client, clock, user: str, wid: str, *, twofa_changed: bool = True) -> None:  # type: ignore[no-untyped-def]
    """A withdrawal of nearly everything to a new address from a new device and country."""
    at = clock.now
    events: list[dict[str, Any]] = [
        {
            "event_id": f"{wid}-login",
            "kind": "login",
            "at": (at - timedelta(minutes=3)).isoformat(),
            "device_id": "dev-x",
            "ip": "203.0.113.9",
            "country": "BR",
            "asn": 28573,
        }
    ]
    if twofa_changed:
        events.append(
            {
                "event_id": f"{wid}-2fa",
                "kind": "2fa_change",
                "at": (at - timedelta(hours=1)).isoformat(),
                "device_id": "dev-x",
                "country": "BR",
            }
        )
    body = _withdrawal(
        user,
        wid,
        device_id="dev-x",
        ip="203.0.113.9",
        country="BR",
        asn=28573,
        amount="4750",
        to_address=THIEF_ADDRESS,
        login_at=(at - timedelta(minutes=3)).isoformat(),
        recent_events=events,
    )
    r = await client.post("/api/v1/risk/withdrawals", json=body, headers=EXCHANGE)
    assert r.status_code == 200, r.text
    assert r.json()["decision"] == "hold", r.json()
