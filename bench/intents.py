"""Intent engine benchmark: Banking77 accuracy / latency and xSID cross-language accuracy.

    python bench/intents.py [--data /work/shared/data] [--latency-samples N] [--skip-xsid]
    python bench/intents.py --cv    # only the hyper-parameter search on train.csv

Banking77: train on train.csv only, report on test.csv (3,080 messages): accuracy, macro-F1,
single-message predict() latency p50/p95 after warm-up, training time.
xSID: train on the English side of the even ids, test every language on the odd ids.
Crypto taxonomy (shipped CSV): leave one language out, for each of the 15 languages.
The last line printed is one JSON object with every figure.

`--cv` reproduces how the configs were chosen: 5-fold cross-validation on train.csv alone
(test.csv is not read), over the e5 embedding weight, the MiniLM weight and the
nearest-neighbour weight (about 20 minutes on 2 idle cores; the MiniLM figures below were
measured on the same folds by a script that cached both encoders' embeddings). Without
MiniLM it found embedding_weight 3 with neighbour_weight 0.6 best at 93.12%, against 92.40%
for the former x4 without neighbours; neighbour weights 0.4-0.8 with x3 or x4 all scored
92.8-93.1%. On test.csv, run once afterwards, that gain did not carry over: 93.73%
(macro-F1 93.72%), the same accuracy as before; it did carry over across languages (xSID
ar 70 -> 81%, ja 76 -> 85%, de 72 -> 79%). That is still FeatureConfig's default.

Adding English all-MiniLM-L6-v2 embeddings (int8 ONNX) lifted CV to 93.57% (e5 x3, MiniLM
x2, neighbours on e5 at 0.6; 93.17% without neighbours; MiniLM x1 or x3, e5 x2 with MiniLM
x2, neighbours over both encoders: 93.46-93.52%). On test.csv, run once for that config:
94.64% (macro-F1 94.64%). But its predict() costs ~41 ms of CPU (e5 alone ~34 ms), far over
the 15 ms budget, so ENGLISH_CONFIG is the best config by CV among those that fit it:
MiniLM alone (no e5), x2, its own nearest neighbours at 0.8: 93.26% (x1.5 at 0.6 ties,
x3 93.25%), above the multilingual default's 93.12%. Banking77 is trained with
`config_for(train.texts)`, as `trustdesk intents train` does: English data gets
ENGLISH_CONFIG, anything else the default. MiniLM is English-only: with it, xSID's mean over
its 8 languages fell from 83.7% to 73.3%, which is why xSID and the shipped crypto model use
the multilingual default.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import platform
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sklearn.model_selection import StratifiedKFold

from trustdesk.assistant.intents import (
    DATA_PATH,
    FeatureConfig,
    IntentClassifier,
    LabelledData,
    config_for,
    evaluate,
    read_labelled_csv,
)
from trustdesk.assistant.intents.default import CONFIG as CRYPTO_CONFIG

console = Console(stderr=True)


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _reporter(bar: Progress, prefix: str):  # type: ignore[no-untyped-def]
    tasks: dict[str, object] = {}

    def report(stage: str, advance: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(f"{prefix}: {stage}", total=total)
        bar.update(tasks[stage], advance=advance, total=total)  # type: ignore[arg-type]

    return report


def banking77(root: Path, latency_samples: int | None) -> dict[str, object]:
    train = read_labelled_csv(root / "banking77" / "train.csv")
    test = read_labelled_csv(root / "banking77" / "test.csv")
    print(f"Banking77: {len(train.texts)} train, {len(test.texts)} test")
    # As `trustdesk intents train` chooses: English data, so ENGLISH_CONFIG (see above).
    model = IntentClassifier(config_for(train.texts))
    with _bar() as bar:
        report = _reporter(bar, "banking77")
        start = time.perf_counter()
        model.fit(train.texts, train.labels, progress=report)
        train_seconds = time.perf_counter() - start
        timed = len(test.texts) if latency_samples is None else latency_samples
        result = evaluate(
            model,
            test,
            latency_samples=timed,
            on_batch=lambda n: report("predict", n, len(test.texts)),
            on_latency_item=lambda: report("latency", 1, timed),
        )
    print(f"  accuracy  {result.accuracy:.2%}   macro-F1 {result.macro_f1:.2%}")
    print(
        f"  predict() one message: p50 {result.latency_p50_ms:.2f} ms, "
        f"p95 {result.latency_p95_ms:.2f} ms ({result.latency_samples} messages)"
    )
    print(f"  training  {train_seconds:.1f} s (calibration temperature {model._temperature:.3f})")
    print("  most confused (gold -> predicted):")
    for gold, predicted, count in result.top_confusions[:5]:
        print(f"    {gold} -> {predicted}: {count}")
    return {
        "accuracy": round(result.accuracy, 4),
        "macro_f1": round(result.macro_f1, 4),
        "p50_ms": round(result.latency_p50_ms, 2),
        "p95_ms": round(result.latency_p95_ms, 2),
        "latency_samples": result.latency_samples,
        "train_seconds": round(train_seconds, 1),
        "unsure_rate": round(result.unsure_rate, 4),
    }


def banking77_cv(
    root: Path,
    weights: tuple[tuple[float, float], ...] = (
        (3.0, 0.0),
        (3.0, 1.0),
        (3.0, 2.0),
        (3.0, 3.0),
        (2.0, 2.0),
    ),
    neighbour_weights: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5),
) -> dict[str, float]:
    """5-fold CV accuracy on train.csv per (e5 weight, MiniLM weight) and neighbour weight."""
    train = read_labelled_csv(root / "banking77" / "train.csv")
    labels = np.array(train.labels)
    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=42).split(labels, labels))
    print(f"Banking77 5-fold CV on train.csv ({len(labels)} messages); test.csv is not read")
    accuracy: dict[str, float] = {}
    with _bar() as bar:
        report = _reporter(bar, "cv")
        # Both encoders once; a config without MiniLM takes e5's columns only.
        both = IntentClassifier(FeatureConfig(minilm_weight=1.0)).embed(
            train.texts, progress=report
        )
        for ew, mw in weights:
            hits = dict.fromkeys(neighbour_weights, 0)
            config = FeatureConfig(embedding_weight=ew, minilm_weight=mw, calibration_folds=0)
            emb = both[:, : config.embedding_dimension]
            for train_idx, test_idx in folds:
                # The SVM does not depend on the neighbour weight: fit once, then score
                # each weight by swapping it into the config.
                model = IntentClassifier(dataclasses.replace(config, neighbour_weight=1.0))
                model.fit(
                    [train.texts[i] for i in train_idx],
                    labels[train_idx].tolist(),
                    embeddings=emb[train_idx],
                )
                texts = [train.texts[i] for i in test_idx]
                for nw in neighbour_weights:
                    model.config = dataclasses.replace(model.config, neighbour_weight=nw)
                    scores = model.scores(texts, embeddings=emb[test_idx])
                    predicted = np.array(model.labels)[scores.argmax(axis=1)]
                    hits[nw] += int((predicted == labels[test_idx]).sum())
                report("fits", 1, len(folds) * len(weights))
            for nw, n in hits.items():
                key = f"embedding_weight={ew:g} minilm_weight={mw:g} neighbour_weight={nw:g}"
                accuracy[key] = round(n / len(labels), 4)
    for key, acc in sorted(accuracy.items(), key=lambda kv: -kv[1]):
        print(f"  {acc:.2%}  {key}")
    return accuracy


def xsid(root: Path) -> dict[str, float]:
    with (root / "xsid" / "test.tsv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    english: dict[int, tuple[str, str]] = {}
    by_lang: dict[str, LabelledData] = defaultdict(lambda: LabelledData([], []))
    for row in rows:
        ident = int(row["id"])
        if ident % 2 == 0:
            english.setdefault(ident, (row["text_en"], row["intent"]))
        else:
            by_lang[row["lang"]].texts.append(row["text"])
            by_lang[row["lang"]].labels.append(row["intent"])
    train_texts = [t for t, _ in english.values()]
    train_labels = [label for _, label in english.values()]
    print(f"xSID: train on {len(train_texts)} English utterances (even ids), test odd ids")
    # The default, multilingual config: this measures transfer across languages.
    model = IntentClassifier()
    accuracy: dict[str, float] = {}
    with _bar() as bar:
        model.fit(train_texts, train_labels, progress=_reporter(bar, "xsid"))
        for lang in sorted(by_lang):
            data = by_lang[lang]
            predicted = [p.intent for p in model.predict_batch(data.texts)]
            hits = sum(p == g for p, g in zip(predicted, data.labels, strict=True))
            accuracy[lang] = round(hits / len(data.labels), 4)
    for lang, acc in accuracy.items():
        print(f"  {lang:3s} {acc:.1%} ({len(by_lang[lang].texts)} utterances)")
    return accuracy


def crypto_leave_one_language_out() -> dict[str, float]:
    """The shipped taxonomy: train on 14 languages, test on the 15th, for each language."""
    data = read_labelled_csv(DATA_PATH)
    print(f"Crypto taxonomy: {len(data.texts)} examples; leave one language out")
    accuracy: dict[str, float] = {}
    with _bar() as bar:
        report = _reporter(bar, "crypto")
        # The shipped model's config; accuracy only: skip calibration.
        config = dataclasses.replace(CRYPTO_CONFIG, calibration_folds=0)
        embeddings = IntentClassifier(config).embed(data.texts, progress=report)
        langs = np.array(data.langs)
        for lang in sorted(set(data.langs)):
            train, test = np.where(langs != lang)[0], np.where(langs == lang)[0]
            model = IntentClassifier(config).fit(
                [data.texts[i] for i in train],
                [data.labels[i] for i in train],
                embeddings=embeddings[train],
            )
            predicted = model.predict_batch(
                [data.texts[i] for i in test], embeddings=embeddings[test]
            )
            hits = sum(p.intent == data.labels[i] for p, i in zip(predicted, test, strict=True))
            accuracy[lang] = round(hits / len(test), 4)
            report("languages", 1, len(set(data.langs)))
    print("  " + ", ".join(f"{k} {v:.1%}" for k, v in accuracy.items()))
    return accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument(
        "--latency-samples", type=int, default=None, help="messages timed (default: all)"
    )
    parser.add_argument("--skip-xsid", action="store_true")
    parser.add_argument("--skip-crypto", action="store_true")
    parser.add_argument(
        "--cv", action="store_true", help="only the cross-validated search on train.csv"
    )
    args = parser.parse_args()
    if args.cv:
        print(json.dumps({"bench": "intents-cv", **banking77_cv(args.data)}))
        return
    print(f"load average (1 min) at start: {os.getloadavg()[0]:.2f}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    figures: dict[str, object] = {"bench": "intents", **banking77(args.data, args.latency_samples)}
    # Other work on the machine inflates latency: record how busy it was.
    figures["load_avg_1m_after_banking77"] = round(os.getloadavg()[0], 2)
    if not args.skip_xsid:
        figures["xsid_accuracy"] = xsid(args.data)
    if not args.skip_crypto:
        figures["crypto_lolo_accuracy"] = crypto_leave_one_language_out()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
