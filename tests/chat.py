"""Driving assistant conversations through the API, for the conversation tests: the shared
intent model and sandbox fixtures, the calls a customer makes, and readers of a reply."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import auth
from trustdesk.assistant import service
from trustdesk.db import commit
from trustdesk.exchange.sandbox import load_demo_sandbox
from trustdesk.trust.service import load_demo_channels

BASE = "/api/v1/assistant/conversations"


@pytest.fixture(scope="session", autouse=True)
def intent_model():  # type: ignore[no-untyped-def]
    # One intent model for the whole test session (trained once, then loaded from the cache).
    return service.get_classifier()


@pytest.fixture
async def sandbox(maker, clock):  # type: ignore[no-untyped-def]
    """The demo exchange (u-1001..u-1016, one case per verdict) and our official channels."""
    async with maker() as session:
        await load_demo_sandbox(session, clock.now)
        await load_demo_channels(session, clock.now)
        await commit(session)


async def start(client, token, text=None, **extra):  # type: ignore[no-untyped-def]
    body = {"text": text, **extra} if text else extra
    response = await client.post(BASE, json=body, headers=auth(token))
    assert response.status_code == 201, response.text
    return response.json()


async def say(client, token, conversation_id, text):  # type: ignore[no-untyped-def]
    response = await client.post(
        f"{BASE}/{conversation_id}/messages", json={"text": text}, headers=auth(token)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def press(client, token, conversation_id, action):  # type: ignore[no-untyped-def]
    response = await client.post(
        f"{BASE}/{conversation_id}/actions", json={"action": action}, headers=auth(token)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def history(client, token, conversation_id):  # type: ignore[no-untyped-def]
    response = await client.get(f"{BASE}/{conversation_id}", headers=auth(token))
    assert response.status_code == 200, response.text
    return response.json()


def kinds(reply: dict[str, Any]) -> list[str]:
    return [a["type"] for a in reply["actions_taken"]]


def lookups(reply: dict[str, Any]) -> dict[str, Any]:
    return {a["detail"]["name"]: a["detail"].get("verdict") for a in reply["actions_taken"]
            if a["type"] == "lookup"}  # fmt: skip


def buttons(reply: dict[str, Any]) -> list[str]:
    return [b["action"] for b in reply["buttons"]]
