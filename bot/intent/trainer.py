"""Training recipes for the intent classifiers, and their calibration on a dev split."""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import yaml
from tqdm import tqdm

from bot.artifacts import write_manifest
from bot.intent.calibration import choose_threshold, expected_calibration_error, fit_temperature, softmax
from bot.intent.data import Example
from bot.intent.modeling import IntentClassifier, TfidfIntentClassifier, TransformerIntentClassifier
from bot.products import understand
from bot.settings import PROJECT_ROOT

CONFIG_FILE = PROJECT_ROOT / "models" / "intent" / "config.yaml"


@dataclass
class TrainingConfig:
    seed: int = 42
    epochs: int = 5
    batch_size: int = 32
    learning_rate: float = 8e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    max_length: int = 64
    freeze_embeddings: bool = True
    freeze_layers: int = 0  # the lowest N encoder layers stay frozen too (saves their backward pass)
    head_learning_rate: float | None = None  # the linear head's own rate (None: learning_rate)
    quantize_int8: bool = False  # ship the ONNX graph int8-quantised (faster, slightly less accurate)

    @classmethod
    def from_file(cls, path: Path = CONFIG_FILE, **overrides) -> "TrainingConfig":
        values = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train_transformer(train: list[Example], backbone_location: str, config: TrainingConfig,
                      threads: int = 2) -> TransformerIntentClassifier:
    """Fine-tune the backbone for sequence classification (a plain, readable torch loop)."""
    import torch
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    from bot.intent.network import MeanPoolingClassifier

    torch.set_num_threads(threads)
    seed_everything(config.seed)
    labels = sorted({e.label for e in train})
    label_id = {label: i for i, label in enumerate(labels)}
    tokenizer = AutoTokenizer.from_pretrained(backbone_location)
    model = MeanPoolingClassifier.from_pretrained(
        backbone_location, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id=label_id)
    if config.freeze_embeddings:
        model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    for layer in model.bert.encoder.layer[: config.freeze_layers]:
        layer.requires_grad_(False)

    texts = [understand(e.text) for e in train]
    targets = np.array([label_id[e.label] for e in train])
    rng = np.random.default_rng(config.seed)
    lengths = np.array([len(tokenizer(t, truncation=True, max_length=config.max_length)["input_ids"]) for t in texts])
    total = len(length_bucketed_batches(lengths, config.batch_size, np.random.default_rng(0))) * config.epochs
    init_head_from_centroids(model, tokenizer, texts, targets, len(labels), config)
    trainable = [p for p in model.parameters() if p.requires_grad]
    # The head reads an L2-normalised embedding, so its logits can only be as far apart as its
    # weights are long: at the encoder's rate, AdamW can lengthen them by little more than
    # steps × rate, and the classes stay soft (BANKING77's training loss ended at 0.67).
    head = list(model.classifier.parameters())
    encoder = [p for p in trainable if all(p is not h for h in head)]
    optimiser = torch.optim.AdamW(
        [{"params": encoder}, {"params": head, "lr": config.head_learning_rate or config.learning_rate}],
        lr=config.learning_rate, weight_decay=config.weight_decay)
    schedule = get_linear_schedule_with_warmup(optimiser, int(total * config.warmup_ratio), total)
    model.train()
    progress = tqdm(total=total, desc="intent: fine-tuning", unit="step")
    for epoch in range(config.epochs):
        for idx in length_bucketed_batches(lengths, config.batch_size, rng):
            batch = tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                              max_length=config.max_length, return_tensors="pt")
            loss = model(**batch, labels=torch.tensor(targets[idx])).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            progress.set_postfix(epoch=epoch + 1, loss=f"{loss.item():.3f}")
            progress.update()
    progress.close()
    model.eval()
    return TransformerIntentClassifier(model, tokenizer, labels, max_length=config.max_length)


def init_head_from_centroids(model, tokenizer, texts: list[str], targets: np.ndarray, n_labels: int,
                             config: TrainingConfig, scale: float = 20.0) -> None:
    """Start the head as a nearest-centroid classifier: each class's weight is the normalised mean
    embedding of its training texts (times a softmax scale), so training starts far above chance."""
    import torch

    model.eval()
    order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths together: little padding
    embeddings = torch.zeros(len(texts), model.config.hidden_size)
    with torch.inference_mode():
        for start in tqdm(range(0, len(texts), 64), desc="intent: class centroids", unit="batch"):
            idx = order[start : start + 64]
            batch = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=config.max_length,
                              return_tensors="pt")
            embeddings[torch.as_tensor(idx)] = model.sentence_embedding(batch["input_ids"], batch["attention_mask"])
    centroids = torch.stack([embeddings[torch.as_tensor(targets == k)].mean(dim=0) for k in range(n_labels)])
    with torch.no_grad():
        model.classifier.weight.copy_(scale * torch.nn.functional.normalize(centroids, dim=-1))
        model.classifier.bias.zero_()


def length_bucketed_batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator,
                            pool_batches: int = 50) -> list[np.ndarray]:
    """Shuffled batches of similar-length texts. Padding to the longest text of a batch is most
    of the cost on CPU; bucketing within random pools cuts it several-fold and keeps batches mixed."""
    order = rng.permutation(len(lengths))
    batches = []
    pool = batch_size * pool_batches
    for start in range(0, len(order), pool):
        chunk = order[start : start + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def train_baseline(train: list[Example], seed: int = 42) -> TfidfIntentClassifier:
    return TfidfIntentClassifier.fit([e.text for e in train], [e.label for e in train], seed=seed)


def calibrate(classifier: IntentClassifier, dev: list[Example]) -> dict:
    """Fit the temperature and the clarification threshold on the dev split; returns dev metrics."""
    known = [e for e in dev if e.label in classifier.labels]
    logits = classifier.logits([understand(e.text) for e in known])
    y = np.array([classifier.labels.index(e.label) for e in known])
    before = expected_calibration_error(softmax(logits), y)
    classifier.temperature = fit_temperature(logits, y)
    probs = softmax(logits, classifier.temperature)
    classifier.threshold = choose_threshold(probs, y)
    return {"dev_n": len(known), "dev_accuracy": float((probs.argmax(1) == y).mean()),
            "temperature": classifier.temperature, "threshold": classifier.threshold,
            "dev_ece_before": before, "dev_ece_after": expected_calibration_error(probs, y)}


def choose_expert_weight(model: TransformerIntentClassifier, baseline: TfidfIntentClassifier,
                         dev: list[Example], weights=(0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)) -> float:
    """The weight of the TF-IDF expert that maximises dev accuracy (the smallest among ties)."""
    known = [e for e in dev if e.label in model.labels]
    texts = [understand(e.text) for e in known]
    y = np.array([model.labels.index(e.label) for e in known])
    z, expert = model.transformer_logits(texts), baseline.logits_for(texts, model.labels)
    accuracy = {w: float(((z + w * expert).argmax(1) == y).mean()) for w in weights}
    best = max(accuracy.values())
    model.baseline, model.baseline_weight = baseline, min(w for w, a in accuracy.items() if a == best)
    return model.baseline_weight


def save_transformer(classifier: TransformerIntentClassifier, folder: Path, info: dict) -> dict:
    classifier.save(folder)
    return write_manifest(folder, {"kind": "intent-transformer", **info})


def save_baseline(classifier: TfidfIntentClassifier, folder: Path, info: dict) -> dict:
    classifier.save(folder)
    return write_manifest(folder, {"kind": "intent-tfidf", **info})


def train_and_save(train: list[Example], dev: list[Example], out: Path, backbone_location: str,
                   backbone_id: str, config: TrainingConfig, data_fingerprint: str, threads: int = 2,
                   with_transformer: bool = True) -> dict:
    """Train the baseline (and the transformer) on ``train``, calibrate on ``dev``, save under ``out``."""
    results = {}
    common = {"data_fingerprint": data_fingerprint, "n_train": len(train), "labels": sorted({e.label for e in train})}
    started = time.perf_counter()
    baseline = train_baseline(train, config.seed)
    results["baseline"] = {**calibrate(baseline, dev), "train_seconds": time.perf_counter() - started}
    save_baseline(baseline, out / "baseline", {**common, **results["baseline"]})
    if with_transformer:
        started = time.perf_counter()
        model = train_transformer(train, backbone_location, config, threads)
        model.export_onnx(out / "transformer", threads, config.quantize_int8)  # calibrated below as it ships
        weight = choose_expert_weight(model, baseline, dev)
        results["transformer"] = {**calibrate(model, dev), "expert_weight": weight,
                                  "train_seconds": time.perf_counter() - started}
        save_transformer(model, out / "transformer",
                         {**common, **results["transformer"], "backbone": backbone_id, "config": asdict(config)})
    return results
