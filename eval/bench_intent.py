"""Intent-recognition benchmark: prints the numbers the issue's targets are judged on.

    python eval/bench_intent.py own                 # shipped model + baseline on the own test split
    python eval/bench_intent.py banking77 [--set epochs=8 head_learning_rate=0.005]
    python eval/bench_intent.py clinc150 [--set ...]
    python eval/bench_intent.py speed               # one-message latency and batch throughput

Public benchmarks are trained from scratch with the same recipe (models/intent/config.yaml; `--set`
overrides its values) and the same harness as the shipped model; reports go to eval/reports/<name>/.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict

import numpy as np
import yaml

from bot.backbone import build_backbone
from bot.evaluation.report import evaluate, measure_speed
from bot.intent.data import Example, TEST_DIR, load_split, read_labelled_file
from bot.intent.trainer import TrainingConfig, calibrate, choose_expert_weight, train_baseline, train_transformer
from bot.settings import PROJECT_ROOT, get_settings

SHARED = PROJECT_ROOT.parent / "shared" / "data"
REPORTS = PROJECT_ROOT / "eval" / "reports"


def own() -> dict:
    from bot.intent.artefact import baseline_dir, load_shipped_classifier
    from bot.intent.modeling import load_classifier

    settings = get_settings()
    rows = load_split(TEST_DIR)
    out = {}
    for name, model in (("transformer", load_shipped_classifier(settings)),
                        ("baseline", load_classifier(baseline_dir(settings)))):
        m = evaluate(model, rows, REPORTS / "intent-own" / name, title=f"own test split — {name}")
        out[name] = {k: m[k] for k in ("n", "accuracy", "macro_f1", "ece", "at_threshold", "throughput")}
        print(f"{name:17s} acc {m['accuracy']:.4f}  macro-F1 {m['macro_f1']:.4f}  ECE {m['ece']:.4f}  "
              f"answered {m['at_threshold']['coverage']:.3f} at acc {m['at_threshold']['accuracy']:.4f}  "
              f"1-msg {m['throughput']['single_median_ms']:.1f} ms  batch {m['throughput']['batch_messages_per_s']:.0f}/s")
    return out


def _train_eval(name: str, train: list[Example], dev: list[Example], test: list[Example], overrides: dict) -> dict:
    settings = get_settings()
    backbone = build_backbone(settings)
    config = TrainingConfig.from_file(**overrides)
    results = {}
    started = time.perf_counter()
    baseline = train_baseline(train)
    calibrate(baseline, dev)
    results["baseline"] = {"accuracy": evaluate(baseline, test, speed=False)["accuracy"], "train_s": time.perf_counter() - started}
    started = time.perf_counter()
    model = train_transformer(train, backbone.location, config, settings.torch_threads)
    train_s = time.perf_counter() - started
    alone = evaluate(model, test, speed=False)["accuracy"]  # the network without the TF-IDF expert
    # As the shipped model is built (bot.intent.trainer.train_and_save): the TF-IDF expert's
    # weight, then the temperature and threshold, all chosen on the dev split.
    weight = choose_expert_weight(model, baseline, dev)
    calibrate(model, dev)
    metrics = evaluate(model, test, REPORTS / name, title=name)
    results["transformer"] = {"accuracy": metrics["accuracy"], "macro_f1": metrics["macro_f1"], "train_s": train_s,
                              "expert_weight": weight, "accuracy_without_expert": alone, "config": asdict(config)}
    return results | {"model": model}


def banking77(overrides: dict) -> dict:
    folder = SHARED / "banking77"
    train = read_labelled_file(folder / "train.csv")
    test = read_labelled_file(folder / "test.csv")
    rng = np.random.default_rng(0)
    dev_idx = set(rng.choice(len(train), size=len(train) // 10, replace=False).tolist())
    results = _train_eval("banking77", [r for i, r in enumerate(train) if i not in dev_idx],
                          [r for i, r in enumerate(train) if i in dev_idx], test, overrides)
    results.pop("model")
    print(f"BANKING77 test accuracy: transformer {results['transformer']['accuracy']:.4f} "
          f"(trained in {results['transformer']['train_s']:.0f} s; {results['transformer']['accuracy_without_expert']:.4f} "
          f"without the TF-IDF expert, weight {results['transformer']['expert_weight']}), "
          f"baseline {results['baseline']['accuracy']:.4f}")
    return results


def clinc150(overrides: dict) -> dict:
    """In-scope accuracy and out-of-scope recall, with `oos` both a class and a confidence threshold."""
    data = json.loads((SHARED / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    rows = {split: [Example(t, l) for t, l in data[split]] for split in data}
    train = rows["train"] + rows["oos_train"]
    dev = rows["val"] + rows["oos_val"]
    results = _train_eval("clinc150", train, dev, rows["test"], overrides)
    model = results.pop("model")
    oos = model.labels.index("oos")

    def probabilities(examples):
        return model.predict_proba([e.text for e in examples])

    def decide(probs, threshold):
        predicted = probs.argmax(1)
        predicted[probs.max(1) < threshold] = oos
        return predicted

    def rates(in_probs, in_gold, oos_probs, threshold):
        in_acc = float(np.mean([model.labels[p] == g for p, g in zip(decide(in_probs, threshold), in_gold)]))
        return in_acc, float(np.mean(decide(oos_probs, threshold) == oos))

    # The threshold is the one calibrate() chose on validation (val + oos_val), by the same rule as
    # for the shipped model: the lowest threshold at which the answered messages are ≥ 98 % right
    # (bot.intent.calibration.choose_threshold). `oos` is also a class, so even threshold 0 sends
    # some queries to it. Validation has only 100 out-of-scope queries, so both whole curves are
    # reported too, for the record; nothing is chosen on the test curve.
    thresholds = sorted({float(t) for t in np.round(np.arange(0.0, 0.96, 0.02), 2)} | {model.threshold})
    val_probs, val_gold = probabilities(rows["val"]), [e.label for e in rows["val"]]
    val_oos_probs = probabilities(rows["oos_val"])
    val_curve = {t: rates(val_probs, val_gold, val_oos_probs, t) for t in thresholds}
    test_probs, test_gold = probabilities(rows["test"]), [e.label for e in rows["test"]]
    test_oos_probs = probabilities(rows["oos_test"])
    test_curve = {t: rates(test_probs, test_gold, test_oos_probs, t) for t in thresholds}
    chosen = model.threshold
    in_scope, oos_recall = test_curve[chosen]

    def as_dicts(curve):
        return {t: {"in_scope_accuracy": a, "oos_recall": r} for t, (a, r) in curve.items()}

    results["threshold"] = {"value": chosen, "rule": "bot.intent.calibration.choose_threshold on val + oos_val",
                            "in_scope_accuracy": in_scope, "oos_recall": oos_recall,
                            "validation": dict(zip(("in_scope_accuracy", "oos_recall"), val_curve[chosen])),
                            "validation_curve": as_dicts(val_curve), "test_curve": as_dicts(test_curve)}
    print(f"CLINC150: in-scope accuracy {in_scope:.4f}, out-of-scope recall {oos_recall:.4f} (threshold {chosen:.2f}, "
          f"chosen on validation, where it gives {val_curve[chosen][0]:.4f} / {val_curve[chosen][1]:.4f})")
    for t in thresholds[::5]:
        print(f"  threshold {t:.2f}: test {test_curve[t][0]:.4f} / {test_curve[t][1]:.4f}, "
              f"validation {val_curve[t][0]:.4f} / {val_curve[t][1]:.4f}")
    return results


def speed() -> dict:
    from bot.intent.artefact import load_shipped_classifier

    rows = load_split(TEST_DIR)
    result = measure_speed(load_shipped_classifier(get_settings()), [r.text for r in rows], singles=300)
    print(f"one message: median {result['single_median_ms']:.1f} ms, p99 {result['single_p99_ms']:.1f} ms; "
          f"batch: {result['batch_messages_per_s']:.0f} messages/s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["own", "banking77", "clinc150", "speed"])
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                        help="override values of models/intent/config.yaml, e.g. epochs=8")
    args = parser.parse_args()
    overrides = {key: yaml.safe_load(value) for key, _, value in (item.partition("=") for item in args.set)}
    runners = {"own": own, "speed": speed, "banking77": lambda: banking77(overrides),
               "clinc150": lambda: clinc150(overrides)}
    result = runners[args.what]()
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"bench-intent-{args.what}.json").write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
