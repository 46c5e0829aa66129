"""Reviewed reply templates (knowledge/templates.yaml), filled with the company placeholders."""

from __future__ import annotations

from functools import lru_cache

import yaml

from bot.knowledge.entries import Company
from bot.settings import PROJECT_ROOT

TEMPLATES_FILE = PROJECT_ROOT / "knowledge" / "templates.yaml"


@lru_cache(maxsize=1)
def _templates() -> dict[str, list[str]]:
    raw = yaml.safe_load(TEMPLATES_FILE.read_text(encoding="utf-8"))
    company = Company.load()
    return {key: [company.fill(v, f"{TEMPLATES_FILE.name}, template '{key}'") for v in (value if isinstance(value, list) else [value])]
            for key, value in raw.items()}


def template(key: str, variant: int = 0) -> str:
    options = _templates()[key]
    return options[variant % len(options)]
