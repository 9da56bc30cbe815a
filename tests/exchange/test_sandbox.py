"""The sandbox exchange: chain clock, file loading and validation, connector reads and actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from tests.exchange.sandbox_helpers import FIXTURE, load_fixture, tx
from trustdesk.db import commit
from trustdesk.exchange.chains import default_registry
from trustdesk.exchange.errors import ExchangeConflict, ExchangeObjectNotFound
from trustdesk.exchange.sandbox import (
    ChainClock,
    SandboxConnector,
    SandboxFileError,
    load_sandbox,
)
from trustdesk.exchange.types import AccountState, DepositStatus, WithdrawalStatus

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_chain_clock_counts_blocks_from_its_anchor():
    clock = ChainClock(base_height=100, base_time=T0, block_time_seconds=3)
    assert clock.height_at(T0) == 100
    assert clock.height_at(T0 + timedelta(seconds=8)) == 102
    assert clock.height_at(T0 - timedelta(hours=1)) == 100  # never runs backwards
    height = clock.height_with_confirmations(5, T0)
    assert height == 96
    assert clock.confirmations(height, T0) == 5
    assert clock.confirmations(height, T0 + timedelta(seconds=30)) == 15
    assert clock.confirmations(None, T0 + timedelta(days=1)) == 0
    assert clock.height_with_confirmations(0, T0) is None
    assert clock.time_of(96) == T0 - timedelta(seconds=12)


def _connector(maker, clock):
    return SandboxConnector(maker, default_registry(), lambda: clock.now)


async def test_load_reads_back_through_the_connector(maker, clock):
    await load_fixture(maker, clock.now)
    sandbox = _connector(maker, clock)
    profile = await sandbox.get_profile("t-alice")
    assert profile is not None and profile.vip_level == 1
    assert await sandbox.get_profile("nobody") is None
    balances = await sandbox.get_balances("t-alice")
    assert [(b.asset, b.available, b.locked) for b in balances] == [
        ("USDT", Decimal("1250.5"), Decimal("10"))
    ]
    deposits = await sandbox.list_deposits("t-alice")
    assert deposits[0].id == "a-pending"  # newest first
    assert {d.id: d.confirmations for d in deposits}["a-pending"] == 5
    events = await sandbox.list_security_events("t-alice", clock.now - timedelta(days=1))
    assert [e.kind.value for e in events] == ["login", "2fa_change"]  # oldest first
    wrong = await sandbox.find_chain_transaction(tx(5, evm=True).upper().replace("0X", "0x"))
    assert wrong is not None and wrong.network == "BSC" and wrong.confirmations == 40


async def test_confirmations_advance_with_the_clock_and_credit_the_deposit(maker, clock):
    await load_fixture(maker, clock.now)
    sandbox = _connector(maker, clock)

    async def pending():
        return next(d for d in await sandbox.list_deposits("t-alice") if d.id == "a-pending")

    assert (await pending()).status is DepositStatus.CONFIRMING
    clock.advance(seconds=30)  # TRON: one block every 3 s
    assert (await pending()).confirmations == 15
    clock.advance(seconds=12)
    credited = await pending()
    assert credited.confirmations == 19
    assert credited.status is DepositStatus.CREDITED
    assert credited.credited_at == clock.now


async def test_reloading_a_user_replaces_only_that_user(maker, clock):
    await load_fixture(maker, clock.now)
    async with maker() as session:
        await load_sandbox(
            session,
            {"users": [{"id": "t-bob", "email": "bob@new.example", "deposits": []}]},
            now=clock.now,
        )
        await commit(session)
    sandbox = _connector(maker, clock)
    assert (await sandbox.get_profile("t-bob")).email == "bob@new.example"
    assert await sandbox.list_deposits("t-bob") == []
    assert await sandbox.find_chain_transaction(tx(0xB1)) is None
    assert len(await sandbox.list_deposits("t-alice")) == 6
    await load_fixture(maker, clock.now)  # idempotent
    assert len(await sandbox.list_deposits("t-bob")) == 2


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {
                "users": [
                    {"id": "u1", "deposits": [{"id": "d1", "asset": "DOGE", "network": "TRX"}]}
                ]
            },
            "users[0] (u1).deposits[0] (d1): unknown asset 'DOGE'; supported: BTC",
        ),
        (
            {
                "users": [
                    {
                        "id": "u1",
                        "deposit_addresses": [
                            {"asset": "USDT", "network": "TRX", "address": "0xnot-tron"}
                        ],
                    }
                ]
            },
            "users[0] (u1).deposit_addresses[0]: 'address' '0xnot-tron' is not a valid TRX",
        ),
        (
            {
                "users": [
                    {
                        "id": "u1",
                        "deposits": [
                            {
                                "id": "d1",
                                "asset": "USDT",
                                "network": "TRX",
                                "amount": 1.5,
                                "to_address": "TLGC8t8qi4KyHnaG9b2iBUxSRAHXQQWkH6",
                                "detected_ago": "1h",
                            }
                        ],
                    }
                ]
            },
            "(d1): write 'amount' as a quoted string",
        ),
        (
            {
                "users": [
                    {
                        "id": "u1",
                        "withdrawals": [
                            {
                                "id": "w1",
                                "asset": "USDT",
                                "network": "TRC20",
                                "amount": "5",
                                "status": "broadcast",
                                "to_address": "TLGC8t8qi4KyHnaG9b2iBUxSRAHXQQWkH6",
                                "created_ago": "1h",
                            }
                        ],
                    }
                ]
            },
            "withdrawals[0] (w1): a broadcast withdrawal needs a 'txid'",
        ),
        ({"users": [{"id": "u1", "colour": "red"}]}, "users[0] (u1): unknown field(s) colour"),
        ({"networks": {"ERC21": {}}}, "networks.ERC21: unknown network 'ERC21'"),
        (
            {"users": [{"id": "u1", "security_events": [{"kind": "login", "ago": "yesterday"}]}]},
            "security_events[0]: 'ago' must look like",
        ),
    ],
)
async def test_invalid_files_name_the_bad_entry(maker, clock, document, message):
    async with maker() as session:
        with pytest.raises(SandboxFileError) as info:
            await load_sandbox(session, document, now=clock.now)
    assert message in str(info.value)


async def test_another_users_ids_are_refused(maker, clock):
    await load_fixture(maker, clock.now)
    document = {
        "users": [
            {
                "id": "t-mallory",
                "withdrawals": [
                    {"id": "c-held", "asset": "USDT", "network": "TRX", "amount": "1",
                     "status": "processing", "created_ago": "1m",
                     "to_address": "TLGC8t8qi4KyHnaG9b2iBUxSRAHXQQWkH6"}
                ],
            }
        ]
    }  # fmt: skip
    async with maker() as session:
        with pytest.raises(SandboxFileError, match="already belongs to user t-carol"):
            await load_sandbox(session, document, now=clock.now)


async def test_actions_write_to_the_sandbox(maker, clock):
    await load_fixture(maker, clock.now)
    sandbox = _connector(maker, clock)
    held = await sandbox.hold_withdrawal("c-processing", "customer reports account takeover")
    assert held.status is WithdrawalStatus.HELD
    released = await sandbox.release_withdrawal("c-processing")
    assert released.status is WithdrawalStatus.PROCESSING
    with pytest.raises(ExchangeConflict):
        await sandbox.hold_withdrawal("c-completed", "too late")
    with pytest.raises(ExchangeObjectNotFound):
        await sandbox.release_withdrawal("nope")

    await sandbox.freeze_account("t-alice", "takeover")
    assert (await sandbox.get_profile("t-alice")).account_state is AccountState.FROZEN

    first = await sandbox.credit_recovered_deposit("t-alice", "XRP", "XRP", Decimal("19.5"), "R-1")
    again = await sandbox.credit_recovered_deposit("t-alice", "XRP", "XRP", Decimal("19.5"), "R-1")
    assert first.id == again.id and first.status is DepositStatus.CREDITED
    balances = {b.asset: b.available for b in await sandbox.get_balances("t-alice")}
    assert balances["XRP"] == Decimal("19.5")  # credited once
    with pytest.raises(ExchangeConflict):
        await sandbox.credit_recovered_deposit("t-bob", "XRP", "XRP", Decimal("1"), "R-1")
    # A recovery names the transaction it recovers: the credit is listed under that txid.
    source = "0x" + "cd" * 32
    sourced = await sandbox.credit_recovered_deposit(
        "t-alice", "XRP", "XRP", Decimal("2"), "R-2", source_txid=source
    )
    assert sourced.txid == source and first.txid is None
    listed = {d.id: d for d in await sandbox.list_deposits("t-alice")}
    assert listed[sourced.id].txid == source
    assert listed[sourced.id].status is DepositStatus.CREDITED


def test_cli_loads_a_file(app, settings, monkeypatch):
    from trustdesk.cli import app as cli
    from trustdesk.config import get_settings

    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(cli, ["sandbox", "load", str(FIXTURE)])
        assert result.exit_code == 0, result.output
        assert "3 users, 8 deposits, 5 withdrawals" in result.output
        bad = FIXTURE.parent / "does-not-exist.yaml"
        assert runner.invoke(cli, ["sandbox", "load", str(bad)]).exit_code == 2
    finally:
        get_settings.cache_clear()


def test_cli_reports_the_bad_entry(app, settings, monkeypatch, tmp_path):
    from trustdesk.cli import app as cli
    from trustdesk.config import get_settings

    path = tmp_path / "bad.yaml"
    path.write_text("users:\n  - id: u9\n    kyc_status: maybe\n", encoding="utf-8")
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["sandbox", "load", str(path)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "users[0] (u9): 'kyc_status' must be one of" in " ".join(result.output.split())
