"""Message catalogs in YAML: per language, a mapping of key → text (the 15 languages).

A key missing in one language falls back to English (each catalog's tests check none is
missing). Placeholders such as {amount} are filled from the caller's values; an unknown one is
left as it is, so an edited text can never make a reply fail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

FALLBACK_LANGUAGE = "en"


def load(path: Path) -> dict[str, dict[str, str]]:
    data = yaml.safe_load(path.read_text("utf-8"))
    return {str(lang): {str(k): str(v) for k, v in texts.items()} for lang, texts in data.items()}


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if value is None:
        return "—"
    return value


def render_from(
    texts: dict[str, dict[str, str]],
    key: str,
    language: str,
    params: dict[str, Any] | None = None,
    *,
    name: str = "message",
) -> str:
    """The text of `key` in `language` (English when missing), placeholders filled."""
    template = texts.get(language, {}).get(key) or texts[FALLBACK_LANGUAGE].get(key)
    if template is None:
        raise KeyError(f"no message {key!r} in the {name} catalog")
    values = _Params({k: _plain(v) for k, v in (params or {}).items()})
    return template.format_map(values).strip()
