from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from trustdesk.sla.calendar import BusinessCalendar
from trustdesk.sla.deadlines import (
    DEFAULT_TARGETS,
    PRIORITY_TARGETS,
    HistoryEvent,
    HistoryKind,
    SlaEventKind,
    SlaMetric,
    SlaStatus,
    SlaTargets,
    compute_sla,
    predict_breach,
    sla_transitions,
    targets_for_priority,
    time_until_breach,
)

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
FR = SlaMetric.first_response
NR = SlaMetric.next_response
RES = SlaMetric.resolution


def at(minutes: float = 0, hours: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, hours=hours)


def created(when: datetime = T0) -> HistoryEvent:
    return HistoryEvent(when, HistoryKind.created)


def reply(when: datetime) -> HistoryEvent:
    return HistoryEvent(when, HistoryKind.agent_reply)


def customer(when: datetime) -> HistoryEvent:
    return HistoryEvent(when, HistoryKind.customer_message)


def status(when: datetime, new: str) -> HistoryEvent:
    return HistoryEvent(when, HistoryKind.status_changed, new)


def office_targets() -> SlaTargets:
    cal = BusinessCalendar.from_dict(
        {
            "timezone": "Europe/Berlin",
            "weekly": {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        }
    )
    return replace(DEFAULT_TARGETS, calendar=cal)


def test_new_ticket_runs_every_clock_around_the_clock():
    state = compute_sla(DEFAULT_TARGETS, [created()], at(minutes=1))

    fr = state.get(FR)
    assert fr is not None
    assert fr.status is SlaStatus.running
    assert fr.started_at == T0
    assert fr.elapsed_seconds == 60
    assert fr.budget_seconds == 180
    assert fr.fraction == pytest.approx(1 / 3)
    assert fr.due_at == at(minutes=3)
    assert fr.hard_due_at == at(minutes=10)
    assert fr.warning_at == at(minutes=2.4)
    assert fr.breached_at is None and fr.achieved_at is None
    assert state.get(NR) is None
    res = state.get(RES)
    assert res is not None and res.due_at == at(hours=24)
    assert state.next_deadline == at(minutes=3)
    assert state.next_check_at == at(minutes=2.4)
    assert state.worst_fraction == pytest.approx(1 / 3)
    assert state.ticket_status == "new"


def test_first_response_met_in_time():
    state = compute_sla(DEFAULT_TARGETS, [created(), reply(at(minutes=2))], at(minutes=30))

    fr = state.get(FR)
    assert fr is not None
    assert fr.status is SlaStatus.met
    assert fr.achieved_at == at(minutes=2)
    assert fr.elapsed_seconds == 120
    assert fr.breached_at is None
    assert fr.hard_breached_at is None
    assert state.next_deadline == at(hours=24)  # only resolution still runs


def test_met_late_counts_as_breached():
    state = compute_sla(DEFAULT_TARGETS, [created(), reply(at(minutes=5))], at(minutes=30))

    fr = state.get(FR)
    assert fr is not None
    assert fr.status is SlaStatus.breached
    assert fr.achieved_at == at(minutes=5)
    assert fr.breached_at == at(minutes=3)
    assert fr.hard_breached_at is None


def test_hard_maximum_breach_is_reported():
    state = compute_sla(DEFAULT_TARGETS, [created()], at(minutes=12))

    fr = state.get(FR)
    assert fr is not None
    assert fr.status is SlaStatus.breached
    assert fr.breached_at == at(minutes=3)
    assert fr.hard_breached_at == at(minutes=10)
    assert fr.fraction == pytest.approx(4.0)
    assert state.next_deadline == at(minutes=3)  # overdue first
    assert state.next_check_at == at(hours=19.2)  # only the resolution warning is ahead


def test_warning_at_80_percent():
    just_before = compute_sla(DEFAULT_TARGETS, [created()], at(minutes=2.4) - timedelta(seconds=1))
    at_threshold = compute_sla(DEFAULT_TARGETS, [created()], at(minutes=2.4))

    assert just_before.get(FR).status is SlaStatus.running  # type: ignore[union-attr]
    fr = at_threshold.get(FR)
    assert fr is not None
    assert fr.status is SlaStatus.warning
    assert fr.warned and fr.warning_at == at(minutes=2.4)


def test_warn_ratio_is_configurable():
    targets = replace(DEFAULT_TARGETS, warn_ratio=0.5)

    state = compute_sla(targets, [created()], at(minutes=1.5))

    assert state.get(FR).status is SlaStatus.warning  # type: ignore[union-attr]


def test_business_hours_cross_a_night_and_a_weekend():
    targets = office_targets()
    friday_1758 = datetime(2026, 3, 6, 16, 58, tzinfo=UTC)  # Berlin 17:58 CET
    monday_0901 = datetime(2026, 3, 9, 8, 1, tzinfo=UTC)

    state = compute_sla(targets, [created(friday_1758)], monday_0901)

    fr = state.get(FR)
    assert fr is not None
    assert fr.elapsed_seconds == 180  # two minutes on Friday, one on Monday
    assert fr.due_at == monday_0901
    assert fr.hard_due_at == datetime(2026, 3, 9, 8, 8, tzinfo=UTC)
    assert fr.status is SlaStatus.warning
    res = state.get(RES)
    assert res is not None
    # 24 business hours = 2 min Fri + 9 h Mon + 9 h Tue + 5 h 58 min Wed.
    assert res.due_at == datetime(2026, 3, 11, 13, 58, tzinfo=UTC)


def test_ticket_created_over_the_weekend_waits_for_monday():
    targets = office_targets()
    saturday = datetime(2026, 3, 7, 12, tzinfo=UTC)

    state = compute_sla(targets, [created(saturday)], datetime(2026, 3, 8, 20, tzinfo=UTC))

    fr = state.get(FR)
    assert fr is not None
    assert fr.status is SlaStatus.running
    assert fr.elapsed_seconds == 0
    assert fr.due_at == datetime(2026, 3, 9, 8, 3, tzinfo=UTC)  # Monday 09:03 CET


def test_deadline_across_dst_in_berlin():
    targets = office_targets()
    friday_1759 = datetime(2026, 3, 27, 16, 59, tzinfo=UTC)  # 17:59 CET, before the DST Sunday

    state = compute_sla(targets, [created(friday_1759)], friday_1759)

    # One minute on Friday, two after Monday's 09:00 CEST opening (07:00 UTC).
    assert state.get(FR).due_at == datetime(2026, 3, 30, 7, 2, tzinfo=UTC)  # type: ignore[union-attr]


def test_pending_customer_pauses_every_clock_then_a_customer_reply_resumes():
    history = [
        created(),
        reply(at(minutes=1)),
        status(at(minutes=1), "pending_customer"),
    ]

    paused = compute_sla(DEFAULT_TARGETS, history, at(hours=5))

    res = paused.get(RES)
    assert res is not None
    assert res.status is SlaStatus.paused and res.paused
    assert res.elapsed_seconds == 60
    # Projected as if the clock resumed now.
    assert res.due_at == at(hours=5) + timedelta(hours=24, minutes=-1)
    assert paused.next_deadline is None
    assert paused.next_check_at is None
    assert paused.worst_fraction == pytest.approx(60 / 86400)

    history.append(customer(at(hours=5)))
    resumed = compute_sla(DEFAULT_TARGETS, history, at(hours=5, minutes=4))

    assert resumed.ticket_status == "open"
    res = resumed.get(RES)
    assert res is not None and res.status is SlaStatus.running
    assert res.elapsed_seconds == 5 * 60
    nr = resumed.get(NR)
    assert nr is not None
    assert nr.started_at == at(hours=5)
    assert nr.elapsed_seconds == 4 * 60
    assert nr.due_at == at(hours=5, minutes=10)


def test_pending_customer_pauses_first_response_too():
    history = [created(), status(at(minutes=1), "pending_customer")]

    state = compute_sla(DEFAULT_TARGETS, history, at(minutes=30))

    fr = state.get(FR)
    assert fr is not None
    assert fr.status is SlaStatus.paused
    assert fr.elapsed_seconds == 60
    assert fr.breached_at is None
    assert time_until_breach(state, FR, at(minutes=30)) is None


def test_on_hold_does_not_pause_unless_configured():
    history = [created(), reply(at(minutes=1)), status(at(minutes=2), "on_hold")]

    default = compute_sla(DEFAULT_TARGETS, history, at(hours=2))
    configured = compute_sla(
        replace(DEFAULT_TARGETS, pause_statuses=frozenset({"pending_customer", "on_hold"})),
        history,
        at(hours=2),
    )

    assert default.get(RES).elapsed_seconds == 2 * 3600  # type: ignore[union-attr]
    assert configured.get(RES).elapsed_seconds == 120  # type: ignore[union-attr]
    assert configured.get(RES).status is SlaStatus.paused  # type: ignore[union-attr]


def test_next_response_starts_when_the_customer_writes_after_a_reply():
    history = [
        created(),
        customer(at(minutes=1)),  # still waiting for the first response: no new cycle
        reply(at(minutes=2)),
        customer(at(minutes=5)),
        customer(at(minutes=8)),  # same wait: the clock keeps its start
    ]

    state = compute_sla(DEFAULT_TARGETS, history, at(minutes=20))

    cycles = [m for m in state.metrics if m.metric is NR]
    assert len(cycles) == 1
    nr = cycles[0]
    assert nr.cycle == 1
    assert nr.started_at == at(minutes=5)
    assert nr.status is SlaStatus.breached
    assert nr.breached_at == at(minutes=15)
    assert nr.hard_due_at is None


def test_each_wait_is_its_own_next_response_cycle():
    history = [
        created(),
        reply(at(minutes=1)),
        customer(at(minutes=2)),
        reply(at(minutes=4)),
        customer(at(minutes=30)),
    ]

    state = compute_sla(DEFAULT_TARGETS, history, at(minutes=31))

    cycles = [m for m in state.metrics if m.metric is NR]
    assert [(c.cycle, c.started_at, c.status) for c in cycles] == [
        (1, at(minutes=2), SlaStatus.met),
        (2, at(minutes=30), SlaStatus.running),
    ]
    assert state.get(NR) is cycles[1]
    assert time_until_breach(state, NR, at(minutes=31)) == timedelta(minutes=9)


def test_reopen_keeps_the_elapsed_resolution_time():
    history = [
        created(),
        reply(at(minutes=1)),
        status(at(hours=2), "resolved"),
        status(at(hours=3), "closed"),
        HistoryEvent(at(hours=10), HistoryKind.reopened),
    ]

    resolved = compute_sla(DEFAULT_TARGETS, history[:4], at(hours=9))
    reopened = compute_sla(DEFAULT_TARGETS, history, at(hours=11))

    res = resolved.get(RES)
    assert res is not None
    assert res.status is SlaStatus.met and res.achieved_at == at(hours=2)
    assert res.elapsed_seconds == 2 * 3600
    res = reopened.get(RES)
    assert res is not None
    assert res.status is SlaStatus.running and res.achieved_at is None
    assert res.elapsed_seconds == 3 * 3600
    assert res.due_at == at(hours=11 + 21)
    assert reopened.ticket_status == "open"


def test_resolving_ends_an_unanswered_wait():
    history = [created(), status(at(minutes=1), "resolved")]

    state = compute_sla(DEFAULT_TARGETS, history, at(hours=1))

    fr = state.get(FR)
    assert fr is not None and fr.status is SlaStatus.met and fr.achieved_at == at(minutes=1)
    assert state.next_deadline is None


def test_customer_message_on_a_resolved_ticket_starts_a_wait_at_reopen():
    history = [
        created(),
        reply(at(minutes=1)),
        status(at(minutes=2), "resolved"),
        customer(at(hours=1)),
        HistoryEvent(at(hours=1, minutes=1), HistoryKind.reopened),
    ]

    before_reopen = compute_sla(DEFAULT_TARGETS, history[:4], at(hours=1))
    after_reopen = compute_sla(DEFAULT_TARGETS, history, at(hours=1, minutes=2))

    assert before_reopen.get(NR) is None
    nr = after_reopen.get(NR)
    assert nr is not None and nr.started_at == at(hours=1, minutes=1)


def test_events_after_now_are_ignored():
    state = compute_sla(DEFAULT_TARGETS, [created(), reply(at(minutes=5))], at(minutes=1))

    assert state.get(FR).status is SlaStatus.running  # type: ignore[union-attr]


def test_history_order_does_not_matter():
    history = [created(), reply(at(minutes=1)), customer(at(minutes=3)), reply(at(minutes=4))]

    assert compute_sla(DEFAULT_TARGETS, history[::-1], at(hours=1)) == compute_sla(
        DEFAULT_TARGETS, history, at(hours=1)
    )


def test_naive_datetimes_are_rejected():
    naive = datetime(2026, 3, 2, 10)  # noqa: DTZ001 - the point of the test

    with pytest.raises(ValueError, match="naive"):
        compute_sla(DEFAULT_TARGETS, [created()], naive)
    with pytest.raises(ValueError, match="naive"):
        HistoryEvent(naive, HistoryKind.created)


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ([], "no 'created'"),
        ([reply(T0)], "no 'created'"),
        ([created(), created(at(minutes=1))], "more than one"),
        ([created(), reply(T0 - timedelta(seconds=1))], "before the ticket was created"),
    ],
)
def test_bad_history_is_rejected(history, message):
    with pytest.raises(ValueError, match=message):
        compute_sla(DEFAULT_TARGETS, history, at(hours=1))


def test_bad_events_and_targets_are_rejected():
    with pytest.raises(ValueError, match="needs the new status"):
        HistoryEvent(T0, HistoryKind.status_changed)
    with pytest.raises(ValueError):
        HistoryEvent(T0, "internal_note")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="first_response_max"):
        replace(DEFAULT_TARGETS, first_response_max=timedelta(minutes=1))
    with pytest.raises(ValueError, match="warn_ratio"):
        replace(DEFAULT_TARGETS, warn_ratio=1.5)
    with pytest.raises(ValueError, match="positive"):
        replace(DEFAULT_TARGETS, resolution=timedelta(0))


def test_transitions_are_reported_once():
    history = [created()]
    t1 = compute_sla(DEFAULT_TARGETS, history, at(minutes=1))
    t2 = compute_sla(DEFAULT_TARGETS, history, at(minutes=2.5))
    t3 = compute_sla(DEFAULT_TARGETS, history, at(minutes=4))
    t4 = compute_sla(DEFAULT_TARGETS, [*history, reply(at(minutes=5))], at(minutes=6))

    assert sla_transitions(None, t1) == []
    warning = sla_transitions(t1, t2)
    assert [(t.metric, t.kind, t.at) for t in warning] == [
        (FR, SlaEventKind.warning, at(minutes=2.4))
    ]
    assert warning[0].started_at == T0 and warning[0].due_at == at(minutes=3)
    assert sla_transitions(t2, t2) == []
    assert [(t.metric, t.kind) for t in sla_transitions(t2, t3)] == [(FR, "breached")]
    assert [(t.metric, t.kind, t.at) for t in sla_transitions(t3, t4)] == [
        (FR, SlaEventKind.met, at(minutes=5))
    ]
    # A sweep seeing the ticket for the first time gets the whole story, oldest first.
    assert [(t.metric, t.kind) for t in sla_transitions(None, t4)] == [
        (FR, "warning"),
        (FR, "breached"),
        (FR, "met"),
    ]


def test_transitions_tell_next_response_cycles_apart():
    base = [created(), reply(at(minutes=1)), customer(at(minutes=2)), reply(at(minutes=3))]
    prev = compute_sla(DEFAULT_TARGETS, base, at(minutes=4))
    cur = compute_sla(DEFAULT_TARGETS, [*base, customer(at(minutes=5))], at(minutes=20))

    found = [(t.metric, t.kind, t.started_at) for t in sla_transitions(prev, cur)]

    assert found == [
        (NR, SlaEventKind.warning, at(minutes=5)),
        (NR, SlaEventKind.breached, at(minutes=5)),
    ]


def test_hard_breach_transition():
    prev = compute_sla(DEFAULT_TARGETS, [created()], at(minutes=9))
    cur = compute_sla(DEFAULT_TARGETS, [created()], at(minutes=10) + timedelta(seconds=1))

    found = sla_transitions(prev, cur)

    assert [(t.metric, t.kind, t.at, t.due_at) for t in found] == [
        (FR, SlaEventKind.hard_breached, at(minutes=10), at(minutes=10))
    ]


def test_time_until_breach_and_predict_breach():
    state = compute_sla(DEFAULT_TARGETS, [created()], at(minutes=1))

    assert time_until_breach(state, FR, at(minutes=1)) == timedelta(minutes=2)
    assert time_until_breach(state, FR, at(minutes=4)) == timedelta(minutes=-1)
    assert time_until_breach(state, NR, at(minutes=1)) is None
    assert predict_breach(state, at(minutes=1), timedelta(minutes=1)) == []
    soon = predict_breach(state, at(minutes=1), timedelta(minutes=10))
    assert [(t.metric, t.kind, t.at) for t in soon] == [
        (FR, SlaEventKind.breached, at(minutes=3)),
        (FR, SlaEventKind.hard_breached, at(minutes=10)),
    ]
    everything = predict_breach(state, at(minutes=1), timedelta(days=2))
    assert [t.metric for t in everything] == [FR, FR, RES]


def test_priority_defaults():
    assert set(PRIORITY_TARGETS) == {"P1", "P2", "P3", "P4"}
    # Product rule: a hard maximum of 10 minutes for every inquiry.
    assert all(t.first_response_max == timedelta(minutes=10) for t in PRIORITY_TARGETS.values())
    p1, p4 = PRIORITY_TARGETS["P1"], PRIORITY_TARGETS["P4"]
    assert p1.first_response < p4.first_response
    assert p1.next_response < p4.next_response
    assert p1.resolution < p4.resolution
    assert DEFAULT_TARGETS.first_response == timedelta(minutes=3)
    assert DEFAULT_TARGETS.next_response == timedelta(minutes=10)
    assert DEFAULT_TARGETS.resolution == timedelta(hours=24)
    assert DEFAULT_TARGETS.calendar.is_always
    assert targets_for_priority(None) is DEFAULT_TARGETS
    assert targets_for_priority("P1") is p1
    with pytest.raises(ValueError, match="unknown priority"):
        targets_for_priority("P9")


def test_ticket_created_after_now_has_no_clocks_yet():
    state = compute_sla(DEFAULT_TARGETS, [created(at(minutes=5))], T0)

    assert state.metrics == ()
    assert state.next_deadline is None and state.worst_fraction == 0.0
