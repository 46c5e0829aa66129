"""Stratified k-fold cross-validation of a labelled training file."""

from __future__ import annotations

import numpy as np

from bot.intent.data import Example
from bot.intent.trainer import TrainingConfig, train_baseline, train_transformer


def cross_validate(rows: list[Example], folds: int = 5, with_transformer: bool = False, seed: int = 42) -> dict:
    from sklearn.model_selection import StratifiedKFold

    from bot.backbone import build_backbone

    labels = [r.label for r in rows]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    per_fold = []
    for fold, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(rows)), labels), start=1):
        train = [rows[i] for i in train_idx]
        test = [rows[i] for i in test_idx]
        models = {"baseline": train_baseline(train, seed)}
        if with_transformer:
            models["transformer"] = train_transformer(train, build_backbone().location, TrainingConfig.from_file())
        result = {"fold": fold, "n_test": len(test)}
        for name, model in models.items():
            predicted = [p.intent for p in model.predict([r.text for r in test])]
            result[f"{name}_accuracy"] = float(np.mean([p == r.label for p, r in zip(predicted, test)]))
        per_fold.append(result)
    summary = {"folds": per_fold, "k": folds, "n": len(rows)}
    for key in per_fold[0]:
        if key.endswith("_accuracy"):
            values = [f[key] for f in per_fold]
            summary[f"{key}_mean"] = float(np.mean(values))
            summary[f"{key}_std"] = float(np.std(values))
    return summary
