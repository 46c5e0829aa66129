"""Intent classifiers behind one interface: a fine-tuned transformer and a TF-IDF baseline.

Both return calibrated probabilities over the same labels, and both are saved as a folder with a
``calibration.json`` (labels, temperature, threshold) and a ``manifest.json``; ``load_classifier``
reads either kind. Texts are read through ``bot.products.understand`` (normalised, product names
replaced) inside the classifier, so that training, evaluation and the live dialogue see the same text.
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
from bot.products import understand

CALIBRATION = "calibration.json"
ONNX_GRAPH = "model.onnx"  # the network for ONNX Runtime (bot.runtime)


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
        """Uncalibrated scores, one row per text already read through ``understand``."""

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return softmax(self.logits([understand(t) for t in texts]), self.temperature)

    def predict(self, texts: list[str], top_k: int = 3) -> list[IntentPrediction]:
        """Top-k intents per text. Empty or whitespace-only texts are ``unclear`` without the model."""
        results: list[IntentPrediction | None] = [None] * len(texts)
        live = [i for i, t in enumerate(texts) if understand(t)]
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

    def save_calibration(self, folder: Path, **extra) -> None:
        (Path(folder) / CALIBRATION).write_text(
            json.dumps({"kind": self.kind, "labels": self.labels, "temperature": self.temperature,
                        "threshold": self.threshold, **extra}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )


class TransformerIntentClassifier(IntentClassifier):
    """The backbone fine-tuned for classification (``bot.intent.network.MeanPoolingClassifier``),
    optionally combined with the TF-IDF baseline as a second expert: the logits are
    ``z_transformer + baseline_weight · log p_tfidf`` (a product of experts, the weight chosen on the
    dev split), then temperature-scaled. Character n-grams catch typos and rare product words that
    the subword encoder misses, and the encoder catches paraphrases the n-grams miss."""

    kind = "transformer"

    def __init__(self, model, tokenizer, labels, temperature=1.0, threshold=0.5, max_length=64, batch_size=64,
                 baseline: "TfidfIntentClassifier | None" = None, baseline_weight: float = 0.0, onnx=None):
        super().__init__(labels, temperature, threshold)
        self.model = model.eval() if model is not None else None
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.batch_size = batch_size
        self.baseline = baseline
        self.baseline_weight = baseline_weight
        self.onnx = onnx  # a bot.runtime.OnnxEncoder of the same network: used instead of PyTorch when set
        self.onnx_info: dict | None = None  # how the ONNX graph was made (export_onnx)

    def transformer_logits(self, texts: list[str]) -> np.ndarray:
        if self.onnx is not None:
            return self.onnx.run(texts, self.batch_size)
        import torch

        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                batch = self.tokenizer(texts[start : start + self.batch_size], padding=True, truncation=True,
                                       max_length=self.max_length, return_tensors="pt")
                out.append(self.model(**batch).logits.float().numpy())
        return np.concatenate(out) if out else np.zeros((0, len(self.labels)))

    def logits(self, texts: list[str]) -> np.ndarray:
        z = self.transformer_logits(texts)
        if self.baseline is not None and self.baseline_weight and len(texts):
            z = z + self.baseline_weight * self.baseline.logits_for(texts, self.labels)
        return z

    def export_onnx(self, folder: Path, threads: int = 2, quantize_int8: bool = False) -> dict:
        """Write the network as an ONNX graph (``model.onnx``, fp32 or int8) and run on it from now
        on, so that calibration and evaluation see the model exactly as it ships."""
        import shutil
        import tempfile

        from bot import runtime

        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            fp32 = Path(tmp) / "fp32.onnx"
            difference = runtime.export_onnx(self.model, self.tokenizer, fp32, "logits", self.max_length)
            if quantize_int8:
                runtime.quantize_int8(fp32, folder / ONNX_GRAPH)
            else:
                shutil.move(fp32, folder / ONNX_GRAPH)
        self.onnx = runtime.OnnxEncoder(folder / ONNX_GRAPH, self.tokenizer, threads=threads, max_length=self.max_length)
        self.onnx_info = {"graph": ONNX_GRAPH, "fp32_export_max_difference": difference,
                          "quantization": "int8 dynamic (MatMul, per channel)" if quantize_int8 else None}
        return self.onnx_info

    def save(self, folder: Path) -> None:
        """The network (``save_pretrained``), the expert and the calibration; ``export_onnx`` first
        adds the ONNX graph."""
        folder.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(folder / "model")
        self.tokenizer.save_pretrained(folder / "model")
        if self.baseline is not None:
            self.baseline.save(folder / "expert")
        self.save_calibration(folder, max_length=self.max_length, baseline_weight=self.baseline_weight,
                              onnx=self.onnx_info)

    @classmethod
    def load(cls, folder: Path, threads: int = 2, runtime: str = "onnx", **_) -> "TransformerIntentClassifier":
        """Load a saved classifier. With ``runtime="onnx"`` and a ``model.onnx`` in the folder the
        network runs in ONNX Runtime and PyTorch weights are not loaded; otherwise in PyTorch."""
        from transformers import AutoTokenizer

        folder = Path(folder)
        calibration = json.loads((folder / CALIBRATION).read_text(encoding="utf-8"))
        tokenizer = AutoTokenizer.from_pretrained(folder / "model")
        max_length = calibration.get("max_length", 64)
        model = onnx = None
        if runtime == "onnx" and (folder / ONNX_GRAPH).is_file():
            from bot.runtime import OnnxEncoder

            onnx = OnnxEncoder(folder / ONNX_GRAPH, tokenizer, threads=threads, max_length=max_length)
        else:
            import torch

            from bot.intent.network import MeanPoolingClassifier

            torch.set_num_threads(threads)
            model = MeanPoolingClassifier.from_pretrained(folder / "model").eval()
        baseline = TfidfIntentClassifier.load(folder / "expert") if (folder / "expert").is_dir() else None
        return cls(model, tokenizer, calibration["labels"], calibration["temperature"], calibration["threshold"],
                   max_length=max_length, baseline=baseline, baseline_weight=calibration.get("baseline_weight", 0.0),
                   onnx=onnx)


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
        pipeline.fit([understand(t) for t in texts], labels)
        return cls(pipeline, list(pipeline.classes_))

    def logits(self, texts: list[str]) -> np.ndarray:
        from bot.linear import log_proba

        features = self.pipeline[:-1].transform(texts)
        return np.maximum(log_proba(self.pipeline[-1], features), np.log(1e-12))

    def logits_for(self, texts: list[str], labels: list[str]) -> np.ndarray:
        """Log-probabilities in the column order of ``labels`` (another model's label order)."""
        z = self.logits(texts)
        return z[:, [self.labels.index(label) for label in labels]]

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


def load_classifier(folder: Path, threads: int = 2, runtime: str = "onnx") -> IntentClassifier:
    """Load a saved classifier of either kind, after verifying its manifest."""
    folder = Path(folder)
    read_manifest(folder, f"intent model {folder}", "finbot train intent --out " + str(folder))
    kind = json.loads((folder / CALIBRATION).read_text(encoding="utf-8"))["kind"]
    return KINDS[kind].load(folder, threads=threads, runtime=runtime)
