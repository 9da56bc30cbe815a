"""Compress the risk assessments' audit columns with LZ4 instead of PostgreSQL's default pglz.

Every scored withdrawal stores ~3.3 KB of JSON (every signal's value, strength and detail;
the request). That is over PostgreSQL's 2 KB TOAST threshold, so each INSERT compresses it:
with pglz that was ~20% of the INSERT's CPU on the decision hot path, with LZ4 a fraction
(`ALTER COLUMN ... SET COMPRESSION` applies to rows written from now on; older rows keep
pglz and stay readable). PostgreSQL 14+ built with LZ4 only; elsewhere nothing changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("signals", "detail", "reasons", "request")


def _set_compression(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    clauses = ", ".join(f"ALTER COLUMN {c} SET COMPRESSION {method}" for c in COLUMNS)
    try:
        # In a savepoint: a server built without LZ4 refuses it and the migration goes on.
        with bind.begin_nested():
            bind.execute(sa.text(f"ALTER TABLE risk_assessments {clauses}"))
    except sa.exc.DBAPIError:
        pass


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("default")
