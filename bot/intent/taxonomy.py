"""The intent taxonomy: the 35 core ids every component and evaluation uses."""

from __future__ import annotations

from functools import lru_cache

import yaml

from bot.settings import PROJECT_ROOT

TAXONOMY_FILE = PROJECT_ROOT / "models" / "intent" / "intents.yaml"
UNCLEAR = "unclear"
OUT_OF_SCOPE = "out_of_scope"


@lru_cache(maxsize=1)
def core_intents() -> dict[str, str]:
    """Core intent id → short Chinese name, in taxonomy order."""
    raw = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    return {intent: spec["name"] for intent, spec in raw.items()}


def roll_up(label: str) -> str:
    """The core id a (possibly finer) label belongs to: repay.early.partial → repay.early."""
    core = core_intents()
    parts = label.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in core:
            return candidate
    return label


def display_name(intent: str) -> str:
    return core_intents().get(roll_up(intent), intent)
