"""Business calendars: when the SLA clock runs.

A calendar is a weekly pattern of working intervals in one IANA time zone, minus holidays. Every
datetime crossing this module's interface is timezone-aware; results are in UTC. Internally all
arithmetic happens on UTC datetimes and `timedelta`s (whole microseconds), so adding working time
and measuring it back are exact inverses.

Local-time corner cases, decided once here:

- An interval end of `time(0)` means midnight at the *end* of the day ("24:00" in `from_dict`).
- A local time that occurs twice (autumn DST fold) means its first occurrence.
- A local time that does not exist (spring DST gap) means the instant the gap starts, so a
  Berlin interval 02:30-05:00 on the last Sunday of March runs from 03:00 CEST to 05:00 CEST.
  This keeps the local-to-UTC mapping monotonic: intervals never overlap or run backwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "BusinessCalendar",
    "add_working",
    "add_working_time",
    "require_utc",
    "working_seconds_between",
    "working_time_between",
]

Interval = tuple[time, time]

_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_KEYS: dict[str, int] = {
    **{name: i for i, name in enumerate(_DAY_NAMES)},
    **{name: i for i, name in enumerate(_FULL_DAY_NAMES)},
}
_TIME_RE = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?$")
_DAY = timedelta(days=1)
_ZERO = timedelta(0)
_MICROSECOND = timedelta(microseconds=1)


def _end_key(t: time) -> timedelta:
    """Position of an interval end within its day; `time(0)` is the end of the day."""
    if t == time(0):
        return _DAY
    return _start_key(t)


def _start_key(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _load_zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise ValueError(f"timezone must be an IANA name such as 'Europe/Berlin', got {name!r}")
    try:
        return ZoneInfo(name)
    except Exception as exc:  # ZoneInfoNotFoundError, or ValueError for malformed keys
        raise ValueError(f"unknown timezone {name!r}") from exc


def _normalise_weekly(
    weekly: Mapping[int, Iterable[Interval]],
) -> MappingProxyType[int, tuple[Interval, ...]]:
    if not isinstance(weekly, Mapping):
        raise ValueError("weekly must map weekday numbers (0=Monday) to intervals")
    result: dict[int, tuple[Interval, ...]] = {}
    for day, intervals in weekly.items():
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise ValueError(f"weekday must be an int from 0 (Monday) to 6 (Sunday), got {day!r}")
        checked: list[Interval] = []
        for interval in intervals:
            try:
                start, end = interval
            except (TypeError, ValueError):
                raise ValueError(
                    f"{_DAY_NAMES[day]}: an interval is a (start, end) pair, got {interval!r}"
                ) from None
            for t in (start, end):
                if not isinstance(t, time) or t.tzinfo is not None:
                    raise ValueError(
                        f"{_DAY_NAMES[day]}: interval bounds must be naive local times, got {t!r}"
                    )
            if _end_key(end) <= _start_key(start):
                raise ValueError(
                    f"{_DAY_NAMES[day]}: interval {_fmt(start)}-{_fmt_end(end)} ends before "
                    "it starts"
                )
            checked.append((start, end))
        checked.sort(key=lambda iv: _start_key(iv[0]))
        for (s1, e1), (s2, e2) in zip(checked, checked[1:], strict=False):
            if _start_key(s2) < _end_key(e1):
                raise ValueError(
                    f"{_DAY_NAMES[day]}: intervals {_fmt(s1)}-{_fmt_end(e1)} and "
                    f"{_fmt(s2)}-{_fmt_end(e2)} overlap"
                )
        if checked:  # a day without intervals is the same as a missing day
            result[day] = tuple(checked)
    return MappingProxyType(dict(sorted(result.items())))


def _fmt(t: time) -> str:
    if t.microsecond:
        return t.isoformat()
    if t.second:
        return t.isoformat(timespec="seconds")
    return t.isoformat(timespec="minutes")


def _fmt_end(t: time) -> str:
    return "24:00" if t == time(0) else _fmt(t)


def _parse_time(value: object, *, where: str, is_end: bool) -> time:
    if not isinstance(value, str) or not (m := _TIME_RE.match(value)):
        raise ValueError(f"{where}: expected a time like '09:00', got {value!r}")
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if (hour, minute, second) == (24, 0, 0):
        if not is_end:
            raise ValueError(f"{where}: 24:00 can only end an interval")
        return time(0)
    try:
        return time(hour, minute, second)
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a valid time of day") from None


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours in one time zone: the SLA clock runs only inside them.

    `weekly` maps a weekday (0=Monday) to sorted, non-overlapping local intervals; a missing
    weekday has no working time. `weekly=None` means the clock runs around the clock (holidays
    still apply). An interval end of `time(0)` means the end of the day (24:00).
    """

    timezone: str = "UTC"
    weekly: Mapping[int, tuple[Interval, ...]] | None = None
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        _load_zone(self.timezone)
        if self.weekly is not None:
            object.__setattr__(self, "weekly", _normalise_weekly(self.weekly))
        holidays = frozenset(self.holidays)
        for day in holidays:
            if not isinstance(day, date) or isinstance(day, datetime):
                raise ValueError(f"holidays must be dates, got {day!r}")
        object.__setattr__(self, "holidays", holidays)

    def __hash__(self) -> int:
        # Written out because `weekly` is a mapping; the calendar is immutable, so it may be a
        # cache key for its per-day intervals.
        weekly = None if self.weekly is None else tuple(self.weekly.items())
        return hash((self.timezone, weekly, self.holidays))

    @classmethod
    def always(cls) -> BusinessCalendar:
        """The 24/7 calendar: every second counts."""
        return cls()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_always(self) -> bool:
        """True when every instant is working time (24/7 and no holidays)."""
        return self.weekly is None and not self.holidays

    @property
    def has_working_time(self) -> bool:
        return self.weekly is None or any(self.weekly.values())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BusinessCalendar:
        """Read the JSON form, e.g. as stored on an SLA policy.

        `{"timezone": "Europe/Istanbul", "weekly": {"mon": [["09:00", "18:00"]], ...},
        "holidays": ["2026-12-25"]}`. Weekdays are "mon".."sun" (or full English names); a
        missing or null "weekly" means 24/7; "24:00" may end an interval. Raises ValueError
        with a message naming the bad part.
        """
        if not isinstance(data, Mapping):
            raise ValueError(f"calendar must be an object, got {type(data).__name__}")
        unknown = set(data) - {"timezone", "weekly", "holidays"}
        if unknown:
            raise ValueError(f"calendar has unknown keys: {', '.join(sorted(map(str, unknown)))}")
        timezone = data.get("timezone", "UTC")
        _load_zone(timezone)

        weekly_raw = data.get("weekly")
        weekly: dict[int, tuple[Interval, ...]] | None = None
        if weekly_raw is not None:
            if not isinstance(weekly_raw, Mapping):
                raise ValueError("weekly must be an object like {'mon': [['09:00', '18:00']]}")
            weekly = {}
            for key, intervals in weekly_raw.items():
                day = _DAY_KEYS.get(key.lower()) if isinstance(key, str) else None
                if day is None:
                    raise ValueError(f"unknown weekday {key!r}: use one of {', '.join(_DAY_NAMES)}")
                if day in weekly:
                    raise ValueError(f"weekday {key!r} is given twice")
                if not isinstance(intervals, list | tuple):
                    raise ValueError(f"{key}: expected a list of [start, end] pairs")
                parsed: list[Interval] = []
                for interval in intervals:
                    if not isinstance(interval, list | tuple) or len(interval) != 2:
                        raise ValueError(f"{key}: expected a [start, end] pair, got {interval!r}")
                    parsed.append(
                        (
                            _parse_time(interval[0], where=key, is_end=False),
                            _parse_time(interval[1], where=key, is_end=True),
                        )
                    )
                weekly[day] = tuple(parsed)

        holidays_raw = data.get("holidays") or []
        if not isinstance(holidays_raw, list | tuple | set | frozenset):
            raise ValueError("holidays must be a list of dates like '2026-12-25'")
        holidays: set[date] = set()
        for raw in holidays_raw:
            try:
                holidays.add(date.fromisoformat(raw))
            except (TypeError, ValueError):
                raise ValueError(f"holiday {raw!r} is not a date like '2026-12-25'") from None
        return cls(timezone=timezone, weekly=weekly, holidays=frozenset(holidays))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form read by `from_dict` (round-trips to an equal calendar)."""
        weekly: dict[str, list[list[str]]] | None = None
        if self.weekly is not None:
            weekly = {
                _DAY_NAMES[day]: [[_fmt(start), _fmt_end(end)] for start, end in intervals]
                for day, intervals in self.weekly.items()
            }
        return {
            "timezone": self.timezone,
            "weekly": weekly,
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
        }


def require_utc(value: datetime, name: str) -> datetime:
    """`value` in UTC; ValueError naming `name` if it is naive (a naive time is a bug)."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} is a naive datetime; SLA times must be timezone-aware UTC")
    return value.astimezone(UTC)


def _local_to_utc(zone: ZoneInfo, day: date, t: time) -> datetime:
    """The UTC instant of local `day` `t` (fold: first occurrence; gap: the gap's start)."""
    local = datetime.combine(day, t, tzinfo=zone)
    utc = local.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return utc
    # `t` falls in a spring-forward gap. Read with the offset after the transition it lies
    # before the transition, read with the offset before it lies after: the transition, where
    # the gap starts, is between. Bisect to the microsecond (rare: only for odd calendars).
    lo = local.replace(fold=1).astimezone(UTC)
    hi = utc
    hi_offset = hi.astimezone(zone).utcoffset()
    while hi - lo > _MICROSECOND:
        mid = lo + (hi - lo) // 2
        if mid.astimezone(zone).utcoffset() == hi_offset:
            hi = mid
        else:
            lo = mid
    return hi


@lru_cache(maxsize=16384)
def _day_intervals(cal: BusinessCalendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """The working intervals of local `day`, as sorted UTC [start, end) pairs."""
    if day in cal.holidays:
        return ()
    if cal.weekly is None:
        local: tuple[Interval, ...] = ((time(0), time(0)),)
    else:
        local = cal.weekly.get(day.weekday(), ())
    zone = cal.zone
    result = []
    for start, end in local:
        utc_start = _local_to_utc(zone, day, start)
        utc_end = _local_to_utc(zone, day + _DAY if end == time(0) else day, end)
        if utc_end > utc_start:  # an interval wholly inside a DST gap is empty
            result.append((utc_start, utc_end))
    return tuple(result)


def _local_date(cal: BusinessCalendar, at: datetime) -> date:
    return at.astimezone(cal.zone).date()


def working_time_between(cal: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Working time in [start, end) as an exact timedelta; zero when end <= start."""
    start = require_utc(start, "start")
    end = require_utc(end, "end")
    if end <= start:
        return _ZERO
    if cal.is_always:
        return end - start
    total = _ZERO
    day, last = _local_date(cal, start), _local_date(cal, end)
    while day <= last:
        for lo, hi in _day_intervals(cal, day):
            overlap = min(hi, end) - max(lo, start)
            if overlap > _ZERO:
                total += overlap
        day += _DAY
    return total


def add_working(cal: BusinessCalendar, start: datetime, amount: timedelta) -> datetime:
    """The earliest instant t >= start with working_time_between(start, t) == amount.

    Outside working hours the clock starts at the next opening; a budget that runs out exactly
    at closing time is due at closing time, not at the next opening. `amount` 0 gives `start`.
    """
    start = require_utc(start, "start")
    if amount < _ZERO:
        raise ValueError(f"cannot add negative working time {amount}")
    if amount == _ZERO:
        return start
    if cal.is_always:
        return start + amount
    if not cal.has_working_time:
        raise ValueError("the calendar has no working time: no deadline can ever be reached")
    remaining = amount
    day = _local_date(cal, start)
    # Terminates: the weekly pattern has working time and holidays are finite.
    while True:
        for lo, hi in _day_intervals(cal, day):
            lo = max(lo, start)
            if hi <= lo:
                continue
            if hi - lo >= remaining:
                return lo + remaining
            remaining -= hi - lo
        day += _DAY


def working_seconds_between(cal: BusinessCalendar, start: datetime, end: datetime) -> float:
    """Business seconds in [start, end); 0 when end <= start. Exact to the microsecond.

    Walks day by day, so spans of months cost a few hundred steps; correct across DST changes,
    midnight, weekends and holidays.
    """
    return working_time_between(cal, start, end).total_seconds()


def add_working_time(cal: BusinessCalendar, start: datetime, seconds: float) -> datetime:
    """The UTC instant when `seconds` of business time have elapsed after `start`.

    If `start` is outside working hours the clock starts at the next opening. The result is the
    earliest such instant, so working_seconds_between(start, result) == seconds (with `seconds`
    rounded to the microsecond).
    """
    if seconds < 0:
        raise ValueError(f"cannot add negative working time ({seconds} s)")
    return add_working(cal, start, timedelta(seconds=seconds))
