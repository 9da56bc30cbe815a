"""The assistant's message catalog (replies.yaml): every text the flows produce, in 15 languages.

A missing key in a language falls back to English (the tests make sure none is missing).
Placeholders such as {amount} are filled from the flow's facts; an unknown one is left as is.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from trustdesk.kit.catalog import load, render_from

CATALOG_PATH = Path(__file__).with_name("replies.yaml")


@lru_cache
def catalog() -> dict[str, dict[str, str]]:
    return load(CATALOG_PATH)


def catalog_version() -> str:
    return str(catalog()["en"].get("_version", "1"))


def render(key: str, language: str, params: dict[str, Any] | None = None) -> str:
    """The text of `key` in `language` (English when missing), with placeholders filled."""
    return render_from(catalog(), key, language, params, name="assistant")
