"""The flows data and the message catalog: every key in all 15 languages, flows well-formed."""

from __future__ import annotations

import string
from typing import Any

import pytest

from trustdesk.assistant.flows import (
    FlowError,
    Outcome,
    default_flowbook,
    extract_amount,
    extract_channels,
    extract_txid,
    extract_withdrawal_id,
    is_yes,
    parse_flowbook,
    run_steps,
)
from trustdesk.assistant.intents import LANGUAGES, CryptoIntent
from trustdesk.assistant.replies import catalog, render


def _keys_said(steps: list[dict[str, Any]]) -> set[str]:
    keys: set[str] = set()
    for step in steps:
        if "say" in step:
            keys.add(step["say"])
        keys |= _keys_said(step.get("steps", []))
        for branch in step.get("branch", []):
            keys |= _keys_said(branch.get("steps", []))
    return keys


def test_catalog_has_every_key_in_all_15_languages():
    texts = catalog()
    assert set(texts) == set(LANGUAGES)
    english = set(texts["en"]) - {"_version"}
    for language in LANGUAGES:
        missing = english - set(texts[language])
        assert not missing, f"{language} lacks {sorted(missing)}"


def test_translations_keep_the_same_placeholders():
    texts = catalog()
    fields = string.Formatter()
    for language in LANGUAGES:
        for key, text in texts[language].items():
            ours = {f for _, f, _, _ in fields.parse(text) if f}
            english = {f for _, f, _, _ in fields.parse(texts["en"][key]) if f}
            assert ours == english, (language, key)


def test_every_message_the_flows_produce_is_in_the_catalog():
    book = default_flowbook()
    said: set[str] = set()
    for steps in [*book.flows.values(), *book.actions.values()]:
        said |= _keys_said(steps)
    # "phishing_{verdict}" expands to one key per verdict.
    said = {k for k in said if "{" not in k} | {
        f"phishing_{v}" for v in ("official", "lookalike", "unknown")
    }
    assert said <= set(catalog()["en"])


def test_every_intent_of_the_taxonomy_has_a_flow():
    book = default_flowbook()
    for intent in CryptoIntent:
        assert book.flow_for(intent.value) in book.flows


def test_missing_key_falls_back_to_english(monkeypatch):
    texts = {lang: dict(t) for lang, t in catalog().items()}
    del texts["tr"]["greeting"]
    monkeypatch.setattr("trustdesk.assistant.replies.catalog", lambda: texts)
    assert render("greeting", "tr") == texts["en"]["greeting"]
    assert render("thanks", "tr") == texts["tr"]["thanks"]


def test_render_fills_placeholders_and_keeps_unknown_ones():
    text = render("dep_pending", "es", {"amount": "150", "asset": "USDT", "network_name": "TRON"})
    assert "150 USDT" in text and "{eta_minutes}" in text


def test_malformed_flows_are_rejected_with_the_place():
    with pytest.raises(FlowError, match=r"fallback\[0\]: unknown keys"):
        parse_flowbook({"flows": {"fallback": [{"sayy": "x"}]}})
    with pytest.raises(FlowError, match="unknown button"):
        parse_flowbook({"flows": {"fallback": [{"buttons": ["drain"]}]}})
    with pytest.raises(FlowError, match="unknown flows"):
        parse_flowbook({"flows": {"fallback": []}, "intents": {"fees": "nowhere"}})


class FakeEffects:
    def __init__(self, results: dict[str, dict[str, Any]]) -> None:
        self.results = results
        self.acts: list[str] = []

    async def lookup(self, name: str, ctx: dict[str, Any]) -> dict[str, Any]:
        return self.results[name]

    async def act(self, name: str, ctx: dict[str, Any], outcome: Outcome) -> dict[str, Any]:
        self.acts.append(name)
        if name == "handoff":
            outcome.handoff = True
        return {}


async def test_interpreter_walks_branches_without_a_database():
    book = default_flowbook()
    effects = FakeEffects({"deposit": {"verdict": "needs_txid", "facts": {"asset": None}}})
    ctx = {"intent": "deposit_not_credited", "slots": {}, "data": {}, "high_stakes": False}
    out = await run_steps(book.flows["deposit_not_credited"], ctx, effects)
    assert [s.key for s in out.said] == ["funds_safe", "dep_needs_txid"]
    assert out.awaiting == "txid" and not out.offer_human

    effects = FakeEffects({"deposit": {"verdict": "lookup_failed", "facts": {}}})
    ctx = {"intent": "deposit_not_credited", "slots": {}, "data": {}, "high_stakes": True}
    out = await run_steps(book.flows["deposit_not_credited"], ctx, effects)
    assert [s.key for s in out.said] == ["funds_safe", "lookup_failed"]
    assert out.offer_human  # `stop` ended the flow before the high-stakes step, still offered

    effects = FakeEffects({})
    out = await run_steps(book.actions["talk_to_human"], {"data": {}}, effects)
    assert out.handoff and effects.acts == ["handoff"]


def test_slot_extractors():
    evm = "0x" + "ab" * 32
    assert extract_txid(f"txid: {evm}.") == evm
    assert extract_txid("no txid here 12345") is None
    assert extract_withdrawal_id("what about WD-1004-1?") == "wd-1004-1"
    assert extract_channels("is https://trustdesk-help.com/x or @trustdesk_support real?") == [
        "https://trustdesk-help.com/x",
        "@trustdesk_support",
    ]
    assert extract_channels(f"mail from help@trustdesk.dev about {evm}") == ["help@trustdesk.dev"]
    assert extract_amount("I sent 5,000 USDT and 0.1 BTC", {"USDT", "BTC"}) == (5000, "USDT")
    yes = default_flowbook().yes_words
    assert is_yes("Evet", yes) and is_yes("是的", yes) and is_yes("oui, merci", yes)
    assert not is_yes("no, I did not send anything yesterday evening at all", yes)
