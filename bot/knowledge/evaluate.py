"""Retrieval evaluation: Recall@k, MRR and no-answer precision/recall on an authored query set,
and semantic-similarity evaluation (Spearman, AUC) on sentence pairs such as BQ."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np

from bot.jsonl import iter_jsonl
from bot.settings import PROJECT_ROOT

QUERIES_FILE = PROJECT_ROOT / "eval" / "data" / "retrieval" / "queries.jsonl"


def read_queries(path: Path = QUERIES_FILE) -> list[dict]:
    rows = []
    for number, row in iter_jsonl(Path(path).read_text(encoding="utf-8").splitlines(), path):
        if not isinstance(row.get("query"), str) or not isinstance(row.get("gold"), list):
            raise ValueError(f"{path}, line {number}: expected {{\"query\": str, \"gold\": [entry ids]}}")
        rows.append(row)
    return rows


def evaluate_retrieval(retriever, queries: list[dict], mode: str = "hybrid", k: int = 5) -> dict:
    """Ranking metrics on answerable queries; no-answer precision/recall on all of them."""
    reciprocal, at1, at5, latencies = [], [], [], []
    predicted_no_answer, truly_no_answer = [], []
    for row in queries:
        started = time.perf_counter()
        hits = retriever.search(row["query"], k=k, mode=mode, answerable_only=False)
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
