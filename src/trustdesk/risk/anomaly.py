"""A per-user anomaly model learned from the user's own withdrawal history.

Robust statistics (median / MAD) on three features: log amount, hour of day (circular) and
share of balance withdrawn. It needs no training job and no dependency, fits in microseconds
on the ≤200 past withdrawals the scorer loads, and cannot be poisoned by a single outlier the
way a mean / standard deviation can. Its score (0..1) is one more signal of the rule set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MODEL_VERSION = "robust-mad-v1"

# Floors on each feature's spread, so a user who always withdraws the same amount at the same
# hour is not flagged for a trivial difference.
MIN_SPREAD = {"log_amount": 0.25, "hour": 1.5, "share": 0.08}


@dataclass(frozen=True, slots=True)
class WithdrawalPoint:
    log_amount: float
    hour: float
    share: float | None

    @classmethod
    def of(cls, at: datetime, amount: float, balance_before: float | None) -> WithdrawalPoint:
        share = None
        if balance_before is not None and balance_before > 0:
            share = min(1.0, amount / balance_before)
        return cls(math.log1p(max(0.0, amount)), at.hour + at.minute / 60, share)


@dataclass(frozen=True, slots=True)
class AnomalyResult:
    score: float
    detail: dict[str, Any] = field(default_factory=dict)


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def _hour_diff(a: float, b: float) -> float:
    d = abs(a - b) % 24
    return min(d, 24 - d)


def _circular_median_hour(hours: Sequence[float]) -> float:
    # The circular mean is a good enough centre; the spread below is robust (MAD).
    angles = [h / 24 * 2 * math.pi for h in hours]
    s = sum(map(math.sin, angles))
    c = sum(map(math.cos, angles))
    return (math.atan2(s, c) / (2 * math.pi) * 24) % 24


@dataclass(frozen=True, slots=True)
class AnomalyModel:
    centres: dict[str, float]
    spreads: dict[str, float]
    n: int
    ready: bool

    @classmethod
    def fit(cls, points: Sequence[WithdrawalPoint], *, min_history: int = 5) -> AnomalyModel:
        return cls.fit_columns(
            [p.log_amount for p in points],
            [p.hour for p in points],
            [p.share for p in points if p.share is not None],
            min_history=min_history,
        )

    @classmethod
    def fit_columns(
        cls,
        log_amounts: Sequence[float],
        hours: Sequence[float],
        shares: Sequence[float],
        *,
        min_history: int = 5,
    ) -> AnomalyModel:
        """`fit` on the points' features, one list each (`shares`: the known ones only)."""
        if len(log_amounts) < min_history:
            return cls({}, {}, len(log_amounts), False)
        centres: dict[str, float] = {}
        spreads: dict[str, float] = {}
        centre = centres["log_amount"] = _median(log_amounts)
        spreads["log_amount"] = 1.4826 * _median([abs(a - centre) for a in log_amounts])
        centre = centres["hour"] = _circular_median_hour(hours)
        spreads["hour"] = 1.4826 * _median([_hour_diff(h, centre) for h in hours])
        if len(shares) >= min_history:
            centre = centres["share"] = _median(shares)
            spreads["share"] = 1.4826 * _median([abs(s - centre) for s in shares])
        for key in spreads:
            spreads[key] = max(spreads[key], MIN_SPREAD[key])
        return cls(centres, spreads, len(log_amounts), True)

    def score(self, point: WithdrawalPoint) -> AnomalyResult:
        """0 = typical for this user, 1 = far outside everything they usually do."""
        if not self.ready:
            return AnomalyResult(0.0, {"model": MODEL_VERSION, "history": self.n, "ready": False})
        z: dict[str, float] = {
            "log_amount": (point.log_amount - self.centres["log_amount"])
            / self.spreads["log_amount"],
            "hour": _hour_diff(point.hour, self.centres["hour"]) / self.spreads["hour"],
        }
        if "share" in self.centres and point.share is not None:
            z["share"] = (point.share - self.centres["share"]) / self.spreads["share"]
        # Only unusually *large* amounts and shares are suspicious; smaller ones are not.
        parts = [max(0.0, z["log_amount"]), z["hour"], max(0.0, z.get("share", 0.0))]
        rms = math.sqrt(sum(p * p for p in parts) / len(parts))
        score = max(0.0, min(1.0, (rms - 2.0) / 3.0))
        return AnomalyResult(
            score,
            {
                "model": MODEL_VERSION,
                "history": self.n,
                "ready": True,
                "z": {k: round(v, 3) for k, v in z.items()},
                "rms": round(rms, 3),
            },
        )
