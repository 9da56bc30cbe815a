"""What risk control tells the customer (notices.yaml), in the customer's language."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from trustdesk.kit.catalog import load, render_from

CATALOG_PATH = Path(__file__).with_name("notices.yaml")


@lru_cache
def catalog() -> dict[str, dict[str, str]]:
    return load(CATALOG_PATH)


def render(key: str, language: str, params: dict[str, Any] | None = None) -> str:
    return render_from(catalog(), key, language, params, name="risk notice")
