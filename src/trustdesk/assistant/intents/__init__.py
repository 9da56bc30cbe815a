"""Intent engine of the AI assistant: what does the customer want, in any of 15 languages?

from trustdesk.assistant.intents import default_classifier
prediction = default_classifier().predict("param yatmadı")
prediction.intent, prediction.confidence, prediction.ranking
"""

from trustdesk.assistant.intents.default import DATA_PATH, default_cache_dir, default_classifier
from trustdesk.assistant.intents.evaluate import (
    EvalReport,
    LabelledData,
    evaluate,
    measure_latency,
    read_labelled_csv,
)
from trustdesk.assistant.intents.model import (
    ENGLISH_CONFIG,
    FeatureConfig,
    IntentClassifier,
    IntentPrediction,
    ModelLoadError,
    config_for,
)
from trustdesk.assistant.intents.taxonomy import LANGUAGES, UNSURE_THRESHOLD, CryptoIntent

__all__ = [
    "DATA_PATH",
    "ENGLISH_CONFIG",
    "LANGUAGES",
    "UNSURE_THRESHOLD",
    "CryptoIntent",
    "EvalReport",
    "FeatureConfig",
    "IntentClassifier",
    "IntentPrediction",
    "LabelledData",
    "ModelLoadError",
    "default_cache_dir",
    "config_for",
    "default_classifier",
    "evaluate",
    "measure_latency",
    "read_labelled_csv",
]
