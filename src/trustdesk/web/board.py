"""Pure figures and charts of the lead board: percentiles, time-to-breach buckets, inline SVG.

Charts are drawn here as SVG strings (no JavaScript chart library to ship or audit); every
number is also in the SVG's <title> and in a visually hidden table for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape


@dataclass(frozen=True)
class ResponseStats:
    count: int
    median: float | None
    p90: float | None
    max: float | None


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values (fraction in 0..1)."""
    if not sorted_values:
        raise ValueError("no values")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def response_stats(waits: Sequence[float]) -> ResponseStats:
    values = sorted(waits)
    if not values:
        return ResponseStats(0, None, None, None)
    return ResponseStats(len(values), percentile(values, 0.5), percentile(values, 0.9), values[-1])


def format_duration(seconds: float | None) -> str:
    """'—', '45s', '12m', '2h 05m' — compact, language-neutral."""
    if seconds is None:
        return "—"
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {s % 3600 // 60:02d}m"


# Buckets of "time to breach", the first ones urgent.
BUCKETS: tuple[tuple[str, float], ...] = (
    ("breached", 0),
    ("< 15m", 15 * 60),
    ("< 1h", 3600),
    ("< 4h", 4 * 3600),
    ("< 24h", 24 * 3600),
    ("later", math.inf),
)


def breach_buckets(deadlines: Sequence[datetime], now: datetime) -> list[tuple[str, int]]:
    counts = [0] * len(BUCKETS)
    for due in deadlines:
        left = (due - now).total_seconds()
        for i, (_, upper) in enumerate(BUCKETS):
            if (i == 0 and left <= 0) or (i > 0 and left < upper):
                counts[i] += 1
                break
    return [(label, n) for (label, _), n in zip(BUCKETS, counts, strict=True)]


COLOURS = ("#b3261e", "#c25e00", "#8a6d00", "#2e6b30", "#2f5f8a", "#5b5b66")


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 420,
    bar_height: int = 22,
    value_format: str = "{:g}",
    colours: Sequence[str] = COLOURS,
) -> str:
    """A horizontal bar chart as an accessible inline SVG."""
    top = max((v for _, v in bars), default=0) or 1
    label_w, gap = 90, 6
    height = len(bars) * (bar_height + gap) + gap
    rows = []
    for i, (label, value) in enumerate(bars):
        y = gap + i * (bar_height + gap)
        w = max(2.0, (width - label_w - 50) * value / top) if value else 0
        colour = colours[i % len(colours)]
        text = value_format.format(value)
        rows.append(
            f"<g><title>{escape(label)}: {escape(text)}</title>"
            f'<text x="{label_w - 6}" y="{y + bar_height * 0.7:.1f}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_height * 0.7:.1f}">{escape(text)}</text>'
            "</g>"
        )
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} '
        f'{height}" width="100%" preserveAspectRatio="xMinYMin meet" direction="ltr">'
        f"<title>{escape(title)}</title>{''.join(rows)}</svg>"
    )
