"""Step-up verification as the chat and the customer pages show it.

When risk control holds a withdrawal, `trustdesk.risk` creates a verification (a TOTP or an
e-mailed code) and owns everything about it: codes, attempts, release, freeze. This module only
reads it, through risk's public service and repository functions, and adds what the customer
needs to recognise the withdrawal (amount, asset, shortened destination, when).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.assistant.schemas import VerificationPrompt, WithdrawalSummary
from trustdesk.models import Customer
from trustdesk.risk import repository as risk_repository
from trustdesk.risk import service as risk_service
from trustdesk.triage.language import RTL_LANGUAGES

VERIFY_API = "/api/v1/me/verifications"
# A bare code typed into the chat while a verification waits: 6 to 8 digits, maybe split
# ("123 456"), and not an amount ("250000 USDT").
_BARE_CODE = re.compile(
    r"(?<![\w.,])(?:\d{3}[ \-]\d{3}|\d{6,8})(?![\w.,])(?!\s*[A-Za-z]{2,6}\b)", re.UNICODE
)
OTP_MASK = "[redacted: 2FA code]"


def short_address(address: str | None) -> str:
    """`TXhijack…0001`: enough to recognise, not a copy-paste target."""
    value = (address or "").strip()
    return value if len(value) <= 14 else f"{value[:8]}…{value[-4:]}"


def _amount(value: Any) -> str:
    number = Decimal(str(value))
    return format(number.normalize(), "f") if number else "0"


async def pending(
    session: AsyncSession, customer: Customer, *, now: datetime
) -> list[VerificationPrompt]:
    """The customer's verifications waiting for a code, newest first (expired ones are closed
    on the way, as the customer API does)."""
    prompts = []
    for item in await risk_service.my_pending_verifications(session, customer, now=now):
        assessment = await risk_repository.assessment_by_withdrawal(session, item.withdrawal_id)
        prompts.append(
            VerificationPrompt(
                id=item.id,
                method=str(item.method),
                expires_at=item.expires_at,
                attempts_left=item.attempts_left,
                withdrawal=WithdrawalSummary(
                    id=item.withdrawal_id,
                    amount=_amount(item.amount),
                    asset=item.asset,
                    network=assessment.network if assessment else None,
                    destination=short_address(assessment.to_address if assessment else None),
                    requested_at=assessment.created_at if assessment else now,
                ),
                submit_url=f"{VERIFY_API}/{item.id}",
                not_me_url=f"{VERIFY_API}/{item.id}/not-me",
            )
        )
    return prompts


async def pending_count(session: AsyncSession, customer: Customer, *, now: datetime) -> int:
    """How many verifications wait for the customer (a read only: for the pages' banner)."""
    items = await risk_repository.pending_verifications(session, customer.id)
    return sum(1 for item in items if item.expires_at > now)


def mask_bare_codes(text: str) -> tuple[str, bool]:
    """Mask a code typed into the chat while a verification waits: the code belongs in the
    verification form, never in the conversation (which agents and the transcript see)."""
    masked, count = _BARE_CODE.subn(OTP_MASK, text)
    return masked, bool(count)


def prompt_facts(prompt: VerificationPrompt, language: str | None = None) -> dict[str, Any]:
    """The placeholders the catalog's verify_* texts use."""
    destination = prompt.withdrawal.destination
    if language in RTL_LANGUAGES:
        # Isolated left-to-right: in Arabic text the address would otherwise read backwards.
        destination = f"\u2066{destination}\u2069"
    return {
        "verify": True,
        "verify_id": prompt.id,
        "verify_method": prompt.method,
        "verify_amount": prompt.withdrawal.amount,
        "verify_asset": prompt.withdrawal.asset,
        "verify_destination": destination,
    }


async def summary(
    session: AsyncSession, customer: Customer, verification_id: int
) -> dict[str, Any] | None:
    """The customer's verification (anyone else's: None) with its withdrawal, for the outcome
    the chat tells."""
    item = await risk_repository.customer_verification(session, customer.id, verification_id)
    if item is None:
        return None
    assessment = await risk_repository.assessment(session, item.assessment_id)
    return {
        "verify_id": item.id,
        "verify_method": str(item.method),
        "verify_amount": _amount(assessment.amount) if assessment else "—",
        "verify_asset": assessment.asset if assessment else "",
        "verify_destination": short_address(assessment.to_address if assessment else None),
        "status": str(item.status),
        "attempts_left": max(0, item.max_attempts - item.attempts),
    }
