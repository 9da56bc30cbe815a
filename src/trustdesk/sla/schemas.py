from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from trustdesk.models.ticket import Priority
from trustdesk.sla.calendar import BusinessCalendar


class SlaPolicyCreate(BaseModel):
    """A policy: targets in seconds, for a priority (or all) and a minimum VIP level."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    priority: Priority | None = None
    min_vip_level: int = Field(default=0, ge=0, le=9)
    first_response_seconds: int = Field(gt=0, le=30 * 86400)
    first_response_max_seconds: int | None = Field(default=600, gt=0, le=30 * 86400)
    next_response_seconds: int = Field(gt=0, le=30 * 86400)
    resolution_seconds: int = Field(gt=0, le=365 * 86400)
    warn_ratio: float = Field(default=0.8, gt=0, le=1)
    calendar: dict[str, Any] | None = Field(
        default=None,
        description='Business hours, e.g. {"timezone": "Europe/Istanbul", '
        '"weekly": {"mon": [["09:00", "18:00"]]}, "holidays": ["2026-12-31"]}; null = 24/7.',
    )

    @field_validator("calendar")
    @classmethod
    def _calendar(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        return BusinessCalendar.from_dict(value).to_dict()

    @model_validator(mode="after")
    def _max(self) -> SlaPolicyCreate:
        limit = self.first_response_max_seconds
        if limit is not None and limit < self.first_response_seconds:
            raise ValueError("first_response_max_seconds must be ≥ first_response_seconds")
        return self


class SlaPolicyRead(SlaPolicyCreate):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: int
    active: bool


class SweepRead(BaseModel):
    checked: int
    warnings: int
    breaches: int
    escalations: list[tuple[int, str]]
