"""The learned stage: character n-gram TF-IDF + logistic regression over none + scenarios.

The lexicon stage knows the words; this stage knows phrasings the lexicon never listed. It is
trained on models/fraud/data/train.jsonl (lines ``{"text": ..., "label": "<scenario id>|none"}``)
plus the customers' ordinary questions of the intent training split (as ``none``), and saved as a
folder in the cache: ``classifier.joblib`` plus ``manifest.json`` recording a sha256 of both
training sources and of every saved file. Loading verifies them, so a model trained on other data
is refused with the command that rebuilds it.

Why n-grams and not the sentence encoder (which this stage used until stop 24): scam texts are
long, and the encoder reads at most 512 tokens at 0.3–0.6 s a text on this CPU, so screening a
batch ran at 18 messages a second; character 1–4-grams read the whole text in about 3 ms. On the
real telecom dev half they also catch more (recall 88 % → 93 % before re-tuning) because a
fraudster's script is made of fixed phrases (解冻费, 认证账户, 换了新号码) that n-grams weigh
directly. ``eval/tune_fraud.py`` prints the cross-validated comparison and the choice of ``C``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from bot.artifacts import ArtifactError, read_manifest, sha256_file, write_manifest
from bot.fraud.catalogue import NONE_LABEL
from bot.jsonl import iter_jsonl
from bot.labelled import LabelledText
from bot.linear import proba
from bot.products import understand
from bot.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

TRAIN_FILE = PROJECT_ROOT / "models" / "fraud" / "data" / "train.jsonl"
# Held out from training: choices of thresholds and rules are made on it (never on the test set).
DEV_FILE = PROJECT_ROOT / "models" / "fraud" / "data" / "dev.jsonl"
# Customers' own questions (the intent training split) are ordinary messages too, and the most
# common ones the detector sees: without them an n-gram model has seen few short questions, and
# 取消我的微粒贷 or 申请贷款 read to it like a scam's opening line (1.5 % false alarms on real
# BQ questions). Every intent but fraud.report (a customer telling us about a scam) counts as none.
ORDINARY_CUSTOMER_SPLIT = PROJECT_ROOT / "models" / "intent" / "data" / "train"
SCAM_REPORT_INTENT = "fraud.report"
MODEL_FILE = "classifier.joblib"
ARTEFACT_NAME = "fraud classifier"
BUILD_COMMAND = "finbot train fraud"
FEATURES = "tfidf-char-1-4"
# Inverse regularisation strength: the value with the lowest cross-validated log-loss on the
# training file (5 folds; `python eval/tune_fraud.py c` prints the sweep), so the probabilities
# the fusion rule thresholds are calibrated on our data rather than over-confident.
REGULARISATION_C = 200.0
# Scam scripts run to hundreds of characters; beyond this the n-grams add nothing but time.
MAX_CHARS = 4000


class TrainingDataError(ValueError):
    """A training file line is malformed; the message names the file and line."""


def read_training_file(path: Path, known_labels: set[str]) -> list[LabelledText]:
    """The examples of a JSONL training file; every label must be ``none`` or a known scenario."""
    path = Path(path)
    if not path.is_file():
        raise TrainingDataError(f"{path}: training file not found")
    examples = []
    with open(path, encoding="utf-8") as handle:
        for number, record in iter_jsonl(handle, path, TrainingDataError):
            if not isinstance(record.get("text"), str) or not record["text"].strip():
                raise TrainingDataError(f"{path}, line {number}: needs a non-empty \"text\" string")
            label = record.get("label")
            if label != NONE_LABEL and label not in known_labels:
                raise TrainingDataError(f"{path}, line {number}: unknown label {label!r}; use 'none' or a scenario id")
            examples.append(LabelledText(record["text"], label, number))
    if not examples:
        raise TrainingDataError(f"{path}: no examples")
    return examples


def ordinary_customer_texts(split: Path = ORDINARY_CUSTOMER_SPLIT) -> list[str]:
    """The customer utterances of the intent training split, except reports of scams."""
    from bot.intent.data import load_split

    return sorted({example.text for example in load_split(split) if example.label != SCAM_REPORT_INTENT})


def training_set(train_path: Path, known_labels: set[str],
                 customer_split: Path = ORDINARY_CUSTOMER_SPLIT) -> tuple[list[str], list[str]]:
    """Texts and labels the classifier is fitted on: the fraud training file, then the customers'
    ordinary questions as ``none`` (those not already in the file)."""
    examples = read_training_file(train_path, known_labels)
    texts, labels = [e.text for e in examples], [e.label for e in examples]
    seen = set(texts)
    extra = [text for text in ordinary_customer_texts(customer_split) if text not in seen]
    return texts + extra, labels + [NONE_LABEL] * len(extra)


def prepare(text: str) -> str:
    """The text as the classifier reads it: the shared normalisation (width, 繁→简, product names)."""
    return understand(text[:MAX_CHARS])


def make_model(c: float = REGULARISATION_C):
    """An unfitted scikit-learn pipeline: TF-IDF over character 1–4-grams, then logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 4), sublinear_tf=True, min_df=2, max_features=300_000),
        LogisticRegression(C=c, max_iter=3000),
    )


def fit(texts: list[str], labels: list[str], c: float = REGULARISATION_C):
    """The fitted pipeline on the prepared texts."""
    model = make_model(c)
    model.fit([prepare(text) for text in texts], labels)
    return model


class FraudClassifier:
    """Probabilities of none and of each scenario for a batch of texts."""

    def __init__(self, model: Any, manifest: dict[str, Any]) -> None:
        self.model = model
        self.manifest = manifest
        self.labels: list[str] = [str(label) for label in model.classes_]

    def probability_matrix(self, texts: list[str]) -> np.ndarray:
        """Rows of probabilities in the order of :attr:`labels`."""
        features = self.model[:-1].transform([prepare(text) for text in texts])
        return proba(self.model[-1], features)

    def probabilities(self, texts: list[str]) -> list[dict[str, float]]:
        """One mapping label → probability per text (labels: ``none`` and scenario ids)."""
        if not texts:
            return []
        return [dict(zip(self.labels, map(float, row))) for row in self.probability_matrix(texts)]


def train_and_save(out_dir: Path, known_labels: set[str], train_path: Path = TRAIN_FILE) -> dict[str, Any]:
    """Fit the classifier on the training file and save it with its manifest into ``out_dir``."""
    import joblib
    import sklearn

    texts, labels = training_set(train_path, known_labels)
    log.info("fitting the fraud classifier on %d texts", len(texts))
    prepared = [prepare(text) for text in texts]  # once: for fitting and for the training accuracy
    model = make_model()
    model.fit(prepared, labels)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, out_dir / MODEL_FILE)
    info = {
        "artefact": ARTEFACT_NAME,
        "features": FEATURES,
        "train_file": _display_path(train_path),
        "train_sha256": sha256_file(train_path),
        "customer_split_sha256": _customer_fingerprint(),
        "labels": [str(label) for label in model.classes_],
        "examples": {label: labels.count(label) for label in sorted(set(labels))},
        "regularisation_c": REGULARISATION_C,
        "training_accuracy": float(model.score(prepared, labels)),
        "sklearn": sklearn.__version__,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    return write_manifest(out_dir, info)


def check_classifier(model_dir: Path, train_path: Path = TRAIN_FILE) -> dict[str, Any]:
    """The manifest of a saved classifier that is intact and current, or :class:`ArtifactError`."""
    manifest = read_manifest(Path(model_dir), ARTEFACT_NAME, BUILD_COMMAND)
    if manifest.get("artefact") != ARTEFACT_NAME:
        raise ArtifactError(ARTEFACT_NAME, f"{model_dir} does not hold a fraud classifier", BUILD_COMMAND)
    if manifest.get("features") != FEATURES:
        raise ArtifactError(ARTEFACT_NAME, f"stale: built with features {manifest.get('features')!r}, now {FEATURES!r}",
                            BUILD_COMMAND)
    if Path(train_path).is_file() and manifest.get("train_sha256") != sha256_file(train_path):
        raise ArtifactError(ARTEFACT_NAME, f"stale: {_display_path(train_path)} changed since it was trained", BUILD_COMMAND)
    if ORDINARY_CUSTOMER_SPLIT.is_dir() and manifest.get("customer_split_sha256") != _customer_fingerprint():
        raise ArtifactError(ARTEFACT_NAME, f"stale: {_display_path(ORDINARY_CUSTOMER_SPLIT)} changed since it was trained",
                            BUILD_COMMAND)
    return manifest


def load_classifier(model_dir: Path, train_path: Path = TRAIN_FILE) -> FraudClassifier:
    """A verified classifier (raises :class:`ArtifactError`)."""
    import joblib

    manifest = check_classifier(model_dir, train_path)
    return FraudClassifier(joblib.load(Path(model_dir) / MODEL_FILE), manifest)


def _customer_fingerprint() -> str:
    from bot.intent.data import split_fingerprint

    return split_fingerprint(ORDINARY_CUSTOMER_SPLIT)


def _display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
