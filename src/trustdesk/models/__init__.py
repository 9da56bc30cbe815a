"""ORM models, one file per aggregate. Importing this package registers them all."""

import importlib
import pkgutil

from trustdesk.models.agent import Agent, AgentRole, AgentToken, Presence
from trustdesk.models.audit import AuditEvent
from trustdesk.models.customer import Customer
from trustdesk.models.idempotency import IdempotencyRecord
from trustdesk.models.queue import Queue, QueueKind
from trustdesk.models.sla import SlaEvent, SlaPolicy
from trustdesk.models.ticket import (
    AuthorType,
    Channel,
    Priority,
    Ticket,
    TicketCollaborator,
    TicketMessage,
    TicketStatus,
)

__all__ = [
    "Agent",
    "AgentRole",
    "AgentToken",
    "AuditEvent",
    "AuthorType",
    "Channel",
    "Customer",
    "IdempotencyRecord",
    "Presence",
    "Priority",
    "Queue",
    "QueueKind",
    "SlaEvent",
    "SlaPolicy",
    "Ticket",
    "TicketCollaborator",
    "TicketMessage",
    "TicketStatus",
]

# Every module of this package is imported, so a domain adds a model file and Alembic and the
# app see its tables without anyone editing this list.
for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
