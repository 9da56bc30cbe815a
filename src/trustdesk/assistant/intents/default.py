"""The crypto-exchange intent model TrustDesk ships: trained from the bundled examples on
first use, cached on disk, and shared per process."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from trustdesk.assistant.intents.evaluate import read_labelled_csv
from trustdesk.assistant.intents.model import (
    FeatureConfig,
    IntentClassifier,
    ModelLoadError,
    training_data_hash,
)

DATA_PATH = Path(__file__).parent / "data" / "crypto_intents.csv"
MODEL_NAME = "crypto-intents"

# Chosen by cross-validation on the bundled CSV (5-fold, and leave-one-language-out).
# Against no neighbour scores, a weight of 0.2 gains in both (96.4% -> 96.5% and
# 95.8% -> 96.6%). Larger weights score the same in 5-fold CV and better across languages,
# but pull vague replies ("I don't know where to find it") towards a concrete intent
# instead of "other", which the conversation tests rightly reject.
CONFIG = FeatureConfig(embedding_weight=4.0, neighbour_weight=0.2)

_lock = threading.Lock()
_cache: dict[Path, IntentClassifier] = {}


def default_cache_dir() -> Path:
    """Where trained models live: `<TRUSTDESK_DATA_DIR>/models/intents`."""
    from trustdesk.config import get_settings

    return Path(get_settings().data_dir) / "models" / "intents"


def default_classifier(cache_dir: str | Path | None = None) -> IntentClassifier:
    """The crypto-exchange intent model (15 languages), trained once and then loaded.

    The cache key is the hash of the bundled training data and the feature config, so
    editing the CSV or the config retrains on the next start-up.
    """
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    with _lock:
        if root in _cache:
            return _cache[root]
        data = read_labelled_csv(DATA_PATH)
        config = CONFIG
        key = training_data_hash(data.texts, data.labels)[:12]
        target = root / f"{MODEL_NAME}-{key}"
        model: IntentClassifier | None = None
        if target.exists():
            try:
                model = IntentClassifier.load(target)
                if model.manifest.get("feature_config") != config.to_json():
                    model = None
            except ModelLoadError:
                model = None
        if model is None:
            model = IntentClassifier(config, version=f"{MODEL_NAME}-{key}")
            model.fit(data.texts, data.labels)
            # Write beside the target and rename, so a concurrent reader never sees half a model.
            root.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
            model.save(staging)
            shutil.rmtree(target, ignore_errors=True)
            try:
                staging.rename(target)
            except OSError:
                shutil.rmtree(staging, ignore_errors=True)
        _cache[root] = model
        return model
