"""Retrieval evaluation: Recall@k, MRR and no-answer precision/recall on an authored query set,
and semantic-similarity evaluation (Spearman, AUC) on sentence pairs such as BQ."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np

from bot.jsonl import iter_jsonl
from bot.settings import PROJECT_ROOT

# The authored queries in two halves: fusion weights and thresholds are chosen on the tuning half
# only (eval/tune_retrieval.py); every reported figure is on the test half, on which nothing is chosen.
TUNING_QUERIES = PROJECT_ROOT / "eval" / "data" / "retrieval" / "tuning.jsonl"
TEST_QUERIES = PROJECT_ROOT / "eval" / "data" / "retrieval" / "test.jsonl"


def read_queries(path: Path = TEST_QUERIES) -> list[dict]:
    rows = []
    for number, row in iter_jsonl(Path(path).read_text(encoding="utf-8").splitlines(), path):
        if not isinstance(row.get("query"), str) or not isinstance(row.get("gold"), list):
            raise ValueError(f"{path}, line {number}: expected {{\"query\": str, \"gold\": [entry ids]}}")
        rows.append(row)
    return rows


def evaluate_retrieval(retriever, queries: list[dict], mode: str = "hybrid", k: int = 5,
                       intents: list[str | None] | None = None) -> dict:
    """Ranking metrics on answerable queries; no-answer precision/recall on all of them.
    ``intents``, one per query (None where the intent model is unsure), turns on the intent boost
    as the dialogue pipeline uses it."""
    reciprocal, at1, at5, latencies = [], [], [], []
    predicted_no_answer, truly_no_answer = [], []
    for number, row in enumerate(queries):
        intent = intents[number] if intents else None
        started = time.perf_counter()
        hits = retriever.search(row["query"], intent=intent, k=k, mode=mode, answerable_only=False)
        latencies.append(time.perf_counter() - started)
        gold = set(row["gold"])
        answered = bool(hits) and (mode == "sparse" or hits[0].similarity >= retriever.no_answer_threshold)
        predicted_no_answer.append(not answered)
        truly_no_answer.append(not gold)
        if not gold:
            continue
        ids = [h.entry_id for h in hits]
        rank = next((i for i, entry in enumerate(ids) if entry in gold), None)
        at1.append(rank == 0)
        at5.append(rank is not None and rank < 5)
        reciprocal.append(0.0 if rank is None else 1.0 / (rank + 1))
    predicted, truth = np.array(predicted_no_answer), np.array(truly_no_answer)
    tp = int((predicted & truth).sum())
    return {
        "mode": mode, "n": len(queries), "n_answerable": len(at1),
        "recall_at_1": float(np.mean(at1)), "recall_at_5": float(np.mean(at5)), "mrr": float(np.mean(reciprocal)),
        "no_answer_precision": tp / predicted.sum() if predicted.sum() else 0.0,
        "no_answer_recall": tp / truth.sum() if truth.sum() else 0.0,
        "latency_median_ms": float(np.median(latencies) * 1000),
        "latency_p99_ms": float(np.percentile(latencies, 99) * 1000),
    }


def evaluate_modes(retriever, queries: list[dict], intent_classifier=None) -> dict[str, dict]:
    """``evaluate_retrieval`` for hybrid, BM25-only and dense-only, and, given the intent model,
    ``hybrid+intent``: boosted towards the entries of the model's confident prediction, as the
    dialogue pipeline searches (the intent is predicted, never taken from the gold entries)."""
    results = {mode: evaluate_retrieval(retriever, queries, mode) for mode in ("hybrid", "sparse", "dense")}
    if intent_classifier is not None:
        predictions = intent_classifier.predict([row["query"] for row in queries])
        intents = [p.intent if p.confident else None for p in predictions]
        results["hybrid+intent"] = evaluate_retrieval(retriever, queries, "hybrid", intents=intents)
    return results


def format_modes(results: dict[str, dict]) -> str:
    return "\n".join(f"{mode:13s} R@1 {r['recall_at_1']:.3f}  R@5 {r['recall_at_5']:.3f}  MRR {r['mrr']:.3f}  "
                     f"no-answer P {r['no_answer_precision']:.3f} R {r['no_answer_recall']:.3f}  "
                     f"median {r['latency_median_ms']:.1f} ms" for mode, r in results.items())


def read_pairs(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"sentence1", "sentence2", "label"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}, line 1: missing columns {', '.join(sorted(missing))}")
        rows = list(reader)
    return [r["sentence1"] for r in rows], [r["sentence2"] for r in rows], np.array([float(r["label"]) for r in rows])


def evaluate_sts(encoder, first: list[str], second: list[str], labels: np.ndarray, prefix: str = "query: ") -> dict:
    """Cosine similarity of each pair against its label: Spearman correlation and ROC AUC."""
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score

    from bot.text import normalize

    texts = sorted({normalize(t) for t in first + second})
    vectors = encoder.encode([prefix + t for t in texts], batch_size=64, normalize_embeddings=True, show_progress_bar=True)
    lookup = dict(zip(texts, vectors))
    scores = np.array([float(lookup[normalize(a)] @ lookup[normalize(b)]) for a, b in zip(first, second)])
    return {"n": len(scores), "spearman": float(spearmanr(scores, labels).statistic),
            "auc": float(roc_auc_score(labels, scores)) if len(set(labels)) == 2 else None}
