"""Idempotency-Key support for create endpoints.

A client that retries a POST with the same key gets the first answer again and nothing is
created twice. The same key with a different body is a client bug: 422. A retry that arrives
while the first request is still running loses the race on the unique index: 409, retry later.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.db import commit
from trustdesk.errors import Conflict, InvalidInput
from trustdesk.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


def _plain(value: Any) -> Any:
    # A response model dumps itself several times faster than the generic encoder walks it.
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return jsonable_encoder(value)


def request_fingerprint(payload: Any) -> str:
    body = json.dumps(_plain(payload), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


async def run_idempotent(
    session: AsyncSession,
    *,
    key: str | None,
    scope: str,
    payload: Any,
    now: datetime,
    ttl: timedelta,
    create: Callable[[], Awaitable[Any]],
    status_code: int = 201,
) -> JSONResponse:
    """Run `create` once per (scope, key), commit, and answer; replay the stored answer after."""
    if key is None:
        body = _plain(await create())
        await commit(session)
        return JSONResponse(body, status_code=status_code)
    key = key.strip()
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        raise InvalidInput(f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} characters")
    fingerprint = request_fingerprint(payload)
    existing = (
        await session.execute(
            select(IdempotencyRecord).where(
                IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
            )
        )
    ).scalar_one_or_none()
    if existing is not None and existing.created_at > now - ttl:
        if existing.request_hash != fingerprint:
            raise InvalidInput("Idempotency-Key was already used with a different request body")
        return JSONResponse(
            existing.response,
            status_code=existing.status_code,
            headers={"Idempotent-Replayed": "true"},
        )
    if existing is not None:
        # An expired record with the same key is cleared so the key can be used again.
        await session.delete(existing)
        await session.flush()
    body = _plain(await create())
    session.add(
        IdempotencyRecord(
            scope=scope,
            key=key,
            request_hash=fingerprint,
            status_code=status_code,
            response=body,
            created_at=now,
        )
    )
    try:
        await commit(session)
    except IntegrityError as exc:
        # A concurrent retry with the same key won: answer with what it stored.
        await session.rollback()
        winner = (
            await session.execute(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
                )
            )
        ).scalar_one_or_none()
        if winner is None or winner.request_hash != fingerprint:
            raise Conflict("a request with this Idempotency-Key is already in progress") from exc
        return JSONResponse(
            winner.response, status_code=winner.status_code, headers={"Idempotent-Replayed": "true"}
        )
    return JSONResponse(body, status_code=status_code)
