"""Classification metrics as plain dicts (evaluators return a dict of metrics)."""

from __future__ import annotations

from collections import Counter

import numpy as np


def classification_metrics(gold: list[str], predicted: list[str], labels: list[str]) -> dict:
    """Accuracy, macro/weighted F1, per-label precision/recall/F1/support, confusion matrix."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    support = np.asarray(s)
    present = support > 0  # macro averages over the labels that occur in the evaluated file
    matrix = confusion_matrix(gold, predicted, labels=labels)
    return {
        "n": len(gold),
        "accuracy": float(np.mean([g == q for g, q in zip(gold, predicted)])) if gold else 0.0,
        "macro_f1": float(np.mean(f[present])) if present.any() else 0.0,
        "weighted_f1": float(np.average(f, weights=support)) if support.sum() else 0.0,
        "per_intent": {
            label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(support[i])}
            for i, label in enumerate(labels) if support[i] or Counter(predicted)[label]
        },
        "confusion": {"labels": labels, "matrix": matrix.tolist()},
    }


def most_confused_pairs(gold: list[str], predicted: list[str], top: int = 15) -> list[dict]:
    pairs = Counter((g, q) for g, q in zip(gold, predicted) if g != q)
    return [{"gold": g, "predicted": q, "count": n} for (g, q), n in pairs.most_common(top)]
