from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.db import Base


class QueueKind(StrEnum):
    tier = "tier"
    vip = "vip"
    department = "department"


class Queue(Base):
    """A team's queue: tier 1, tier 2 specialists, the VIP desk, or a department."""

    __tablename__ = "queues"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[QueueKind] = mapped_column(String(16))
    # Tier level for escalation ladders (1, 2); departments have none.
    level: Mapped[int | None] = mapped_column(Integer)
    # Lower is served first by agents who serve several queues (VIP before standard).
    rank: Mapped[int] = mapped_column(Integer, default=100)
