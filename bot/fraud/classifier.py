"""The learned stage: backbone sentence embeddings + logistic regression over none + scenarios.

The lexicon stage knows the words; this stage knows phrasings the lexicon never listed. It is
trained on models/fraud/data/train.jsonl (lines ``{"text": ..., "label": "<scenario id>|none"}``)
and saved as a folder in the cache: ``classifier.joblib`` plus ``manifest.json`` recording the
backbone id, a sha256 of the training file and of every saved file. Loading verifies all three,
so a model trained on other data or another backbone is refused with the command that rebuilds it.
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
from bot.settings import PROJECT_ROOT, Settings, get_settings

log = logging.getLogger(__name__)

TRAIN_FILE = PROJECT_ROOT / "models" / "fraud" / "data" / "train.jsonl"
# Held out from training: choices of thresholds and rules are made on it (never on the test set).
DEV_FILE = PROJECT_ROOT / "models" / "fraud" / "data" / "dev.jsonl"
MODEL_FILE = "classifier.joblib"
ARTEFACT_NAME = "fraud classifier"
BUILD_COMMAND = "finbot train fraud"
# e5 models expect this prefix on texts that are compared as queries (symmetric tasks included).
# Texts are encoded exactly as the retriever encodes a customer message (prefix + the project's
# shared normalisation), so the dialogue pipeline can hand the detector the embedding it already
# computed instead of running the backbone twice.
QUERY_PREFIX = "query: "
# Inverse regularisation strength of the logistic regression: embeddings are unit vectors, so the
# weights need room to grow; chosen by cross-validation on the training file (see the report of
# `finbot train fraud`).
REGULARISATION_C = 20.0
ENCODE_BATCH = 64


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


def encode(encoder: Any, texts: list[str], progress: bool = False) -> np.ndarray:
    """Unit-length sentence embeddings of the normalised texts, as e5 queries."""
    prefixed = [QUERY_PREFIX + understand(text) for text in texts]
    return np.asarray(
        encoder.encode(prefixed, batch_size=ENCODE_BATCH, normalize_embeddings=True, show_progress_bar=progress),
        dtype=np.float32,
    )


def fit_logistic_regression(embeddings: np.ndarray, labels: list[str], c: float = REGULARISATION_C):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(embeddings, labels)
    return model


class FraudClassifier:
    """Probabilities of none and of each scenario for a batch of texts."""

    def __init__(self, model: Any, encoder: Any, manifest: dict[str, Any]) -> None:
        self.model = model
        self.encoder = encoder
        self.manifest = manifest
        self.labels: list[str] = [str(label) for label in model.classes_]

    def probabilities(self, texts: list[str], embeddings: np.ndarray | None = None) -> list[dict[str, float]]:
        """One mapping label → probability per text (labels: ``none`` and scenario ids).

        ``embeddings``, when given, are the texts' embeddings as :func:`encode` computes them
        (the retriever's query embeddings are the same), and the backbone is not run again.
        """
        if not texts:
            return []
        if embeddings is None:
            embeddings = encode(self.encoder, texts)
        matrix = proba(self.model, np.asarray(embeddings, dtype=np.float32).reshape(len(texts), -1))
        return [dict(zip(self.labels, map(float, row))) for row in matrix]


def train_and_save(
    out_dir: Path,
    known_labels: set[str],
    settings: Settings | None = None,
    train_path: Path = TRAIN_FILE,
    progress: bool = True,
) -> dict[str, Any]:
    """Encode the training file, fit the classifier, save it with its manifest into ``out_dir``."""
    import joblib
    import sklearn

    from bot.backbone import resolve_backbone
    from bot.sentence_encoder import load_sentence_encoder

    settings = settings or get_settings()
    examples = read_training_file(train_path, known_labels)
    encoder = load_sentence_encoder(settings)
    log.info("encoding %d training texts", len(examples))
    embeddings = encode(encoder, [e.text for e in examples], progress=progress)
    labels = [e.label for e in examples]
    model = fit_logistic_regression(embeddings, labels)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, out_dir / MODEL_FILE)
    counts = {label: labels.count(label) for label in sorted(set(labels))}
    info = {
        "artefact": ARTEFACT_NAME,
        "backbone": resolve_backbone(settings).model_id,
        "train_file": _display_path(train_path),
        "train_sha256": sha256_file(train_path),
        "labels": [str(label) for label in model.classes_],
        "examples": counts,
        "regularisation_c": REGULARISATION_C,
        "query_prefix": QUERY_PREFIX,
        "training_accuracy": float(model.score(embeddings, labels)),
        "sklearn": sklearn.__version__,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    return write_manifest(out_dir, info)


def check_classifier(model_dir: Path, settings: Settings | None = None, train_path: Path = TRAIN_FILE) -> dict[str, Any]:
    """The manifest of a saved classifier that is intact and current, or :class:`ArtifactError`."""
    from bot.backbone import resolve_backbone

    settings = settings or get_settings()
    manifest = read_manifest(Path(model_dir), ARTEFACT_NAME, BUILD_COMMAND)
    if manifest.get("artefact") != ARTEFACT_NAME:
        raise ArtifactError(ARTEFACT_NAME, f"{model_dir} does not hold a fraud classifier", BUILD_COMMAND)
    if Path(train_path).is_file() and manifest.get("train_sha256") != sha256_file(train_path):
        raise ArtifactError(ARTEFACT_NAME, f"stale: {_display_path(train_path)} changed since it was trained", BUILD_COMMAND)
    backbone_id = resolve_backbone(settings).model_id
    if manifest.get("backbone") != backbone_id:
        raise ArtifactError(
            ARTEFACT_NAME, f"stale: trained on backbone {manifest.get('backbone')!r}, now {backbone_id!r}", BUILD_COMMAND
        )
    return manifest


def load_classifier(model_dir: Path, settings: Settings | None = None, train_path: Path = TRAIN_FILE) -> FraudClassifier:
    """A verified classifier with its backbone encoder (raises :class:`ArtifactError`)."""
    import joblib

    from bot.sentence_encoder import load_sentence_encoder

    settings = settings or get_settings()
    manifest = check_classifier(model_dir, settings, train_path)
    model = joblib.load(Path(model_dir) / MODEL_FILE)
    return FraudClassifier(model, load_sentence_encoder(settings), manifest)


def _display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
