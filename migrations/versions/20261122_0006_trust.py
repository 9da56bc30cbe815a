"""trust: official-channel register, look-alike contacts, chain transfers, address tags, traces

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-22 06:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import trustdesk.db

revision: str = "0006"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "address_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=128), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_address_tags")),
        sa.UniqueConstraint(
            "network",
            "address",
            "category",
            "source",
            name=op.f("uq_address_tags_network_address_category_source"),
        ),
    )
    with op.batch_alter_table("address_tags", schema=None) as batch_op:
        batch_op.create_index("ix_address_tags_address", ["network", "address"], unique=False)

    op.create_table(
        "chain_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("txid", sa.String(length=128), nullable=False),
        sa.Column("output_index", sa.Integer(), nullable=False),
        sa.Column("from_address", sa.String(length=128), nullable=False),
        sa.Column("to_address", sa.String(length=128), nullable=False),
        sa.Column("amount", sa.Numeric(precision=38, scale=18), nullable=False),
        sa.Column("asset", sa.String(length=16), nullable=False),
        sa.Column("at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_transfers")),
        sa.UniqueConstraint(
            "network",
            "txid",
            "output_index",
            "to_address",
            name=op.f("uq_chain_transfers_network_txid_output_index_to_address"),
        ),
    )
    with op.batch_alter_table("chain_transfers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_chain_transfers_from", ["network", "from_address", "at"], unique=False
        )
        batch_op.create_index("ix_chain_transfers_txid", ["network", "txid"], unique=False)

    op.create_table(
        "channel_register_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.String(length=64), nullable=False),
        sa.Column("updated_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_register_state")),
    )
    op.create_table(
        "official_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=True),
        sa.Column("channel_key", sa.String(length=400), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official_channels")),
        sa.UniqueConstraint("channel_key", name=op.f("uq_official_channels_channel_key")),
    )
    op.create_table(
        "fund_traces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_reference", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column(
            "starts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("max_hops", sa.Integer(), nullable=False),
        sa.Column("min_amount", sa.Numeric(precision=38, scale=18), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ran_at", trustdesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["agents.id"],
            name=op.f("fk_fund_traces_created_by_id_agents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_fund_traces_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_fund_traces_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_traces")),
    )
    with op.batch_alter_table("fund_traces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_traces_case_reference"), ["case_reference"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fund_traces_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "lookalike_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=512), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("brand", sa.String(length=64), nullable=True),
        sa.Column("matched_official", sa.String(length=320), nullable=True),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_lookalike_contacts_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_lookalike_contacts_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lookalike_contacts")),
    )
    with op.batch_alter_table("lookalike_contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lookalike_contacts_customer_at", ["customer_id", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lookalike_contacts_ticket_id"), ["ticket_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lookalike_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lookalike_contacts_ticket_id"))
        batch_op.drop_index("ix_lookalike_contacts_customer_at")

    op.drop_table("lookalike_contacts")
    with op.batch_alter_table("fund_traces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_traces_customer_id"))
        batch_op.drop_index(batch_op.f("ix_fund_traces_case_reference"))

    op.drop_table("fund_traces")
    op.drop_table("official_channels")
    op.drop_table("channel_register_state")
    with op.batch_alter_table("chain_transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_chain_transfers_txid")
        batch_op.drop_index("ix_chain_transfers_from")

    op.drop_table("chain_transfers")
    with op.batch_alter_table("address_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_address_tags_address")

    op.drop_table("address_tags")
