"""risk: rule sets, streamed events, scored withdrawals, verifications, security cases

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-22 06:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import trustdesk.db

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
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

    op.create_table(
        "risk_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("device_id", sa.String(length=128), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("asn", sa.Integer(), nullable=True),
        sa.Column("user_agent", sa.String(length=500), nullable=True),
        sa.Column("received_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_risk_events_event_id")),
    )
    with op.batch_alter_table("risk_events", schema=None) as batch_op:
        batch_op.create_index("ix_risk_events_user_at", ["user_id", "at"], unique=False)

    op.create_table(
        "risk_rule_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_agent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_agent_id"],
            ["agents.id"],
            name=op.f("fk_risk_rule_sets_created_by_agent_id_agents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_rule_sets")),
        sa.UniqueConstraint("version", name=op.f("uq_risk_rule_sets_version")),
    )
    op.create_table(
        "risk_totp_secrets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_risk_totp_secrets_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_totp_secrets")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_risk_totp_secrets_customer_id")),
    )
    op.create_table(
        "risk_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("withdrawal_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("asset", sa.String(length=16), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=38, scale=18), nullable=False),
        sa.Column("balance_before", sa.Numeric(precision=38, scale=18), nullable=False),
        sa.Column("to_address", sa.String(length=256), nullable=False),
        sa.Column("memo", sa.String(length=128), nullable=True),
        sa.Column("device_id", sa.String(length=128), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("asn", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column(
            "signals",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("rules_version", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(length=32), nullable=False),
        sa.Column(
            "request",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("action_state", sa.String(length=32), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_risk_assessments_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessments")),
        sa.UniqueConstraint("withdrawal_id", name=op.f("uq_risk_assessments_withdrawal_id")),
    )
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_risk_assessments_user_created", ["user_id", "created_at"], unique=False
        )

    op.create_table(
        "risk_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("expires_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", trustdesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["risk_assessments.id"],
            name=op.f("fk_risk_verifications_assessment_id_risk_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_risk_verifications_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_verifications")),
    )
    with op.batch_alter_table("risk_verifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_verifications_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            "ix_risk_verifications_customer_status", ["customer_id", "status"], unique=False
        )

    op.create_table(
        "security_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=True),
        sa.Column(
            "assignee_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("account_frozen", sa.Boolean(), nullable=False),
        sa.Column("created_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", trustdesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["risk_assessments.id"],
            name=op.f("fk_security_cases_assessment_id_risk_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_security_cases_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_security_cases_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_cases")),
    )
    with op.batch_alter_table("security_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_security_cases_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_security_cases_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_security_cases_user_id"), ["user_id"], unique=False)

    op.create_table(
        "security_case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_security_case_notes_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["security_cases.id"],
            name=op.f("fk_security_case_notes_case_id_security_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_case_notes")),
    )
    with op.batch_alter_table("security_case_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_security_case_notes_case_id"), ["case_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("security_case_notes")
    op.drop_table("security_cases")
    op.drop_table("risk_verifications")
    op.drop_table("risk_assessments")
    op.drop_table("risk_totp_secrets")
    op.drop_table("risk_rule_sets")
    op.drop_table("risk_events")
    op.drop_table("risk_contacts")
