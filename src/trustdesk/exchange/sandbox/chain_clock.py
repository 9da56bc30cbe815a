"""The sandbox's chain clock: block heights (and so confirmations) as a pure function of time.

Each network stores one anchor, `base_height` at `base_time`; the registry's average block time
turns any later `now` into a height. Nothing is written as time passes, and a test moves the
chain forward just by moving its clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

# Heights the sandbox starts a network at when the file gives none: far from 0, so a
# transaction "50 blocks ago" has a plausible height.
DEFAULT_BASE_HEIGHT = 1_000_000


@dataclass(frozen=True, slots=True)
class ChainClock:
    """One network's anchor: `base_height` was the tip at `base_time`."""

    base_height: int
    base_time: datetime
    block_time_seconds: float

    def height_at(self, now: datetime) -> int:
        """The chain tip at `now` (never below the anchor: the chain does not run backwards)."""
        elapsed = (now - self.base_time).total_seconds()
        if elapsed <= 0:
            return self.base_height
        return self.base_height + math.floor(elapsed / self.block_time_seconds)

    def confirmations(self, block_height: int | None, now: datetime) -> int:
        """Confirmations of a transaction mined at `block_height`: the block itself counts one.
        None (not in a block yet) has none."""
        if block_height is None:
            return 0
        return max(0, self.height_at(now) - block_height + 1)

    def height_with_confirmations(self, confirmations: int, now: datetime) -> int | None:
        """The block height a transaction must have to show `confirmations` at `now`."""
        if confirmations <= 0:
            return None
        return self.height_at(now) - confirmations + 1

    def time_of(self, block_height: int) -> datetime:
        """When the block at `block_height` was (or will be) mined."""
        return self.base_time + timedelta(
            seconds=(block_height - self.base_height) * self.block_time_seconds
        )
