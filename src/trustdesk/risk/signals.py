"""Risk signals of a withdrawal request, computed from the request and the user's history.

Pure functions: no database, `now` is explicit. Each signal returns a strength in 0..1 (how
strongly it fires) and the raw value it was computed from; `scoring.py` turns strengths into
points with the rule set's weights.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from trustdesk.risk.anomaly import AnomalyModel, WithdrawalPoint

# Rough geographic centres (lat, lon) of the countries most seen on exchanges; enough to tell
# "Frankfurt then São Paulo within an hour" from "Paris then Brussels".
COUNTRY_CENTROIDS: Mapping[str, tuple[float, float]] = {
    "AE": (24.0, 54.0), "AR": (-34.0, -64.0), "AT": (47.3, 13.3), "AU": (-25.0, 134.0),
    "BD": (24.0, 90.0), "BE": (50.8, 4.5), "BG": (42.7, 25.5), "BR": (-10.0, -55.0),
    "CA": (56.0, -106.0), "CH": (46.8, 8.2), "CL": (-30.0, -71.0), "CN": (35.0, 103.0),
    "CO": (4.0, -72.0), "CZ": (49.8, 15.5), "DE": (51.0, 10.0), "DK": (56.0, 10.0),
    "EG": (27.0, 30.0), "ES": (40.0, -4.0), "FI": (64.0, 26.0), "FR": (46.0, 2.0),
    "GB": (54.0, -2.0), "GR": (39.0, 22.0), "HK": (22.3, 114.2), "HU": (47.0, 20.0),
    "ID": (-5.0, 120.0), "IE": (53.0, -8.0), "IL": (31.5, 34.8), "IN": (21.0, 78.0),
    "IT": (42.8, 12.8), "JP": (36.0, 138.0), "KE": (1.0, 38.0), "KR": (36.5, 128.0),
    "KZ": (48.0, 68.0), "MX": (23.0, -102.0), "MY": (2.5, 112.5), "NG": (10.0, 8.0),
    "NL": (52.5, 5.8), "NO": (62.0, 10.0), "NZ": (-41.0, 174.0), "PH": (13.0, 122.0),
    "PK": (30.0, 70.0), "PL": (52.0, 20.0), "PT": (39.5, -8.0), "RO": (46.0, 25.0),
    "RU": (60.0, 100.0), "SA": (25.0, 45.0), "SE": (62.0, 15.0), "SG": (1.35, 103.8),
    "TH": (15.0, 100.0), "TR": (39.0, 35.0), "TW": (23.5, 121.0), "UA": (49.0, 32.0),
    "US": (38.0, -97.0), "VN": (16.0, 106.0), "ZA": (-29.0, 24.0),
}  # fmt: skip

LOGIN_KINDS = frozenset({"login"})
CHANGE_SIGNALS = {
    "password_change": "password_changed",
    "2fa_change": "twofa_changed",
    "email_change": "email_changed",
    "phone_change": "phone_changed",
}


# Not frozen: built by the dozen for every withdrawal request, and a frozen dataclass's
# __init__ takes three times as long (measured). Treat as immutable all the same.
@dataclass(slots=True)
class SeenEvent:
    """A streamed login / security event (ours or the connector's)."""

    kind: str
    at: datetime
    device_id: str | None = None
    ip: str | None = None
    country: str | None = None
    asn: int | None = None


@dataclass(slots=True)  # not frozen: see SeenEvent
class PastWithdrawal:
    at: datetime
    asset: str
    amount: float
    to_address: str
    balance_before: float | None = None
    device_id: str | None = None
    ip: str | None = None
    country: str | None = None
    asn: int | None = None
    # Decision we took (None for withdrawals known only from the exchange).
    decision: str | None = None
    # False when the withdrawal was blocked (held and not released, declined, frozen).
    completed: bool = True


@dataclass(frozen=True, slots=True)
class UserHistory:
    events: Sequence[SeenEvent] = ()
    withdrawals: Sequence[PastWithdrawal] = ()
    lookalike_contacts: Sequence[datetime] = ()
    under_review: bool = False


@dataclass(frozen=True, slots=True)
class WithdrawalFacts:
    withdrawal_id: str
    user_id: str
    asset: str
    network: str
    amount: Decimal
    to_address: str
    memo: str | None
    balance_before: Decimal
    device_id: str | None
    ip: str | None
    country: str | None
    asn: int | None
    login_at: datetime | None
    user_agent: str | None = None


@dataclass(slots=True)  # not frozen: see SeenEvent
class Signal:
    code: str
    strength: float
    value: Any
    detail: dict[str, Any] = field(default_factory=dict)


def distance_km(a: str, b: str) -> float | None:
    """Great-circle distance between two countries' centres; None if one is unknown."""
    pa, pb = COUNTRY_CENTROIDS.get(a.upper()), COUNTRY_CENTROIDS.get(b.upper())
    if pa is None or pb is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*pa, *pb))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


_NO_SPEC: Mapping[str, Any] = {}


def _p(rules: Mapping[str, Any], code: str, key: str, default: float) -> float:
    # ~20 calls per decision: no throwaway `{}` defaults, no float() of a float.
    value = rules.get("signals", _NO_SPEC).get(code, _NO_SPEC).get(key, default)
    return value if type(value) is float else float(value)


def _ramp(x: float, start: float, full: float) -> float:
    """0 at `start`, 1 at `full`, linear between (works for falling ramps too)."""
    if full == start:
        return 1.0 if x >= full else 0.0
    return max(0.0, min(1.0, (x - start) / (full - start)))


Sighting = tuple[datetime, str | None, str | None, int | None, str | None]


def _sightings(history: UserHistory) -> list[Sighting]:
    rows: list[Sighting] = [
        (e.at, e.device_id, e.ip, e.asn, e.country) for e in history.events if e.kind in LOGIN_KINDS
    ]
    # A blocked withdrawal (held and never released, declined) vouches for nothing: the
    # device it came from must not become "known" by having been stopped once.
    rows += [
        (w.at, w.device_id, w.ip, w.asn, w.country) for w in history.withdrawals if w.completed
    ]
    return rows


_NO_TAINT: tuple[frozenset[Any], ...] = (frozenset(),) * 4


def _tainted(
    blocked: Sequence[PastWithdrawal], sightings: Sequence[Sighting], window: timedelta
) -> tuple[Set[Any], ...]:
    """Devices, IPs, ASNs and countries first seen shortly (`window`) before a blocked
    withdrawal: the attacker's, whose logins would otherwise make them "known" a day later.

    Empty (shared), and nearly free, for the usual history without a blocked withdrawal."""
    if not blocked:
        return _NO_TAINT
    out: tuple[set[Any], ...] = (set(), set(), set(), set())
    first: tuple[dict[Any, datetime], ...] = ({}, {}, {}, {})
    for w in blocked:
        for i, value in enumerate((w.device_id, w.ip, w.asn, w.country)):
            if value is not None and (value not in first[i] or w.at < first[i][value]):
                first[i][value] = w.at
    for at, *values in sightings:
        for i, value in enumerate(values):
            seen = first[i].get(value)
            if seen is not None and at < seen:
                first[i][value] = at
    for w in blocked:
        for i, value in enumerate((w.device_id, w.ip, w.asn, w.country)):
            if value is not None and first[i][value] >= w.at - window:
                out[i].add(value)
    return out


def compute_signals(
    facts: WithdrawalFacts, history: UserHistory, rules: Mapping[str, Any], *, now: datetime
) -> list[Signal]:
    """Every signal of the rule set, fired or not, in a stable order.

    Runs on every withdrawal request: each history list is walked as few times as it can be
    (the sightings once for all four novelty signals, the events once for every change)."""
    window = timedelta(hours=float(rules.get("established_hours", 24)))
    established = now - window
    pass_ = _walk_withdrawals(facts, history, rules, now=now, established=established)
    sightings = _sightings(history)
    baseline = [s for s in sightings if s[0] <= established]
    has_baseline = bool(baseline)
    out: list[Signal] = []
    country = facts.country.upper() if facts.country else None
    current = (facts.device_id, facts.ip, facts.asn, country)
    codes = ("new_device", "new_ip", "new_asn", "new_country")
    tainted: tuple[Set[Any], ...] = _NO_TAINT
    if has_baseline:
        known: tuple[set[Any], ...] = (set(), set(), set(), set())
        for _, device, ip, asn, seen_country in baseline:
            known[0].add(device)
            known[1].add(ip)
            known[2].add(asn)
            known[3].add(seen_country)
        tainted = _tainted(pass_.blocked, sightings, window)
        for code, value, seen, bad in zip(codes, current, known, tainted, strict=True):
            if value is None:
                out.append(Signal(code, 0.0, value, {"baseline": True}))
                continue
            seen.discard(None)
            if value in bad:
                out.append(Signal(code, 1.0, value, {"known": len(seen), "tainted": True}))
                continue
            out.append(Signal(code, 0.0 if value in seen else 1.0, value, {"known": len(seen)}))
    else:
        out.extend(
            Signal(code, 0.0, value, {"baseline": False})
            for code, value in zip(codes, current, strict=True)
        )
    out.append(
        Signal(
            "no_history",
            0.0 if has_baseline else 1.0,
            len(sightings),
            {"sightings": len(sightings)},
        )
    )
    out.append(_impossible_travel(facts, sightings, rules, now=now))
    out.extend(_credential_changes(history, rules, now=now))
    destination = _destinations(facts, pass_, rules)
    out.extend(destination)
    if pass_.blocked:
        out.append(
            _repeat_of_blocked(
                facts, pass_.blocked, tainted[0], rules, now=now, new_address=destination[0].value
            )
        )
    else:
        out.append(Signal("repeat_of_blocked", 0.0, None))
    out.append(_amount_unusual(facts, pass_, rules))
    out.append(_balance_drain(facts, pass_.taken, rules))
    out.append(_velocity(pass_, rules))
    out.append(_fast_after_login(facts, history, rules, now=now))
    out.append(_failed_2fa(history, rules, now=now))
    out.append(_lookalike(history, rules, now=now))
    out.append(_anomaly(facts, pass_, rules, now=now))
    out.append(
        Signal("account_under_review", 1.0 if history.under_review else 0.0, history.under_review)
    )
    return out


def _impossible_travel(
    facts: WithdrawalFacts,
    sightings: Sequence[Sighting],
    rules: Mapping[str, Any],
    *,
    now: datetime,
) -> Signal:
    max_speed = _p(rules, "impossible_travel", "max_speed_kmh", 900)
    min_distance = _p(rules, "impossible_travel", "min_distance_km", 500)
    since = now - timedelta(hours=48)
    points = sorted(
        (at, country.upper())
        for at, _, _, _, country in sightings
        if country and since <= at <= now
    )
    if facts.country:
        points.append((now, facts.country.upper()))
    worst: dict[str, Any] = {}
    top_speed = 0.0
    for (t1, c1), (t2, c2) in zip(points, points[1:], strict=False):
        if c1 == c2:
            continue
        km = distance_km(c1, c2)
        if km is None or km < min_distance:
            continue
        hours = max((t2 - t1).total_seconds() / 3600, 1 / 60)
        # Centroids misplace border towns: neighbours' centres lie up to ~min_distance apart.
        speed = (km - min_distance) / hours
        if speed > top_speed:
            top_speed = speed
            worst = {"from": c1, "to": c2, "km": round(km), "hours": round(hours, 2)}
    return Signal(
        "impossible_travel", 1.0 if top_speed > max_speed else 0.0, round(top_speed), worst
    )


def _credential_changes(
    history: UserHistory, rules: Mapping[str, Any], *, now: datetime
) -> list[Signal]:
    latest_of: dict[str, datetime] = {}
    for e in history.events:
        if e.kind in CHANGE_SIGNALS and e.at <= now:
            seen = latest_of.get(e.kind)
            if seen is None or e.at > seen:
                latest_of[e.kind] = e.at
    out = []
    for kind, code in CHANGE_SIGNALS.items():
        latest = latest_of.get(kind)
        if latest is None:
            out.append(Signal(code, 0.0, None))
            continue
        full = _p(rules, code, "full_hours", 24)
        window = _p(rules, code, "window_hours", 72)
        hours = (now - latest).total_seconds() / 3600
        if hours <= full:
            strength = 1.0
        elif hours <= window:
            strength = 0.5
        else:
            strength = 0.0
        out.append(Signal(code, strength, round(hours, 2), {"hours_ago": round(hours, 2)}))
    return out


def _address_key(address: str) -> str:
    # EVM addresses are case-insensitive (checksum casing); others are compared as written.
    return address.lower() if address.lower().startswith("0x") else address


@dataclass(slots=True)
class _Walk:
    """What one pass over the past withdrawals gives the destination, repeat, amount, drain
    and anomaly signals (one walk instead of one each: this runs on every decision)."""

    old: set[str]  # destinations of completed withdrawals before the baseline window
    recent: set[str]  # destinations of the fan-out window, any outcome
    taken: float  # completed, same asset, within the drain window
    blocked: list[PastWithdrawal]  # held and never released, or declined
    # The columns of `WithdrawalPoint.of` for each completed withdrawal of the same asset
    # (the amount and anomaly signals' sample), and whether an amount was not positive.
    log_amounts: list[float]
    hours: list[float]
    shares: list[float]
    nonpositive: bool
    # Withdrawals (any outcome) in the last hour and day, for `velocity`.
    last_hour: int
    last_day: int


def _walk_withdrawals(
    facts: WithdrawalFacts,
    history: UserHistory,
    rules: Mapping[str, Any],
    *,
    now: datetime,
    established: datetime,
) -> _Walk:
    fan_since = now - timedelta(hours=_p(rules, "destination_fanout", "window_hours", 24))
    drain_since = now - timedelta(hours=_p(rules, "balance_drain", "window_hours", 24))
    asset = facts.asset
    old: set[str] = set()
    recent: set[str] = set()
    blocked: list[PastWithdrawal] = []
    log_amounts: list[float] = []
    hours: list[float] = []
    shares: list[float] = []
    nonpositive = False
    taken = 0.0
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    last_hour = last_day = 0
    log1p = math.log1p
    for w in history.withdrawals:
        at = w.at
        if day_ago <= at <= now:
            last_day += 1
            if hour_ago <= at:
                last_hour += 1
        if w.completed:
            if at <= established:
                old.add(w.to_address)
            if w.asset == asset:
                amount = w.amount
                if amount > 0:
                    log_amounts.append(log1p(amount))
                else:
                    nonpositive = True
                    log_amounts.append(0.0)
                hours.append(at.hour + at.minute / 60)
                balance = w.balance_before
                if balance is not None and balance > 0:
                    shares.append(min(1.0, amount / balance))
                if drain_since <= at <= now:
                    taken += amount
        else:
            blocked.append(w)
        if fan_since <= at <= now:
            recent.add(w.to_address)
    return _Walk(
        old, recent, taken, blocked, log_amounts, hours, shares, nonpositive, last_hour, last_day
    )


def _destinations(
    facts: WithdrawalFacts, walk: _Walk, rules: Mapping[str, Any]
) -> tuple[Signal, Signal]:
    """`new_destination`: the address was never used by a completed withdrawal before the
    baseline window (an address first used minutes ago, e.g. by an attacker's small test
    withdrawal, is still new); `destination_fanout`: how many such new addresses the last
    `window_hours` sent to, this one included (the "salami": many small withdrawals to many
    fresh addresses)."""
    # Most users send to the same few addresses: normalise each distinct one once.
    used = {_address_key(a) for a in walk.old}
    key = _address_key(facts.to_address)
    is_new = key not in used
    fresh = {_address_key(a) for a in walk.recent} - used if walk.recent else set()
    if is_new:
        fresh.add(key)
    spec = rules.get("signals", _NO_SPEC).get("destination_fanout", _NO_SPEC)
    strength = _ramp(
        len(fresh), float(spec.get("count_start", 2)), float(spec.get("count_full", 4))
    )
    return (
        Signal(
            "new_destination", 1.0 if is_new else 0.0, is_new, {"known_destinations": len(used)}
        ),
        Signal("destination_fanout", strength, len(fresh)),
    )


def _repeat_of_blocked(
    facts: WithdrawalFacts,
    blocked: Sequence[PastWithdrawal],
    tainted_devices: Set[Any],
    rules: Mapping[str, Any],
    *,
    now: datetime,
    new_address: bool,
) -> Signal:
    """The same new destination, or a device first seen just before it, as a withdrawal we
    blocked (held and never released, or declined) in the last days: the attacker coming back
    after waiting out the baseline window, or a retry around an unanswered hold. (A hold of a
    withdrawal to one of the account's own established addresses taints nothing.)"""
    if not blocked:
        return Signal("repeat_of_blocked", 0.0, None)
    since = now - timedelta(days=_p(rules, "repeat_of_blocked", "window_days", 7))
    key = _address_key(facts.to_address)
    for w in blocked:
        if not since <= w.at <= now:
            continue
        if new_address and _address_key(w.to_address) == key:
            return Signal("repeat_of_blocked", 1.0, "destination", {"blocked_at": w.at.isoformat()})
        if facts.device_id is not None and facts.device_id in tainted_devices:
            return Signal("repeat_of_blocked", 1.0, "device", {"blocked_at": w.at.isoformat()})
    return Signal("repeat_of_blocked", 0.0, None)


def robust_z(value: float, sample: Sequence[float], *, floor: float = 0.1) -> tuple[float, float]:
    """Robust z-score (median / MAD) and empirical percentile of `value` in `sample`.

    `floor` bounds the spread from below (log space: 0.1 ≈ a 10% spread): a user whose amounts
    barely vary is not flagged for withdrawing a little more than usual."""
    ordered = sorted(sample)
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    mad = sorted(abs(x - median) for x in ordered)[n // 2]
    scale = max(1.4826 * mad, floor, 1e-9)
    percentile = sum(1 for x in ordered if x <= value) / n
    return (value - median) / scale, percentile


def _amount_unusual(facts: WithdrawalFacts, walk: _Walk, rules: Mapping[str, Any]) -> Signal:
    min_history = int(_p(rules, "amount_unusual", "min_history", 3))
    # Past amounts that were not positive say nothing of the usual amount: left out.
    past = [a for a in walk.log_amounts if a > 0] if walk.nonpositive else walk.log_amounts
    if len(past) < min_history:
        return Signal("amount_unusual", 0.0, None, {"history": len(past)})
    z, percentile = robust_z(
        math.log1p(float(facts.amount)),
        past,
        floor=_p(rules, "amount_unusual", "min_log_spread", 0.1),
    )
    strength = _ramp(
        z, _p(rules, "amount_unusual", "z_start", 1.5), _p(rules, "amount_unusual", "z_full", 3.0)
    )
    return Signal(
        "amount_unusual",
        strength,
        round(z, 3),
        {"percentile": round(percentile, 3), "history": len(past)},
    )


def _balance_drain(facts: WithdrawalFacts, taken: float, rules: Mapping[str, Any]) -> Signal:
    # Cumulative over the window (`taken`: completed, same asset): ten withdrawals of 9% each
    # drain the account as surely as one of 90%. `balance_before` already lacks them.
    amount, balance = float(facts.amount), float(facts.balance_before)
    if balance <= 0:
        share = 1.0
    elif taken > 0:
        share = min(1.0, (amount + taken) / (balance + taken))
    else:
        share = min(1.0, amount / balance)
    strength = _ramp(
        share,
        _p(rules, "balance_drain", "share_start", 0.5),
        _p(rules, "balance_drain", "share_full", 0.9),
    )
    if taken:
        return Signal("balance_drain", strength, round(share, 4), {"window_taken": round(taken, 8)})
    return Signal("balance_drain", strength, round(share, 4))


def _velocity(walk: _Walk, rules: Mapping[str, Any]) -> Signal:
    hour, day = walk.last_hour, walk.last_day
    hour_limit = _p(rules, "velocity", "hour_count", 3)
    day_limit = _p(rules, "velocity", "day_count", 10)
    # Counts include this request: the 3rd withdrawal within an hour is the first to fire.
    strength = max(_ramp(hour + 1, 1, hour_limit), _ramp(day + 1, 1, day_limit))
    strength = 1.0 if strength >= 1.0 else (0.5 if strength >= 0.5 else 0.0)
    return Signal("velocity", strength, hour + 1, {"last_hour": hour + 1, "last_day": day + 1})


def _fast_after_login(
    facts: WithdrawalFacts, history: UserHistory, rules: Mapping[str, Any], *, now: datetime
) -> Signal:
    login_at = facts.login_at
    if login_at is None:
        logins = [e.at for e in history.events if e.kind == "login" and e.at <= now]
        login_at = max(logins, default=None)
    if login_at is None:
        return Signal("fast_withdrawal_after_login", 0.0, None)
    minutes = max(0.0, (now - login_at).total_seconds() / 60)
    limit = _p(rules, "fast_withdrawal_after_login", "minutes", 5)
    return Signal("fast_withdrawal_after_login", 1.0 if minutes < limit else 0.0, round(minutes, 2))


def _failed_2fa(history: UserHistory, rules: Mapping[str, Any], *, now: datetime) -> Signal:
    since = now - timedelta(hours=_p(rules, "failed_2fa", "window_hours", 24))
    count = sum(1 for e in history.events if e.kind == "2fa_failed" and since <= e.at <= now)
    full = _p(rules, "failed_2fa", "count_full", 3)
    strength = 1.0 if count >= full else (0.5 if count > 0 else 0.0)
    return Signal("failed_2fa", strength, count)


def _lookalike(history: UserHistory, rules: Mapping[str, Any], *, now: datetime) -> Signal:
    since = now - timedelta(days=_p(rules, "lookalike_contact", "window_days", 14))
    count = sum(1 for at in history.lookalike_contacts if since <= at <= now)
    return Signal("lookalike_contact", 1.0 if count else 0.0, count)


def _anomaly(
    facts: WithdrawalFacts, walk: _Walk, rules: Mapping[str, Any], *, now: datetime
) -> Signal:
    min_history = int(_p(rules, "anomaly", "min_history", 5))
    # The columns of `WithdrawalPoint.of` for each past withdrawal, without an object each.
    model = AnomalyModel.fit_columns(
        walk.log_amounts, walk.hours, walk.shares, min_history=min_history
    )
    point = WithdrawalPoint.of(now, float(facts.amount), float(facts.balance_before))
    result = model.score(point)
    return Signal("anomaly", result.score, round(result.score, 4), result.detail)
