"""A small per-process cache with a time-to-live, for reference data read on every request.

Values must be plain (frozen dataclasses, tuples): never ORM objects, which belong to the
session that loaded them. Other processes see a change after at most `ttl` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


_ALL: list[TTLCache[object]] = []


def clear_all() -> None:
    """Forget every cached value in this process (tests reset the database between cases)."""
    for cache in _ALL:
        cache.clear()


class TTLCache(Generic[T]):
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._values: dict[object, tuple[float, T]] = {}
        _ALL.append(self)  # type: ignore[arg-type]

    async def get(self, key: object, load: Callable[[], Awaitable[T]]) -> T:
        now = time.monotonic()
        hit = self._values.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        value = await load()
        self._values[key] = (now, value)
        return value

    def forget(self, key: object) -> None:
        self._values.pop(key, None)

    def clear(self) -> None:
        """Forget everything (after a change in this process, and between tests)."""
        self._values.clear()
