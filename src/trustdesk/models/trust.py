"""Trust & safety: the official-channel register, look-alike contacts, chain data and traces."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.db import Amount as ExactAmount
from trustdesk.db import Base, JSONType, UTCDateTime
from trustdesk.kit.clock import utcnow

# Enough for 18-decimal tokens and any realistic amount (same as the sandbox exchange).
Amount = ExactAmount()


class OfficialChannelEntry(Base):
    """One official channel of the exchange (admin-managed): domain, e-mail, phone or handle.

    `value` is the canonical form (host name, lower-case address, E.164 number, handle without
    "@"); `channel_key` ("kind:platform:value") makes a channel unique, NULL platforms included.
    """

    __tablename__ = "official_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(320))
    platform: Mapped[str | None] = mapped_column(String(32))
    channel_key: Mapped[str] = mapped_column(String(400), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChannelRegisterState(Base):
    """A single row: the register's version, bumped on every change.

    Every process caches the built register and compares `stamp` before using it. The stamp is
    random as well as counted, so a database restored or emptied never matches a stale cache.
    """

    __tablename__ = "channel_register_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    stamp: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LookalikeContact(Base):
    """A customer message that mentioned a look-alike of an official channel (a risk signal)."""

    __tablename__ = "lookalike_contacts"
    __table_args__ = (Index("ix_lookalike_contacts_customer_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(512))
    kind: Mapped[str] = mapped_column(String(8))
    brand: Mapped[str | None] = mapped_column(String(64))
    matched_official: Mapped[str | None] = mapped_column(String(320))
    reasons: Mapped[list[str]] = mapped_column(JSONType, default=list)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), index=True
    )
    # Chat conversations live in another domain; kept as a plain id so neither depends on the other.
    conversation_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChainTransfer(Base):
    """One on-chain transfer (an output of a transaction) known to TrustDesk: the sandbox's
    chain graph for fund tracing, loaded from YAML. Addresses are stored normalised."""

    __tablename__ = "chain_transfers"
    __table_args__ = (
        UniqueConstraint("network", "txid", "output_index", "to_address"),
        Index("ix_chain_transfers_from", "network", "from_address", "at"),
        Index("ix_chain_transfers_txid", "network", "txid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(16))
    txid: Mapped[str] = mapped_column(String(128))
    output_index: Mapped[int] = mapped_column(Integer, default=0)
    from_address: Mapped[str] = mapped_column(String(128))
    to_address: Mapped[str] = mapped_column(String(128))
    amount: Mapped[Decimal] = mapped_column(Amount)
    asset: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(64), default="sandbox")


class AddressTagEntry(Base):
    """What is known about an address (exchange, bridge, mixer, ...), from which source and how
    sure. Several sources may tag the same address."""

    __tablename__ = "address_tags"
    __table_args__ = (
        UniqueConstraint("network", "address", "category", "source"),
        Index("ix_address_tags_address", "network", "address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FundTrace(Base):
    """A fund-tracing case: where the stolen funds start, the limits, and the last result."""

    __tablename__ = "fund_traces"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_reference: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    # [{"network", "kind": "address"|"txid", "value", "asset", "amount", "at"}]
    starts: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    max_hops: Mapped[int] = mapped_column(Integer, default=6)
    min_amount: Mapped[Decimal] = mapped_column(Amount)
    status: Mapped[str] = mapped_column(String(16), default="new")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ran_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
