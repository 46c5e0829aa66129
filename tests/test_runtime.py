"""ONNX Runtime inference (bot.runtime, bot.sentence_encoder): the exports reproduce PyTorch, the
encoder batches concurrent callers correctly, and stale or broken exports are refused."""

from __future__ import annotations

import json
import shutil
import threading

import numpy as np
import pytest

from bot import runtime, sentence_encoder
from bot.artifacts import ArtifactError
from bot.settings import Settings

TEXTS = ["提前还款要手续费吗", "我的額度怎麼沒了", "有人让我把验证码发给他 😟", "APP登不上", "ok",
         "借款" * 300]  # the last one is longer than the encoder's 512 tokens: truncated, not rejected


@pytest.fixture(scope="module")
def torch_encoder(settings):
    return sentence_encoder.load_sentence_encoder(settings.model_copy(update={"inference_runtime": "torch"}))


def test_onnx_sentence_encoder_reproduces_sentence_transformers(encoder, torch_encoder):
    assert isinstance(encoder, runtime.OnnxEncoder)
    ours = encoder.encode(TEXTS, prompt_name="query")
    theirs = torch_encoder.encode(TEXTS, prompt_name="query", normalize_embeddings=True)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert np.abs(ours - theirs).max() < 1e-4
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(encoder.encode("ok", prompt_name="query"), ours[4], atol=1e-5)  # alone = in a batch


def test_concurrent_callers_are_batched_and_each_gets_its_own_rows(encoder):
    expected = {text: encoder.encode([text])[0] for text in TEXTS}
    results: dict[int, np.ndarray] = {}

    def call(number: int) -> None:
        text = TEXTS[number % len(TEXTS)]
        results[number] = encoder.encode([text, text + "？"])

    threads = [threading.Thread(target=call, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 24
    for number, rows in results.items():
        text = TEXTS[number % len(TEXTS)]
        assert rows.shape == (2, 384)
        assert np.abs(rows[0] - expected[text]).max() < 1e-4  # its own text, not a neighbour's in the batch
        assert not np.allclose(rows[0], rows[1])


def test_one_callers_bad_input_fails_only_that_caller(encoder):
    outcome: dict[str, object] = {}
    barrier = threading.Barrier(6)

    def call(name: str, texts) -> None:
        barrier.wait()
        try:
            outcome[name] = encoder.run(texts)
        except Exception as exc:  # the tokenizer refuses a non-string
            outcome[name] = exc

    threads = [threading.Thread(target=call, args=(f"good{n}", ["还款日是哪天"])) for n in range(5)]
    threads.append(threading.Thread(target=call, args=("bad", [None])))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert isinstance(outcome["bad"], Exception)
    assert all(isinstance(outcome[f"good{n}"], np.ndarray) for n in range(5))


def test_shipped_intent_graph_agrees_with_the_pytorch_weights(intent_classifier, settings):
    from bot.intent.artefact import model_dir
    from bot.intent.data import DEV_DIR, load_split
    from bot.intent.modeling import TransformerIntentClassifier

    assert intent_classifier.onnx is not None and intent_classifier.model is None  # ships on ONNX Runtime
    torch_model = TransformerIntentClassifier.load(model_dir(settings), runtime="torch")
    texts = [e.text for e in load_split(DEV_DIR)][::4]
    ours, theirs = intent_classifier.predict_proba(texts), torch_model.predict_proba(texts)
    assert np.array_equal(ours.argmax(1), theirs.argmax(1))
    assert np.abs(ours - theirs).max() < 1e-3


def test_an_export_that_does_not_reproduce_pytorch_is_refused(backbone, tmp_path, monkeypatch):
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(backbone.location).eval()
    tokenizer = AutoTokenizer.from_pretrained(backbone.location)
    monkeypatch.setattr(runtime, "EXPORT_TOLERANCE", -1.0)  # no graph can be closer than that
    with pytest.raises(runtime.ExportError, match="differs from PyTorch"):
        runtime.export_onnx(model, tokenizer, tmp_path / "model.onnx", "hidden")
    assert not (tmp_path / "model.onnx").exists()


def test_export_from_another_backbone_is_stale(encoder, settings, tmp_path):
    cache = tmp_path / "cache"
    (cache / "build").mkdir(parents=True)
    (cache / "build" / "backbone").symlink_to(settings.backbone_dir)
    shutil.copytree(sentence_encoder.encoder_dir(settings), cache / "build" / "encoder")
    copied = Settings(cache_dir=cache)
    assert sentence_encoder.status(copied)["ok"]
    manifest_file = cache / "build" / "encoder" / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["backbone"] = "someone/else"
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    state = sentence_encoder.status(copied)
    assert not state["ok"] and "stale" in state["error"] and state["build"] == "finbot build encoder"
    with pytest.raises(ArtifactError, match="finbot build encoder"):
        sentence_encoder.load_sentence_encoder(copied)


def test_int8_quantisation_keeps_sentence_embeddings_close(encoder, settings, tmp_path):
    """The optional int8 path (``quantize_int8`` in the intent recipe) on the sentence encoder's graph."""
    runtime.quantize_int8(sentence_encoder.encoder_dir(settings) / sentence_encoder.GRAPH, tmp_path / "int8.onnx")
    quantised = runtime.OnnxEncoder(tmp_path / "int8.onnx", encoder.tokenizer, threads=1, max_length=encoder.max_length)
    texts = ["query: " + t for t in TEXTS[:5]]
    cosines = (quantised.run(texts) * encoder.run(texts)).sum(axis=1)
    assert (tmp_path / "int8.onnx").stat().st_size < 0.8 * (sentence_encoder.encoder_dir(settings) / "model.onnx").stat().st_size
    assert cosines.min() > 0.95, cosines
