import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from trustdesk.sla.calendar import (
    BusinessCalendar,
    add_working_time,
    working_seconds_between,
)

HOUR = 3600.0
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def office(timezone: str = "Europe/Berlin", holidays: tuple[str, ...] = ()) -> BusinessCalendar:
    """Monday to Friday, 09:00-18:00 local."""
    return BusinessCalendar.from_dict(
        {
            "timezone": timezone,
            "weekly": {day: [["09:00", "18:00"]] for day in WEEKDAYS},
            "holidays": list(holidays),
        }
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_always_counts_every_second():
    cal = BusinessCalendar.always()
    start = utc(2026, 3, 28, 22, 15)

    assert working_seconds_between(cal, start, start + timedelta(days=3)) == 3 * 24 * HOUR
    assert add_working_time(cal, start, 90) == start + timedelta(seconds=90)


def test_between_is_zero_when_end_is_not_after_start():
    cal = office()
    start = utc(2026, 3, 2, 10)

    assert working_seconds_between(cal, start, start) == 0
    assert working_seconds_between(cal, start, start - timedelta(hours=5)) == 0


def test_business_hours_cross_a_night():
    cal = office()  # Berlin is UTC+1 in early March
    monday_1700 = utc(2026, 3, 2, 16)

    due = add_working_time(cal, monday_1700, 2 * HOUR)

    assert due == utc(2026, 3, 3, 9)  # Tuesday 10:00 local
    assert working_seconds_between(cal, monday_1700, due) == 2 * HOUR


def test_business_hours_cross_a_weekend():
    cal = office()
    friday_1700 = utc(2026, 3, 6, 16)

    due = add_working_time(cal, friday_1700, 2 * HOUR)

    assert due == utc(2026, 3, 9, 9)  # Monday 10:00 local
    assert working_seconds_between(cal, friday_1700, utc(2026, 3, 9, 23)) == 10 * HOUR


def test_clock_starts_at_the_next_opening():
    cal = office()
    saturday = utc(2026, 3, 7, 12)

    assert add_working_time(cal, saturday, 60) == utc(2026, 3, 9, 8, 1)  # Monday 09:01 local
    assert working_seconds_between(cal, saturday, utc(2026, 3, 9, 8)) == 0


def test_budget_ending_at_closing_time_is_due_at_closing_time():
    cal = office()

    assert add_working_time(cal, utc(2026, 3, 2, 16), HOUR) == utc(2026, 3, 2, 17)


def test_holiday_has_no_working_time():
    cal = office(holidays=("2026-03-09",))  # a Monday
    friday_1700 = utc(2026, 3, 6, 16)

    assert add_working_time(cal, friday_1700, 2 * HOUR) == utc(2026, 3, 10, 9)
    assert working_seconds_between(cal, utc(2026, 3, 9), utc(2026, 3, 10)) == 0


def test_holiday_applies_to_a_round_the_clock_calendar():
    cal = BusinessCalendar(timezone="Europe/Istanbul", holidays=frozenset({date(2026, 1, 1)}))

    # Istanbul is UTC+3: the holiday runs 2025-12-31 21:00 to 2026-01-01 21:00 UTC.
    assert working_seconds_between(cal, utc(2025, 12, 31), utc(2026, 1, 2)) == 24 * HOUR
    assert add_working_time(cal, utc(2025, 12, 31, 20), 2 * HOUR) == utc(2026, 1, 1, 22)


def test_dst_spring_forward_day_is_23_hours_in_berlin():
    cal = BusinessCalendar.from_dict(
        {"timezone": "Europe/Berlin", "weekly": {"sun": [["00:00", "24:00"]]}}
    )
    # 2026-03-29 is the last Sunday of March: 02:00 CET jumps to 03:00 CEST.
    assert working_seconds_between(cal, utc(2026, 3, 28), utc(2026, 3, 30)) == 23 * HOUR
    assert add_working_time(cal, utc(2026, 3, 28, 12), 23 * HOUR) == utc(2026, 3, 29, 22)


def test_dst_fall_back_day_is_25_hours_in_berlin():
    cal = BusinessCalendar.from_dict(
        {"timezone": "Europe/Berlin", "weekly": {"sun": [["00:00", "24:00"]]}}
    )

    assert working_seconds_between(cal, utc(2026, 10, 24), utc(2026, 10, 26)) == 25 * HOUR


def test_office_hours_keep_local_time_across_dst():
    cal = office()
    friday_1700_cet = utc(2026, 3, 27, 16)

    due = add_working_time(cal, friday_1700_cet, 2 * HOUR)

    assert due == utc(2026, 3, 30, 8)  # Monday 10:00 CEST
    assert working_seconds_between(cal, utc(2026, 3, 23), utc(2026, 3, 30)) == 45 * HOUR


def test_interval_starting_inside_the_dst_gap_starts_at_the_jump():
    cal = BusinessCalendar.from_dict(
        {"timezone": "Europe/Berlin", "weekly": {"sun": [["02:30", "05:00"]]}}
    )

    # 02:30 does not exist that night; the interval starts when the gap does (03:00 CEST).
    assert add_working_time(cal, utc(2026, 3, 29), 1) == utc(2026, 3, 29, 1, 0, 1)
    assert working_seconds_between(cal, utc(2026, 3, 28), utc(2026, 3, 30)) == 2 * HOUR


def test_split_shifts_and_a_span_of_months():
    cal = BusinessCalendar.from_dict(
        {
            "timezone": "America/New_York",
            "weekly": {day: [["08:00", "12:00"], ["13:00", "17:00"]] for day in WEEKDAYS},
            "holidays": ["2026-07-03"],
        }
    )
    # 2026-01-05 and 2026-07-06 are Mondays: 26 weeks of 40 hours, minus one holiday.
    start = datetime(2026, 1, 5, tzinfo=cal.zone)
    end = datetime(2026, 7, 6, tzinfo=cal.zone)

    assert working_seconds_between(cal, start, end) == (26 * 40 - 8) * HOUR


def test_naive_datetimes_are_rejected():
    cal = office()
    naive = datetime(2026, 3, 2, 10)  # noqa: DTZ001 - the point of the test

    with pytest.raises(ValueError, match="naive"):
        working_seconds_between(cal, naive, utc(2026, 3, 3))
    with pytest.raises(ValueError, match="naive"):
        working_seconds_between(cal, utc(2026, 3, 1), naive)
    with pytest.raises(ValueError, match="naive"):
        add_working_time(cal, naive, 60)


def test_non_utc_aware_input_gives_utc_output():
    cal = office()
    start = datetime(2026, 3, 2, 17, tzinfo=cal.zone)

    due = add_working_time(cal, start, 2 * HOUR)

    assert due == utc(2026, 3, 3, 9)
    assert due.tzinfo is UTC


def test_negative_time_and_calendar_without_hours_are_rejected():
    with pytest.raises(ValueError, match="negative"):
        add_working_time(office(), utc(2026, 3, 2), -1)
    never = BusinessCalendar(timezone="UTC", weekly={})
    assert working_seconds_between(never, utc(2026, 1, 1), utc(2026, 2, 1)) == 0
    with pytest.raises(ValueError, match="no working time"):
        add_working_time(never, utc(2026, 1, 1), 1)


def test_from_dict_round_trips_through_to_dict():
    data = {
        "timezone": "Europe/Istanbul",
        "weekly": {
            "mon": [["09:00", "12:00"], ["13:00", "18:00"]],
            "sat": [["10:00", "24:00"]],
        },
        "holidays": ["2026-01-01", "2026-12-25"],
    }

    cal = BusinessCalendar.from_dict(data)

    assert cal.weekly == {0: ((time(9), time(12)), (time(13), time(18))), 5: ((time(10), time(0)),)}
    assert cal.holidays == {date(2026, 1, 1), date(2026, 12, 25)}
    assert cal.to_dict() == data
    assert BusinessCalendar.from_dict(cal.to_dict()) == cal
    assert hash(BusinessCalendar.from_dict(data)) == hash(cal)


def test_from_dict_defaults_to_round_the_clock():
    cal = BusinessCalendar.from_dict({"timezone": "UTC"})

    assert cal == BusinessCalendar.always()
    assert cal.to_dict() == {"timezone": "UTC", "weekly": None, "holidays": []}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown timezone"),
        ({"timezone": ""}, "IANA"),
        ({"timezone": "UTC", "weekly": {"funday": [["09:00", "18:00"]]}}, "unknown weekday"),
        ({"timezone": "UTC", "weekly": {"mon": [["18:00", "09:00"]]}}, "ends before it starts"),
        ({"timezone": "UTC", "weekly": {"mon": [["09:00", "09:00"]]}}, "ends before it starts"),
        (
            {"timezone": "UTC", "weekly": {"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}},
            "overlap",
        ),
        ({"timezone": "UTC", "weekly": {"mon": [["9am", "18:00"]]}}, "expected a time"),
        ({"timezone": "UTC", "weekly": {"mon": [["09:00", "25:00"]]}}, "not a valid time"),
        ({"timezone": "UTC", "weekly": {"mon": [["24:00", "24:00"]]}}, "only end"),
        ({"timezone": "UTC", "weekly": {"mon": [["09:00"]]}}, "pair"),
        ({"timezone": "UTC", "weekly": {"mon": [], "monday": []}}, "twice"),
        ({"timezone": "UTC", "weekly": [["09:00", "18:00"]]}, "weekly must be an object"),
        ({"timezone": "UTC", "holidays": ["25/12/2026"]}, "not a date"),
        ({"timezone": "UTC", "hours": {}}, "unknown keys: hours"),
    ],
)
def test_from_dict_rejects_bad_input(data, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_dict(data)


def test_constructor_validates_too():
    with pytest.raises(ValueError, match="weekday"):
        BusinessCalendar(weekly={7: ((time(9), time(17)),)})
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar(weekly={0: ((time(9), time(17)), (time(16), time(18)))})
    with pytest.raises(ValueError, match="holidays must be dates"):
        BusinessCalendar(holidays=frozenset({"2026-12-25"}))  # type: ignore[arg-type]


CALENDARS = [
    BusinessCalendar.always(),
    office(holidays=("2026-03-27", "2026-04-03", "2026-04-06", "2026-12-25")),
    office("Europe/Istanbul"),
    BusinessCalendar.from_dict(
        {
            "timezone": "America/New_York",
            "weekly": {
                "mon": [["00:00", "01:30"], ["08:00", "12:00"], ["13:00", "24:00"]],
                "wed": [["01:15", "03:45"]],  # straddles nothing, but odd hours
                "sun": [["00:00", "02:30"], ["02:45", "24:00"]],  # across the DST jump
            },
            "holidays": ["2026-11-01"],
        }
    ),
    BusinessCalendar(timezone="Europe/Berlin", holidays=frozenset({date(2026, 10, 25)})),
]


@pytest.mark.parametrize("cal", CALENDARS, ids=lambda c: c.timezone)
def test_add_and_between_are_inverses(cal):
    rng = random.Random(20260329)
    year_start = utc(2026, 1, 1)
    for _ in range(300):
        start = year_start + timedelta(microseconds=rng.randrange(365 * 86400 * 10**6))
        seconds = rng.randrange(1, 30 * 86400 * 10**6) / 10**6

        due = add_working_time(cal, start, seconds)

        assert working_seconds_between(cal, start, due) == seconds
        # The earliest such instant: a microsecond earlier the budget was not yet spent.
        assert working_seconds_between(cal, start, due - timedelta(microseconds=1)) < seconds
        # Adding in two steps lands on the same instant.
        first = rng.randrange(1, int(seconds * 10**6) + 1) / 10**6
        rest = round(seconds - first, 6)
        if rest > 0:
            assert add_working_time(cal, add_working_time(cal, start, first), rest) == due


@pytest.mark.parametrize("cal", CALENDARS, ids=lambda c: c.timezone)
def test_between_is_additive(cal):
    rng = random.Random(7)
    year_start = utc(2026, 1, 1)
    for _ in range(200):
        a, b, c = sorted(
            year_start + timedelta(seconds=rng.randrange(365 * 86400)) for _ in range(3)
        )

        assert working_seconds_between(cal, a, c) == pytest.approx(
            working_seconds_between(cal, a, b) + working_seconds_between(cal, b, c), abs=1e-6
        )
