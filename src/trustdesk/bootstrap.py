"""Reference data every installation needs: queues and SLA policies."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.routing.defaults import ensure_default_queues
from trustdesk.sla.service import ensure_default_policies


async def ensure_reference_data(session: AsyncSession) -> None:
    """Idempotent: creates only what is missing. The caller commits."""
    await ensure_default_queues(session)
    await ensure_default_policies(session)
