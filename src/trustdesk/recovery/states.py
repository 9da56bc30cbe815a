"""The recovery case state machine (pure)."""

from __future__ import annotations

from trustdesk.models.recovery import RecoveryKind, RecoveryStatus

S = RecoveryStatus

# Manual cases walk these steps in order; rejection is possible until the credit is made, and
# only an executed recovery can be reversed (by an admin).
ALLOWED: dict[RecoveryStatus, frozenset[RecoveryStatus]] = {
    S.intake_pending: frozenset({S.verifying, S.rejected}),
    S.verifying: frozenset({S.awaiting_fee_acceptance, S.rejected}),
    S.awaiting_fee_acceptance: frozenset({S.prepared, S.rejected}),
    S.prepared: frozenset({S.approved, S.rejected}),
    S.approved: frozenset({S.executed, S.rejected}),
    S.executed: frozenset({S.reversed}),
    S.rejected: frozenset(),
    S.reversed: frozenset(),
}
# Automatic recoveries are born executed; the only thing that can happen next is a reversal.
AUTO_ALLOWED: dict[RecoveryStatus, frozenset[RecoveryStatus]] = {
    S.executed: frozenset({S.reversed})
}

OPEN = frozenset({S.intake_pending, S.verifying, S.awaiting_fee_acceptance, S.prepared, S.approved})


def can_transition(kind: RecoveryKind, current: RecoveryStatus, new: RecoveryStatus) -> bool:
    table = AUTO_ALLOWED if kind == RecoveryKind.auto else ALLOWED
    return new in table.get(current, frozenset())
