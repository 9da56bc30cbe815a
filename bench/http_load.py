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
from typing import Any


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
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        if body:
            head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        return ("\r\n".join(head) + "\r\n\r\n").encode() + body

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """Write one encoded request and read its answer: (status, body)."""
        if self._reader is None or self._writer is None:
            await self.open()
        assert self._reader is not None and self._writer is not None
        self._writer.write(request)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
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
