"""Benchmark of the anti-fraud detector.

Prints the lexicon stage's time per message (median and p99; target ≤ 2 ms) over the training
messages and, when present, the BQ dev questions; then, if the authored test file exists, the
recall per scenario and the false-alarm rate of the full detector (lexicon + classifier when the
classifier is built, the lexicon alone otherwise), with the report in eval/reports/fraud/.

    .venv/bin/python eval/bench_fraud.py [--test FILE] [--patterns-only] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.fraud.catalogue import load_catalogue  # noqa: E402
from bot.fraud.classifier import TRAIN_FILE  # noqa: E402
from bot.fraud.evaluation import BQ_DEV_FILE, DEFAULT_TEST_FILE, read_pair_sentences  # noqa: E402
from bot.fraud.patterns import PatternMatcher  # noqa: E402
from bot.settings import PROJECT_ROOT  # noqa: E402

REPORT_DIR = PROJECT_ROOT / "eval" / "reports" / "fraud"
PATTERN_TARGET_MS = 2.0


def messages() -> list[str]:
    texts = [json.loads(line)["text"] for line in TRAIN_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    if BQ_DEV_FILE.is_file():
        texts += read_pair_sentences(BQ_DEV_FILE)
    return texts


def time_pattern_stage(texts: list[str], repeat: int) -> tuple[float, float, float]:
    """Median, p99 and max milliseconds per message of PatternMatcher.score."""
    started = time.perf_counter()
    matcher = PatternMatcher(load_catalogue())
    build_ms = (time.perf_counter() - started) * 1000
    for text in texts[:200]:  # warm the character-folding cache as a running service would
        matcher.score(text)
    samples = []
    for _ in range(repeat):
        for text in texts:
            begin = time.perf_counter_ns()
            matcher.score(text)
            samples.append((time.perf_counter_ns() - begin) / 1e6)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(0.99 * len(samples)))]
    print(f"lexicon automaton built in {build_ms:.0f} ms")
    return statistics.median(samples), p99, samples[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", type=Path, default=DEFAULT_TEST_FILE, help="labelled CSV (text,label)")
    parser.add_argument("--patterns-only", action="store_true", help="evaluate the lexicon stage alone")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the messages for timing")
    args = parser.parse_args()

    texts = messages()
    median, p99, worst = time_pattern_stage(texts, args.repeat)
    verdict = "OK" if p99 <= PATTERN_TARGET_MS else "OVER TARGET"
    print(f"pattern stage over {len(texts)} messages × {args.repeat}: "
          f"median {median:.3f} ms, p99 {p99:.3f} ms, max {worst:.3f} ms (target ≤ {PATTERN_TARGET_MS} ms: {verdict})")

    if not args.test.is_file():
        print(f"no test file at {args.test}: recall and false-alarm rate not measured")
        return 0
    from bot.fraud.detector import FraudDetector
    from bot.fraud.evaluation import evaluate_labelled, read_labelled_csv

    detector = FraudDetector.load(use_classifier=not args.patterns_only)
    metrics = evaluate_labelled(detector, read_labelled_csv(args.test), REPORT_DIR, str(args.test), progress=True)
    print(f"\nstages: {metrics['stages']}" + (f" ({metrics['fallback_reason']})" if metrics.get("fallback_reason") else ""))
    print(f"test file {args.test}: {metrics['n_fraud']} scam rows, {metrics['n_none']} ordinary rows")
    print(f"{'scenario':28s} {'n':>4s} {'recall':>7s} {'named':>6s}")
    for scenario, row in metrics["per_scenario"].items():
        print(f"{scenario:28s} {row['n']:4d} {row['recall']:7.3f} {row['named_correctly']:6d}")
    print(f"detection recall {metrics['detection_recall']:.4f}   min per scenario {metrics['min_scenario_recall']:.4f}")
    print(f"false-alarm rate {metrics['false_alarm_rate']:.4f} ({metrics['false_alarms']} of {metrics['n_none']})")
    print(f"scenario accuracy on detected scams {metrics['scenario_accuracy']:.4f}")
    print(f"report: {REPORT_DIR / 'metrics.json'}")
    real_text(detector)
    return 0


def real_text(detector) -> None:
    """Real scam texts and ordinary SMS (telecom_fraud_dev) and real customer questions (BQ dev)."""
    from bot.evaluation.outside import OutsideDataMissing, telecom_fraud_rows
    from bot.fraud.evaluation import LabelledRow, evaluate_external, evaluate_labelled

    try:
        rows = [LabelledRow(text, label, number) for number, (text, label) in enumerate(telecom_fraud_rows(), start=2)]
    except OutsideDataMissing as missing:
        print(f"\nreal scam texts not measured: {missing}")
        return
    metrics = evaluate_labelled(detector, rows, REPORT_DIR / "telecom-dev", "telecom_fraud_dev/dev.csv", progress=True)
    print(f"\nreal telecom-fraud half: {metrics['n_fraud']} scam texts, {metrics['n_none']} ordinary SMS "
          f"({metrics['messages_per_second']:.0f} messages/s)")
    for scenario, row in metrics["per_scenario"].items():
        print(f"  {scenario:28s} {row['n']:4d} recall {row['recall']:.3f}")
    print(f"  detection recall {metrics['detection_recall']:.4f}   min per scenario {metrics['min_scenario_recall']:.4f}")
    print(f"  false alarms on ordinary SMS {metrics['false_alarm_rate']:.4f} ({metrics['false_alarms']} of {metrics['n_none']}); "
          f"levels {metrics['levels']}")
    if BQ_DEV_FILE.is_file():
        bq = evaluate_external(detector, read_pair_sentences(BQ_DEV_FILE), REPORT_DIR / "bq-dev", "bq_dev/dev.csv", progress=True)
        print(f"real customer questions (BQ dev): false alarms {bq['false_alarm_rate']:.4f} ({bq['false_alarms']} of {bq['n']})")
    print(f"reports: {REPORT_DIR / 'telecom-dev'}, {REPORT_DIR / 'bq-dev'}")


if __name__ == "__main__":
    raise SystemExit(main())
