"""The packaged demo exchange loads and shows every verdict for the demo customers."""

from __future__ import annotations

import yaml

from trustdesk.db import commit
from trustdesk.exchange import service
from trustdesk.exchange.chains import default_registry
from trustdesk.exchange.sandbox import SandboxConnector, load_demo_sandbox


def _txid(u: int, k: int = 1, evm: bool = False) -> str:
    return ("0x" if evm else "") + f"{u * 100 + k:064x}"


DEPOSITS = {
    "u-1001": (None, "pending_confirmations"),
    "u-1002": (None, "below_minimum"),
    "u-1005": (None, "credited"),
    "u-1006": (_txid(1006, evm=True), "wrong_network"),
    "u-1009": (_txid(1009, evm=True), "unsupported_token"),
    "u-1011": (_txid(1011), "missing_memo"),
    "u-1013": (None, "network_maintenance"),
    "u-1014": (None, "compliance_review"),
    "u-1015": (_txid(1015), "not_broadcast"),
    "u-1016": (_txid(1016, evm=True), "not_found"),
}
WITHDRAWALS = {
    "u-1003": ("wd-1003-1", "processing"),
    "u-1004": ("wd-1004-1", "held_by_risk_control"),
    "u-1007": ("wd-1007-1", "completed"),
    "u-1008": ("wd-1008-1", "rejected"),
    "u-1010": ("wd-1010-1", "held_by_risk_control"),
    "u-1012": ("wd-1012-1", "awaiting_confirmations"),
}


async def test_demo_sandbox_covers_every_verdict(maker, clock):
    async with maker() as session:
        result = await load_demo_sandbox(session, clock.now)
        await commit(session)
        again = await load_demo_sandbox(session, clock.now)  # safe to re-run
        await commit(session)
    assert result.users == again.users == 16
    registry = default_registry()
    sandbox = SandboxConnector(maker, registry, lambda: clock.now)
    for user, (txid, verdict) in DEPOSITS.items():
        query = service.check_deposit_query(registry, txid=txid, asset=None, network=None)
        found = await service.diagnose_customer_deposit(
            sandbox, registry, user, query, now=clock.now
        )
        assert (user, found.verdict.value) == (user, verdict)
    for user, (withdrawal, verdict) in WITHDRAWALS.items():
        found = await service.diagnose_customer_withdrawal(
            sandbox, registry, user, withdrawal, now=clock.now
        )
        assert (user, found.verdict.value) == (user, verdict)


def test_demo_users_are_the_demo_customers():
    import inspect
    from importlib import resources

    from trustdesk.demo import data

    text = resources.files("trustdesk.exchange").joinpath("demo_sandbox.yaml").read_text("utf-8")
    users = {u["id"] for u in yaml.safe_load(text)["users"]}
    assert users == {f"u-{n}" for n in range(1001, 1017)}
    source = inspect.getsource(data)
    assert all(f'"{user}"' in source for user in users)
