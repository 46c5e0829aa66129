"""Evaluating the detector: a labelled file (recall, false alarms, confusion) and an external
false-alarm check on real customer questions (every firing listed for review).

A detection is an assessment at ``warning`` or ``critical`` — what the customer would see. Labels
are ``none`` or a scenario id; any other label counts as fraud of an unnamed scenario (it counts
toward detection recall, under ``unnamed`` in ``per_scenario``).
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.fraud.catalogue import NONE_LABEL
from bot.fraud.detector import FraudAssessment, FraudDetector
from bot.labelled import write_metrics
from bot.settings import PROJECT_ROOT

DEFAULT_TEST_FILE = PROJECT_ROOT / "eval" / "data" / "fraud" / "test.csv"
BQ_DEV_FILE = PROJECT_ROOT.parent / "shared" / "data" / "bq_dev" / "dev.csv"
UNNAMED = "unnamed"
BATCH = 64


class EvaluationDataError(ValueError):
    """A labelled or external file cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class LabelledRow:
    text: str
    label: str
    line: int


def read_labelled_csv(path: Path) -> list[LabelledRow]:
    """Rows of a CSV file with columns ``text`` and ``label`` (UTF-8, header required)."""
    path = Path(path)
    if not path.is_file():
        raise EvaluationDataError(f"{path}: file not found")
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"text", "label"} - set(reader.fieldnames or [])
            if missing:
                raise EvaluationDataError(f"{path}:1: missing column(s) {sorted(missing)}; need text,label")
            rows = []
            for record in reader:
                line = reader.line_num
                text, label = (record.get("text") or "").strip(), (record.get("label") or "").strip()
                if not text or not label:
                    raise EvaluationDataError(f"{path}:{line}: empty text or label")
                rows.append(LabelledRow(text, label, line))
    except UnicodeDecodeError as error:
        raise EvaluationDataError(f"{path}: not UTF-8 ({error.reason})") from error
    except csv.Error as error:
        raise EvaluationDataError(f"{path}: malformed CSV ({error})") from error
    if not rows:
        raise EvaluationDataError(f"{path}: no rows")
    return rows


def read_pair_sentences(path: Path) -> list[str]:
    """Every unique sentence of a pairs file (columns sentence1, sentence2), in first-seen order."""
    path = Path(path)
    if not path.is_file():
        raise EvaluationDataError(f"{path}: file not found")
    seen: dict[str, None] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"sentence1", "sentence2"} - set(reader.fieldnames or [])
        if missing:
            raise EvaluationDataError(f"{path}:1: missing column(s) {sorted(missing)}")
        for record in reader:
            for column in ("sentence1", "sentence2"):
                sentence = (record.get(column) or "").strip()
                if sentence:
                    seen.setdefault(sentence, None)
    return list(seen)


def assess_all(detector: FraudDetector, texts: list[str], progress: bool = False) -> list[FraudAssessment]:
    """Assessments of many texts, in batches (the classifier encodes a batch at once)."""
    from tqdm import tqdm

    results: list[FraudAssessment] = []
    with tqdm(total=len(texts), desc="fraud screen", unit="msg", disable=not progress) as bar:
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            results.extend(detector.assess_many(batch))
            bar.update(len(batch))
    return results


def evaluate_labelled(
    detector: FraudDetector, rows: list[LabelledRow], out_dir: Path, source: str = "", progress: bool = False
) -> dict[str, Any]:
    """Write metrics.json, firings.jsonl (every row at warning or above) and misses.jsonl."""
    known = set(detector.catalogue.scenarios)
    started = time.perf_counter()
    assessments = assess_all(detector, [row.text for row in rows], progress)
    seconds = time.perf_counter() - started

    fraud_rows = [(row, a) for row, a in zip(rows, assessments) if row.label != NONE_LABEL]
    none_rows = [(row, a) for row, a in zip(rows, assessments) if row.label == NONE_LABEL]

    def bucket(label: str) -> str:
        return label if label in known or label == NONE_LABEL else UNNAMED

    per_scenario: dict[str, dict[str, Any]] = {}
    grouped: dict[str, list[FraudAssessment]] = defaultdict(list)
    for row, assessment in fraud_rows:
        grouped[bucket(row.label)].append(assessment)
    for scenario_id in [s for s in detector.catalogue.scenarios if s in grouped] + ([UNNAMED] if UNNAMED in grouped else []):
        items = grouped[scenario_id]
        detected = [a for a in items if a.alert]
        per_scenario[scenario_id] = {
            "n": len(items),
            "detected": len(detected),
            "recall": len(detected) / len(items),
            "named_correctly": sum(a.scenario == scenario_id for a in detected),
        }

    confusion: dict[str, Counter] = defaultdict(Counter)
    for row, assessment in zip(rows, assessments):
        predicted = assessment.scenario if assessment.alert else NONE_LABEL
        confusion[bucket(row.label)][predicted] += 1

    detected_fraud = [(row, a) for row, a in fraud_rows if a.alert]
    named = [(row, a) for row, a in detected_fraud if row.label in known]
    false_alarms = [(row, a) for row, a in none_rows if a.alert]
    metrics: dict[str, Any] = {
        "data": source,
        "stages": detector.stages,
        "n": len(rows),
        "n_fraud": len(fraud_rows),
        "n_none": len(none_rows),
        "detection_recall": len(detected_fraud) / len(fraud_rows) if fraud_rows else None,
        "false_alarm_rate": len(false_alarms) / len(none_rows) if none_rows else None,
        "false_alarms": len(false_alarms),
        "scenario_accuracy": (sum(a.scenario == row.label for row, a in named) / len(named)) if named else None,
        "min_scenario_recall": min((v["recall"] for v in per_scenario.values()), default=None),
        "per_scenario": per_scenario,
        "confusion": {label: dict(counts) for label, counts in sorted(confusion.items())},
        "levels": dict(Counter(a.level for a in assessments)),
        "unknown_labels": dict(Counter(row.label for row, _ in fraud_rows if row.label not in known)),
        "messages_per_second": len(rows) / seconds if seconds > 0 else None,
    }
    if detector.fallback_reason:
        metrics["fallback_reason"] = detector.fallback_reason

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_jsonl(out_dir / "firings.jsonl", [_record(row.text, a, row.label, row.line) for row, a in zip(rows, assessments) if a.alert])
    _write_jsonl(out_dir / "misses.jsonl", [_record(row.text, a, row.label, row.line) for row, a in fraud_rows if not a.alert])
    write_metrics(out_dir, metrics)
    return metrics


def evaluate_external(
    detector: FraudDetector, sentences: list[str], out_dir: Path, source: str = "", progress: bool = False
) -> dict[str, Any]:
    """False alarms on real, ordinary customer questions: metrics.json and every firing in firings.jsonl."""
    started = time.perf_counter()
    assessments = assess_all(detector, sentences, progress)
    seconds = time.perf_counter() - started
    firings = [(text, a) for text, a in zip(sentences, assessments) if a.alert]
    metrics: dict[str, Any] = {
        "data": source,
        "stages": detector.stages,
        "n": len(sentences),
        "false_alarms": len(firings),
        "false_alarm_rate": len(firings) / len(sentences) if sentences else None,
        "notices": sum(a.level == "notice" for a in assessments),
        "by_scenario": dict(Counter(a.scenario for _, a in firings)),
        "messages_per_second": len(sentences) / seconds if seconds > 0 else None,
    }
    if detector.fallback_reason:
        metrics["fallback_reason"] = detector.fallback_reason
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_jsonl(out_dir / "firings.jsonl", [_record(text, a) for text, a in firings])
    write_metrics(out_dir, metrics)
    return metrics


def _record(text: str, assessment: FraudAssessment, label: str | None = None, line: int | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"text": text}
    if label is not None:
        record.update(label=label, line=line)
    record.update(assessment.to_dict())
    record.update(pattern_score=round(assessment.pattern_score, 4))
    if assessment.classifier_probability is not None:
        record.update(classifier_probability=round(assessment.classifier_probability, 4))
    return record


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
