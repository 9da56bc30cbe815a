"""Request and response bodies of the trust API: channel register, checks, warnings, traces."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from trustdesk.risk.channels import ChannelKind, Verdict
from trustdesk.risk.tracing import StartKind, TagCategory


class _Strict(BaseModel):
    # Unknown fields are an error: a typo in a field name must not be silently ignored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---------------------------------------------------------------------------------------------
# Official-channel register
# ---------------------------------------------------------------------------------------------


class ChannelCreate(_Strict):
    kind: ChannelKind
    value: str = Field(min_length=1, max_length=320)
    platform: str | None = Field(
        default=None, max_length=32, description="Social network of a handle (telegram, x, ...)."
    )
    note: str | None = Field(default=None, max_length=2000)
    active: bool = True


class ChannelUpdate(_Strict):
    value: str | None = Field(default=None, min_length=1, max_length=320)
    platform: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, max_length=2000)
    active: bool | None = None


class ChannelRead(_Read):
    id: int
    kind: ChannelKind
    value: str
    platform: str | None
    note: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


class ChannelMatch(_Read):
    """The register entry a checked value is, or imitates."""

    id: int
    kind: ChannelKind
    value: str
    platform: str | None
    note: str | None


class ChannelCheckRequest(_Strict):
    value: str = Field(min_length=1, max_length=2048)
    platform: str | None = Field(
        default=None, max_length=32, description="For a bare handle: the network it is on."
    )


class ReasonRead(BaseModel):
    code: str
    text: str


class ChannelCheckResult(BaseModel):
    """Is this one of the exchange's official channels? Texts are in `language`."""

    value: str
    normalized: str
    kind: ChannelKind
    verdict: Verdict
    official: bool
    platform: str | None = None
    matched_official: str | None = Field(
        default=None, description="The official channel it is, or imitates."
    )
    channel: ChannelMatch | None = None
    score: float
    language: str
    summary: str
    reasons: list[ReasonRead]
    advice: str


# ---------------------------------------------------------------------------------------------
# Look-alike warnings
# ---------------------------------------------------------------------------------------------


class WarningRead(BaseModel):
    """A look-alike a customer mentioned: the stored contact plus the texts for both sides."""

    id: int
    customer_id: int
    value: str
    kind: str
    matched_official: str | None
    reasons: list[str]
    score: float
    ticket_id: int | None
    conversation_id: int | None
    at: datetime
    agent_text: str
    customer_text: str
    language: str


# ---------------------------------------------------------------------------------------------
# Address tags
# ---------------------------------------------------------------------------------------------


class TagCreate(_Strict):
    network: str = Field(min_length=1, max_length=16)
    address: str = Field(min_length=1, max_length=128)
    category: TagCategory
    label: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=200, description="Who says so (a feed, a case).")
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("network")
    @classmethod
    def _network(cls, v: str) -> str:
        return v.upper()


class TagUpdate(_Strict):
    category: TagCategory | None = None
    label: str | None = Field(default=None, min_length=1, max_length=200)
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    note: str | None = Field(default=None, max_length=2000)


class TagRead(_Read):
    id: int
    network: str
    address: str
    category: str
    label: str
    source: str
    confidence: float
    note: str | None
    created_at: datetime
    updated_at: datetime


# ---------------------------------------------------------------------------------------------
# Fund traces
# ---------------------------------------------------------------------------------------------


class TraceStartIn(_Strict):
    network: str = Field(min_length=1, max_length=16)
    kind: StartKind
    value: str = Field(min_length=1, max_length=128, description="An address or a txid.")
    asset: str | None = Field(default=None, max_length=16)
    amount: Decimal | None = Field(default=None, gt=0)
    at: datetime | None = Field(default=None, description="When the address received the funds.")

    @field_validator("network")
    @classmethod
    def _network(cls, v: str) -> str:
        return v.upper()

    @field_validator("asset")
    @classmethod
    def _asset(cls, v: str | None) -> str | None:
        return v.upper() if v else v


class TraceCreate(_Strict):
    case_reference: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=200)
    customer_id: int | None = None
    ticket_id: int | None = None
    starts: list[TraceStartIn] = Field(min_length=1, max_length=50)
    max_hops: int = Field(default=6, ge=1, le=20)
    min_amount: Decimal = Field(default=Decimal("0.0001"), ge=0)


class TraceRead(BaseModel):
    id: int
    case_reference: str
    title: str
    customer_id: int | None
    ticket_id: int | None
    starts: list[dict[str, object]]
    max_hops: int
    min_amount: Decimal
    status: str
    created_by_id: int | None
    created_at: datetime
    ran_at: datetime | None
    result: dict[str, object] | None


ExportFormat = Literal["csv", "json"]
