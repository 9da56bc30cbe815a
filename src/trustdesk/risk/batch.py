"""Coalesce concurrent calls into batches: the group commit of the decision hot path.

Every decision needs one history read and one INSERT. At hundreds of decisions a second the
fixed cost of a statement (a pool checkout, a round trip, PostgreSQL's parse-bind-execute and,
for the INSERT, a commit and its WAL flush) costs more than the rows themselves. A `Batcher`
runs one statement for all the calls that arrived while the previous one was in flight: a
lone call goes out at once (no added wait, no timer), and under load the batches grow by
themselves, which is when the saving matters.

Each caller still gets its own result or exception, and only once its batch has returned:
for the INSERT that means once its row is committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_BATCH = 200


class Batcher(Generic[T, R]):
    """`await submit(item)` runs `run([item, ...])` with whatever else is waiting.

    `run` returns one result per item, in order: a value, or an exception for that item alone.
    If `run` raises, a batch of several items is retried one item at a time, so one bad item
    (a value the database refuses) fails only its own call. Use it from one event loop.

    Up to `in_flight` batches run at once (each on its own connection): a call that arrives
    while one batch waits for the disk need not wait for it to finish."""

    def __init__(
        self,
        run: Callable[[Sequence[T]], Awaitable[Sequence[R | BaseException]]],
        *,
        max_batch: int = MAX_BATCH,
        in_flight: int = 1,
    ) -> None:
        self._run = run
        self._max_batch = max_batch
        self._in_flight = in_flight
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._draining = 0
        self._tasks: set[asyncio.Task[None]] = set()  # referenced until done
        # How well it batches: items / batches is the mean batch size.
        self.batches = self.items = 0

    async def submit(self, item: T) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._waiting.append((item, future))
        if self._draining < self._in_flight:
            # Counted now, not when the task ends: a done-callback would run a turn later,
            # and a call submitted in between would find no drain to take it.
            self._draining += 1
            task = loop.create_task(self._drain())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    async def _drain(self) -> None:
        batch: list[tuple[T, asyncio.Future[R]]] = []
        try:
            while self._waiting:
                batch = self._waiting[: self._max_batch]
                del self._waiting[: self._max_batch]
                self.batches += 1
                self.items += len(batch)
                try:
                    self._deliver(batch, await self._run([item for item, _ in batch]))
                except Exception as exc:  # noqa: BLE001 - handed to the callers
                    if len(batch) == 1:
                        _settle(batch[0][1], exc)
                        continue
                    for one in batch:
                        try:
                            self._deliver([one], await self._run([one[0]]))
                        except Exception as single:  # noqa: BLE001 - handed to its caller
                            _settle(one[1], single)
        except BaseException as exc:  # cancelled: nobody may wait for ever
            for _, future in [*batch, *self._waiting]:
                _settle(future, exc)
            self._waiting.clear()
            raise
        finally:
            self._draining -= 1

    @staticmethod
    def _deliver(
        batch: Sequence[tuple[T, asyncio.Future[R]]], results: Sequence[R | BaseException]
    ) -> None:
        if len(results) != len(batch):
            raise RuntimeError(f"batch of {len(batch)} returned {len(results)} results")
        for (_, future), result in zip(batch, results, strict=True):
            _settle(future, result)


def _settle(future: asyncio.Future[R], result: R | BaseException) -> None:
    if future.done():  # the caller was cancelled (client gone); the work is done anyway
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)
