"""ORM models, one file per aggregate. Importing this package registers them all."""

from trustdesk.models.agent import Agent, AgentRole, AgentToken, Presence
from trustdesk.models.audit import AuditEvent
from trustdesk.models.customer import Customer
from trustdesk.models.exchange import SandboxAccount  # noqa: F401  (registers the sandbox tables)
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
