"""Labelled CSV reading and the evaluation report (accuracy, macro-F1, confusions, latency)."""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from trustdesk.assistant.intents.model import IntentClassifier


@dataclass
class LabelledData:
    texts: list[str]
    labels: list[str]
    # Empty when the file has no `lang` column.
    langs: list[str] = field(default_factory=list)


def read_labelled_csv(path: str | Path) -> LabelledData:
    """Read a CSV with columns `text` and `category` or `intent` (and optionally `lang`).

    A real CSV parser is used: texts may hold commas, quotes and newlines.
    """
    with Path(path).open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        columns = set(reader.fieldnames or ())
        label_column = next((c for c in ("intent", "category", "label") if c in columns), None)
        if "text" not in columns or label_column is None:
            raise ValueError(
                f"{path}: expected columns text,intent or text,category; got {sorted(columns)}"
            )
        data = LabelledData([], [], [])
        for row in reader:
            text, label = (row.get("text") or "").strip(), (row.get(label_column) or "").strip()
            if not text or not label:
                continue
            data.texts.append(text)
            data.labels.append(label)
            if "lang" in columns:
                data.langs.append((row.get("lang") or "").strip())
    return data


@dataclass
class EvalReport:
    """How well a model did on a labelled set, and how fast one message is classified."""

    n: int
    accuracy: float
    macro_f1: float
    # (gold, predicted, count), most frequent first.
    top_confusions: list[tuple[str, str, int]]
    latency_p50_ms: float
    latency_p95_ms: float
    latency_samples: int
    per_lang_accuracy: dict[str, float] = field(default_factory=dict)
    unsure_rate: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "top_confusions": [list(c) for c in self.top_confusions],
            "p50_ms": round(self.latency_p50_ms, 2),
            "p95_ms": round(self.latency_p95_ms, 2),
            "latency_samples": self.latency_samples,
            "per_lang_accuracy": {k: round(v, 4) for k, v in self.per_lang_accuracy.items()},
            "unsure_rate": round(self.unsure_rate, 4),
        }


def measure_latency(
    model: IntentClassifier,
    texts: Sequence[str],
    warmup: int = 20,
    on_item: Callable[[], None] | None = None,
) -> list[float]:
    """Milliseconds for `predict()` of one message at a time, after a warm-up."""
    for text in list(texts)[:warmup]:
        model.predict(text)
    timings = []
    for text in texts:
        start = time.perf_counter()
        model.predict(text)
        timings.append((time.perf_counter() - start) * 1000.0)
        if on_item is not None:
            on_item()
    return timings


def evaluate(
    model: IntentClassifier,
    data: LabelledData,
    latency_samples: int | None = 500,
    top_k_confusions: int = 10,
    on_batch: Callable[[int], None] | None = None,
    on_latency_item: Callable[[], None] | None = None,
) -> EvalReport:
    """Score `model` on `data`; latency is timed on `latency_samples` messages (None: all)."""
    predictions = model.predict_batch(data.texts, on_batch=on_batch)
    predicted = [p.intent for p in predictions]
    gold = data.labels
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    per_lang: dict[str, float] = {}
    if data.langs:
        for lang in sorted(set(data.langs)):
            idx = [i for i, code in enumerate(data.langs) if code == lang]
            per_lang[lang] = float(np.mean([gold[i] == predicted[i] for i in idx]))
    sample = data.texts if latency_samples is None else data.texts[:latency_samples]
    timings = measure_latency(model, sample, on_item=on_latency_item) if sample else [0.0]
    return EvalReport(
        n=len(gold),
        accuracy=float(accuracy_score(gold, predicted)),
        macro_f1=float(f1_score(gold, predicted, average="macro", zero_division=0)),
        top_confusions=[(g, p, n) for (g, p), n in confusions.most_common(top_k_confusions)],
        latency_p50_ms=float(np.percentile(timings, 50)),
        latency_p95_ms=float(np.percentile(timings, 95)),
        latency_samples=len(sample),
        per_lang_accuracy=per_lang,
        unsure_rate=float(np.mean([not p.is_sure() for p in predictions])),
    )
