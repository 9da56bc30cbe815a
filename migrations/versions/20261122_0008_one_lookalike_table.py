"""Keep look-alike contacts in one table: risk scoring reads trust's lookalike_contacts.

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import trustdesk.db

revision: str = "0008"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("risk_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_contacts_user_at")
    op.drop_table("risk_contacts")


def downgrade() -> None:
    op.create_table(
        "risk_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_contacts")),
    )
    with op.batch_alter_table("risk_contacts", schema=None) as batch_op:
        batch_op.create_index("ix_risk_contacts_user_at", ["user_id", "at"], unique=False)
