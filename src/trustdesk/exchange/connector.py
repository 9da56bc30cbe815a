"""The interface TrustDesk uses to read and act on the exchange's own systems.

Implementations (the built-in sandbox exchange over the database, and an HTTP client for a real
exchange) live elsewhere; everything that needs the exchange depends only on this Protocol.
Reads never return another user's data: every method is keyed by the customer it serves, except
`find_chain_transaction`, which reads the public chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

from trustdesk.exchange.types import (
    Balance,
    ChainTransaction,
    CustomerProfile,
    Deposit,
    DepositAddress,
    SecurityEvent,
    Withdrawal,
)

__all__ = ["ExchangeConnector"]


@runtime_checkable
class ExchangeConnector(Protocol):
    """Async access to accounts, deposits, withdrawals and security events of the exchange."""

    async def get_profile(self, user_id: str) -> CustomerProfile | None:
        """The customer's account, or None when no such user exists."""
        ...

    async def list_security_events(self, user_id: str, since: datetime) -> Sequence[SecurityEvent]:
        """Security events at or after `since`, oldest first."""
        ...

    async def list_deposit_addresses(self, user_id: str) -> Sequence[DepositAddress]:
        """Every deposit address (and memo/tag) issued to the customer."""
        ...

    async def list_deposits(self, user_id: str, since: datetime | None = None) -> Sequence[Deposit]:
        """Deposits detected for the customer, newest first; all of them when `since` is None."""
        ...

    async def find_chain_transaction(self, txid: str) -> ChainTransaction | None:
        """Where `txid` actually is, on any network the exchange indexes; None if nowhere."""
        ...

    async def list_withdrawals(self, user_id: str) -> Sequence[Withdrawal]:
        """The customer's withdrawals, newest first."""
        ...

    async def get_balances(self, user_id: str) -> Sequence[Balance]:
        """Spot balances, one per asset held."""
        ...

    async def freeze_account(self, user_id: str, reason: str) -> None:
        """Block logins, trading and withdrawals until support unfreezes the account."""
        ...

    async def hold_withdrawal(self, withdrawal_id: str, reason: str) -> Withdrawal:
        """Stop a withdrawal before broadcast; returns it in its new state."""
        ...

    async def release_withdrawal(self, withdrawal_id: str) -> Withdrawal:
        """Let a held withdrawal continue; returns it in its new state."""
        ...

    async def credit_recovered_deposit(
        self,
        user_id: str,
        asset: str,
        network: str,
        amount: Decimal,
        reference: str,
        *,
        source_txid: str | None = None,
    ) -> Deposit:
        """Credit a recovered deposit. `reference` (the recovery case id) makes it idempotent:
        calling twice with the same reference credits once. `source_txid` is the misdirected
        transaction being recovered: the credit is recorded under it, so asking about that txid
        afterwards finds a credited deposit instead of diagnosing the transfer again."""
        ...
