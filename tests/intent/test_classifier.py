"""The shipped intent model: top-k predictions, calibrated confidence, bad input, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from bot.cli import app

HELD_OUT = yaml.safe_load((Path(__file__).parents[1] / "heldout.yaml").read_text(encoding="utf-8"))


def test_clear_messages_get_their_intent_with_top_k(intent_classifier):
    # Sentences in no training file (tests/heldout.yaml, checked by the leakage guard).
    for row in HELD_OUT["intent_clear_messages"]:
        text, intent = row["text"], row["intent"]
        prediction = intent_classifier.classify(text, top_k=3)
        assert prediction.intent == intent, (text, prediction.top)
        assert len(prediction.top) == 3
        assert prediction.top[0].probability >= prediction.top[1].probability >= prediction.top[2].probability
        assert abs(sum(p for p in intent_classifier.predict_proba([text])[0]) - 1.0) < 1e-4


def test_empty_and_whitespace_are_unclear_without_the_model(intent_classifier):
    for text in ("", "   ", "\u3000\n"):
        prediction = intent_classifier.classify(text)
        assert prediction.intent == "unclear" and prediction.confidence == 1.0


def test_very_long_text_is_truncated_not_rejected(intent_classifier):
    text = "我想问一下提前还款的事情，" * 400
    assert intent_classifier.classify(text).intent == "repay.early"


def test_confidence_threshold_is_calibrated_on_dev(intent_classifier):
    assert 0.3 <= intent_classifier.threshold <= 0.7
    assert 0.2 < intent_classifier.temperature < 5


def test_cli_prints_top_intents():
    result = CliRunner().invoke(app, ["intent", "怎么换绑银行卡", "--json"])
    assert result.exit_code == 0, result.output
    top = json.loads(result.output)["top"]
    assert top[0]["intent"] == "repay.card"


def test_eval_cli_writes_a_full_report(intent_classifier, tmp_path):
    data = tmp_path / "labelled.jsonl"
    rows = [("怎么还款", "repay.how"), ("逾期一天会怎样", "repay.overdue"), ("转人工", "human.agent"),
            ("额度怎么提升", "limit.increase"), ("你好", "chitchat.greeting"), ("提前还清要多少钱", "repay.early.full")]
    data.write_text("".join(json.dumps({"text": t, "label": l}, ensure_ascii=False) + "\n" for t, l in rows), encoding="utf-8")
    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["eval", "intent", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["n"] == 6 and metrics["accuracy"] >= 5 / 6
    assert {"accuracy", "macro_f1", "weighted_f1", "per_intent", "ece", "throughput", "baseline"} <= set(metrics)
    assert metrics["per_intent"]["repay.early"]["support"] == 1  # the finer label rolled up
    for name in ("confusion.png", "confusion.json", "reliability.png", "errors.csv", "index.html"):
        assert (out / name).stat().st_size > 0, name


def test_eval_cli_refuses_unknown_labels_and_writes_nothing(intent_classifier, tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("text,label\n怎么还款,repay.how\n你好,greeting.hello\n", encoding="utf-8")
    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["eval", "intent", "--data", str(data), "--out", str(out)])
    assert result.exit_code != 0
    assert "greeting.hello" in result.output
    assert not out.exists()
