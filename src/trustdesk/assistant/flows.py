"""The interpreter of the declarative flows in flows.yaml, and the slot extractors.

The interpreter knows nothing about deposits or accounts: it walks the steps, evaluates `when`
conditions against a context dict, and asks an `Effects` object (the service) to run named
look-ups and side effects. So flows are tested without a database, and changing what the
assistant does is a data change.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import yaml

FLOWS_PATH = Path(__file__).with_name("flows.yaml")
BUTTON_ACTIONS = ("freeze_account", "start_recovery", "talk_to_human")


class FlowError(ValueError):
    """flows.yaml is malformed (a bug in the data, caught by the tests)."""


@dataclass(frozen=True)
class FlowBook:
    version: str
    flows: dict[str, list[dict[str, Any]]]
    actions: dict[str, list[dict[str, Any]]]
    intents: dict[str, str]
    official_channels: list[dict[str, str]]
    brand: dict[str, Any]
    high_value: dict[str, Any]
    yes_words: frozenset[str]
    confirm_action: str
    # Words that make an answer a "no" whatever else it says, and words that confirm the action
    # itself ("freeze it"); see is_yes.
    no_words: frozenset[str] = frozenset()
    confirm_words: frozenset[str] = frozenset()

    def flow_for(self, intent: str) -> str:
        return self.intents.get(intent, "fallback")


_STEP_KEYS = {
    "when", "lookup", "act", "facts", "say", "each", "steps", "branch", "buttons",
    "offer_human", "await", "stop",
}  # fmt: skip


def _check_steps(steps: Any, where: str) -> None:
    if not isinstance(steps, list):
        raise FlowError(f"{where}: steps must be a list")
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            raise FlowError(f"{where}[{i}]: a step is a mapping")
        unknown = set(step) - _STEP_KEYS
        if unknown:
            raise FlowError(f"{where}[{i}]: unknown keys {sorted(unknown)}")
        for button in step.get("buttons", []):
            if button not in BUTTON_ACTIONS:
                raise FlowError(f"{where}[{i}]: unknown button {button!r}")
        if "steps" in step:
            _check_steps(step["steps"], f"{where}[{i}].steps")
        for j, branch in enumerate(step.get("branch", [])):
            _check_steps(branch.get("steps", []), f"{where}[{i}].branch[{j}]")


def parse_flowbook(data: dict[str, Any]) -> FlowBook:
    """Validate and build the flow book; raises FlowError with the faulty place."""
    flows = data.get("flows") or {}
    actions = data.get("actions") or {}
    for name, steps in {**flows, **actions}.items():
        _check_steps(steps, name)
    intents = {str(k): str(v) for k, v in (data.get("intents") or {}).items()}
    missing = sorted({v for v in intents.values()} - set(flows))
    if missing:
        raise FlowError(f"intents point to unknown flows: {missing}")
    if "fallback" not in flows:
        raise FlowError("a 'fallback' flow is required")
    return FlowBook(
        version=str(data.get("version", "0")),
        flows=flows,
        actions=actions,
        intents=intents,
        official_channels=list(data.get("official_channels") or []),
        brand=dict(data.get("brand") or {}),
        high_value=dict(data.get("high_value") or {}),
        yes_words=frozenset(str(w).lower() for w in data.get("yes_words") or []),
        confirm_action=str(data.get("confirm_action", "freeze_account")),
        no_words=frozenset(str(w).lower() for w in data.get("no_words") or []),
        confirm_words=frozenset(str(w).lower() for w in data.get("confirm_words") or []),
    )


@lru_cache
def default_flowbook() -> FlowBook:
    return parse_flowbook(yaml.safe_load(FLOWS_PATH.read_text("utf-8")))


# -- outcome -----------------------------------------------------------------------------------


@dataclass
class Said:
    key: str
    params: dict[str, Any]


@dataclass
class Outcome:
    """What running a flow produced; the service turns it into text, actions and a handoff."""

    said: list[Said] = field(default_factory=list)
    buttons: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    actions: list[dict[str, Any]] = field(default_factory=list)
    offer_human: bool = False
    handoff: bool = False
    awaiting: str | None = None
    lookups: list[str] = field(default_factory=list)

    def add_button(self, action: str) -> None:
        if action not in self.buttons:
            self.buttons.append(action)


class Effects(Protocol):
    """Look-ups and side effects the flows can name; the service implements them."""

    async def lookup(self, name: str, ctx: dict[str, Any]) -> dict[str, Any]: ...

    async def act(self, name: str, ctx: dict[str, Any], outcome: Outcome) -> dict[str, Any]: ...


class _Stop(Exception):
    pass


def resolve(ctx: dict[str, Any], path: str) -> Any:
    value: Any = ctx
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def matches(ctx: dict[str, Any], when: dict[str, Any] | None) -> bool:
    for path, expected in (when or {}).items():
        value = resolve(ctx, path)
        allowed = expected if isinstance(expected, list) else [expected]
        if value not in allowed and str(value) not in [str(a) for a in allowed]:
            return False
    return True


def _params(ctx: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for result in (ctx.get("data") or {}).values():
        if isinstance(result, dict):
            params.update({k: v for k, v in (result.get("facts") or {}).items()})
            params.update({k: v for k, v in result.items() if not isinstance(v, dict | list)})
    params.update({k: v for k, v in (ctx.get("slots") or {}).items() if isinstance(v, str)})
    params.update(extra or {})
    return params


async def _run(
    steps: list[dict[str, Any]],
    ctx: dict[str, Any],
    effects: Effects,
    out: Outcome,
    item: dict[str, Any] | None = None,
) -> None:
    for step in steps:
        if not matches(ctx, step.get("when")):
            continue
        if "lookup" in step:
            name = step["lookup"]
            ctx.setdefault("data", {})[name] = await effects.lookup(name, ctx)
            out.lookups.append(name)
        if "act" in step:
            ctx.setdefault("data", {}).update(await effects.act(step["act"], ctx, out))
        if "facts" in step:
            facts = resolve(ctx, step["facts"])
            if isinstance(facts, dict):
                out.facts.update(facts)
        if "say" in step:
            params = _params(ctx, item)
            key = str(step["say"]).format_map(_Missing(params))
            out.said.append(Said(key, params))
        if "each" in step:
            for element in resolve(ctx, step["each"]) or []:
                await _run(step.get("steps", []), ctx, effects, out, {**(item or {}), **element})
        elif "steps" in step and "branch" not in step:
            await _run(step["steps"], ctx, effects, out, item)
        for branch in step.get("branch", []):
            if matches(ctx, branch.get("when")):
                await _run(branch.get("steps", []), ctx, effects, out, item)
                break
        for button in step.get("buttons", []):
            out.add_button(button)
        if step.get("offer_human"):
            out.offer_human = True
        if "await" in step:
            out.awaiting = str(step["await"])
        if step.get("stop"):
            raise _Stop


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


async def run_steps(steps: list[dict[str, Any]], ctx: dict[str, Any], effects: Effects) -> Outcome:
    """Run a flow (or a button's action) against `ctx`; returns what it said and did."""
    out = Outcome()
    with contextlib.suppress(_Stop):
        await _run(steps, ctx, effects, out)
    return out


# -- slot extractors (pure) --------------------------------------------------------------------

_TXID = re.compile(r"(?<![0-9a-zA-Z])(?:0x)?[0-9a-fA-F]{64}(?![0-9a-zA-Z])")
_BASE58_TXID = re.compile(r"(?<![0-9a-zA-Z])[1-9A-HJ-NP-Za-km-z]{86,88}(?![0-9a-zA-Z])")
_WITHDRAWAL_ID = re.compile(r"\b(wd-[0-9a-z][0-9a-z\-]{0,60})\b", re.I)
# "<number> <ASSET>", with the shorthands customers type: "10k USDT", "5万U", "2,5 BTC",
# "5000usdt" right after a CJK word ("充了5000USDT"), and "$5,000" (read as USDT: the stakes
# are the same). A multiplier "k" must touch the number and be followed by a space.
_NUMBER = r"(\d{1,3}(?:[ ,.]\d{3})+|\d+)(?:[.,](\d+))?"
_AMOUNT = re.compile(
    rf"(?<![0-9A-Za-z.,]){_NUMBER}(?:([kK])(?=\s)|\s*([千万萬]))?\s*([A-Za-z]{{1,6}})(?![A-Za-z])"
)
_DOLLARS = re.compile(rf"(?:\$|US\$|USD\s?){_NUMBER}(?:([kK])(?![A-Za-z]))?|{_NUMBER}\s?\$")
_MULTIPLIER = {"k": 1000, "K": 1000, "千": 1000, "万": 10000, "萬": 10000}
# Chinese-speaking customers call USDT "U" ("转了5000U").
_UNIT_ALIASES = {"U": "USDT"}
_CHANNEL = re.compile(
    r"(?:https?://|hxxps?://)\S+"  # URLs
    r"|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"  # e-mail addresses
    r"|(?<![\w@/.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{1,30}[A-Za-z0-9_])"  # handles
    r"|\+\d[\d \-()]{6,18}\d"  # phone numbers
    r"|(?<![\w@/.\-])(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?:/\S*)?",  # hosts
    re.I,
)
_TRAILING = ".,;:!?)]}'\"»›…。，！？"


def extract_txid(text: str) -> str | None:
    found = _TXID.search(text) or _BASE58_TXID.search(text)
    return found.group(0) if found else None


def extract_withdrawal_id(text: str) -> str | None:
    found = _WITHDRAWAL_ID.search(text)
    return found.group(1).lower() if found else None


def extract_channels(text: str) -> list[str]:
    """URLs, host names, e-mail addresses, @handles and phone numbers mentioned in `text`."""
    out: list[str] = []
    taken: list[tuple[int, int]] = []
    for match in _CHANNEL.finditer(text):
        value = match.group(0).rstrip(_TRAILING)
        start, end = match.start(), match.start() + len(value)
        if any(s <= start < e for s, e in taken):
            continue
        if _TXID.fullmatch(value):
            continue
        taken.append((start, end))
        if value not in out:
            out.append(value)
    return out


def _decimal(whole: str, frac: str, multiplier: str | None) -> Decimal | None:
    digits = re.sub(r"[ ,.]", "", whole)
    try:
        value = Decimal(f"{digits}.{frac}" if frac else digits)
    except InvalidOperation:
        return None
    return value * _MULTIPLIER[multiplier] if multiplier else value


def extract_amount(text: str, assets: set[str]) -> tuple[Decimal, str] | None:
    """The largest "<number> <ASSET>" in the text, e.g. ("5000", "USDT")."""
    found: list[tuple[Decimal, str]] = []
    for whole, frac, kilo, cjk, unit in _AMOUNT.findall(text):
        asset = _UNIT_ALIASES.get(unit.upper(), unit.upper())
        if asset not in assets or (len(unit) == 1 and unit.upper() not in _UNIT_ALIASES):
            continue
        value = _decimal(whole, frac, kilo or cjk or None)
        if value is not None:
            found.append((value, asset))
    if "USDT" in assets:
        for match in _DOLLARS.finditer(text):
            whole, frac, kilo, whole2, frac2 = match.groups()
            value = _decimal(whole or whole2, (frac if whole else frac2) or "", kilo or None)
            if value is not None:
                found.append((value, "USDT"))
    return max(found, key=lambda f: f[0]) if found else None


def extract_assets(text: str, assets: set[str]) -> list[str]:
    words = re.findall(r"[A-Za-z0-9]{2,10}", text)
    return list(dict.fromkeys(w.upper() for w in words if w.upper() in assets))


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _has(text: str, words: list[str], term: str) -> bool:
    # Short words of spaced scripts ("no", "не", "لا") must be whole words ("не" is inside
    # "мне"); longer ones are stems ("dondurma", "заморо") and CJK/Korean terms ("不要", "아니")
    # are found inside words.
    if not _UNSPACED.search(term) and len(term) <= 5 and " " not in term:
        return term in words
    return term in text


def is_no(text: str, no_words: frozenset[str]) -> bool:
    """Whether a short reply to a yes/no question says no ("no thanks", "hayır", "不用了")."""
    lowered = text.strip().lower()
    words = re.findall(r"\w+", lowered)
    return 0 < len(words) <= 6 and any(_has(lowered, words, w) for w in no_words)


def is_yes(
    text: str,
    yes_words: frozenset[str],
    no_words: frozenset[str] = frozenset(),
    confirm_words: frozenset[str] = frozenset(),
) -> bool:
    """Whether a reply to a yes/no question ("freeze your account now?") says yes.

    Any "no" word wins ("no, please don't": a freeze is never done on an ambiguous answer; the
    button stays offered). Otherwise a short reply with a yes word ("evet", "はい、お願いします"),
    or a reply that starts with one or names the action ("yes, freeze it right away",
    "请冻结") is a yes."""
    lowered = text.strip().lower()
    words = re.findall(r"\w+", lowered)
    if not words or any(_has(lowered, words, w) for w in no_words):
        return False
    if lowered in yes_words:
        return True
    yes = any(w in yes_words for w in words)
    if yes and len(words) <= 4:
        return True
    if len(words) <= 10 and words[0] in yes_words:
        return True
    # "freeze it now" confirms; "what does freezing do?" asks.
    asking = any(mark in lowered for mark in "?？؟")
    return not asking and len(words) <= 6 and any(_has(lowered, words, w) for w in confirm_words)
