"""Intent classifiers behind one interface: a fine-tuned transformer and a TF-IDF baseline.

Both return calibrated probabilities over the same labels, and both are saved as a folder with a
``calibration.json`` (labels, temperature, threshold) and a ``manifest.json``; ``load_classifier``
reads either kind. Texts are normalised (``bot.text.normalize``) inside the classifier, so that
training, evaluation and the live dialogue see the same text.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.artifacts import read_manifest
from bot.intent.calibration import softmax
from bot.intent.taxonomy import UNCLEAR
from bot.text import normalize

CALIBRATION = "calibration.json"


@dataclass(frozen=True)
class IntentScore:
    intent: str
    probability: float


@dataclass(frozen=True)
class IntentPrediction:
    top: list[IntentScore]
    confident: bool  # top probability reached the calibrated threshold

    @property
    def intent(self) -> str:
        return self.top[0].intent

    @property
    def confidence(self) -> float:
        return self.top[0].probability


class IntentClassifier(ABC):
    kind: str

    def __init__(self, labels: list[str], temperature: float = 1.0, threshold: float = 0.5):
        self.labels = list(labels)
        self.temperature = temperature
        self.threshold = threshold

    @abstractmethod
    def logits(self, texts: list[str]) -> np.ndarray:
        """Uncalibrated scores, one row per (already normalised) text."""

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return softmax(self.logits([normalize(t) for t in texts]), self.temperature)

    def predict(self, texts: list[str], top_k: int = 3) -> list[IntentPrediction]:
        """Top-k intents per text. Empty or whitespace-only texts are ``unclear`` without the model."""
        results: list[IntentPrediction | None] = [None] * len(texts)
        live = [i for i, t in enumerate(texts) if normalize(t)]
        for i, t in enumerate(texts):
            if i not in live:
                results[i] = IntentPrediction([IntentScore(UNCLEAR, 1.0)], confident=True)
        if live:
            probs = self.predict_proba([texts[i] for i in live])
            for row, i in zip(probs, live):
                order = np.argsort(-row)[:top_k]
                top = [IntentScore(self.labels[j], float(row[j])) for j in order]
                results[i] = IntentPrediction(top, confident=top[0].probability >= self.threshold)
        return results  # type: ignore[return-value]

    def classify(self, text: str, top_k: int = 3) -> IntentPrediction:
        return self.predict([text], top_k)[0]

    def save_calibration(self, folder: Path) -> None:
        (Path(folder) / CALIBRATION).write_text(
            json.dumps({"kind": self.kind, "labels": self.labels, "temperature": self.temperature,
                        "threshold": self.threshold}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )


class TransformerIntentClassifier(IntentClassifier):
    """The backbone fine-tuned for sequence classification (``AutoModelForSequenceClassification``)."""

    kind = "transformer"

    def __init__(self, model, tokenizer, labels, temperature=1.0, threshold=0.5, max_length=64, batch_size=64):
        super().__init__(labels, temperature, threshold)
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.batch_size = batch_size

    def logits(self, texts: list[str]) -> np.ndarray:
        import torch

        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                batch = self.tokenizer(texts[start : start + self.batch_size], padding=True, truncation=True,
                                       max_length=self.max_length, return_tensors="pt")
                out.append(self.model(**batch).logits.float().numpy())
        return np.concatenate(out) if out else np.zeros((0, len(self.labels)))

    @classmethod
    def load(cls, folder: Path, threads: int = 2, quantize: bool = True) -> "TransformerIntentClassifier":
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        torch.set_num_threads(threads)
        folder = Path(folder)
        calibration = json.loads((folder / CALIBRATION).read_text(encoding="utf-8"))
        model = AutoModelForSequenceClassification.from_pretrained(folder / "model").eval()
        if quantize:
            # int8 weights for the linear layers: ~2× faster on CPU; accuracy is re-measured by the
            # benchmark (eval/bench_intent.py) on the same test split as the float model.
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        tokenizer = AutoTokenizer.from_pretrained(folder / "model")
        return cls(model, tokenizer, calibration["labels"], calibration["temperature"], calibration["threshold"],
                   max_length=calibration.get("max_length", 64))


class TfidfIntentClassifier(IntentClassifier):
    """The classic baseline: character 1–4-gram TF-IDF + logistic regression."""

    kind = "tfidf"

    def __init__(self, pipeline=None, labels=None, temperature=1.0, threshold=0.5):
        super().__init__(labels or [], temperature, threshold)
        self.pipeline = pipeline

    @classmethod
    def fit(cls, texts: list[str], labels: list[str], seed: int = 42) -> "TfidfIntentClassifier":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=1),
            LogisticRegression(C=20.0, max_iter=2000, random_state=seed),
        )
        pipeline.fit([normalize(t) for t in texts], labels)
        return cls(pipeline, list(pipeline.classes_))

    def logits(self, texts: list[str]) -> np.ndarray:
        return np.log(np.clip(self.pipeline.predict_proba(texts), 1e-12, 1.0))

    def save(self, folder: Path) -> None:
        import joblib

        folder.mkdir(parents=True, exist_ok=True)
        joblib.dump(self.pipeline, folder / "pipeline.joblib")
        self.save_calibration(folder)

    @classmethod
    def load(cls, folder: Path, **_) -> "TfidfIntentClassifier":
        import joblib

        calibration = json.loads((Path(folder) / CALIBRATION).read_text(encoding="utf-8"))
        return cls(joblib.load(Path(folder) / "pipeline.joblib"), calibration["labels"],
                   calibration["temperature"], calibration["threshold"])


KINDS: dict[str, type[IntentClassifier]] = {"transformer": TransformerIntentClassifier, "tfidf": TfidfIntentClassifier}


def load_classifier(folder: Path, threads: int = 2, quantize: bool = True) -> IntentClassifier:
    """Load a saved classifier of either kind, after verifying its manifest."""
    folder = Path(folder)
    read_manifest(folder, f"intent model {folder}", "finbot train intent --out " + str(folder))
    kind = json.loads((folder / CALIBRATION).read_text(encoding="utf-8"))["kind"]
    return KINDS[kind].load(folder, threads=threads, quantize=quantize)
