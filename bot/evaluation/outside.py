"""Real text from outside the project (``../shared/data``), rebuilt at evaluation time.

The outside sets are research-only: the project never copies their texts and never trains a
shipped model on them. What the repository holds are *references* — a file, a data row and a
column — and our own labels; this module turns them back into texts where the data is present, and
says clearly where it is not (:class:`OutsideDataMissing`, which tests turn into a skip).

- :func:`bq_questions` — every distinct question of the BQ dev pairs (real consumer-loan customer
  service), with its first (row, column) reference;
- :func:`load_real_intent_set` — our intent (and entry) labels for BQ questions
  (``eval/data/intent/real/bq_dev_labels.jsonl``), texts rebuilt from the references;
- :func:`telecom_fraud_rows` — the real scam texts and ordinary SMS of ``telecom_fraud_dev``.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.settings import PROJECT_ROOT, get_settings

REAL_INTENT_LABELS = PROJECT_ROOT / "eval" / "data" / "intent" / "real" / "bq_dev_labels.jsonl"
BQ_PAIRS = "bq_dev/dev.csv"
TELECOM_FRAUD = "telecom_fraud_dev/dev.csv"
# Entry labels that are not a knowledge entry id.
NEEDS_ACCOUNT, NO_ENTRY = "needs_account", "no_entry"


class OutsideDataMissing(FileNotFoundError):
    """An outside data set is not present on this machine; the message names the path."""


@dataclass(frozen=True)
class Reference:
    file: str  # relative to the shared data folder
    row: int  # 1-based data row (the header is row 0)
    column: str


@dataclass(frozen=True)
class RealQuestion:
    id: str
    text: str
    label: str
    alt: str | None  # a second acceptable intent, where a question is truly ambiguous
    entry: str | None  # the knowledge entry that answers it, NEEDS_ACCOUNT, NO_ENTRY, or None (not labelled)
    reference: Reference
    entry_alt: str | None = None  # a second entry that answers it equally well

    @property
    def accepted_entries(self) -> set[str]:
        return {e for e in (self.entry, self.entry_alt) if e}

    @property
    def accepted(self) -> set[str]:
        return {self.label} | ({self.alt} if self.alt else set())


def shared_data_dir() -> Path:
    return get_settings().shared_data_dir


def _require(path: Path) -> Path:
    if not path.is_file():
        raise OutsideDataMissing(f"outside data set {path} is not present (see ../shared/data/README.md)")
    return path


@lru_cache(maxsize=4)
def _csv_rows(path: str) -> tuple[dict, ...]:
    with open(_require(Path(path)), encoding="utf-8-sig", newline="") as handle:
        return tuple(csv.DictReader(handle))


def dedupe_key(text: str) -> str:
    """How two customer questions count as the same question: width-folded, lower-cased, without
    whitespace, punctuation or symbols."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())


def rebuild(reference: Reference) -> str:
    rows = _csv_rows(str(shared_data_dir() / reference.file))
    if not 1 <= reference.row <= len(rows) or reference.column not in rows[reference.row - 1]:
        raise ValueError(f"{reference} does not exist in {shared_data_dir() / reference.file}")
    return rows[reference.row - 1][reference.column]


def bq_questions() -> list[tuple[str, Reference]]:
    """Every distinct question of the BQ dev pairs in first-seen order, with its reference."""
    rows = _csv_rows(str(shared_data_dir() / BQ_PAIRS))
    seen: set[str] = set()
    questions = []
    for number, record in enumerate(rows, start=1):
        for column in ("sentence1", "sentence2"):
            text = record[column]
            key = dedupe_key(text)
            if key and key not in seen:
                seen.add(key)
                questions.append((text, Reference(BQ_PAIRS, number, column)))
    return questions


def load_real_intent_set(path: Path = REAL_INTENT_LABELS) -> list[RealQuestion]:
    """Our labels for real BQ questions, with the texts rebuilt from ``../shared/data``."""
    from bot.intent.taxonomy import core_intents

    known = set(core_intents())
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        for key in ("label", "alt"):
            if row.get(key) is not None and row[key] not in known:
                raise ValueError(f"{path}, line {number}: unknown intent {row[key]!r}")
        reference = Reference(row["file"], row["row"], row["column"])
        questions.append(RealQuestion(row["id"], rebuild(reference), row["label"], row.get("alt"),
                                      row.get("entry"), reference, row.get("entry_alt")))
    return questions


def telecom_fraud_rows() -> list[tuple[str, str]]:
    """(text, label) of the real telecom-fraud half: scenario ids for scams, ``none`` for ordinary SMS."""
    return [(r["text"], r["label"]) for r in _csv_rows(str(shared_data_dir() / TELECOM_FRAUD))]
