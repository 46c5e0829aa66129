"""Reading JSON Lines files with errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path


def iter_jsonl(lines: Iterable[str], path: Path | str, error: type[Exception] = ValueError) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for each non-blank line; invalid JSON or a non-object raises ``error``."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{path}, line {number}: invalid JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise error(f"{path}, line {number}: expected a JSON object")
        yield number, row
