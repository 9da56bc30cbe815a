"""Agents look up a customer and their history across channels."""

from __future__ import annotations

from fastapi import APIRouter

from trustdesk.auth.schemas import CustomerMe
from trustdesk.deps import CurrentAgent, SessionDep
from trustdesk.errors import NotFound
from trustdesk.models import Customer

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])


@router.get("/{customer_id}", response_model=CustomerMe)
async def get_customer(customer_id: int, session: SessionDep, agent: CurrentAgent) -> CustomerMe:
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    return CustomerMe.model_validate(customer)
