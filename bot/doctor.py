"""What is built and what is not: the artefact registry behind ``finbot build`` and ``finbot doctor``.

Each artefact names a module with two functions: ``status(settings) -> dict`` (with ``ok``, ``path``
and, when not ok, ``error`` and ``build``) and ``build(settings, force) -> object``. They are
listed in build order: later artefacts are trained or indexed on the earlier ones.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from bot.settings import Settings, get_settings


@dataclass(frozen=True)
class Artefact:
    name: str
    module: str
    build_command: str

    def status(self, settings: Settings) -> dict:
        return importlib.import_module(self.module).status(settings)

    def build(self, settings: Settings, force: bool = False) -> None:
        importlib.import_module(self.module).build(settings, force=force)


ARTEFACTS: tuple[Artefact, ...] = (
    Artefact("backbone", "bot.backbone", "finbot build backbone"),
    Artefact("encoder", "bot.sentence_encoder", "finbot build encoder"),
    Artefact("intent_model", "bot.intent.artefact", "finbot build intent"),
    Artefact("fraud_model", "bot.fraud.artefact", "finbot build fraud"),
    Artefact("index", "bot.knowledge.artefact", "finbot build index"),
)


def report(settings: Settings | None = None) -> dict[str, dict]:
    settings = settings or get_settings()
    result = {}
    for artefact in ARTEFACTS:
        try:
            result[artefact.name] = artefact.status(settings)
        except Exception as exc:  # a broken component must not hide the others' state
            result[artefact.name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "build": artefact.build_command}
    return result


def build_missing(names: list[str] | None = None, force: bool = False, settings: Settings | None = None) -> dict:
    """Build the named artefacts (default: all) whose status is not ok, in dependency order."""
    settings = settings or get_settings()
    for artefact in ARTEFACTS:
        if names and artefact.name not in names:
            continue
        if force or not artefact.status(settings)["ok"]:
            artefact.build(settings, force=force)
    return report(settings)
