from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.db import Base, UTCDateTime
from trustdesk.kit.clock import utcnow


class Customer(Base):
    """An exchange user who contacts support. The exchange is the authority on its profile."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The exchange's own user id, as carried in the signed customer token.
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="en")
    vip_level: Mapped[int] = mapped_column(Integer, default=0)
    kyc_level: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def is_vip(self) -> bool:
        return self.vip_level > 0
