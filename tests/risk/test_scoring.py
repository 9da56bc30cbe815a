"""Risk signals, scoring and decisions: pure functions, no database."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from trustdesk.models.risk import RiskDecision
from trustdesk.risk.anomaly import AnomalyModel, WithdrawalPoint
from trustdesk.risk.scoring import RuleSetError, default_rules, score_signals, validate_rules
from trustdesk.risk.signals import (
    PastWithdrawal,
    SeenEvent,
    UserHistory,
    WithdrawalFacts,
    compute_signals,
    distance_km,
)

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
HOME = {"device_id": "dev-home", "ip": "10.0.0.1", "country": "DE", "asn": 3320}
ADDR = "0xAbC0000000000000000000000000000000000001"


def facts(**over):
    base = dict(
        withdrawal_id="w-1",
        user_id="u-1",
        asset="USDT",
        network="TRC20",
        amount=Decimal("100"),
        to_address=ADDR,
        memo=None,
        balance_before=Decimal("5000"),
        login_at=NOW - timedelta(hours=2),
        **HOME,
    )
    base.update(over)
    return WithdrawalFacts(**base)


def usual_history(**over):
    """Thirty days of the same user: logins from home, 100 USDT a week to one address."""
    events = [SeenEvent("login", NOW - timedelta(days=d, hours=1), **HOME) for d in range(1, 30)]
    withdrawals = [
        PastWithdrawal(
            at=NOW - timedelta(days=7 * k, minutes=5 * k),
            asset="USDT",
            amount=100.0 + k,
            to_address=ADDR.lower(),
            balance_before=5000.0,
            **HOME,
        )
        for k in range(1, 8)
    ]
    base = dict(events=events, withdrawals=withdrawals)
    base.update(over)
    return UserHistory(**base)


def signals_of(f, h, rules=None):
    return {s.code: s for s in compute_signals(f, h, rules or default_rules(), now=NOW)}


def verdict(f, h, rules=None):
    rules = rules or default_rules()
    return score_signals(compute_signals(f, h, rules, now=NOW), rules)


def test_normal_repeat_withdrawal_is_approved():
    v = verdict(facts(), usual_history())
    assert v.decision is RiskDecision.approve
    assert v.score < 10
    assert v.reasons() == []


def test_fresh_hijack_is_held():
    h = usual_history(
        events=[
            *usual_history().events,
            SeenEvent("2fa_change", NOW - timedelta(hours=1), "dev-x", "203.0.113.9", "BR", 28573),
            SeenEvent("login", NOW - timedelta(minutes=3), "dev-x", "203.0.113.9", "BR", 28573),
        ]
    )
    f = facts(
        device_id="dev-x",
        ip="203.0.113.9",
        country="BR",
        asn=28573,
        to_address="TXhijacker000000000000000000000001",
        amount=Decimal("4750"),
        login_at=NOW - timedelta(minutes=3),
    )
    v = verdict(f, h)
    assert v.decision is RiskDecision.hold
    fired = {r["code"] for r in v.reasons()}
    assert {
        "new_device",
        "new_country",
        "twofa_changed",
        "new_destination",
        "balance_drain",
    } <= fired
    assert v.score >= 55


@pytest.mark.parametrize(
    ("code", "f_over", "h_over"),
    [
        ("new_device", {"device_id": "dev-new"}, {}),
        ("new_ip", {"ip": "198.51.100.7"}, {}),
        ("new_asn", {"asn": 64500}, {}),
        ("new_country", {"country": "FR"}, {}),
        ("new_destination", {"to_address": "bc1qnew"}, {}),
        ("balance_drain", {"amount": Decimal("4900")}, {}),
        ("fast_withdrawal_after_login", {"login_at": NOW - timedelta(minutes=2)}, {}),
    ],
)
def test_each_request_signal_fires(code, f_over, h_over):
    quiet = signals_of(facts(), usual_history())
    assert quiet[code].strength == 0
    loud = signals_of(facts(**f_over), usual_history(**h_over))
    assert loud[code].strength > 0


def test_known_device_seen_only_minutes_ago_is_still_new():
    h = usual_history(
        events=[*usual_history().events, SeenEvent("login", NOW - timedelta(minutes=5), "dev-z")]
    )
    assert signals_of(facts(device_id="dev-z"), h)["new_device"].strength == 1


def test_evm_addresses_compare_case_insensitively():
    assert (
        signals_of(facts(to_address=ADDR.upper().replace("0X", "0x")), usual_history())[
            "new_destination"
        ].strength
        == 0
    )


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("password_change", "password_changed"),
        ("2fa_change", "twofa_changed"),
        ("email_change", "email_changed"),
        ("phone_change", "phone_changed"),
    ],
)
def test_recent_credential_changes(kind, code):
    base = usual_history()
    for hours, strength in ((2, 1.0), (48, 0.5), (100, 0.0)):
        h = usual_history(events=[*base.events, SeenEvent(kind, NOW - timedelta(hours=hours))])
        assert signals_of(facts(), h)[code].strength == strength, hours


def test_impossible_travel():
    base = usual_history()
    near = usual_history(
        events=[*base.events, SeenEvent("login", NOW - timedelta(minutes=30), country="DE")]
    )
    assert signals_of(facts(country="FR"), near)["impossible_travel"].strength == 0
    far = usual_history(
        events=[*base.events, SeenEvent("login", NOW - timedelta(minutes=60), country="DE")]
    )
    s = signals_of(facts(country="JP"), far)["impossible_travel"]
    assert s.strength == 1 and s.detail["from"] == "DE" and s.detail["to"] == "JP"
    slow = usual_history(
        events=[*base.events, SeenEvent("login", NOW - timedelta(hours=20), country="DE")]
    )
    # No fresher sighting: the withdrawal from Japan 20 h after Germany is possible by plane.
    h = UserHistory(events=[e for e in slow.events if e.at > NOW - timedelta(hours=47)])
    assert signals_of(facts(country="JP"), h)["impossible_travel"].strength == 0
    assert 8000 < distance_km("DE", "JP") < 10000


def test_amount_against_history_is_a_robust_z_score():
    s = signals_of(facts(amount=Decimal("104")), usual_history())["amount_unusual"]
    assert s.strength == 0 and 0 <= s.detail["percentile"] <= 1
    s = signals_of(facts(amount=Decimal("3000")), usual_history())["amount_unusual"]
    assert s.strength == 1 and s.value > 3
    assert signals_of(facts(amount=Decimal("3000")), UserHistory())["amount_unusual"].value is None


def test_velocity_counts_this_request():
    base = usual_history()
    recent = [
        PastWithdrawal(at=NOW - timedelta(minutes=m), asset="USDT", amount=100, to_address=ADDR)
        for m in (10, 20)
    ]
    h = usual_history(withdrawals=[*base.withdrawals, *recent])
    s = signals_of(facts(), h)["velocity"]
    assert s.strength == 1 and s.detail["last_hour"] == 3


def test_failed_2fa_attempts():
    base = usual_history()
    one = usual_history(events=[*base.events, SeenEvent("2fa_failed", NOW - timedelta(hours=1))])
    assert signals_of(facts(), one)["failed_2fa"].strength == 0.5
    three = usual_history(
        events=[
            *base.events,
            *(SeenEvent("2fa_failed", NOW - timedelta(minutes=m)) for m in (1, 2, 3)),
        ]
    )
    assert signals_of(facts(), three)["failed_2fa"].strength == 1


def test_lookalike_contact():
    h = usual_history(lookalike_contacts=[NOW - timedelta(days=2)])
    assert signals_of(facts(), h)["lookalike_contact"].strength == 1
    h = usual_history(lookalike_contacts=[NOW - timedelta(days=30)])
    assert signals_of(facts(), h)["lookalike_contact"].strength == 0


def test_anomaly_model_learns_the_users_own_pattern():
    points = [
        WithdrawalPoint.of(NOW.replace(hour=10) - timedelta(days=d), 100 + d, 5000)
        for d in range(10)
    ]
    model = AnomalyModel.fit(points)
    assert model.score(WithdrawalPoint.of(NOW.replace(hour=10), 105, 5000)).score == 0
    odd = model.score(WithdrawalPoint.of(NOW.replace(hour=3), 4900, 5000))
    assert odd.score > 0.5 and odd.detail["ready"]
    assert not AnomalyModel.fit(points[:2]).ready
    s = signals_of(facts(amount=Decimal("4900")), usual_history())["anomaly"]
    assert s.strength > 0


def test_no_history_and_under_review():
    s = signals_of(facts(), UserHistory())
    assert s["no_history"].strength == 1
    assert s["new_device"].strength == 0  # meaningless without a baseline
    v = verdict(facts(), usual_history(under_review=True))
    assert v.decision is RiskDecision.decline and v.forced_by == "under_review"


def test_each_decision_by_threshold():
    assert verdict(facts(), usual_history()).decision is RiskDecision.approve
    assert (
        verdict(facts(device_id="dev-new", ip="1.2.3.4"), usual_history()).decision
        is RiskDecision.step_up
    )
    h = usual_history(
        events=[*usual_history().events, SeenEvent("2fa_change", NOW - timedelta(hours=3))]
    )
    held = verdict(facts(device_id="dev-new", ip="1.2.3.4", asn=1), h)
    assert held.decision is RiskDecision.hold and held.forced_by is None
    rules = copy.deepcopy(default_rules())
    rules["thresholds"]["decline"] = 60
    assert (
        verdict(facts(device_id="dev-new", ip="1.2.3.4", asn=1), h, rules).decision
        is RiskDecision.decline
    )


def test_every_intermediate_value_is_kept():
    v = verdict(facts(device_id="dev-new"), usual_history())
    codes = [c.code for c in v.contributions]
    assert set(codes) == set(default_rules()["signals"])
    c = next(c for c in v.contributions if c.code == "new_device")
    assert c.as_dict()["weight"] == 15 and c.as_dict()["contribution"] == 15
    assert v.detail(default_rules())["thresholds"]["hold"] == 55


def test_rule_validation():
    validate_rules(default_rules())
    bad = copy.deepcopy(default_rules())
    bad["thresholds"]["hold"] = 10
    with pytest.raises(RuleSetError, match="step_up <= hold"):
        validate_rules(bad)
    bad = copy.deepcopy(default_rules())
    bad["signals"]["made_up"] = {"weight": 1}
    with pytest.raises(RuleSetError, match="unknown signal"):
        validate_rules(bad)
    bad = copy.deepcopy(default_rules())
    bad["force"] = [{"all": ["new_device"], "decision": "explode"}]
    with pytest.raises(RuleSetError, match="decision"):
        validate_rules(bad)
