from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class LoginResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    agent_id: int
    role: str


class CustomerMe(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    external_id: str
    email: str | None
    name: str | None
    language: str
    vip_level: int
    kyc_level: int
