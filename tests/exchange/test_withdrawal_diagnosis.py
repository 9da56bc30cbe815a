import json
from datetime import timedelta

import pytest

from trustdesk.exchange.chains import default_registry
from trustdesk.exchange.diagnosis import NextStep, WithdrawalVerdict, diagnose_withdrawal
from trustdesk.exchange.types import WithdrawalStatus

from ._factories import NOW, txid, withdrawal

REG = default_registry()


def test_processing():
    result = diagnose_withdrawal(REG, withdrawal(WithdrawalStatus.PROCESSING), NOW)
    assert result.verdict is WithdrawalVerdict.PROCESSING
    assert result.next_step is NextStep.WAIT
    assert result.facts["minutes_since_request"] == 5


def test_processing_too_long_goes_to_a_person():
    w = withdrawal(WithdrawalStatus.REQUESTED, created_ago=timedelta(hours=3))
    result = diagnose_withdrawal(REG, w, NOW)
    assert result.facts["delayed"] is True
    assert result.next_step is NextStep.CONTACT_SUPPORT


def test_awaiting_confirmations():
    w = withdrawal(WithdrawalStatus.BROADCAST, txid_=txid(1), confirmations=9)
    result = diagnose_withdrawal(REG, w, NOW)
    assert result.verdict is WithdrawalVerdict.AWAITING_CONFIRMATIONS
    assert result.facts["confirmations"] == 9
    assert result.facts["eta_minutes"] == 1  # 10 TRON blocks of 3 s
    assert "tronscan" in result.facts["explorer_url"]


def test_held_by_risk_control_asks_for_2fa_without_revealing_the_rule():
    w = withdrawal(WithdrawalStatus.HELD, hold_reason_code="NEW_ADDRESS_LARGE_AMOUNT_R17")
    result = diagnose_withdrawal(REG, w, NOW)
    assert result.verdict is WithdrawalVerdict.HELD_BY_RISK_CONTROL
    assert result.next_step is NextStep.COMPLETE_VERIFICATION
    assert result.facts["required_actions"] == ["confirm_2fa", "confirm_email"]
    dumped = json.dumps(result.facts).lower()
    assert "r17" not in dumped and "large" not in dumped and "new_address" not in dumped


def test_held_for_identity_asks_for_identity_verification():
    w = withdrawal(WithdrawalStatus.HELD, hold_reason_code="kyc_refresh_required")
    result = diagnose_withdrawal(REG, w, NOW)
    assert result.facts["required_actions"] == ["verify_identity"]
    assert "kyc_refresh" not in json.dumps(result.facts)


@pytest.mark.parametrize(
    ("code", "reason", "step"),
    [
        ("invalid_address", "invalid_address", NextStep.CORRECT_AND_RETRY),
        ("insufficient_funds", "insufficient_balance", NextStep.CORRECT_AND_RETRY),
        ("network_maintenance", "network_suspended", NextStep.RETRY_LATER),
        ("below_minimum", "below_minimum", NextStep.CORRECT_AND_RETRY),
        ("AML_SANCTIONS_HIT_OFAC", "compliance", NextStep.CONTACT_SUPPORT),
        (None, "other", NextStep.CONTACT_SUPPORT),
    ],
)
def test_rejected_reason_in_user_terms(code, reason, step):
    result = diagnose_withdrawal(REG, withdrawal(WithdrawalStatus.REJECTED, reject_code=code), NOW)
    assert result.verdict is WithdrawalVerdict.REJECTED
    assert result.facts["reason"] == reason
    assert result.next_step is step
    if code:
        assert code not in json.dumps(result.facts) or code == reason


def test_rejected_below_minimum_states_the_minimum():
    w = withdrawal(WithdrawalStatus.REJECTED, reject_code="below_minimum")
    assert diagnose_withdrawal(REG, w, NOW).facts["min_withdrawal"] == "10"


def test_completed_with_txid_and_explorer_link():
    w = withdrawal(WithdrawalStatus.COMPLETED, txid_=txid(2), confirmations=40)
    result = diagnose_withdrawal(REG, w, NOW)
    assert result.verdict is WithdrawalVerdict.COMPLETED
    assert result.facts["txid"] == txid(2)
    assert result.facts["explorer_url"] == "https://tronscan.org/#/transaction/" + txid(2)
    assert result.next_step is NextStep.NONE
