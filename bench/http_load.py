"""A lean keep-alive HTTP/1.1 client for the load benchmarks.

The load generator shares the machine's two cores with the server and PostgreSQL, so every
microsecond it spends is taken from what it measures: httpx costs about 2 ms of CPU per
request, which at a thousand requests a second is a whole core. This client writes
pre-encoded requests on plain asyncio streams and reads only the status line, the headers
it needs and a Content-Length body: tens of microseconds per request.
It only talks to servers the benchmarks start themselves (no chunked bodies, no TLS).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, cast


def encode_request(
    host: str, port: int, method: str, path: str, body: bytes, headers: dict[str, str]
) -> bytes:
    """One HTTP/1.1 request's bytes (a JSON body when there is one)."""
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    if body:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _content_length(head: bytes) -> int:
    """The Content-Length of an answer's head (status line and headers); 0 without one."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


class Connection:
    """One keep-alive connection; one request at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def open(self) -> Connection:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def encode(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        """The request's bytes: encode before the clock starts, send them with `send`."""
        return encode_request(self.host, self.port, method, path, body, headers)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """Write one encoded request and read its answer: (status, body)."""
        if self._reader is None or self._writer is None:
            await self.open()
        assert self._reader is not None and self._writer is not None
        self._writer.write(request)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = _content_length(head)
        body = await self._reader.readexactly(length) if length else b""
        if b"connection: close" in head.lower():
            self.close()
        return status, body

    async def post_json(
        self, path: str, payload: Any, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        body = json.dumps(payload).encode()
        return await self.send(self.encode("POST", path, body, headers or {}))

    async def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        return await self.send(self.encode("GET", path, b"", headers or {}))


class _Exchange(asyncio.Protocol):
    """One keep-alive connection driven by the event loop's callbacks: no task, future or
    stream per request, which is most of what `Connection` costs per request."""

    def __init__(self, on_answer: Callable[[_Exchange, int, bytes], None]) -> None:
        self._on_answer = on_answer
        self._buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.in_flight: tuple[int, float] | None = None  # (request index, due time)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)

    def send(self, request: bytes, index: int, due: float) -> None:
        assert self.transport is not None
        self.in_flight = (index, due)
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        length = _content_length(bytes(self._buffer[:end]))
        if len(self._buffer) < end + 4 + length:
            return
        status = int(self._buffer[9:12])
        body = bytes(self._buffer[end + 4 : end + 4 + length])
        del self._buffer[: end + 4 + length]
        self._on_answer(self, status, body)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self.in_flight is not None:
            self._on_answer(self, 0, repr(exc).encode())


class OpenLoop:
    """Sends pre-encoded requests at their scheduled times over `connections` keep-alive
    connections, one request per connection at a time; a request due while every connection
    is busy waits for the first one free. Each latency counts from the request's due time,
    so queueing anywhere (client, server, database) is in it."""

    def __init__(self, host: str, port: int, connections: int) -> None:
        self.host, self.port, self.connections = host, port, connections
        self._idle: deque[_Exchange] = deque()
        self._waiting: deque[tuple[int, float]] = deque()
        self._requests: Sequence[bytes] = ()
        self.latencies: list[float] = []
        self.answers: list[tuple[int, bytes]] = []
        self.sent: list[int] = []  # the request index of each latency and answer
        self._left = 0
        self._live = 0  # connections not broken
        self._finished: asyncio.Future[None] | None = None

    def encode(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        """A request's bytes for `run`: encode them before the clock starts."""
        return encode_request(self.host, self.port, method, path, body, headers)

    async def open(self, spread: float = 0.02) -> None:
        loop = asyncio.get_running_loop()
        for _ in range(self.connections):
            _, exchange = await loop.create_connection(
                lambda: _Exchange(self._answered), self.host, self.port
            )
            self._idle.append(exchange)
            # Spread the connections over the server's workers: a burst of connects is mostly
            # accepted by whichever worker wakes first, and keep-alive pins each to its worker.
            await asyncio.sleep(spread)

    def close(self) -> None:
        for exchange in self._idle:
            if exchange.transport is not None:
                exchange.transport.close()
        self._idle.clear()

    async def run(self, requests: Sequence[bytes], rate: float) -> float:
        """Send every request, request n due at start + n / rate; the wall time taken.
        `latencies` and `answers` ((status, body), status 0 for a broken connection) are in
        the order the answers came."""
        # perf_counter, not loop.time(): uvloop's clock moves in whole milliseconds.
        clock = time.perf_counter
        self._requests, self._left, self._live = requests, len(requests), len(self._idle)
        self.latencies, self.answers, self.sent = [], [], []
        self._finished = asyncio.get_running_loop().create_future()
        start = clock() + 0.05
        for n in range(len(requests)):
            due = start + n / rate
            delay = due - clock()
            if delay > 0:
                await asyncio.sleep(delay)
            while self._idle and self._idle[0].transport is None:  # closed while idle
                self._idle.popleft()
                self._live -= 1
            if self._idle:
                self._idle.popleft().send(requests[n], n, due)
            elif self._live:
                self._waiting.append((n, due))
            else:
                self._record(n, due, 0, b"no connection left")
        if self._left:
            await self._finished
        return clock() - start

    def _answered(self, exchange: _Exchange, status: int, body: bytes) -> None:
        assert exchange.in_flight is not None
        n, due = exchange.in_flight
        exchange.in_flight = None
        self._record(n, due, status, body)
        if exchange.transport is None:  # broken: no longer used
            self._live -= 1
            while not self._live and self._waiting:
                self._record(*self._waiting.popleft(), 0, b"no connection left")
        elif self._waiting:
            n, due = self._waiting.popleft()
            exchange.send(self._requests[n], n, due)
        else:
            self._idle.append(exchange)

    def _record(self, n: int, due: float, status: int, body: bytes) -> None:
        self.latencies.append(time.perf_counter() - due)
        self.answers.append((status, body))
        self.sent.append(n)
        self._left -= 1
        if not self._left and self._finished is not None and not self._finished.done():
            self._finished.set_result(None)


async def wait_listening(host: str, port: int, within: float = 60) -> None:
    """Return once a server the benchmark started accepts connections on `port`."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection(host, port)
            writer.close()
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"nothing listens on {host}:{port} after {within:.0f} s")
