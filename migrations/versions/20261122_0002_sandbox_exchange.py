"""sandbox exchange: the sandbox exchange tables (accounts, chain clock, deposits, ...)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 05:38:28.963386
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import trustdesk.db


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sandbox_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("vip_level", sa.Integer(), nullable=False),
        sa.Column("kyc_level", sa.Integer(), nullable=False),
        sa.Column("kyc_status", sa.String(length=16), nullable=False),
        sa.Column("account_state", sa.String(length=16), nullable=False),
        sa.Column("frozen_reason", sa.Text(), nullable=True),
        sa.Column("created_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_accounts")),
        sa.UniqueConstraint("user_id", name=op.f("uq_sandbox_accounts_user_id")),
    )
    op.create_table(
        "sandbox_balances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("asset", sa.String(length=16), nullable=False),
        sa.Column("available", sa.Numeric(precision=38, scale=18), nullable=False),
        sa.Column("locked", sa.Numeric(precision=38, scale=18), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_balances")),
    )
    with op.batch_alter_table("sandbox_balances", schema=None) as batch_op:
        batch_op.create_index("uq_sandbox_balances_user_asset", ["user_id", "asset"], unique=True)

    op.create_table(
        "sandbox_chain_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("txid", sa.String(length=128), nullable=False),
        sa.Column("txid_key", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=True),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("asset", sa.String(length=16), nullable=True),
        sa.Column("token_contract", sa.String(length=128), nullable=True),
        sa.Column("from_address", sa.String(length=128), nullable=True),
        sa.Column("to_address", sa.String(length=128), nullable=False),
        sa.Column("memo", sa.String(length=128), nullable=True),
        sa.Column("amount", sa.Numeric(precision=38, scale=18), nullable=False),
        sa.Column("block_height", sa.BigInteger(), nullable=True),
        sa.Column("broadcast", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_chain_transactions")),
        sa.UniqueConstraint("txid_key", name=op.f("uq_sandbox_chain_transactions_txid_key")),
    )
    with op.batch_alter_table("sandbox_chain_transactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sandbox_chain_transactions_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "sandbox_deposit_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("asset", sa.String(length=16), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=128), nullable=False),
        sa.Column("address_key", sa.String(length=128), nullable=False),
        sa.Column("memo", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_deposit_addresses")),
    )
    with op.batch_alter_table("sandbox_deposit_addresses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sandbox_deposit_addresses_address_key"), ["address_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sandbox_deposit_addresses_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "sandbox_deposits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deposit_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("asset", sa.String(length=16), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=38, scale=18), nullable=False),
        sa.Column("txid", sa.String(length=128), nullable=True),
        sa.Column("txid_key", sa.String(length=128), nullable=True),
        sa.Column("from_address", sa.String(length=128), nullable=True),
        sa.Column("to_address", sa.String(length=128), nullable=False),
        sa.Column("memo", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("confirmations", sa.Integer(), nullable=False),
        sa.Column("auto_credit", sa.Boolean(), nullable=False),
        sa.Column("compliance_hold", sa.Boolean(), nullable=False),
        sa.Column("detected_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("credited_at", trustdesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reference", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_deposits")),
        sa.UniqueConstraint("deposit_id", name=op.f("uq_sandbox_deposits_deposit_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_sandbox_deposits_reference")),
    )
    with op.batch_alter_table("sandbox_deposits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sandbox_deposits_txid_key"), ["txid_key"], unique=False
        )
        batch_op.create_index(
            "ix_sandbox_deposits_user_detected", ["user_id", "detected_at"], unique=False
        )

    op.create_table(
        "sandbox_networks",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("base_height", sa.BigInteger(), nullable=False),
        sa.Column("base_time", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("maintenance", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_sandbox_networks")),
    )
    op.create_table(
        "sandbox_security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("device_id", sa.String(length=128), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("asn", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_security_events")),
    )
    with op.batch_alter_table("sandbox_security_events", schema=None) as batch_op:
        batch_op.create_index("ix_sandbox_security_events_user_at", ["user_id", "at"], unique=False)

    op.create_table(
        "sandbox_withdrawals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("withdrawal_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("asset", sa.String(length=16), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=38, scale=18), nullable=False),
        sa.Column("fee", sa.Numeric(precision=38, scale=18), nullable=False),
        sa.Column("to_address", sa.String(length=128), nullable=False),
        sa.Column("memo", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("txid", sa.String(length=128), nullable=True),
        sa.Column("txid_key", sa.String(length=128), nullable=True),
        sa.Column("confirmations", sa.Integer(), nullable=False),
        sa.Column("hold_reason_code", sa.String(length=64), nullable=True),
        sa.Column("reject_code", sa.String(length=64), nullable=True),
        sa.Column("created_at", trustdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_withdrawals")),
        sa.UniqueConstraint("withdrawal_id", name=op.f("uq_sandbox_withdrawals_withdrawal_id")),
    )
    with op.batch_alter_table("sandbox_withdrawals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sandbox_withdrawals_user_created", ["user_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sandbox_withdrawals", schema=None) as batch_op:
        batch_op.drop_index("ix_sandbox_withdrawals_user_created")

    op.drop_table("sandbox_withdrawals")
    with op.batch_alter_table("sandbox_security_events", schema=None) as batch_op:
        batch_op.drop_index("ix_sandbox_security_events_user_at")

    op.drop_table("sandbox_security_events")
    op.drop_table("sandbox_networks")
    with op.batch_alter_table("sandbox_deposits", schema=None) as batch_op:
        batch_op.drop_index("ix_sandbox_deposits_user_detected")
        batch_op.drop_index(batch_op.f("ix_sandbox_deposits_txid_key"))

    op.drop_table("sandbox_deposits")
    with op.batch_alter_table("sandbox_deposit_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sandbox_deposit_addresses_user_id"))
        batch_op.drop_index(batch_op.f("ix_sandbox_deposit_addresses_address_key"))

    op.drop_table("sandbox_deposit_addresses")
    with op.batch_alter_table("sandbox_chain_transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sandbox_chain_transactions_user_id"))

    op.drop_table("sandbox_chain_transactions")
    with op.batch_alter_table("sandbox_balances", schema=None) as batch_op:
        batch_op.drop_index("uq_sandbox_balances_user_asset")

    op.drop_table("sandbox_balances")
    op.drop_table("sandbox_accounts")
