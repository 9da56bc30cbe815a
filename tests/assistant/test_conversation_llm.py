"""The optional LLM: the OpenAI-compatible client against a real local HTTP server, and the
assistant's knowledge-base answers with and without it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from tests.chat import BASE
from tests.conftest import auth
from trustdesk.assistant.llm import (
    KB_ANSWER_PROMPT_VERSION,
    ChatMessage,
    LLMError,
    OpenAICompatibleProvider,
    provider_for,
)
from trustdesk.config import Settings
from trustdesk.db import commit
from trustdesk.exchange.sandbox import load_demo_sandbox
from trustdesk.knowledge.service import load_demo_articles
from trustdesk.models.assistant import ConversationMessage


def _fake_openai() -> tuple[FastAPI, list[dict[str, Any]]]:
    """A tiny OpenAI-compatible server (what Ollama and vLLM expose)."""
    app = FastAPI()
    seen: list[dict[str, Any]] = []

    @app.post("/v1/chat/completions")
    async def completions(request: Request) -> JSONResponse:
        body = await request.json()
        seen.append({"body": body, "auth": request.headers.get("authorization")})
        if body["model"] == "broken":
            return JSONResponse({"error": "model not loaded"}, status_code=500)
        return JSONResponse(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": "LLM answer citing [1]."},
                        "finish_reason": "stop",
                    }
                ],
            }
        )

    return app, seen


@pytest.fixture(scope="module")
def llm_server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    app, seen = _fake_openai()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}", seen
    server.should_exit = True
    thread.join(timeout=5)


async def test_provider_talks_to_an_openai_compatible_server(llm_server):
    url, seen = llm_server
    provider = OpenAICompatibleProvider(url, "llama3.1:8b", api_key="sk-local")
    completion = await provider.complete([ChatMessage("user", "hello")])
    assert completion.text == "LLM answer citing [1]."
    assert completion.model == "llama3.1:8b"
    request = seen[-1]
    assert request["auth"] == "Bearer sk-local"
    assert request["body"]["messages"] == [{"role": "user", "content": "hello"}]
    # A base URL that already ends in /v1 (as OpenAI documents it) works too.
    assert (await OpenAICompatibleProvider(url + "/v1", "m").complete([])).text


async def test_provider_errors_are_llm_errors(llm_server):
    url, _ = llm_server
    with pytest.raises(LLMError):
        await OpenAICompatibleProvider(url, "broken").complete([ChatMessage("user", "x")])
    with pytest.raises(LLMError):
        await OpenAICompatibleProvider("http://127.0.0.1:9", "m", timeout_seconds=2).complete([])


def test_llm_is_off_by_default():
    assert Settings().llm_enabled is False
    assert provider_for(Settings()) is None
    provider = provider_for(
        Settings(llm_enabled=True, llm_base_url="http://127.0.0.1:11434", llm_model="qwen2.5:7b")
    )
    assert provider is not None and provider.model == "qwen2.5:7b"


@pytest.fixture
async def demo_data(maker, clock):
    async with maker() as session:
        await load_demo_sandbox(session, clock.now)
        await load_demo_articles(session, clock.now)
        await commit(session)


QUESTION = "How do I place a limit order on the spot market?"


async def test_knowledge_answer_cites_articles_without_an_llm(
    app, client, customer_token, demo_data
):
    app.state.assistant_llm = None
    token = customer_token("u-1007", lang="en")
    reply = (await client.post(BASE, json={"text": QUESTION}, headers=auth(token))).json()["reply"]
    assert reply["flow"] in ("fallback", "sensitive_fallback")
    assert reply["citations"], reply
    assert all(c["title"] and c["url"] for c in reply["citations"])
    assert reply["model"] == "rules"


async def test_knowledge_answer_through_the_llm_is_stored_with_model_and_prompt(
    app, client, customer_token, demo_data, llm_server, maker
):
    url, seen = llm_server
    app.state.assistant_llm = OpenAICompatibleProvider(url, "llama3.1:8b")
    token = customer_token("u-1007", lang="en")
    reply = (await client.post(BASE, json={"text": QUESTION}, headers=auth(token))).json()["reply"]
    assert reply["text"] == "LLM answer citing [1]."
    assert reply["model"] == "llama3.1:8b"
    assert reply["prompt_version"] == KB_ANSWER_PROMPT_VERSION
    assert reply["citations"]
    prompt = seen[-1]["body"]["messages"][0]["content"]
    assert reply["citations"][0]["title"] in prompt
    async with maker() as session:
        stored = (
            await session.execute(
                select(ConversationMessage).where(ConversationMessage.id == reply["message_id"])
            )
        ).scalar_one()
    assert stored.model == "llama3.1:8b" and stored.prompt_version == KB_ANSWER_PROMPT_VERSION
    assert stored.sources["articles"] == [c["article_id"] for c in reply["citations"]]


async def test_a_failing_llm_falls_back_to_the_rules(
    app, client, customer_token, demo_data, llm_server
):
    url, _ = llm_server
    app.state.assistant_llm = OpenAICompatibleProvider(url, "broken")
    token = customer_token("u-1007", lang="en")
    reply = (await client.post(BASE, json={"text": QUESTION}, headers=auth(token))).json()["reply"]
    assert reply["model"] == "rules" and reply["citations"]
