"""Probabilities of a fitted scikit-learn logistic regression, computed directly.

``LogisticRegression.predict_proba`` validates its input on every call, which costs about a
millisecond: more than the arithmetic for one message. The per-message path (the intent model's
TF-IDF expert, the fraud classifier) calls this instead; ``tests/test_linear.py`` checks it
against ``predict_proba``.
"""

from __future__ import annotations

import numpy as np


def log_proba(model, features) -> np.ndarray:
    """``log(model.predict_proba(features))`` for a fitted multinomial or binary ``LogisticRegression``;
    ``features`` may be dense or a scipy sparse matrix."""
    scores = np.asarray(features @ model.coef_.T) + model.intercept_
    if scores.shape[1] == 1:  # binary: the one score is the log-odds of classes_[1]
        scores = np.hstack([np.zeros_like(scores), scores])
    scores = scores - scores.max(axis=1, keepdims=True)
    return scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))


def proba(model, features) -> np.ndarray:
    return np.exp(log_proba(model, features))
