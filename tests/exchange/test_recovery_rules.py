from datetime import timedelta
from decimal import Decimal

from trustdesk.exchange.chains import default_registry
from trustdesk.exchange.diagnosis import (
    DepositDiagnosis,
    DepositVerdict,
    NextStep,
    diagnose_deposit,
)
from trustdesk.exchange.recovery_rules import (
    CustomerHistory,
    RecoveryRule,
    auto_recovery_decision,
    manual_intake_questions,
    manual_recovery_fee,
)
from trustdesk.exchange.types import AccountState, DepositStatus, Withdrawal, WithdrawalStatus

from ._factories import (
    NOW,
    SOURCE_XRP,
    USDT_BEP20,
    XRP_SHARED,
    addresses,
    chain_tx,
    deposit,
    profile,
    txid,
)

REG = default_registry()


def missing_memo_tx(amount="150", source=SOURCE_XRP, block_ago=timedelta(hours=1)):
    return chain_tx(
        network="XRP",
        to_address=XRP_SHARED,
        token_contract=None,
        asset="XRP",
        amount=amount,
        memo=None,
        from_address=source,
        block_ago=block_ago,
        txid_=txid(42).upper(),
    )


def past_xrp_deposit(amount="100", source=SOURCE_XRP):
    return deposit(
        "past",
        asset="XRP",
        network="XRP",
        amount=amount,
        status=DepositStatus.CREDITED,
        to_address=XRP_SHARED,
        from_address=source,
        memo="123456",
        detected_ago=timedelta(days=20),
    )


def history(*deposits, vip=0, state=AccountState.ACTIVE, withdrawals=()):
    return CustomerHistory(
        profile=profile(vip, state),
        deposits=list(deposits),
        deposit_addresses=addresses(),
        withdrawals=list(withdrawals),
    )


def diagnose(tx, hist):
    return diagnose_deposit(
        REG,
        deposits=hist.deposits,
        deposit_addresses=hist.deposit_addresses,
        chain_tx=tx,
        txid=tx.txid,
        asset=None,
        now=NOW,
    )


def test_auto_recovery_missing_memo_from_known_source():
    tx, hist = missing_memo_tx(), history(past_xrp_deposit())
    diagnosis = diagnose(tx, hist)
    assert diagnosis.verdict is DepositVerdict.MISSING_MEMO
    decision = auto_recovery_decision(REG, diagnosis, tx, hist, NOW)
    assert decision.eligible
    assert decision.rule == RecoveryRule.AUTO_MISSING_MEMO
    assert decision.fee == Decimal(0)


def test_auto_recovery_missing_memo_source_known_from_a_past_withdrawal():
    w = Withdrawal(
        id="w9",
        asset="XRP",
        network="XRP",
        amount=Decimal("50"),
        fee=Decimal("0.2"),
        to_address=SOURCE_XRP,
        memo=None,
        status=WithdrawalStatus.COMPLETED,
        txid=txid(3),
        confirmations=1,
        hold_reason_code=None,
        reject_code=None,
        created_at=NOW - timedelta(days=5),
    )
    other_source = past_xrp_deposit(source="rG1QQv2nh2gr7RCZ1P8YYcBUKCCN633jCn")
    tx, hist = missing_memo_tx(), history(other_source, withdrawals=[w])
    assert auto_recovery_decision(REG, diagnose(tx, hist), tx, hist, NOW).eligible


def test_missing_memo_from_unknown_source_is_manual_with_fee():
    tx, hist = missing_memo_tx(), history()
    decision = auto_recovery_decision(REG, diagnose(tx, hist), tx, hist, NOW)
    assert not decision.eligible
    assert decision.rule == RecoveryRule.MANUAL
    assert "source" in decision.reason
    assert decision.fee == Decimal("5")


def test_missing_memo_amount_out_of_line_with_history_is_manual():
    tx, hist = missing_memo_tx(amount="5000"), history(past_xrp_deposit("100"))
    decision = auto_recovery_decision(REG, diagnose(tx, hist), tx, hist, NOW)
    assert not decision.eligible and "amount" in decision.reason


def test_missing_memo_too_old_is_manual():
    tx = missing_memo_tx(block_ago=timedelta(days=200))
    hist = history(past_xrp_deposit())
    decision = auto_recovery_decision(REG, diagnose(tx, hist), tx, hist, NOW)
    assert not decision.eligible and "window" in decision.reason


def test_missing_memo_on_frozen_account_is_manual():
    tx, hist = missing_memo_tx(), history(past_xrp_deposit(), state=AccountState.FROZEN)
    assert not auto_recovery_decision(REG, diagnose(tx, hist), tx, hist, NOW).eligible


def test_auto_recovery_below_minimum_once_total_reaches_minimum():
    deps = [
        deposit("a", amount="0.7", status=DepositStatus.BELOW_MINIMUM, txid_=txid(4)),
        deposit("b", amount="0.3", status=DepositStatus.BELOW_MINIMUM, txid_=txid(5)),
    ]
    hist = history(*deps)
    diagnosis = diagnose_deposit(
        REG,
        deposits=deps,
        deposit_addresses=hist.deposit_addresses,
        chain_tx=None,
        txid=txid(5),
        asset=None,
        now=NOW,
    )
    decision = auto_recovery_decision(REG, diagnosis, deps[1], hist, NOW)
    assert decision.eligible and decision.rule == RecoveryRule.AUTO_BELOW_MINIMUM_TOTAL


def test_below_minimum_not_yet_reached_needs_no_recovery():
    dep = deposit(amount="0.2", status=DepositStatus.BELOW_MINIMUM, txid_=txid(6))
    hist = history(dep)
    diagnosis = diagnose_deposit(
        REG,
        deposits=[dep],
        deposit_addresses=hist.deposit_addresses,
        chain_tx=None,
        txid=txid(6),
        asset=None,
        now=NOW,
    )
    decision = auto_recovery_decision(REG, diagnosis, dep, hist, NOW)
    assert decision.rule == RecoveryRule.NOT_APPLICABLE and not decision.eligible
    assert manual_intake_questions(diagnosis) == ()


def test_wrong_network_is_manual_with_the_landing_networks_fee():
    tx = chain_tx(network="BSC", token_contract=USDT_BEP20, amount="500")
    hist = history()
    decision = auto_recovery_decision(REG, diagnose(tx, hist), tx, hist, NOW)
    assert decision.rule == RecoveryRule.MANUAL
    assert decision.fee == Decimal("10")


def test_manual_fee_never_exceeds_the_amount():
    assert manual_recovery_fee(REG, "USDT", "ETH", Decimal("7")) == Decimal("7")


def test_manual_fee_waived_for_vip():
    assert manual_recovery_fee(REG, "USDT", "ETH", Decimal("500"), vip_level=3) == 0
    assert manual_recovery_fee(REG, "USDT", "ETH", Decimal("500"), vip_level=2) == 20


def test_manual_fee_on_unlisted_network_uses_highest_asset_fee():
    assert manual_recovery_fee(REG, "USDT", "AVAXC", Decimal("500")) == Decimal("20")


def test_nothing_to_recover_for_credited_deposit():
    dep = deposit(status=DepositStatus.CREDITED, txid_=txid(7))
    diagnosis = DepositDiagnosis(DepositVerdict.CREDITED, NextStep.NONE, {}, "d1")
    decision = auto_recovery_decision(REG, diagnosis, dep, history(dep), NOW)
    assert decision.rule == RecoveryRule.NOT_APPLICABLE


def test_intake_asks_only_what_cannot_be_looked_up():
    tx = chain_tx(network="BSC", token_contract=USDT_BEP20)
    questions = manual_intake_questions(diagnose(tx, history()))
    codes = [q.code for q in questions]
    assert codes == ["source_wallet_ownership", "source_platform"]
    text = " ".join(q.prompt for q in questions).lower()
    for never in ("network", "txid", "seed", "password", "private key"):
        assert never not in text


def test_intake_asks_txid_when_it_is_unknown():
    needs = DepositDiagnosis(DepositVerdict.NEEDS_TXID, NextStep.PROVIDE_TXID, {})
    assert [q.code for q in manual_intake_questions(needs)] == ["txid"]
    wrong = DepositDiagnosis(DepositVerdict.WRONG_NETWORK, NextStep.REQUEST_RECOVERY, {})
    assert "txid" in [q.code for q in manual_intake_questions(wrong)]
