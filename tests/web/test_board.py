"""The lead board's figures and charts (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trustdesk.web import board


def test_response_stats_nearest_rank():
    stats = board.response_stats([30, 10, 20, 40, 50, 60, 70, 80, 90, 100])
    assert (stats.count, stats.median, stats.p90, stats.max) == (10, 50, 90, 100)
    assert board.response_stats([]) == board.ResponseStats(0, None, None, None)
    with pytest.raises(ValueError):
        board.percentile([], 0.5)


def test_format_duration():
    assert board.format_duration(None) == "—"
    assert board.format_duration(42) == "42s"
    assert board.format_duration(125) == "2m 05s"
    assert board.format_duration(7500) == "2h 05m"


def test_breach_buckets():
    now = datetime(2026, 11, 2, 12, tzinfo=UTC)
    due = [now - timedelta(minutes=1), now + timedelta(minutes=5), now + timedelta(hours=30)]
    buckets = dict(board.breach_buckets(due, now))
    assert buckets == {"breached": 1, "< 15m": 1, "< 1h": 0, "< 4h": 0, "< 24h": 0, "later": 1}


def test_bar_chart_is_accessible_and_escaped():
    svg = board.bar_chart([("<b>", 3), ("ok", 0)], title="Load & more")
    assert 'role="img"' in svg and 'aria-label="Load &amp; more"' in svg
    assert "<b>" not in svg and "&lt;b&gt;" in svg
