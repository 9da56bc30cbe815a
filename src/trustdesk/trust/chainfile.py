"""Load chain transfers and address tags from a YAML file into `chain_transfers`/`address_tags`.

The format (every key but those marked optional is required):

```yaml
network: ETH                  # optional default network for the entries below
transfers:
  - txid: "0xtheft"
    index: 0                  # optional: output / log index inside the transaction
    network: ETH              # optional when the default is set
    from: "0xVictim"
    to: "0xThief"
    amount: "10.5"            # a decimal, quoted or not
    asset: USDT
    at: 2026-11-01T10:00:00Z  # or `minutes_ago: 90` (relative to the load time)
tags:
  - address: "0xExchangeDeposit"
    network: ETH              # optional when the default is set
    category: exchange        # exchange bridge mixer defi scam sanctioned merchant personal other
    label: "Example Exchange deposit wallet"
    source: "sandbox"
    confidence: 0.95          # optional, default 1.0
```

Loading is idempotent: a transfer is identified by (network, txid, index, to) and a tag by
(network, address, category, source); loading the file again updates them in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models.trust import AddressTagEntry, ChainTransfer
from trustdesk.risk.tracing import TagCategory, normalize_address
from trustdesk.trust import repository


class ChainFileError(ValueError):
    """The file is not a valid chain file; the message says where and why."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _TransferIn(_Entry):
    txid: str = Field(min_length=1, max_length=128)
    index: int = Field(default=0, ge=0)
    network: str | None = Field(default=None, max_length=16)
    from_: str = Field(alias="from", min_length=1, max_length=128)
    to: str = Field(min_length=1, max_length=128)
    amount: Decimal = Field(gt=0)
    asset: str = Field(min_length=1, max_length=16)
    at: datetime | None = None
    minutes_ago: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_time(self) -> _TransferIn:
        if (self.at is None) == (self.minutes_ago is None):
            raise ValueError("give exactly one of `at` and `minutes_ago`")
        return self


class _TagIn(_Entry):
    address: str = Field(min_length=1, max_length=128)
    network: str | None = Field(default=None, max_length=16)
    category: TagCategory
    label: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=200)
    confidence: float = Field(default=1.0, ge=0, le=1)
    note: str | None = None


class _ChainFile(_Entry):
    network: str | None = Field(default=None, max_length=16)
    transfers: list[_TransferIn] = Field(default_factory=list)
    tags: list[_TagIn] = Field(default_factory=list)


@dataclass(frozen=True)
class ChainLoadResult:
    transfers: int
    tags: int


def parse_chain_file(data: Any) -> _ChainFile:
    """Validate the parsed YAML; raise ChainFileError naming the bad entry."""
    if not isinstance(data, dict):
        raise ChainFileError("the file must be a mapping with `transfers` and/or `tags`")
    try:
        spec = _ChainFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ChainFileError(f"{where}: {first['msg']}") from exc
    for i, t in enumerate(spec.transfers):
        if not (t.network or spec.network):
            raise ChainFileError(f"transfers.{i}: no network (and no default `network`)")
    for i, g in enumerate(spec.tags):
        if not (g.network or spec.network):
            raise ChainFileError(f"tags.{i}: no network (and no default `network`)")
    return spec


def _utc(value: datetime) -> datetime:
    # YAML timestamps without an offset are UTC by the YAML spec.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


async def load_chain(session: AsyncSession, data: Any, *, now: datetime) -> ChainLoadResult:
    """Upsert the transfers and tags of a parsed chain file (flushes, never commits)."""
    spec = parse_chain_file(data)
    for t in spec.transfers:
        network = (t.network or spec.network or "").upper()
        to = normalize_address(t.to)
        at = _utc(t.at) if t.at is not None else now - timedelta(minutes=t.minutes_ago or 0)
        row = await repository.find_transfer(session, network, t.txid, t.index, to)
        if row is None:
            row = ChainTransfer(network=network, txid=t.txid, output_index=t.index, to_address=to)
            session.add(row)
        row.from_address = normalize_address(t.from_)
        row.amount = t.amount
        row.asset = t.asset.upper()
        row.at = at
        row.source = "file"
        await session.flush()
    for g in spec.tags:
        network = (g.network or spec.network or "").upper()
        address = normalize_address(g.address)
        tag = await repository.find_tag(session, network, address, g.category, g.source)
        if tag is None:
            tag = AddressTagEntry(
                network=network,
                address=address,
                category=str(g.category),
                source=g.source,
                created_at=now,
            )
            session.add(tag)
        tag.label = g.label
        tag.confidence = g.confidence
        tag.note = g.note
        tag.updated_at = now
        # Flushed one by one: the same entry twice in one file must update, not collide.
        await session.flush()
    return ChainLoadResult(transfers=len(spec.transfers), tags=len(spec.tags))


async def load_chain_file(session: AsyncSession, path: Path, *, now: datetime) -> ChainLoadResult:
    """Load a chain YAML file (see the module docstring for the format)."""
    try:
        # A sandbox file is small: reading it inline is simpler than a thread hop.
        data = yaml.safe_load(path.read_text(encoding="utf-8"))  # noqa: ASYNC240
    except yaml.YAMLError as exc:
        raise ChainFileError(f"not valid YAML: {exc}") from exc
    return await load_chain(session, data, now=now)


async def load_demo_chain(session: AsyncSession, now: datetime) -> ChainLoadResult:
    """Load the packaged demo chain graph (a theft traced to a demo exchange), idempotently."""
    text = resources.files("trustdesk.trust").joinpath("demo_chain.yaml").read_text("utf-8")
    return await load_chain(session, yaml.safe_load(text), now=now)
