"""`trustdesk intents ...`: train and evaluate intent models from labelled CSV files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from trustdesk.assistant.intents import (
    IntentClassifier,
    ModelLoadError,
    default_classifier,
    evaluate,
    read_labelled_csv,
)
from trustdesk.assistant.intents.model import Progress as ProgressCallback

intents_app = typer.Typer(help="Train and evaluate the assistant's intent classifier.")
console = Console()

_STAGES = {
    "embed": "Embedding texts",
    "calibrate": "Calibrating (folds)",
    "fit": "Training final model",
    "predict": "Classifying",
    "latency": "Timing single messages",
}


@contextmanager
def _progress() -> Iterator[ProgressCallback]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, advance: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], advance=advance, total=total)

        yield report


CsvOption = Annotated[
    Path, typer.Option("--csv", exists=True, dir_okay=False, help="CSV: text,intent[,lang]")
]


@intents_app.command("train")
def train(
    csv: CsvOption,
    out: Annotated[
        Path | None, typer.Option("--out", help="model directory (default: ./models/<version>)")
    ] = None,
    no_embeddings: Annotated[
        bool, typer.Option("--no-embeddings", help="TF-IDF only (no sentence encoder)")
    ] = False,
) -> None:
    """Train an intent model on a labelled CSV and save it with a versioned manifest.

    English data gets the English encoder (MiniLM), anything else the multilingual one (e5)."""
    import dataclasses

    from trustdesk.assistant.intents import ENGLISH_CONFIG, config_for

    data = read_labelled_csv(csv)
    labels = sorted(set(data.labels))
    console.print(f"Training on {len(data.texts)} examples, {len(labels)} intents from {csv}")
    config = config_for(data.texts)
    if no_embeddings:
        config = dataclasses.replace(config, embeddings=False)
    kind = "English (MiniLM)" if config == ENGLISH_CONFIG else "multilingual (e5)"
    console.print(f"Features: {'TF-IDF only' if no_embeddings else kind}")
    model = IntentClassifier(config)
    try:
        with _progress() as report:
            model.fit(data.texts, data.labels, progress=report)
    except ValueError as exc:
        console.print(f"[red]cannot train:[/red] {exc}")
        raise typer.Exit(2) from exc
    target = out or Path("models") / f"intents-{datetime.now(UTC):%Y%m%d%H%M%S}"
    model.save(target)
    metrics = model.manifest["metrics"]
    console.print(
        f"Saved model {model.version} to {target} "
        f"(cv accuracy {metrics.get('cv_accuracy', 'n/a')}, {metrics['train_seconds']} s)"
    )


@intents_app.command("eval")
def eval_(
    csv: CsvOption,
    model_dir: Annotated[
        Path | None,
        typer.Option("--model", file_okay=False, help="model directory (default: crypto model)"),
    ] = None,
    latency_samples: Annotated[
        int, typer.Option(help="messages timed one at a time for p50/p95")
    ] = 300,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Report accuracy, macro-F1, the most confused intent pairs and latency on a CSV."""
    try:
        model = IntentClassifier.load(model_dir) if model_dir else default_classifier()
    except ModelLoadError as exc:
        console.print(f"[red]cannot load model:[/red] {exc}")
        raise typer.Exit(2) from exc
    data = read_labelled_csv(csv)
    timed = min(latency_samples, len(data.texts))
    with _progress() as report:
        result = evaluate(
            model,
            data,
            latency_samples=timed,
            on_batch=lambda n: report("predict", n, len(data.texts)),
            on_latency_item=lambda: report("latency", 1, timed),
        )
    if as_json:
        print(json.dumps({"model": model.version, **result.to_json()}, ensure_ascii=False))
        return
    console.print(f"Model {model.version} on {csv} ({result.n} messages)")
    console.print(f"accuracy  {result.accuracy:.2%}")
    console.print(f"macro-F1  {result.macro_f1:.2%}")
    console.print(
        f"latency   p50 {result.latency_p50_ms:.1f} ms, p95 {result.latency_p95_ms:.1f} ms "
        f"(one message at a time, {result.latency_samples} messages)"
    )
    if result.per_lang_accuracy:
        console.print(
            "per language  "
            + ", ".join(f"{k or '?'} {v:.1%}" for k, v in result.per_lang_accuracy.items())
        )
    table = Table(title="Most confused intents (gold → predicted)")
    table.add_column("gold")
    table.add_column("predicted")
    table.add_column("count", justify="right")
    for gold, predicted, count in result.top_confusions:
        table.add_row(gold, predicted, str(count))
    console.print(table)


# Picked up by trustdesk.cli: `trustdesk intents ...`.
CLI_NAME = "intents"
cli = intents_app
