"""The intent engine: the shipped crypto model, persistence, evaluation and the CLI."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from trustdesk.assistant.cli import intents_app
from trustdesk.assistant.intents import (
    DATA_PATH,
    ENGLISH_CONFIG,
    LANGUAGES,
    UNSURE_THRESHOLD,
    CryptoIntent,
    FeatureConfig,
    IntentClassifier,
    IntentPrediction,
    LabelledData,
    ModelLoadError,
    config_for,
    default_classifier,
    evaluate,
    read_labelled_csv,
)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("intent-cache")


@pytest.fixture(scope="module")
def crypto(cache_dir: Path) -> IntentClassifier:
    # Trains from the bundled CSV (seconds) into a fresh cache, as a first start-up would.
    return default_classifier(cache_dir)


# Phrasings that are not in the training CSV.
HELD_OUT = [
    ("param yatmadı", CryptoIntent.deposit_not_credited),
    ("yatırdığım usdt hesaba düşmedi", CryptoIntent.deposit_not_credited),
    ("我充的USDT一直没有到账啊", CryptoIntent.deposit_not_credited),
    ("لم يصل الإيداع إلى حسابي حتى الآن", CryptoIntent.deposit_not_credited),
    ("hice un depósito de usdt y no se refleja en mi saldo", CryptoIntent.deposit_not_credited),
    ("mi retiro lleva un día en pendiente", CryptoIntent.withdrawal_pending),
    ("Auszahlung seit gestern nicht angekommen, Status pending", CryptoIntent.withdrawal_pending),
    ("envié mis usdt por la red BSC en lugar de TRON", CryptoIntent.wrong_network),
    ("забыл указать memo когда отправлял XRP", CryptoIntent.missing_memo),
    ("Google認証アプリの入った携帯を紛失しました", CryptoIntent.reset_2fa),
    ("계정이 해킹당해서 코인이 다 사라졌어요", CryptoIntent.account_compromised),
    ("is support-binance-help.com an official site?", CryptoIntent.phishing_check),
    ("quero falar com um atendente humano", CryptoIntent.talk_to_human),
    ("merci beaucoup, bonne journée", CryptoIntent.thanks_goodbye),
    ("xin chào shop", CryptoIntent.greeting),
]


@pytest.mark.parametrize(("text", "intent"), HELD_OUT)
def test_crypto_model_understands_held_out_phrasings(
    crypto: IntentClassifier, text: str, intent: CryptoIntent
) -> None:
    prediction = crypto.predict(text)
    assert prediction.intent == intent, prediction.ranking


def test_prediction_carries_a_top3_ranking_and_a_probability(crypto: IntentClassifier) -> None:
    prediction = crypto.predict("param yatmadı")
    assert isinstance(prediction, IntentPrediction)
    assert len(prediction.ranking) == 3
    assert prediction.ranking[0] == (prediction.intent, prediction.confidence)
    assert [p for _, p in prediction.ranking] == sorted(
        (p for _, p in prediction.ranking), reverse=True
    )
    assert 0.0 < prediction.confidence <= 1.0
    assert prediction.is_sure()
    assert prediction.resolved() == prediction.intent


def test_unsure_prediction_resolves_to_other() -> None:
    prediction = IntentPrediction("fees", 0.2, [("fees", 0.2), ("other", 0.19), ("greeting", 0.1)])
    assert not prediction.is_sure()
    assert prediction.resolved() == "other"
    assert UNSURE_THRESHOLD == 0.35


def test_predict_batch_matches_predict(crypto: IntentClassifier) -> None:
    texts = ["my withdrawal is stuck", "提现卡住了", "hola"]
    batch = crypto.predict_batch(texts)
    assert [p.intent for p in batch] == [crypto.predict(t).intent for t in texts]
    assert crypto.predict_batch([]) == []


def test_shipped_taxonomy_covers_every_intent_in_every_language() -> None:
    data = read_labelled_csv(DATA_PATH)
    assert set(data.labels) == {i.value for i in CryptoIntent}
    assert set(data.langs) == set(LANGUAGES)
    for lang in LANGUAGES:
        for intent in CryptoIntent:
            n = sum(
                1
                for la, lb in zip(data.langs, data.labels, strict=True)
                if (la, lb) == (lang, intent)
            )
            assert n >= 8, (lang, intent, n)


def test_default_classifier_is_cached_per_process_and_on_disk(
    crypto: IntentClassifier, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert default_classifier(cache_dir) is crypto
    assert crypto.version is not None and crypto.version.startswith("crypto-intents-")
    assert (cache_dir / crypto.version / "manifest.json").exists()

    # A new process finds the model on disk and does not train again.
    from trustdesk.assistant.intents import default as default_module

    monkeypatch.setattr(default_module, "_cache", {})
    monkeypatch.setattr(IntentClassifier, "fit", _no_training)
    loaded = default_classifier(cache_dir)
    assert loaded is not crypto
    assert loaded.version == crypto.version


def _no_training(*args: object, **kwargs: object) -> None:
    raise AssertionError("the cached model should have been loaded")


def test_save_load_round_trip_keeps_predictions_and_version(
    crypto: IntentClassifier, tmp_path: Path
) -> None:
    crypto.save(tmp_path / "m")
    loaded = IntentClassifier.load(tmp_path / "m")
    assert loaded.version == crypto.version
    assert loaded.labels == crypto.labels
    assert loaded.manifest["training_data_hash"] == crypto.manifest["training_data_hash"]
    for text in ["param yatmadı", "reset my 2fa please", "¿es oficial este correo?"]:
        a, b = crypto.predict(text), loaded.predict(text)
        assert (a.intent, a.ranking) == (b.intent, b.ranking)


def test_manifest_describes_the_model(crypto: IntentClassifier, tmp_path: Path) -> None:
    crypto.save(tmp_path)
    manifest = IntentClassifier.load(tmp_path).manifest
    for key in (
        "version",
        "created_at",
        "labels",
        "training_data_hash",
        "feature_config",
        "metrics",
    ):
        assert key in manifest
    assert manifest["feature_config"]["embeddings"] is True
    # The shipped multilingual model does without the English-only MiniLM encoder.
    assert manifest["feature_config"]["minilm_encoder"] is None
    assert manifest["metrics"]["n_train"] > 2000


def test_load_rejects_a_tampered_model(crypto: IntentClassifier, tmp_path: Path) -> None:
    crypto.save(tmp_path)
    (tmp_path / "model.pkl").write_bytes(b"not a model")
    with pytest.raises(ModelLoadError):
        IntentClassifier.load(tmp_path)
    with pytest.raises(ModelLoadError):
        IntentClassifier.load(tmp_path / "missing")


def test_evaluation_report_fields(crypto: IntentClassifier) -> None:
    data = LabelledData(
        ["my deposit is missing", "hola", "提现一直在处理中", "I want a human"],
        ["deposit_not_credited", "greeting", "withdrawal_pending", "fees"],
        ["en", "es", "zh-CN", "en"],
    )
    report = evaluate(crypto, data, latency_samples=4)
    assert report.n == 4
    assert report.accuracy == pytest.approx(0.75)
    assert 0.0 <= report.macro_f1 <= 1.0
    assert report.top_confusions == [("fees", "talk_to_human", 1)]
    assert report.latency_p50_ms > 0 and report.latency_p95_ms >= report.latency_p50_ms
    assert report.per_lang_accuracy == {"en": 0.5, "es": 1.0, "zh-CN": 1.0}
    assert set(report.to_json()) >= {"accuracy", "macro_f1", "top_confusions", "p50_ms", "p95_ms"}


def test_neighbour_scores_give_each_intent_its_closest_training_example() -> None:
    from trustdesk.assistant.intents.model import _Neighbours

    emb = np.array([[1, 0, 0], [0, 1, 0], [0.6, 0.8, 0], [0, 0, 1]], dtype=np.float32)
    y = np.array([1, 0, 1, 2])
    scores = _Neighbours.fit(emb, y).scores(np.array([[0.8, 0.6, 0.0], [0, 0, 1]]))
    # Columns are the intents in order; each holds the best cosine among that intent's rows.
    assert scores == pytest.approx(np.array([[0.6, 0.96, 0.0], [0.0, 0.0, 1.0]]))


def test_neighbour_weight_zero_keeps_no_training_embeddings(tmp_path: Path) -> None:
    texts = ["deposit missing", "deposit not arrived", "hello", "hi there"] * 3
    labels = ["deposit", "deposit", "greeting", "greeting"] * 3
    emb = np.eye(4, 384, dtype=np.float32)[[0, 1, 2, 3] * 3]
    plain = IntentClassifier(FeatureConfig(neighbour_weight=0.0)).fit(texts, labels, embeddings=emb)
    near = IntentClassifier(FeatureConfig(neighbour_weight=0.6)).fit(texts, labels, embeddings=emb)
    assert plain._neighbours is None and near._neighbours is not None
    # The neighbours travel with the saved model.
    loaded = IntentClassifier.load(near.save(tmp_path / "m"))
    assert loaded._neighbours is not None
    assert loaded.scores(texts[:2], embeddings=emb[:2]) == pytest.approx(
        near.scores(texts[:2], embeddings=emb[:2])
    )


def test_tfidf_only_model_trains_without_the_encoder() -> None:
    model = IntentClassifier(FeatureConfig(embeddings=False)).fit(
        ["deposit missing", "deposit not arrived", "hello", "hi there"] * 3,
        ["deposit", "deposit", "greeting", "greeting"] * 3,
    )
    assert model.predict("my deposit is missing").intent == "deposit"
    with pytest.raises(ValueError):
        IntentClassifier().fit(["a"], ["x"])


def _write_csv(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


SMALL = [
    ("my deposit has not arrived", "deposit"),
    ("deposit not credited yet", "deposit"),
    ("where is my btc deposit,\nit's been hours", "deposit"),
    ("mi depósito no llegó", "deposit"),
    ("入金が反映されない", "deposit"),
    ("withdrawal stuck pending", "withdrawal"),
    ("my withdrawal is still processing", "withdrawal"),
    ("retiro pendiente desde ayer", "withdrawal"),
    ("提现一直没到", "withdrawal"),
    ("why is my withdrawal slow", "withdrawal"),
    ("hello", "greeting"),
    ("hi there", "greeting"),
    ("hola", "greeting"),
    ("bonjour", "greeting"),
    ("good morning", "greeting"),
]


def test_cli_train_then_eval(tmp_path: Path) -> None:
    train_csv, test_csv = tmp_path / "train.csv", tmp_path / "test.csv"
    _write_csv(train_csv, ["text", "category"], SMALL)
    _write_csv(
        test_csv,
        ["text", "intent", "lang"],
        [("deposit still not there", "deposit", "en"), ("hey hello", "greeting", "en")],
    )
    runner = CliRunner()
    out = tmp_path / "model"
    result = runner.invoke(intents_app, ["train", "--csv", str(train_csv), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "manifest.json").exists()
    assert "Saved model" in result.output

    result = runner.invoke(intents_app, ["eval", "--csv", str(test_csv), "--model", str(out)])
    assert result.exit_code == 0, result.output
    for needle in ("accuracy", "macro-F1", "p50", "p95", "confused"):
        assert needle in result.output

    result = runner.invoke(
        intents_app, ["eval", "--csv", str(test_csv), "--model", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert '"accuracy"' in result.output.splitlines()[-1]


def test_cli_rejects_a_csv_without_labels(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    _write_csv(bad, ["text", "something"], [("hello", "x")])
    result = CliRunner().invoke(intents_app, ["train", "--csv", str(bad)])
    assert result.exit_code != 0


def test_wordpiece_tokenizer_matches_minilms_bert_tokenizer() -> None:
    from trustdesk.assistant.intents import minilm

    tok = minilm.tokenizer()
    # Ids checked against the model's own tokenizer.json (Hugging Face tokenizers).
    assert tok.encode("unbelievably tokenization").ids == [
        101, 4895, 8671, 2666, 3567, 6321, 19204, 3989, 102
    ]  # fmt: skip
    assert tok.encode("I'm still waiting... Café 我的卡").ids == [
        101, 1045, 1005, 1049, 2145, 3403, 1012, 1012, 1012, 7668, 1855, 1916, 100, 102
    ]  # fmt: skip
    assert tok.encode("Top-up failed: 50€!").ids == [
        101, 2327, 1011, 2039, 3478, 1024, 2753, 30102, 999, 102
    ]  # fmt: skip
    assert len(tok.encode("word " * 1000).ids) == minilm.MAX_TOKENS


def test_minilm_embeddings_are_unit_vectors_and_batches_match_single_messages() -> None:
    from trustdesk.assistant.intents import minilm

    texts = ["my card has not arrived yet", "I am still waiting for my card", "change my PIN"]
    batch = minilm.encode(texts, batch_size=2)
    assert batch.shape == (3, minilm.DIMENSION)
    assert np.linalg.norm(batch, axis=1) == pytest.approx(1.0, abs=1e-5)
    assert batch[0] == pytest.approx(minilm.encode_one(texts[0]), abs=1e-4)
    # Paraphrases sit closer than unrelated requests.
    assert batch[0] @ batch[1] > batch[0] @ batch[2] + 0.2


@pytest.mark.parametrize(
    ("config", "columns", "with_e5"),
    [(ENGLISH_CONFIG, 384, False), (FeatureConfig(minilm_weight=2.0), 768, True)],
    ids=["minilm-alone", "e5-and-minilm"],
)
def test_model_with_minilm_embeddings_round_trips(
    tmp_path: Path, config: FeatureConfig, columns: int, with_e5: bool
) -> None:
    texts = [t for t, _ in SMALL]
    labels = [label for _, label in SMALL]
    model = IntentClassifier(dataclasses.replace(config, calibration_folds=2))
    model.fit(texts, labels)
    assert model.manifest["feature_config"]["minilm_encoder"] is not None
    assert (model.manifest["feature_config"]["encoder"] is not None) is with_e5
    emb = model.embed(texts)
    assert emb.shape == (len(texts), columns)
    assert model.predict("my deposit is still not there").intent == "deposit"
    loaded = IntentClassifier.load(model.save(tmp_path / "m"))
    for text in ["withdrawal pending since yesterday", "hey"]:
        assert loaded.predict(text).ranking == model.predict(text).ranking
    # Embeddings computed for another config are refused, not silently misread.
    with pytest.raises(ValueError, match="embed"):
        model.scores(texts, embeddings=emb[:, :100])


def test_english_training_data_gets_the_english_encoder() -> None:
    english = [
        "my deposit has not arrived yet",
        "the withdrawal has been pending since yesterday",
        "how do I change the PIN of my card",
        "why was I charged an extra fee for this transfer",
    ] * 5
    assert config_for(english) == ENGLISH_CONFIG
    mixed = english + ["param hesabıma geçmedi", "мой депозит не пришёл", "我的充值还没到账"]
    assert config_for(mixed) == FeatureConfig()


def test_a_model_saved_in_an_older_format_must_be_retrained(
    crypto: IntentClassifier, tmp_path: Path
) -> None:
    import json

    crypto.save(tmp_path / "m")
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    manifest["format_version"] = 2
    (tmp_path / "m" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelLoadError, match="format"):
        IntentClassifier.load(tmp_path / "m")
