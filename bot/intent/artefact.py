"""The shipped intent model as a built artefact: where it lives, whether it is current, building it.

A model is current when its manifest verifies and it was trained on the current training and dev
files with the current backbone; otherwise ``finbot build intent`` retrains it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.artifacts import ArtifactError, artefact_status, building, read_manifest
from bot.backbone import build_backbone, resolve_backbone
from bot.intent.data import DEV_DIR, TRAIN_DIR, load_split, split_fingerprint
from bot.intent.modeling import ONNX_GRAPH
from bot.settings import Settings, get_settings

BUILD_COMMAND = "finbot build intent"


def model_dir(settings: Settings) -> Path:
    return settings.intent_model_dir / "transformer"


def baseline_dir(settings: Settings) -> Path:
    return settings.intent_model_dir / "baseline"


def _check(folder: Path, settings: Settings, with_backbone: bool) -> dict:
    manifest = read_manifest(folder, "intent model", BUILD_COMMAND)
    if manifest.get("data_fingerprint") != split_fingerprint(TRAIN_DIR, DEV_DIR):
        raise ArtifactError("intent model", "stale: the training or dev data changed since it was trained", BUILD_COMMAND)
    if with_backbone and manifest.get("backbone") != resolve_backbone(settings).model_id:
        raise ArtifactError("intent model", "stale: trained on another backbone", BUILD_COMMAND)
    if with_backbone and settings.inference_runtime == "onnx" and ONNX_GRAPH not in manifest.get("files", {}):
        raise ArtifactError("intent model", f"stale: saved without its ONNX export ({ONNX_GRAPH})", BUILD_COMMAND)
    return manifest


def status(settings: Settings | None = None) -> dict:
    settings = settings or get_settings()

    def check() -> dict:
        _check(baseline_dir(settings), settings, with_backbone=False)
        return _check(model_dir(settings), settings, with_backbone=True)

    return artefact_status(model_dir(settings), check,
                           lambda manifest: {"labels": len(manifest["labels"]), "dev_accuracy": manifest.get("dev_accuracy")})


def build(settings: Settings | None = None, force: bool = False) -> dict:
    from bot.intent.trainer import TrainingConfig, train_and_save

    settings = settings or get_settings()
    if not force and status(settings)["ok"]:
        return {}
    backbone = build_backbone(settings)
    with building(settings.intent_model_dir) as tmp:
        results = train_and_save(
            load_split(TRAIN_DIR), load_split(DEV_DIR), tmp, backbone.location, backbone.model_id,
            TrainingConfig.from_file(), split_fingerprint(TRAIN_DIR, DEV_DIR), threads=settings.torch_threads)
    _load.cache_clear()
    return results


def load_shipped_classifier(settings: Settings | None = None):
    """The shipped transformer classifier, verified (raises ArtifactError naming the build command)."""
    settings = settings or get_settings()
    _check(model_dir(settings), settings, with_backbone=True)
    return _load(str(model_dir(settings)), settings.torch_threads, settings.inference_runtime)


@lru_cache(maxsize=2)
def _load(folder: str, threads: int, runtime: str):
    from bot.intent.modeling import TransformerIntentClassifier

    return TransformerIntentClassifier.load(Path(folder), threads=threads, runtime=runtime)
