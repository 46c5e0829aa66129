"""The fraud classifier as a built artefact: whether it is current, and building it.

It is current when its manifest verifies and it was trained on the current training file with the
current features; otherwise ``finbot train fraud`` (or ``finbot build fraud``) rebuilds it.
The detector works without it (lexicon stage only), so a missing classifier degrades, never breaks.
"""

from __future__ import annotations

from bot.artifacts import artefact_status, building
from bot.fraud.catalogue import load_catalogue
from bot.fraud.classifier import TRAIN_FILE, check_classifier, train_and_save
from bot.settings import Settings, get_settings


def status(settings: Settings | None = None) -> dict:
    """State of the fraud classifier for ``finbot doctor``."""
    settings = settings or get_settings()
    return artefact_status(settings.fraud_model_dir, lambda: check_classifier(settings.fraud_model_dir, TRAIN_FILE),
                           lambda manifest: {"labels": len(manifest["labels"]), "features": manifest["features"]})


def build(settings: Settings | None = None, force: bool = False, progress: bool = True) -> dict:
    """Train the classifier into ``settings.fraud_model_dir`` unless a current one is there."""
    settings = settings or get_settings()
    if not force and status(settings)["ok"]:
        return check_classifier(settings.fraud_model_dir, TRAIN_FILE)
    known = set(load_catalogue().scenarios)
    with building(settings.fraud_model_dir) as folder:
        manifest = train_and_save(folder, known, TRAIN_FILE)
    return manifest
