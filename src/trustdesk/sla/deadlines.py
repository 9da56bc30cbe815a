"""SLA deadlines: a pure function of (targets, ticket history, now).

Rules (one place to read them):

- The clock runs only in the calendar's business time.
- A status in `SlaTargets.pause_statuses` (by default only `pending_customer`: we are waiting on
  the customer) pauses every clock. `on_hold` is an internal hold and does not pause unless it is
  added to `pause_statuses`.
- First response runs from `created` until the first public `agent_reply`.
- Next response runs from a `customer_message` that arrives once the customer has had an answer
  (the customer is waiting again) until the next `agent_reply`. Each such wait is a new cycle,
  identified by its `started_at`; messages while a cycle is open do not restart it.
- Resolution runs from `created` until the ticket becomes resolved or closed. A reopen resumes it
  with the business time already spent; it is met again at the next resolve.
- Resolving or closing the ticket ends any open response cycle as met at that instant: the
  resolution is the answer, and a resolved ticket must not breach a reply target forever.
- A customer message while the ticket is `pending_customer` moves it back to `open` (the wait on
  the customer is over) even if no status change is recorded with it. A customer message while
  resolved/closed starts nothing by itself; if the ticket is then reopened, a next-response cycle
  starts at the reopen.
- A metric is breached when its business time exceeds its budget; `breached_at` is the instant
  the budget ran out, kept even when the metric is met later (met late counts as breached).
- The first-response hard maximum runs on the same clock as first response.
- Events after `now` are ignored (not happened yet); events before `created` are an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from trustdesk.sla.calendar import (
    BusinessCalendar,
    add_working,
    require_utc,
    working_time_between,
)

__all__ = [
    "DEFAULT_PAUSE_STATUSES",
    "DEFAULT_TARGETS",
    "PRIORITY_TARGETS",
    "TERMINAL_STATUSES",
    "HistoryEvent",
    "HistoryKind",
    "MetricState",
    "SlaEventKind",
    "SlaMetric",
    "SlaState",
    "SlaStatus",
    "SlaTargets",
    "SlaTransition",
    "compute_sla",
    "predict_breach",
    "sla_transitions",
    "targets_for_priority",
    "time_until_breach",
]

_ZERO = timedelta(0)

TERMINAL_STATUSES = frozenset({"resolved", "closed"})
DEFAULT_PAUSE_STATUSES = frozenset({"pending_customer"})


class SlaMetric(StrEnum):
    first_response = "first_response"
    next_response = "next_response"
    resolution = "resolution"


class SlaStatus(StrEnum):
    running = "running"
    paused = "paused"
    warning = "warning"  # running (not paused) and fraction >= warn_ratio
    met = "met"  # finished within budget
    breached = "breached"  # budget exceeded, finished (met late) or not


class SlaEventKind(StrEnum):
    warning = "warning"
    breached = "breached"
    hard_breached = "hard_breached"  # the first-response hard maximum ran out
    met = "met"


class HistoryKind(StrEnum):
    created = "created"
    customer_message = "customer_message"
    agent_reply = "agent_reply"  # a public reply by an agent; internal notes are not history
    status_changed = "status_changed"
    reopened = "reopened"


@dataclass(frozen=True)
class SlaTargets:
    """Budgets of business time per metric, and the calendar they are counted in."""

    first_response: timedelta
    first_response_max: timedelta | None
    next_response: timedelta
    resolution: timedelta
    warn_ratio: float = 0.8
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar.always)
    pause_statuses: frozenset[str] = DEFAULT_PAUSE_STATUSES

    def __post_init__(self) -> None:
        for name in ("first_response", "next_response", "resolution", "first_response_max"):
            value = getattr(self, name)
            if value is None and name == "first_response_max":
                continue
            if not isinstance(value, timedelta) or value <= _ZERO:
                raise ValueError(f"{name} must be a positive timedelta, got {value!r}")
        if self.first_response_max is not None and self.first_response_max < self.first_response:
            raise ValueError("first_response_max must not be shorter than first_response")
        if not 0 < self.warn_ratio <= 1:
            raise ValueError(f"warn_ratio must be in (0, 1], got {self.warn_ratio}")
        if not isinstance(self.calendar, BusinessCalendar):
            raise ValueError("calendar must be a BusinessCalendar")
        if isinstance(self.pause_statuses, str):
            raise ValueError("pause_statuses must be a set of statuses, not one string")
        object.__setattr__(self, "pause_statuses", frozenset(self.pause_statuses))

    def budget(self, metric: SlaMetric) -> timedelta:
        return {
            SlaMetric.first_response: self.first_response,
            SlaMetric.next_response: self.next_response,
            SlaMetric.resolution: self.resolution,
        }[metric]


_HARD_MAX = timedelta(minutes=10)  # product rule: a hard maximum of 10 minutes for every inquiry

DEFAULT_TARGETS = SlaTargets(
    first_response=timedelta(minutes=3),
    first_response_max=_HARD_MAX,
    next_response=timedelta(minutes=10),
    resolution=timedelta(hours=24),
)

PRIORITY_TARGETS: Mapping[str, SlaTargets] = MappingProxyType(
    {
        "P1": SlaTargets(
            first_response=timedelta(minutes=2),
            first_response_max=_HARD_MAX,
            next_response=timedelta(minutes=5),
            resolution=timedelta(hours=4),
        ),
        "P2": SlaTargets(
            first_response=timedelta(minutes=3),
            first_response_max=_HARD_MAX,
            next_response=timedelta(minutes=10),
            resolution=timedelta(hours=12),
        ),
        "P3": DEFAULT_TARGETS,
        "P4": SlaTargets(
            first_response=timedelta(minutes=5),
            first_response_max=_HARD_MAX,
            next_response=timedelta(minutes=30),
            resolution=timedelta(hours=72),
        ),
    }
)


def targets_for_priority(priority: str | None) -> SlaTargets:
    """The default targets of a priority ("P1".."P4"); None gives DEFAULT_TARGETS."""
    if priority is None:
        return DEFAULT_TARGETS
    try:
        return PRIORITY_TARGETS[priority]
    except KeyError:
        raise ValueError(
            f"unknown priority {priority!r}: use one of {', '.join(PRIORITY_TARGETS)}"
        ) from None


@dataclass(frozen=True)
class HistoryEvent:
    """One moment of a ticket's life that matters to the SLA clock."""

    at: datetime
    kind: HistoryKind
    status: str | None = None  # the new status, for status_changed (and optionally reopened)

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", require_utc(self.at, "HistoryEvent.at"))
        object.__setattr__(self, "kind", HistoryKind(self.kind))
        if self.kind is HistoryKind.status_changed and not self.status:
            raise ValueError("a status_changed event needs the new status")


@dataclass(frozen=True)
class MetricState:
    """Where one metric (one cycle of it, for next_response) stands at `SlaState.now`.

    Every `*_at` instant is UTC. `due_at`, `warning_at` and `hard_due_at` are the instants the
    threshold was reached, or, if not reached yet, when it will be reached if the clock runs
    from now on without a pause (for a paused metric: as if it resumed now). For a finished
    metric they are projected from `achieved_at`; `warning_at` is None then if never reached.
    """

    metric: SlaMetric
    cycle: int  # 0 for first_response and resolution; 1, 2, ... for next_response waits
    started_at: datetime
    status: SlaStatus
    paused: bool
    budget_seconds: float
    elapsed_seconds: float  # business time, pauses excluded
    fraction: float  # elapsed / budget; above 1 when breached
    due_at: datetime
    warning_at: datetime | None
    warned: bool  # fraction >= warn_ratio
    breached_at: datetime | None
    achieved_at: datetime | None
    hard_budget_seconds: float | None = None
    hard_due_at: datetime | None = None
    hard_breached_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.achieved_at is not None

    @property
    def running(self) -> bool:
        """The clock is ticking now (not finished, not paused), breached or not."""
        return not self.finished and not self.paused

    @property
    def remaining_seconds(self) -> float:
        """Business seconds left in the budget; negative when overdue."""
        return self.budget_seconds - self.elapsed_seconds


class SlaTransition(NamedTuple):
    """One SLA moment to record: (metric, kind) of the cycle that started at `started_at`."""

    metric: SlaMetric
    kind: SlaEventKind
    at: datetime
    started_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class SlaState:
    """All metric cycles of a ticket at `now`, oldest first within each metric."""

    now: datetime
    ticket_status: str
    metrics: tuple[MetricState, ...]

    def get(self, metric: SlaMetric) -> MetricState | None:
        """The latest cycle of `metric`, or None if it never started."""
        for state in reversed(self.metrics):
            if state.metric == metric:
                return state
        return None

    @property
    def current(self) -> tuple[MetricState, ...]:
        """The latest cycle of each metric that has started."""
        return tuple(s for m in SlaMetric if (s := self.get(m)) is not None)

    @property
    def next_deadline(self) -> datetime | None:
        """Earliest due_at among running metrics (overdue ones included: they come first)."""
        return min((s.due_at for s in self.current if s.running), default=None)

    @property
    def next_check_at(self) -> datetime | None:
        """When a sweep should look again: the next warning, due or hard-due instant after now.

        None when no clock is running (paused or finished: only a new event changes anything).
        """
        candidates = []
        for s in self.current:
            if not s.running:
                continue
            for at in (s.warning_at, s.due_at, s.hard_due_at):
                if at is not None and at > self.now:
                    candidates.append(at)
        return min(candidates, default=None)

    @property
    def worst_fraction(self) -> float:
        """The highest elapsed/budget among unfinished metrics; 0.0 when none."""
        return max((s.fraction for s in self.current if not s.finished), default=0.0)


# ---------------------------------------------------------------------------------------------
# Replaying the history


@dataclass
class _Cycle:
    metric: SlaMetric
    number: int
    start: datetime
    end: datetime | None = None


class _Replay:
    """Walks the history once: status spans, and where each metric cycle starts and ends."""

    def __init__(self, created_at: datetime) -> None:
        self.status = "new"
        self.since = created_at
        self.spans: list[tuple[datetime, datetime, str]] = []
        self.first = _Cycle(SlaMetric.first_response, 0, created_at)
        self.next_cycles: list[_Cycle] = []
        self.resolved_at: datetime | None = None
        self.customer_waiting_while_closed = False

    def open_response(self) -> _Cycle | None:
        if self.first.end is None:
            return self.first
        if self.next_cycles and self.next_cycles[-1].end is None:
            return self.next_cycles[-1]
        return None

    def start_next_response(self, at: datetime) -> None:
        if self.open_response() is None:
            number = len(self.next_cycles) + 1
            self.next_cycles.append(_Cycle(SlaMetric.next_response, number, at))

    def set_status(self, status: str, at: datetime) -> None:
        if status == self.status:
            return
        if at > self.since:
            self.spans.append((self.since, at, self.status))
        self.since = at
        was_terminal = self.status in TERMINAL_STATUSES
        self.status = status
        if status in TERMINAL_STATUSES and not was_terminal:
            self.resolved_at = at
            if (cycle := self.open_response()) is not None:
                cycle.end = at
            self.customer_waiting_while_closed = False
        elif was_terminal and status not in TERMINAL_STATUSES:
            self.resolved_at = None
            if self.customer_waiting_while_closed:
                self.customer_waiting_while_closed = False
                self.start_next_response(at)

    def apply(self, event: HistoryEvent) -> None:
        if event.kind is HistoryKind.agent_reply:
            if (cycle := self.open_response()) is not None:
                cycle.end = event.at
            self.customer_waiting_while_closed = False
        elif event.kind is HistoryKind.customer_message:
            if self.status in TERMINAL_STATUSES:
                self.customer_waiting_while_closed = True
                return
            if self.status == "pending_customer":
                self.set_status("open", event.at)
            self.start_next_response(event.at)
        elif event.kind is HistoryKind.status_changed:
            assert event.status is not None  # checked by HistoryEvent
            self.set_status(event.status, event.at)
        elif event.kind is HistoryKind.reopened:
            self.set_status(event.status or "open", event.at)
        else:  # created
            raise ValueError("history has more than one 'created' event")

    def finish(self, now: datetime) -> None:
        if now > self.since:
            self.spans.append((self.since, now, self.status))


def _running_intervals(
    spans: Sequence[tuple[datetime, datetime, str]],
    start: datetime,
    end: datetime,
    runs: Callable[[str], bool],
) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) during which the status let the clock run (wall-clock)."""
    result = []
    for lo, hi, status in spans:
        lo, hi = max(lo, start), min(hi, end)
        if hi > lo and runs(status):
            result.append((lo, hi))
    return result


def _instant_at(
    cal: BusinessCalendar,
    intervals: Sequence[tuple[datetime, datetime]],
    amount: timedelta,
    fallback: datetime,
) -> datetime:
    """The instant at which the clock, running over `intervals`, had counted `amount`."""
    if amount <= _ZERO:
        return fallback
    done = _ZERO
    for lo, hi in intervals:
        span = working_time_between(cal, lo, hi)
        if done + span >= amount:
            return add_working(cal, lo, amount - done)
        done += span
    raise AssertionError("the clock never reached the amount")  # callers check elapsed first


def _threshold(
    cal: BusinessCalendar,
    intervals: Sequence[tuple[datetime, datetime]],
    elapsed: timedelta,
    amount: timedelta,
    resume_from: datetime,
    start: datetime,
) -> tuple[datetime, bool]:
    """(instant the clock reaches `amount`: actual or projected from `resume_from`, reached?)."""
    if elapsed >= amount:
        return _instant_at(cal, intervals, amount, start), True
    return add_working(cal, resume_from, amount - elapsed), False


def _metric_state(
    targets: SlaTargets,
    cycle: _Cycle,
    intervals: Sequence[tuple[datetime, datetime]],
    paused: bool,
    now: datetime,
) -> MetricState:
    cal = targets.calendar
    budget = targets.budget(cycle.metric)
    elapsed = sum((working_time_between(cal, lo, hi) for lo, hi in intervals), _ZERO)
    resume_from = cycle.end or now
    finished = cycle.end is not None

    due_at, _ = _threshold(cal, intervals, elapsed, budget, resume_from, cycle.start)
    breached = elapsed > budget
    warn_amount = budget * targets.warn_ratio
    warning_at: datetime | None
    warning_at, warned = _threshold(cal, intervals, elapsed, warn_amount, resume_from, cycle.start)
    if finished and not warned:
        warning_at = None

    hard_budget = targets.first_response_max if cycle.metric is SlaMetric.first_response else None
    hard_due_at = hard_breached_at = None
    if hard_budget is not None:
        hard_due_at, _ = _threshold(cal, intervals, elapsed, hard_budget, resume_from, cycle.start)
        if elapsed > hard_budget:
            hard_breached_at = hard_due_at

    if breached:
        status = SlaStatus.breached
    elif finished:
        status = SlaStatus.met
    elif paused:
        status = SlaStatus.paused
    elif warned:
        status = SlaStatus.warning
    else:
        status = SlaStatus.running

    return MetricState(
        metric=cycle.metric,
        cycle=cycle.number,
        started_at=cycle.start,
        status=status,
        paused=paused and not finished,
        budget_seconds=budget.total_seconds(),
        elapsed_seconds=elapsed.total_seconds(),
        fraction=elapsed / budget,
        due_at=due_at,
        warning_at=warning_at,
        warned=warned,
        breached_at=due_at if breached else None,
        achieved_at=cycle.end,
        hard_budget_seconds=None if hard_budget is None else hard_budget.total_seconds(),
        hard_due_at=hard_due_at,
        hard_breached_at=hard_breached_at,
    )


def compute_sla(targets: SlaTargets, history: Iterable[HistoryEvent], now: datetime) -> SlaState:
    """Every SLA metric of one ticket at `now`, from its history alone.

    `history` needs exactly one `created` event and may be in any order (events at the same
    instant keep their given order). Events after `now` are ignored. Raises ValueError on a naive
    `now`, a missing or repeated `created`, or an event before `created`.
    """
    now = require_utc(now, "now")
    events = list(history)
    for event in events:
        if not isinstance(event, HistoryEvent):
            raise TypeError(f"history must hold HistoryEvent, got {type(event).__name__}")
    created = [e for e in events if e.kind is HistoryKind.created]
    if not created:
        raise ValueError("history has no 'created' event")
    if len(created) > 1:
        raise ValueError("history has more than one 'created' event")
    created_at = created[0].at
    if any(e.at < created_at for e in events):
        raise ValueError("history has an event before the ticket was created")
    if created_at > now:
        return SlaState(now=now, ticket_status="new", metrics=())

    replay = _Replay(created_at)
    for event in sorted(events, key=lambda e: e.at):
        if event.at <= now and event is not created[0]:
            replay.apply(event)
    replay.finish(now)

    pause = targets.pause_statuses

    def response_runs(status: str) -> bool:
        return status not in pause

    def resolution_runs(status: str) -> bool:
        return status not in pause and status not in TERMINAL_STATUSES

    resolution = _Cycle(SlaMetric.resolution, 0, created_at, replay.resolved_at)
    metrics = []
    for cycle, runs in (
        (replay.first, response_runs),
        *((c, response_runs) for c in replay.next_cycles),
        (resolution, resolution_runs),
    ):
        intervals = _running_intervals(replay.spans, cycle.start, cycle.end or now, runs)
        paused = cycle.end is None and not runs(replay.status)
        metrics.append(_metric_state(targets, cycle, intervals, paused, now))
    return SlaState(now=now, ticket_status=replay.status, metrics=tuple(metrics))


# ---------------------------------------------------------------------------------------------
# Reading a state


def sla_transitions(previous: SlaState | None, current: SlaState) -> list[SlaTransition]:
    """The SLA moments reached in `current` that `previous` had not reached, oldest first.

    A sweep keeps the state it last recorded and records what this returns, so each warning,
    breach and hard breach of a cycle is recorded once (cycles match on metric and started_at).
    `previous=None` returns every moment so far. Note: a resolution met, reopened and met again
    yields a second "met" for the same cycle, at the new instant.
    """
    before = {(s.metric, s.started_at): s for s in previous.metrics} if previous else {}
    found: list[SlaTransition] = []
    for s in current.metrics:
        p = before.get((s.metric, s.started_at))
        reached: list[tuple[SlaEventKind, datetime | None, datetime | None]] = []
        if s.warned and not (p and p.warned):
            reached.append((SlaEventKind.warning, s.warning_at, s.due_at))
        if s.breached_at is not None and not (p and p.breached_at is not None):
            reached.append((SlaEventKind.breached, s.breached_at, s.due_at))
        if s.hard_breached_at is not None and not (p and p.hard_breached_at is not None):
            reached.append((SlaEventKind.hard_breached, s.hard_breached_at, s.hard_due_at))
        if s.achieved_at is not None and (p is None or p.achieved_at != s.achieved_at):
            reached.append((SlaEventKind.met, s.achieved_at, s.due_at))
        found.extend(
            SlaTransition(s.metric, kind, at, s.started_at, due_at)
            for kind, at, due_at in reached
            if at is not None
        )
    found.sort(key=lambda t: t.at)
    return found


def time_until_breach(state: SlaState, metric: SlaMetric, now: datetime) -> timedelta | None:
    """Wall-clock time from `now` until the latest cycle of `metric` breaches.

    Negative when already overdue. None when the metric has not started, is finished, or is
    paused (a paused clock cannot breach until something happens).
    """
    now = require_utc(now, "now")
    s = state.get(metric)
    if s is None or not s.running:
        return None
    return s.due_at - now


def predict_breach(state: SlaState, now: datetime, horizon: timedelta) -> list[SlaTransition]:
    """The breaches (and first-response hard breaches) due by `now + horizon` if nothing happens.

    Only running metrics not already breached in `state` are listed, so a breach that fell
    between `state.now` and `now` is listed too. Oldest first.
    """
    now = require_utc(now, "now")
    limit = now + horizon
    found = []
    for s in state.current:
        if not s.running:
            continue
        if s.breached_at is None and s.due_at <= limit:
            found.append(
                SlaTransition(s.metric, SlaEventKind.breached, s.due_at, s.started_at, s.due_at)
            )
        if s.hard_due_at is not None and s.hard_breached_at is None and s.hard_due_at <= limit:
            found.append(
                SlaTransition(
                    s.metric, SlaEventKind.hard_breached, s.hard_due_at, s.started_at, s.hard_due_at
                )
            )
    found.sort(key=lambda t: t.at)
    return found
