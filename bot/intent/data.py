"""Intent data: the shipped splits (one text file per intent) and analysts' labelled files.

Shipped splits, one utterance per line, the file name being the intent id:
    models/intent/data/train/<intent>.txt   training
    models/intent/data/dev/<intent>.txt     calibration (temperature, confidence threshold)
    eval/data/intent/test/<intent>.txt      the independent test split
Adding an intent is a data change: a new file in each folder, then ``finbot train intent``.

Labelled files (CSV, TSV or JSONL with a text and a label) are read strictly: a missing column,
an unknown label, an empty text or bad encoding raises :class:`DataFileError` naming the line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

from bot.jsonl import iter_jsonl
from bot.labelled import LabelledText
from bot.settings import PROJECT_ROOT

TRAIN_DIR = PROJECT_ROOT / "models" / "intent" / "data" / "train"
DEV_DIR = PROJECT_ROOT / "models" / "intent" / "data" / "dev"
TEST_DIR = PROJECT_ROOT / "eval" / "data" / "intent" / "test"

TEXT_COLUMNS = ("text", "sentence", "utterance", "query")
LABEL_COLUMNS = ("label", "intent", "category")


# Kept as the intent modules' name for a labelled line (the same class as the fraud data's).
Example = LabelledText


class DataFileError(ValueError):
    """A labelled file cannot be used; the message names the file and line."""


def load_split(folder: Path) -> list[Example]:
    """All examples of a split folder, intents in sorted order, lines in file order."""
    folder = Path(folder)
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise DataFileError(f"{folder}: no <intent>.txt files")
    examples = []
    for file in files:
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                examples.append(Example(line.strip(), file.stem))
    return examples


def split_fingerprint(*folders: Path) -> str:
    """sha256 over every file of the given split folders: a changed line means a stale model."""
    digest = hashlib.sha256()
    for folder in folders:
        for file in sorted(Path(folder).glob("*.txt")):
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def read_labelled_file(path: Path, known_labels: set[str] | None = None) -> list[Example]:
    """Read a CSV, TSV or JSONL file of (text, label) rows; every problem names its line."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: no such file")
    raw_lines = path.read_bytes().split(b"\n")
    lines = []
    for number, raw in enumerate(raw_lines, start=1):
        try:
            lines.append(raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r"))
        except UnicodeDecodeError as exc:
            raise DataFileError(f"{path}, line {number}: not valid UTF-8 ({exc.reason})") from exc
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        rows = _jsonl_rows(path, lines)
    elif suffix in (".csv", ".tsv", ".txt"):
        rows = _delimited_rows(path, lines, "\t" if suffix == ".tsv" else ",")
    else:
        raise DataFileError(f"{path}: unsupported format {suffix!r} (use .csv, .tsv or .jsonl)")
    examples = []
    for number, text, label in rows:
        if not text.strip():
            raise DataFileError(f"{path}, line {number}: empty text")
        if not label.strip():
            raise DataFileError(f"{path}, line {number}: empty label")
        if known_labels is not None and label not in known_labels:
            raise DataFileError(f"{path}, line {number}: unknown label {label!r}")
        examples.append(Example(text.strip(), label.strip()))
    if not examples:
        raise DataFileError(f"{path}: no rows")
    return examples


def _pick(columns: list[str], choices: tuple[str, ...], path: Path, what: str) -> str:
    for name in choices:
        if name in columns:
            return name
    raise DataFileError(f"{path}, line 1: no {what} column (expected one of {', '.join(choices)}; found {columns})")


def _jsonl_rows(path: Path, lines: list[str]):
    text_key = label_key = None
    for number, row in iter_jsonl(lines, path, DataFileError):
        text_key = text_key or _pick(list(row), TEXT_COLUMNS, path, "text")
        label_key = label_key or _pick(list(row), LABEL_COLUMNS, path, "label")
        if text_key not in row or label_key not in row:
            raise DataFileError(f"{path}, line {number}: missing {text_key!r} or {label_key!r}")
        yield number, str(row[text_key]), str(row[label_key])


def _delimited_rows(path: Path, lines: list[str], delimiter: str):
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise DataFileError(f"{path}: empty file") from None
    text_i = header.index(_pick(header, TEXT_COLUMNS, path, "text"))
    label_i = header.index(_pick(header, LABEL_COLUMNS, path, "label"))
    for row in reader:
        number = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) <= max(text_i, label_i):
            raise DataFileError(f"{path}, line {number}: expected {len(header)} columns, found {len(row)}")
        yield number, row[text_i], row[label_i]


def write_jsonl(examples: list[Example], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for example in examples:
            out.write(json.dumps({"text": example.text, "label": example.label}, ensure_ascii=False) + "\n")
