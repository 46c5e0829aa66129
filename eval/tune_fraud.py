"""Choices of the fraud classifier and of the fusion rule, made on our own data only.

    .venv/bin/python eval/tune_fraud.py c        # C of the logistic regression by 5-fold CV log-loss
    .venv/bin/python eval/tune_fraud.py fusion   # the catalogue's scoring values, swept
    .venv/bin/python eval/tune_fraud.py check    # the built detector on our own dev file and customers

``c`` prints the cross-validated log-loss and accuracy of the n-gram classifier on
models/fraud/data/train.jsonl for each C: the lowest log-loss is the calibrated choice
(``REGULARISATION_C`` in bot/fraud/classifier.py).

``fusion`` scores every combination of ``classifier_weight``, ``classifier_alone`` and
``classifier_veto`` (models/fraud/scenarios.yaml → scoring) on three sets of our own, never on
the real telecom set that measures us: cross-validated predictions for the training set (the
fraud file plus the customers' questions of the intent training split), the held-out dev file
(model fitted on the training set), and the customers' questions of the intent dev split that
are not in training (all ordinary: any warning there is a false alarm). It prints recall and false alarms on each.

``check`` runs the built detector (``finbot build``) on the last two of those sets: the quick look
after retraining, before the real-text benchmark (eval/bench_fraud.py).
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.fraud.catalogue import NONE_LABEL, load_catalogue  # noqa: E402
from bot.fraud.classifier import (  # noqa: E402
    DEV_FILE,
    TRAIN_FILE,
    fit,
    make_model,
    ordinary_customer_texts,
    prepare,
    read_training_file,
    training_set,
)
from bot.fraud.detector import FraudDetector  # noqa: E402
from bot.settings import PROJECT_ROOT  # noqa: E402

INTENT_DEV = PROJECT_ROOT / "models" / "intent" / "data" / "dev"
FOLDS = 5
C_GRID = (20.0, 50.0, 100.0, 200.0, 500.0)


def cross_validated(texts: list[str], labels: list[str], c: float) -> tuple[np.ndarray, list[str]]:
    """Out-of-fold probabilities (stratified folds) and the label order of their columns."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    prepared = [prepare(text) for text in texts]
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    matrix = cross_val_predict(make_model(c), prepared, labels, cv=folds, method="predict_proba", n_jobs=2)
    return matrix, sorted(set(labels))


def sweep_c(texts: list[str], labels: list[str]) -> None:
    from sklearn.metrics import log_loss

    for c in C_GRID:
        matrix, order = cross_validated(texts, labels, c)
        accuracy = float(np.mean([order[i] == label for i, label in zip(matrix.argmax(axis=1), labels)]))
        print(f"C={c:>5}: CV log-loss {log_loss(labels, matrix, labels=order):.4f}  accuracy {accuracy:.4f}")


def as_dicts(matrix: np.ndarray, order: list[str]) -> list[dict[str, float]]:
    return [dict(zip(order, map(float, row))) for row in matrix]


def detection_rates(detector: FraudDetector, texts: list[str], labels: list[str],
                    probabilities: list[dict[str, float]]) -> tuple[float, float]:
    """Recall on the scams and false-alarm rate on the ordinary texts."""
    alerts = [detector.judge(text, row).alert for text, row in zip(texts, probabilities)]
    scams = [alert for alert, label in zip(alerts, labels) if label != NONE_LABEL]
    ordinary = [alert for alert, label in zip(alerts, labels) if label == NONE_LABEL]
    return float(np.mean(scams)) if scams else float("nan"), float(np.mean(ordinary)) if ordinary else float("nan")


def sweep_fusion(train_texts: list[str], train_labels: list[str], dev, customers: list[str]) -> None:
    from bot.fraud.classifier import REGULARISATION_C

    catalogue = load_catalogue()
    cv_matrix, order = cross_validated(train_texts, train_labels, REGULARISATION_C)
    model = fit(train_texts, train_labels)
    classes = [str(label) for label in model.classes_]
    dev_rows = as_dicts(model.predict_proba([prepare(e.text) for e in dev]), classes)
    customer_rows = as_dicts(model.predict_proba([prepare(text) for text in customers]), classes)
    sets = {
        "train (CV)": (train_texts, train_labels, as_dicts(cv_matrix, order)),
        "dev": ([e.text for e in dev], [e.label for e in dev], dev_rows),
        "customers": (customers, [NONE_LABEL] * len(customers), customer_rows),
    }
    print(f"{'weight':>6} {'alone':>5} {'veto':>5} | " + " | ".join(f"{name:>20}" for name in sets))
    for weight, alone, veto in itertools.product((0.3, 0.4, 0.5), (0.9, 0.95, 0.99, 1.01), (0.05, 0.2, 0.4)):
        scoring = replace(catalogue.scoring, classifier_weight=weight, classifier_alone=alone, classifier_veto=veto)
        detector = FraudDetector(replace(catalogue, scoring=scoring), fallback_reason="fusion sweep")
        cells = []
        for texts, labels, rows in sets.values():
            recall, false_alarms = detection_rates(detector, texts, labels, rows)
            cells.append(f"R {recall:6.2%} FA {false_alarms:6.2%}" if recall == recall else f"       FA {false_alarms:6.2%}")
        print(f"{weight:>6} {alone:>5} {veto:>5} | " + " | ".join(f"{cell:>20}" for cell in cells))


def check_built(dev, customers: list[str]) -> None:
    detector = FraudDetector.load()
    print(f"stages: {detector.stages}")
    texts, labels = [e.text for e in dev], [e.label for e in dev]
    recall, false_alarms = detection_rates(detector, texts, labels, detector.classifier.probabilities(texts))
    n_ordinary = labels.count(NONE_LABEL)
    print(f"dev: recall {recall:.2%} of {len(labels) - n_ordinary}, false alarms {false_alarms:.2%} of {n_ordinary}")
    _, alarms = detection_rates(detector, customers, [NONE_LABEL] * len(customers),
                                detector.classifier.probabilities(customers))
    print(f"customers (intent dev, not in training): false alarms {alarms:.2%} of {len(customers)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("c", "fusion", "check"))
    args = parser.parse_args()
    logging.getLogger("bot.fraud.detector").setLevel(logging.ERROR)  # each swept detector is lexicon-only
    known = set(load_catalogue().scenarios)
    train_texts, train_labels = training_set(TRAIN_FILE, known)
    if args.what == "c":
        sweep_c(train_texts, train_labels)
        return 0
    dev = read_training_file(DEV_FILE, known)
    seen = set(train_texts)
    customers = [text for text in ordinary_customer_texts(INTENT_DEV) if text not in seen]
    if args.what == "check":
        check_built(dev, customers)
    else:
        sweep_fusion(train_texts, train_labels, dev, customers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
