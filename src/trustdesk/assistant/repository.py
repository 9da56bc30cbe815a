"""Every query of the assistant: conversations, their messages, the linked ticket's replies."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models import Agent, Ticket, TicketMessage
from trustdesk.models.assistant import Conversation, ConversationMessage
from trustdesk.models.ticket import AuthorType


async def get_for_customer(
    session: AsyncSession, customer_id: int, conversation_id: int, *, for_update: bool = False
) -> Conversation | None:
    stmt = select(Conversation).where(
        Conversation.id == conversation_id, Conversation.customer_id == customer_id
    )
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def messages(session: AsyncSession, conversation_id: int) -> Sequence[ConversationMessage]:
    stmt = (
        select(ConversationMessage)
        .where(ConversationMessage.conversation_id == conversation_id)
        .order_by(ConversationMessage.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def ticket(session: AsyncSession, ticket_id: int) -> Ticket | None:
    return await session.get(Ticket, ticket_id)


async def public_agent_replies(
    session: AsyncSession, ticket_id: int
) -> Sequence[tuple[TicketMessage, str | None]]:
    """The ticket's public agent replies, oldest first, with the agent's full name."""
    stmt = (
        select(TicketMessage, Agent.name)
        .outerjoin(Agent, Agent.id == TicketMessage.author_agent_id)
        .where(
            TicketMessage.ticket_id == ticket_id,
            TicketMessage.author_type == AuthorType.agent,
            TicketMessage.internal.is_(False),
        )
        .order_by(TicketMessage.id)
    )
    return [(m, name) for m, name in (await session.execute(stmt)).all()]


def add_bot_note(session: AsyncSession, ticket_id: int, body: str, *, now: object) -> TicketMessage:
    """An internal note from the assistant on the handoff ticket (transcript, snapshot)."""
    note = TicketMessage(
        ticket_id=ticket_id,
        author_type=AuthorType.bot,
        body=body,
        internal=True,
        created_at=now,
    )
    session.add(note)
    return note
