"""The optional LLM behind the assistant: a small interface and an OpenAI-compatible client.

Off by default: the assistant answers from rules, flows and the knowledge base. When enabled,
the LLM only rewrites a knowledge-base answer from the cited articles (it never decides an
action), and a failure falls back to the rule-based text.

Settings (environment only, prefix TRUSTDESK_LLM_): ENABLED, BASE_URL (e.g.
http://127.0.0.1:11434 for Ollama, http://127.0.0.1:8000 for vLLM), MODEL, API_KEY,
TIMEOUT_SECONDS, TEMPERATURE, MAX_TOKENS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx
from pydantic import BaseModel

from trustdesk.config import Settings

# Bumped whenever the prompt below changes: stored with every LLM reply.
KB_ANSWER_PROMPT_VERSION = "kb-answer-v1"


class LLMSettings(BaseModel):
    """The LLM provider's settings, taken from trustdesk.config.Settings (TRUSTDESK_LLM_*)."""

    enabled: bool = False
    base_url: str = "http://127.0.0.1:11434"
    model: str = "llama3.1:8b"
    api_key: str = ""
    timeout_seconds: float = 20.0
    temperature: float = 0.2
    max_tokens: int = 400

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMSettings:
        return cls(**{field: getattr(settings, f"llm_{field}") for field in cls.model_fields})


class LLMError(RuntimeError):
    """The provider failed (network, HTTP error, malformed answer)."""


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Completion:
    text: str
    model: str


class LLMProvider(Protocol):
    """What the assistant needs from a language model."""

    model: str

    async def complete(self, messages: list[ChatMessage]) -> Completion: ...


class OpenAICompatibleProvider:
    """POST {base_url}/v1/chat/completions: OpenAI, Ollama, vLLM, llama.cpp server, ..."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str = "",
        timeout_seconds: float = 20.0,
        temperature: float = 0.2,
        max_tokens: int = 400,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._api_key = api_key
        self._timeout = timeout_seconds
        self._temperature = temperature
        self._max_tokens = max_tokens
        self._transport = transport

    @classmethod
    def from_settings(cls, settings: LLMSettings) -> OpenAICompatibleProvider:
        return cls(
            settings.base_url,
            settings.model,
            api_key=settings.api_key,
            timeout_seconds=settings.timeout_seconds,
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
        )

    async def complete(self, messages: list[ChatMessage]) -> Completion:
        url = self.base_url + (
            "/chat/completions" if self.base_url.endswith("/v1") else "/v1/chat/completions"
        )
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        payload = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "temperature": self._temperature,
            "max_tokens": self._max_tokens,
            "stream": False,
        }
        try:
            async with httpx.AsyncClient(timeout=self._timeout, transport=self._transport) as c:
                response = await c.post(url, json=payload, headers=headers)
                response.raise_for_status()
                data = response.json()
            text = data["choices"][0]["message"]["content"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"LLM provider failed: {exc}") from exc
        if not isinstance(text, str) or not text.strip():
            raise LLMError("LLM provider returned an empty answer")
        return Completion(text=text.strip(), model=str(data.get("model") or self.model))


def provider_for(settings: Settings) -> LLMProvider | None:
    """The configured provider, or None when TRUSTDESK_LLM_ENABLED is not true."""
    llm = LLMSettings.from_settings(settings)
    return OpenAICompatibleProvider.from_settings(llm) if llm.enabled else None


def kb_answer_prompt(
    question: str, language: str, articles: list[dict[str, str]], draft: str
) -> list[ChatMessage]:
    """Ask for a short answer grounded only in the cited articles, in the customer's language."""
    sources = "\n\n".join(
        f"[{i + 1}] {a.get('title', '')}\n{a.get('snippet', '')}" for i, a in enumerate(articles)
    )
    system = (
        "You are the support assistant of a cryptocurrency exchange. Answer in the language "
        f"with code '{language}', in at most 4 sentences, using ONLY the sources below and "
        "citing them as [n]. Never ask for a password, seed phrase, private key or 2FA code. "
        "Never describe risk-control or compliance rules. If the sources do not answer the "
        "question, say so and offer to connect the customer with a human agent.\n\n"
        f"Sources:\n{sources}\n\nDraft answer (rules-based): {draft}"
    )
    return [ChatMessage("system", system), ChatMessage("user", question)]
