"""The floor of bench/ingest_floor.py: the least a ticket create over FastAPI can be.

Run by that script under uvicorn, never by TrustDesk: a customer JWT checked (PyJWT, HS256),
a Pydantic body validated, ONE INSERT of the same ticket-shaped row the raw rate inserts,
the id answered as JSON. No language detection, triage, routing, SLA, audit, idempotency.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Annotated, Any

import asyncpg
import jwt
from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

SECRET = "floor-bench-secret-floor-bench-secret-0000"
INSERT = (
    "INSERT INTO bench_raw_tickets (customer_id, subject, status, priority, language, body, "
    "created_at, updated_at) VALUES ($1, $2, 'new', 'P3', 'en', $3, $4, $4) RETURNING id"
)


class TicketIn(BaseModel):
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)


app = FastAPI()
pool: asyncpg.Pool | None = None


@app.on_event("startup")
async def open_pool() -> None:
    global pool
    pool = await asyncpg.create_pool(os.environ["FLOOR_DSN"], min_size=16, max_size=16)


@app.post("/tickets", status_code=201)
async def create_ticket(data: TicketIn, authorization: Annotated[str, Header()]) -> dict[str, Any]:
    try:
        claims = jwt.decode(authorization.removeprefix("Bearer "), SECRET, algorithms=["HS256"])
    except jwt.PyJWTError as exc:
        raise HTTPException(401, "invalid token") from exc
    assert pool is not None
    customer = int(claims["sub"])
    ticket_id = await pool.fetchval(INSERT, customer, data.subject, data.body, datetime.now(UTC))
    return {"id": ticket_id, "status": "new"}
