"""What the customer's recovery pages show of a case: the progress line, what the customer has to
do now, and the deposit told in a few words (pure functions of the case; the templates word
them in the customer's language)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from trustdesk.models.recovery import RecoveryCase, RecoveryKind, RecoveryStatus

S = RecoveryStatus

# The steps of a manual case, in order; the last one is how it ended (credited, rejected or
# reversed) and is named by `Progress.outcome`.
STEPS = ("intake", "verification", "fee", "approval", "outcome")


class StepState(StrEnum):
    done = "done"
    current = "current"
    todo = "todo"
    failed = "failed"


class ToDo(StrEnum):
    """What the case waits for, from the customer's side."""

    answer = "answer"  # the intake questions
    accept_fee = "accept_fee"
    wait = "wait"  # our team has the next step
    done = "done"
    rejected = "rejected"
    reversed = "reversed"


@dataclass(frozen=True)
class Step:
    key: str
    state: StepState


@dataclass(frozen=True)
class Progress:
    steps: tuple[Step, ...]
    # executed | rejected | reversed | pending: the label of the last step.
    outcome: str
    todo: ToDo

    @property
    def needs_customer(self) -> bool:
        """The case waits for the customer (their answers, or their word on the fee)."""
        return self.todo in (ToDo.answer, ToDo.accept_fee)


def _reached(case: RecoveryCase) -> int:
    """How many of the first four steps the case has completed (from its stamps)."""
    if not case.intake_answers and case.intake_questions:
        return 0
    if case.verified_at is None:
        return 1
    if case.fee_accepted_at is None:
        return 2
    if case.approved_at is None:
        return 3
    return 4


def _state(index: int, current: int) -> StepState:
    if index < current:
        return StepState.done
    return StepState.current if index == current else StepState.todo


def progress(case: RecoveryCase) -> Progress:
    """The case's progress line: intake → verification → fee → approval → outcome."""
    status = RecoveryStatus(case.status)
    if case.kind == RecoveryKind.auto:
        # Credited by the rules at once: no intake, verification, fee or approval to show.
        if status == S.reversed:
            return Progress((Step("outcome", StepState.failed),), "reversed", ToDo.reversed)
        return Progress((Step("outcome", StepState.done),), "executed", ToDo.done)
    if status == S.executed:
        return Progress(tuple(Step(k, StepState.done) for k in STEPS), "executed", ToDo.done)
    if status in (S.rejected, S.reversed):
        reached = 4 if status == S.reversed else _reached(case)
        steps = [
            Step(k, StepState.done if i < reached else StepState.todo)
            for i, k in enumerate(STEPS[:-1])
        ]
        steps.append(Step("outcome", StepState.failed))
        todo = ToDo.rejected if status == S.rejected else ToDo.reversed
        return Progress(tuple(steps), str(status), todo)
    current = {
        S.intake_pending: 0,
        S.verifying: 1,
        S.awaiting_fee_acceptance: 3 if case.fee_accepted_at is not None else 2,
        S.prepared: 3,
        S.approved: 4,
    }[status]
    steps = [Step(k, _state(i, current)) for i, k in enumerate(STEPS)]
    if status == S.intake_pending:
        todo = ToDo.answer
    elif status == S.awaiting_fee_acceptance and case.fee_accepted_at is None:
        todo = ToDo.accept_fee
    else:
        todo = ToDo.wait
    return Progress(tuple(steps), "pending", todo)


def short_txid(txid: str | None) -> str:
    """`0x000000…9c4d`: enough to recognise the transfer, not a copy-paste target."""
    if not txid:
        return ""
    return txid if len(txid) <= 16 else f"{txid[:8]}…{txid[-6:]}"


def deposit_facts(case: RecoveryCase) -> dict[str, Any]:
    """What the page says about the deposit: the network it was sent on and the ones the
    deposit address is for, from the diagnosis the case was opened on."""
    facts = case.facts or {}
    expected = facts.get("expected_networks") or []
    return {
        "verdict": case.verdict,
        "network": case.network or facts.get("sent_network") or facts.get("network") or "",
        "expected": ", ".join(str(n) for n in expected),
        "memo_label": facts.get("memo_label") or "memo",
        "txid_short": short_txid(case.txid),
    }
