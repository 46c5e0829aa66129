"""Labelled texts and metric files: the shapes every training, evaluation and report module shares."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class LabelledText:
    """One labelled example (an intent or a scam scenario); ``line`` says where it was read from."""

    text: str
    label: str
    line: int | None = None


def write_metrics(folder: Path | str, metrics: dict[str, Any]) -> Path:
    """``metrics.json`` in ``folder``: UTF-8, Chinese kept readable, indented."""
    path = Path(folder) / "metrics.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
