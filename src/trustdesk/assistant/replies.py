"""The assistant's message catalog (replies.yaml): every text the flows produce, in 15 languages.

A missing key in a language falls back to English (the tests make sure none is missing).
Placeholders such as {amount} are filled from the flow's facts; an unknown one is left as is.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CATALOG_PATH = Path(__file__).with_name("replies.yaml")
FALLBACK_LANGUAGE = "en"


@lru_cache
def catalog() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(CATALOG_PATH.read_text("utf-8"))
    return {str(lang): {str(k): str(v) for k, v in texts.items()} for lang, texts in data.items()}


def catalog_version() -> str:
    return str(catalog()["en"].get("_version", "1"))


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if value is None:
        return "—"
    return value


def render(key: str, language: str, params: dict[str, Any] | None = None) -> str:
    """The text of `key` in `language` (English when missing), with placeholders filled."""
    texts = catalog()
    template = texts.get(language, {}).get(key) or texts[FALLBACK_LANGUAGE].get(key)
    if template is None:
        raise KeyError(f"no message {key!r} in the assistant catalog")
    values = _Params({k: _plain(v) for k, v in (params or {}).items()})
    return template.format_map(values).strip()
