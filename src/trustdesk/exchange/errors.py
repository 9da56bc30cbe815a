"""Failures talking to the exchange, whichever connector is in use."""

from __future__ import annotations


class ConnectorError(Exception):
    """The exchange could not answer. `retryable`: a timeout or a 5xx, worth trying again."""

    def __init__(self, message: str, *, retryable: bool = False, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


class ExchangeObjectNotFound(ConnectorError):
    """An action named a user or withdrawal the exchange does not know."""


class ExchangeConflict(ConnectorError):
    """The exchange refused an action in the object's current state (e.g. hold after broadcast)."""
