"""recovery: deposit recovery cases (automatic and manual)

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-22 06:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import trustdesk.db

revision: str = "0007"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AMOUNT = sa.Numeric(precision=38, scale=18)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
DT = trustdesk.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "recovery_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("exchange_user_id", sa.String(length=128), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=False),
        sa.Column("txid", sa.String(length=200), nullable=True),
        sa.Column("txid_key", sa.String(length=200), nullable=True),
        sa.Column("asset", sa.String(length=16), nullable=True),
        sa.Column("network", sa.String(length=16), nullable=True),
        sa.Column("amount", AMOUNT, nullable=False),
        sa.Column("fee", AMOUNT, nullable=False),
        sa.Column("credited_amount", AMOUNT, nullable=True),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("exchange_deposit_id", sa.String(length=64), nullable=True),
        sa.Column("facts", JSON, nullable=False),
        sa.Column("covered", JSON, nullable=False),
        sa.Column("intake_questions", JSON, nullable=False),
        sa.Column("intake_answers", JSON, nullable=False),
        sa.Column("actor", sa.String(length=16), nullable=False),
        sa.Column("verification_note", sa.Text(), nullable=True),
        sa.Column("verified_by_agent_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", DT, nullable=True),
        sa.Column("fee_accepted_at", DT, nullable=True),
        sa.Column("prepared_by_agent_id", sa.Integer(), nullable=True),
        sa.Column("prepared_at", DT, nullable=True),
        sa.Column("approved_by_agent_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", DT, nullable=True),
        sa.Column("executed_by_agent_id", sa.Integer(), nullable=True),
        sa.Column("executed_at", DT, nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("rejected_by_agent_id", sa.Integer(), nullable=True),
        sa.Column("rejected_at", DT, nullable=True),
        sa.Column("reversal_reason", sa.Text(), nullable=True),
        sa.Column("reversal_mode", sa.String(length=32), nullable=True),
        sa.Column("reversed_by_agent_id", sa.Integer(), nullable=True),
        sa.Column("reversed_at", DT, nullable=True),
        sa.Column("created_at", DT, nullable=False),
        sa.Column("updated_at", DT, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_recovery_cases_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_recovery_cases_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_agent_id"],
            ["agents.id"],
            name=op.f("fk_recovery_cases_verified_by_agent_id_agents"),
        ),
        sa.ForeignKeyConstraint(
            ["prepared_by_agent_id"],
            ["agents.id"],
            name=op.f("fk_recovery_cases_prepared_by_agent_id_agents"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_agent_id"],
            ["agents.id"],
            name=op.f("fk_recovery_cases_approved_by_agent_id_agents"),
        ),
        sa.ForeignKeyConstraint(
            ["executed_by_agent_id"],
            ["agents.id"],
            name=op.f("fk_recovery_cases_executed_by_agent_id_agents"),
        ),
        sa.ForeignKeyConstraint(
            ["rejected_by_agent_id"],
            ["agents.id"],
            name=op.f("fk_recovery_cases_rejected_by_agent_id_agents"),
        ),
        sa.ForeignKeyConstraint(
            ["reversed_by_agent_id"],
            ["agents.id"],
            name=op.f("fk_recovery_cases_reversed_by_agent_id_agents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_recovery_cases_reference")),
    )
    with op.batch_alter_table("recovery_cases", schema=None) as batch_op:
        batch_op.create_index("ix_recovery_cases_customer", ["customer_id", "id"], unique=False)
        batch_op.create_index(
            "ix_recovery_cases_customer_txid", ["customer_id", "txid_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_recovery_cases_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recovery_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_cases_status"))
        batch_op.drop_index("ix_recovery_cases_customer_txid")
        batch_op.drop_index("ix_recovery_cases_customer")
    op.drop_table("recovery_cases")
