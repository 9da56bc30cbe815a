"""Pure rules: status transitions and automatic escalation."""

from __future__ import annotations

from dataclasses import dataclass

from trustdesk.models.ticket import Priority, TicketStatus

S = TicketStatus

# Which status may follow which. Reopening a resolved ticket happens when the customer writes;
# a closed ticket stays closed (the customer opens a new one, which links the old one).
ALLOWED_TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.new: frozenset({S.open, S.pending_customer, S.on_hold, S.resolved, S.closed}),
    S.open: frozenset({S.pending_customer, S.on_hold, S.resolved, S.closed}),
    S.pending_customer: frozenset({S.open, S.on_hold, S.resolved, S.closed}),
    S.on_hold: frozenset({S.open, S.pending_customer, S.resolved, S.closed}),
    S.resolved: frozenset({S.open, S.closed}),
    S.closed: frozenset(),
}

# Topics a first-line agent should not have to untangle.
COMPLEX_INTENTS = frozenset(
    {"api_trouble", "p2p_dispute", "wrong_network", "missing_memo", "account_compromised"}
)
REOPENS_BEFORE_TIER_UP = 2
NEGATIVE_SENTIMENT = -0.5


def can_transition(current: TicketStatus, new: TicketStatus) -> bool:
    return new == current or new in ALLOWED_TRANSITIONS[current]


def raise_priority(priority: Priority, steps: int = 1) -> Priority:
    order = [Priority.P1, Priority.P2, Priority.P3, Priority.P4]
    return order[max(0, order.index(priority) - steps)]


@dataclass(frozen=True)
class EscalationFacts:
    queue: str
    priority: Priority
    security: bool
    intent: str | None
    reopen_count: int
    sentiment: float | None


@dataclass(frozen=True)
class Escalation:
    to_queue: str
    priority: Priority
    reason: str


def automatic_escalation(facts: EscalationFacts) -> Escalation | None:
    """The rule-based escalation a ticket needs now, if any (first matching rule wins)."""
    if facts.security and facts.queue != "security":
        return Escalation("security", Priority.P1, "security incident")
    if facts.queue != "tier1":
        # VIP desk, tier 2 and departments already have specialists.
        return None
    if facts.reopen_count >= REOPENS_BEFORE_TIER_UP:
        return Escalation("tier2", facts.priority, f"reopened {facts.reopen_count} times")
    if facts.sentiment is not None and facts.sentiment <= NEGATIVE_SENTIMENT:
        return Escalation("tier2", raise_priority(facts.priority), "negative sentiment")
    if facts.intent in COMPLEX_INTENTS:
        return Escalation("tier2", facts.priority, f"complex topic: {facts.intent}")
    return None
