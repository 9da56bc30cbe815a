"""Pure parts: the state machine and the customer-facing templates."""

from __future__ import annotations

from decimal import Decimal

from trustdesk.models.recovery import RecoveryKind, RecoveryStatus
from trustdesk.recovery import messages
from trustdesk.recovery.states import can_transition
from trustdesk.triage.language import SUPPORTED_LANGUAGES

S = RecoveryStatus
M = RecoveryKind.manual


def test_manual_cases_walk_the_steps_in_order():
    path = [
        S.intake_pending,
        S.verifying,
        S.awaiting_fee_acceptance,
        S.prepared,
        S.approved,
        S.executed,
        S.reversed,
    ]
    for current, new in zip(path, path[1:], strict=False):
        assert can_transition(M, current, new)
    assert not can_transition(M, S.intake_pending, S.approved)
    assert not can_transition(M, S.verifying, S.prepared)
    assert not can_transition(M, S.prepared, S.executed)
    assert not can_transition(M, S.executed, S.rejected)
    assert not can_transition(M, S.rejected, S.verifying)
    assert not can_transition(M, S.reversed, S.executed)


def test_open_cases_can_be_rejected_closed_ones_cannot():
    for status in (
        S.intake_pending,
        S.verifying,
        S.awaiting_fee_acceptance,
        S.prepared,
        S.approved,
    ):
        assert can_transition(M, status, S.rejected)
    for status in (S.executed, S.rejected, S.reversed):
        assert not can_transition(M, status, S.rejected)


def test_automatic_recoveries_can_only_be_reversed():
    assert can_transition(RecoveryKind.auto, S.executed, S.reversed)
    assert not can_transition(RecoveryKind.auto, S.executed, S.rejected)
    assert not can_transition(RecoveryKind.auto, S.reversed, S.executed)


def test_every_language_has_every_status_message():
    assert set(messages.LANGUAGES) == set(SUPPORTED_LANGUAGES)
    for language in SUPPORTED_LANGUAGES:
        assert "{case}" in messages.SUBJECT[language]
        for status in S:
            text = messages.status_message(
                language,
                status,
                case=7,
                asset="USDT",
                amount=Decimal("200.50"),
                fee=Decimal("10"),
                reason="because",
            )
            assert "{" not in text and text.strip()
        fee_text = messages.status_message(
            language,
            S.awaiting_fee_acceptance,
            case=7,
            asset="USDT",
            amount=Decimal("200.50"),
            fee=Decimal("10"),
        )
        assert "10 USDT" in fee_text and "190.5 USDT" in fee_text
        rejected = messages.status_message(
            language,
            S.rejected,
            case=7,
            asset="USDT",
            amount=Decimal(1),
            fee=Decimal(0),
            reason="not your wallet",
        )
        assert "not your wallet" in rejected


def test_unknown_language_falls_back_to_english():
    text = messages.status_message(
        "xx", S.executed, case=1, asset="XRP", amount=Decimal(20), fee=Decimal(0)
    )
    assert text == "Done: 20 XRP has been credited to your account."


def test_every_intake_question_is_written_in_every_language():
    from trustdesk.exchange.recovery_rules import _OWNERSHIP, _SOURCE_PLATFORM, _TXID

    for question in (_OWNERSHIP, _SOURCE_PLATFORM, _TXID):
        for language in SUPPORTED_LANGUAGES:
            prompt = messages.intake_prompt(language, question.code, question.prompt)
            assert prompt.strip()
            assert (prompt == question.prompt) == (language == "en")
