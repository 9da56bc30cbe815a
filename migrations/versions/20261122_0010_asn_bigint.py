"""Autonomous system numbers are 32-bit unsigned (RFC 6793): up to 4,294,967,295, which an
INTEGER column (signed, 2,147,483,647 at most) refused with a 500 for a valid request.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("risk_events", "risk_assessments", "sandbox_security_events")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "asn", existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=True
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "asn", existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=True
            )
