"""Find each domain's modules of one kind (api, web, cli), so domains plug in without edits
to a central list. A domain is a sub-package of `trustdesk`."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from types import ModuleType
from typing import Any

import trustdesk


def discover_modules(kind: str) -> list[ModuleType]:
    """`trustdesk.<domain>.<kind>` for every domain that has one, in name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(trustdesk.__path__), key=lambda m: m.name):
        if not info.ispkg:
            continue
        name = f"trustdesk.{info.name}.{kind}"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found


def discover(kind: str, attribute: str) -> list[Any]:
    """The `attribute` of every `trustdesk.<domain>.<kind>` module that defines it."""
    return [getattr(m, attribute) for m in discover_modules(kind) if hasattr(m, attribute)]
