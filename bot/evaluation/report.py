"""Batch evaluation of an intent classifier on a labelled set → a report folder for analysts.

The folder holds ``metrics.json`` (accuracy, macro/weighted F1, per-intent P/R/F1/support, ECE,
coverage curve, confused pairs, throughput), ``confusion.json`` and ``confusion.png``,
``reliability.png``, ``errors.csv`` (every miss with its confidence and top-3), and ``index.html``
showing them together.
"""

from __future__ import annotations

import csv
import html
import json
import time
from pathlib import Path

import numpy as np

from bot.evaluation.metrics import classification_metrics, most_confused_pairs
from bot.intent.calibration import coverage_curve, expected_calibration_error, reliability_bins
from bot.intent.data import Example
from bot.intent.modeling import IntentClassifier
from bot.labelled import write_metrics


def measure_speed(classifier: IntentClassifier, texts: list[str], singles: int = 100) -> dict:
    """Single-message median latency and batch throughput (messages per second)."""
    sample = texts[:singles]
    classifier.classify(sample[0])  # warm-up
    latencies = []
    for text in sample:
        start = time.perf_counter()
        classifier.classify(text)
        latencies.append(time.perf_counter() - start)
    start = time.perf_counter()
    classifier.predict_proba(texts)
    elapsed = time.perf_counter() - start
    return {"single_median_ms": float(np.median(latencies) * 1000), "single_p99_ms": float(np.percentile(latencies, 99) * 1000),
            "batch_messages_per_s": len(texts) / elapsed if elapsed else None}


def evaluate(classifier: IntentClassifier, examples: list[Example], out: Path | None = None,
             title: str = "intent evaluation", speed: bool = True) -> dict:
    texts = [e.text for e in examples]
    gold = [e.label for e in examples]
    probs = classifier.predict_proba(texts)
    predicted = [classifier.labels[i] for i in probs.argmax(axis=1)]
    labels = sorted(set(classifier.labels) | set(gold))
    metrics = classification_metrics(gold, predicted, labels)
    y = np.array([classifier.labels.index(g) if g in classifier.labels else -1 for g in gold])
    metrics.update(
        model=classifier.kind,
        ece=expected_calibration_error(probs, y),
        threshold=classifier.threshold,
        coverage_curve=coverage_curve(probs, y),
        reliability=reliability_bins(probs, y),
        confused_pairs=most_confused_pairs(gold, predicted),
    )
    answered = probs.max(axis=1) >= classifier.threshold
    metrics["at_threshold"] = {"coverage": float(answered.mean()),
                               "accuracy": float((probs.argmax(1) == y)[answered].mean()) if answered.any() else None}
    if speed:
        metrics["throughput"] = measure_speed(classifier, texts)
    if out is not None:
        write_report(Path(out), metrics, examples, probs, predicted, classifier.labels, title)
    return metrics


def write_report(out: Path, metrics: dict, examples, probs, predicted, model_labels, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    confusion = metrics.pop("confusion")
    (out / "confusion.json").write_text(json.dumps(confusion, ensure_ascii=False), encoding="utf-8")
    write_metrics(out, metrics)
    metrics["confusion"] = confusion

    with open(out / "errors.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "gold", "predicted", "confidence", "top3"])
        for example, row, guess in zip(examples, probs, predicted):
            if guess != example.label:
                top = np.argsort(-row)[:3]
                writer.writerow([example.text, example.label, guess, f"{row.max():.3f}",
                                 " | ".join(f"{model_labels[j]}:{row[j]:.2f}" for j in top)])

    matrix = np.array(confusion["matrix"], dtype=float)
    norm = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    n = len(confusion["labels"])
    size = max(6, n * 0.28)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(n), confusion["labels"], rotation=90, fontsize=7)
    ax.set_yticks(range(n), confusion["labels"], fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(f"{title}: confusion (row-normalised)")
    fig.tight_layout()
    fig.savefig(out / "confusion.png", dpi=110)
    plt.close(fig)

    bins = [b for b in metrics["reliability"] if b["count"]]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.bar([(b["low"] + b["high"]) / 2 for b in bins], [b["accuracy"] for b in bins], width=0.09,
           alpha=0.7, label="accuracy in bin")
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(f"reliability (ECE {metrics['ece']:.3f})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "reliability.png", dpi=110)
    plt.close(fig)

    (out / "index.html").write_text(_html(metrics, title), encoding="utf-8")


def _html(metrics: dict, title: str) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(k)}</td><td>{v['precision']:.3f}</td><td>{v['recall']:.3f}</td><td>{v['f1']:.3f}</td><td>{v['support']}</td></tr>"
        for k, v in sorted(metrics["per_intent"].items(), key=lambda kv: kv[1]["f1"]))
    pairs = "".join(f"<tr><td>{e(p['gold'])}</td><td>{e(p['predicted'])}</td><td>{p['count']}</td></tr>"
                    for p in metrics["confused_pairs"])
    def fmt(value):
        return "" if value is None else f"{value:.3f}"

    curve = "".join(f"<tr><td>{c['threshold']:.2f}</td><td>{c['coverage']:.3f}</td><td>{fmt(c['accuracy'])}</td></tr>"
                    for c in metrics["coverage_curve"])
    speed = metrics.get("throughput") or {}
    baseline = metrics.get("baseline")
    baseline_line = (f"<p>Baseline (TF-IDF + LR): accuracy {baseline['accuracy']:.4f}, macro-F1 {baseline['macro_f1']:.4f}</p>"
                     if baseline else "")
    return f"""<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{e(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}}td:first-child{{text-align:left}}img{{max-width:100%}}</style>
<h1>{e(title)}</h1>
<p>model: {e(str(metrics.get('model')))} · n = {metrics['n']} · accuracy <b>{metrics['accuracy']:.4f}</b> ·
macro-F1 <b>{metrics['macro_f1']:.4f}</b> · weighted-F1 {metrics['weighted_f1']:.4f} · ECE {metrics['ece']:.4f}</p>
{baseline_line}
<p>speed: one message {speed.get('single_median_ms', float('nan')):.1f} ms (median) ·
batch {speed.get('batch_messages_per_s') or 0:.0f} messages/s</p>
<h2>Confusion matrix</h2><img src="confusion.png" alt="confusion matrix">
<h2>Reliability</h2><img src="reliability.png" alt="reliability diagram">
<h2>Accuracy / coverage by confidence threshold (chosen: {metrics['threshold']:.2f})</h2>
<table><tr><th>threshold</th><th>coverage</th><th>accuracy</th></tr>{curve}</table>
<h2>Most confused pairs</h2><table><tr><th>gold</th><th>predicted</th><th>count</th></tr>{pairs}</table>
<h2>Per intent (worst first)</h2><table><tr><th>intent</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>{rows}</table>
<p>Errors with confidences: <a href="errors.csv">errors.csv</a></p></html>"""


def write_summary(out: Path, metrics: dict) -> None:
    """Rewrite metrics.json and index.html after extra results (the baseline) were added."""
    confusion = metrics.pop("confusion", None)
    write_metrics(out, metrics)
    if confusion is not None:
        metrics["confusion"] = confusion
    (Path(out) / "index.html").write_text(_html(metrics, "intent evaluation"), encoding="utf-8")
