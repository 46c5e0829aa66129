"""Confidence calibration: temperature scaling, expected calibration error, and the threshold
below which the dialogue asks a clarifying question instead of answering."""

from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood on held-out data (Guo et al. 2017)."""
    import torch

    z = torch.tensor(logits, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.long)
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure():
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(z / log_t.exp(), y)
        loss.backward()
        return loss

    optimiser.step(closure)
    return float(log_t.detach().exp().clamp(0.05, 20.0))


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(ece)


def reliability_bins(probs: np.ndarray, labels: np.ndarray, bins: int = 10) -> list[dict]:
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidence > lo) & (confidence <= hi)
        rows.append({"low": round(float(lo), 2), "high": round(float(hi), 2), "count": int(inside.sum()),
                     "accuracy": float(correct[inside].mean()) if inside.any() else None,
                     "confidence": float(confidence[inside].mean()) if inside.any() else None})
    return rows


def coverage_curve(probs: np.ndarray, labels: np.ndarray, thresholds=None) -> list[dict]:
    """For each threshold: the share of messages answered and the accuracy on those answered."""
    thresholds = np.round(np.arange(0.0, 0.96, 0.05), 2) if thresholds is None else thresholds
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    rows = []
    for t in thresholds:
        answered = confidence >= t
        rows.append({"threshold": float(t), "coverage": float(answered.mean()),
                     "accuracy": float(correct[answered].mean()) if answered.any() else None})
    return rows


# Answering wrongly costs more than a clarifying question: we want ≥ 98 % accuracy on the
# messages answered directly, asking back on the rest, within sensible bounds.
TARGET_ANSWERED_ACCURACY = 0.98
THRESHOLD_BOUNDS = (0.30, 0.70)


def choose_threshold(probs: np.ndarray, labels: np.ndarray) -> float:
    lo, hi = THRESHOLD_BOUNDS
    for row in coverage_curve(probs, labels, np.round(np.arange(lo, hi + 1e-9, 0.01), 2)):
        if row["accuracy"] is not None and row["accuracy"] >= TARGET_ANSWERED_ACCURACY:
            return row["threshold"]
    return hi
