"""The recovery pages' progress line and "what you need to do now", from a case's status and
stamps (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from trustdesk.models.recovery import RecoveryCase, RecoveryKind, RecoveryStatus
from trustdesk.web.recovery_views import deposit_facts, progress, short_txid

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
QUESTIONS = [{"code": "source_platform", "prompt": "Which platform?"}]


def _case(status: RecoveryStatus, kind: RecoveryKind = RecoveryKind.manual, **stamps: Any):
    return RecoveryCase(
        kind=kind,
        status=status,
        verdict="wrong_network",
        asset="USDT",
        network="BSC",
        amount=Decimal(200),
        fee=Decimal(10),
        txid="0x" + "ab" * 32,
        facts={"sent_network": "BSC", "expected_networks": ["ETH", "TRX"]},
        intake_questions=QUESTIONS,
        intake_answers=stamps.pop("answers", {}),
        **stamps,
    )


def _line(case: RecoveryCase) -> list[str]:
    return [f"{s.key}:{s.state}" for s in progress(case).steps]


S = RecoveryStatus
ANSWERED = {"source_platform": "OKX"}


@pytest.mark.parametrize(
    ("case", "line", "todo"),
    [
        (
            _case(S.intake_pending),
            ["intake:current", "verification:todo", "fee:todo", "approval:todo", "outcome:todo"],
            "answer",
        ),
        (
            _case(S.verifying, answers=ANSWERED),
            ["intake:done", "verification:current", "fee:todo", "approval:todo", "outcome:todo"],
            "wait",
        ),
        (
            _case(S.awaiting_fee_acceptance, answers=ANSWERED, verified_at=NOW),
            ["intake:done", "verification:done", "fee:current", "approval:todo", "outcome:todo"],
            "accept_fee",
        ),
        (
            _case(S.awaiting_fee_acceptance, verified_at=NOW, fee_accepted_at=NOW),
            ["intake:done", "verification:done", "fee:done", "approval:current", "outcome:todo"],
            "wait",
        ),
        (
            _case(S.prepared, verified_at=NOW, fee_accepted_at=NOW),
            ["intake:done", "verification:done", "fee:done", "approval:current", "outcome:todo"],
            "wait",
        ),
        (
            _case(S.approved, verified_at=NOW, fee_accepted_at=NOW, approved_at=NOW),
            ["intake:done", "verification:done", "fee:done", "approval:done", "outcome:current"],
            "wait",
        ),
        (
            _case(S.executed, verified_at=NOW, fee_accepted_at=NOW, approved_at=NOW),
            ["intake:done", "verification:done", "fee:done", "approval:done", "outcome:done"],
            "done",
        ),
        (
            # Rejected once verified, before the fee was accepted: the line stops there.
            _case(S.rejected, answers=ANSWERED, verified_at=NOW),
            ["intake:done", "verification:done", "fee:todo", "approval:todo", "outcome:failed"],
            "rejected",
        ),
        (
            _case(S.rejected),
            ["intake:todo", "verification:todo", "fee:todo", "approval:todo", "outcome:failed"],
            "rejected",
        ),
        (
            _case(S.reversed, verified_at=NOW, fee_accepted_at=NOW, approved_at=NOW),
            ["intake:done", "verification:done", "fee:done", "approval:done", "outcome:failed"],
            "reversed",
        ),
        (_case(S.executed, kind=RecoveryKind.auto), ["outcome:done"], "done"),
        (_case(S.reversed, kind=RecoveryKind.auto), ["outcome:failed"], "reversed"),
    ],
)
def test_progress_line_and_what_to_do(case, line, todo):
    result = progress(case)
    assert _line(case) == line
    assert result.todo == todo
    assert result.needs_customer is (todo in ("answer", "accept_fee"))


def test_a_case_without_questions_starts_at_verification():
    case = _case(S.verifying)
    case.intake_questions = []
    assert _line(case)[:2] == ["intake:done", "verification:current"]


def test_the_deposit_in_a_few_words():
    facts = deposit_facts(_case(S.intake_pending))
    assert facts["network"] == "BSC" and facts["expected"] == "ETH, TRX"
    assert facts["txid_short"] == "0xababab…ababab"
    assert short_txid("abc") == "abc" and short_txid(None) == ""
