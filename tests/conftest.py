"""Shared fixtures. Tests use the real artefacts from the cache (built by `finbot build`);
a fixture builds whatever is missing, so `pytest` works on its own too."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, get_settings
from tests.databases import backend, postgresql_backend, sqlite_backend  # noqa: F401  (fixtures)

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def settings():
    return get_settings()


@pytest.fixture(scope="session")
def backbone(settings):
    from bot.backbone import build_backbone

    return build_backbone(settings)


@pytest.fixture(scope="session")
def encoder(backbone, settings):
    from bot import sentence_encoder

    sentence_encoder.build(settings)  # no-op when the export is current
    return sentence_encoder.load_sentence_encoder(settings)


def shared_data(name: str) -> Path:
    """A folder of ../shared/data, or a skip with a clear message where it is missing."""
    folder = SHARED_DATA / name
    if not folder.exists():
        pytest.skip(f"outside data set {folder} is not present")
    return folder


@pytest.fixture(scope="session")
def intent_classifier(backbone, settings):
    from bot.intent import artefact

    artefact.build(settings)  # no-op when the shipped model is current
    return artefact.load_shipped_classifier(settings)


@pytest.fixture(scope="session")
def retriever(backbone, settings):
    from bot.knowledge import artefact

    artefact.build(settings)
    return artefact.load_retriever(settings)


@pytest.fixture(scope="session")
def fraud_detector(backbone, settings):
    from bot.fraud import artefact
    from bot.fraud.detector import FraudDetector

    artefact.build(settings)
    return FraudDetector.load(settings)
