"""Turn signals into points, a score 0..100 and a decision, with the rule set's weights.

Pure: the result carries every intermediate value (strength, weight, contribution, points,
thresholds, forcing rule) so the stored assessment explains itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from trustdesk.models.risk import RiskDecision
from trustdesk.risk.signals import Signal

DECISION_ORDER = (
    RiskDecision.approve,
    RiskDecision.step_up,
    RiskDecision.hold,
    RiskDecision.decline,
)

# What agents read (internal notes, the case view). Never shown to the customer.
SIGNAL_TEXT = {
    "new_device": "Withdrawal from a device not seen on this account before",
    "new_ip": "IP address not seen on this account before",
    "new_asn": "Network provider (ASN) not seen on this account before",
    "new_country": "Country different from the account's usual countries",
    "impossible_travel": "Locations too far apart for the time between them",
    "password_changed": "Password changed recently",
    "twofa_changed": "2FA settings changed recently",
    "email_changed": "E-mail address changed recently",
    "phone_changed": "Phone number changed recently",
    "new_destination": "Destination address never used by this account",
    "destination_fanout": "Several never-used destination addresses within a day",
    "repeat_of_blocked": "Same destination or device as a recently blocked withdrawal",
    "amount_unusual": "Amount far above the account's usual withdrawals",
    "balance_drain": "Withdraws most of the balance",
    "velocity": "Many withdrawals in a short time",
    "fast_withdrawal_after_login": "Withdrawal within minutes of logging in",
    "failed_2fa": "Recent failed 2FA attempts",
    "lookalike_contact": "Recent contact with a look-alike (impersonating) support channel",
    "anomaly": "Unusual for this user's own withdrawal pattern (anomaly model)",
    "no_history": "No established account history",
    "account_under_review": "Account under security review or frozen",
}

# What the customer may read: never which rule fired.
CUSTOMER_MESSAGES = {
    RiskDecision.approve: "",
    RiskDecision.step_up: "For your security, please confirm this withdrawal.",
    RiskDecision.hold: (
        "For your security we have paused this withdrawal for a quick check. Your funds are "
        "safe. Please confirm it was you in the app or on the web to continue."
    ),
    RiskDecision.decline: (
        "This withdrawal cannot be processed right now. Please contact support; your funds "
        "remain in your account."
    ),
}


class RuleSetError(ValueError):
    """A rule set that cannot score (missing thresholds, unknown signals, bad numbers)."""


@cache
def default_rules() -> dict[str, Any]:
    text = resources.files("trustdesk.risk").joinpath("rules.yaml").read_text(encoding="utf-8")
    rules: dict[str, Any] = yaml.safe_load(text)
    validate_rules(rules)
    return rules


def validate_rules(rules: Mapping[str, Any]) -> None:
    """Refuse a rule set the scorer would misread; messages name the offending key."""
    if not isinstance(rules, Mapping):
        raise RuleSetError("rules must be a mapping")
    thresholds = rules.get("thresholds")
    if not isinstance(thresholds, Mapping):
        raise RuleSetError("thresholds: required (step_up, hold, decline)")
    values = []
    for key in ("step_up", "hold", "decline"):
        value = thresholds.get(key)
        if not isinstance(value, (int, float)) or not 0 < value <= 100:
            raise RuleSetError(f"thresholds.{key}: a number in (0, 100] is required")
        values.append(value)
    if not values[0] <= values[1] <= values[2]:
        raise RuleSetError("thresholds: step_up <= hold <= decline is required")
    scale = rules.get("scale")
    if not isinstance(scale, (int, float)) or scale <= 0:
        raise RuleSetError("scale: a positive number is required")
    signals = rules.get("signals")
    if not isinstance(signals, Mapping) or not signals:
        raise RuleSetError("signals: required")
    for code, spec in signals.items():
        if code not in SIGNAL_TEXT:
            raise RuleSetError(f"signals.{code}: unknown signal")
        if not isinstance(spec, Mapping):
            raise RuleSetError(f"signals.{code}: a mapping with 'weight' is required")
        weight = spec.get("weight")
        if not isinstance(weight, (int, float)) or not 0 <= weight <= 1000:
            raise RuleSetError(f"signals.{code}.weight: a number in [0, 1000] is required")
        for key, value in spec.items():
            if not isinstance(value, (int, float)):
                raise RuleSetError(f"signals.{code}.{key}: a number is required")
    for i, rule in enumerate(rules.get("force", []) or []):
        if not isinstance(rule, Mapping):
            raise RuleSetError(f"force[{i}]: a mapping is required")
        try:
            RiskDecision(str(rule.get("decision")))
        except ValueError as exc:
            raise RuleSetError(f"force[{i}].decision: one of approve/step_up/hold/decline") from exc
        for key in ("all", "any"):
            names = rule.get(key, []) or []
            if not isinstance(names, list) or any(n not in SIGNAL_TEXT for n in names):
                raise RuleSetError(f"force[{i}].{key}: a list of known signal codes")
        if not rule.get("all") and not rule.get("any"):
            raise RuleSetError(f"force[{i}]: needs 'all' or 'any'")
        min_strength = rule.get("min_strength", 0)
        if min_strength not in (0, 1):
            raise RuleSetError(
                f"force[{i}].min_strength: 0 (the signals fired) or 1 (at full strength)"
            )


@dataclass(slots=True)  # not frozen: one per signal per decision (see signals.SeenEvent)
class Contribution:
    code: str
    value: Any
    strength: float
    weight: float
    contribution: float
    detail: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        strength, contribution = self.strength, self.contribution
        return {
            "code": self.code,
            "value": self.value,
            # Most signals do not fire: their 0.0 needs no rounding (round() with digits goes
            # through a decimal string, ~5% of a decision's CPU over its 25-odd signals).
            "strength": strength if strength in (0.0, 1.0) else round(strength, 4),
            "weight": self.weight,
            "contribution": contribution if contribution == 0.0 else round(contribution, 3),
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: RiskDecision
    score: int
    points: float
    contributions: tuple[Contribution, ...]
    by_threshold: RiskDecision
    forced_by: str | None

    def reasons(self) -> list[dict[str, Any]]:
        """Fired signals, strongest first: code, agent text, points."""
        fired = sorted(
            (c for c in self.contributions if c.contribution > 0),
            key=lambda c: -c.contribution,
        )
        return [
            {"code": c.code, "text": SIGNAL_TEXT[c.code], "points": round(c.contribution, 2)}
            for c in fired
        ]

    def detail(self, rules: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "points": round(self.points, 3),
            "scale": rules["scale"],
            "thresholds": dict(rules["thresholds"]),
            "by_threshold": self.by_threshold.value,
            "forced_by": self.forced_by,
            # Which edition of the packaged defaults (risk/rules.yaml) a version-1 score used.
            "revision": rules.get("revision"),
        }


def _by_threshold(score: int, thresholds: Mapping[str, Any]) -> RiskDecision:
    if score >= thresholds["decline"]:
        return RiskDecision.decline
    if score >= thresholds["hold"]:
        return RiskDecision.hold
    if score >= thresholds["step_up"]:
        return RiskDecision.step_up
    return RiskDecision.approve


# Loops, not all()/any() over generators: half the cost, on every decision.
def _all_in(codes: Sequence[str] | None, on: set[str]) -> bool:
    for code in codes or ():  # noqa: SIM110
        if code not in on:
            return False
    return True


def _any_in(codes: Sequence[str] | None, on: set[str]) -> bool:
    if not codes:
        return True
    for code in codes:  # noqa: SIM110
        if code in on:
            return True
    return False


def score_signals(signals: Sequence[Signal], rules: Mapping[str, Any]) -> Verdict:
    specs = rules["signals"]
    contributions = []
    points: float = 0  # as sum() starts: no signals score 0 points, not 0.0
    fired = set()
    full = set()  # at full strength (`min_strength: 1` in a forcing rule)
    for s in signals:
        spec = specs.get(s.code)
        weight = float(spec.get("weight", 0.0)) if spec else 0.0
        contribution = weight * s.strength
        points += contribution
        if s.strength > 0:
            fired.add(s.code)
            if s.strength >= 1.0:
                full.add(s.code)
        contributions.append(
            Contribution(s.code, s.value, s.strength, weight, contribution, s.detail)
        )
    score = round(100 * (1 - math.exp(-points / float(rules["scale"]))))
    by_threshold = _by_threshold(score, rules["thresholds"])
    decision, forced_by = by_threshold, None
    for rule in rules.get("force", []) or []:
        # Plain loops over the rule's few codes: building sets per rule per decision costs more.
        on = full if rule.get("min_strength", 0) >= 1 else fired
        if _all_in(rule.get("all"), on) and _any_in(rule.get("any"), on):
            forced = RiskDecision(rule["decision"])
            if DECISION_ORDER.index(forced) > DECISION_ORDER.index(decision):
                decision, forced_by = forced, str(rule.get("name", "force"))
    return Verdict(decision, score, points, tuple(contributions), by_threshold, forced_by)
