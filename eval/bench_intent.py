"""Intent-recognition benchmark: prints the numbers the issue's targets are judged on.

    python eval/bench_intent.py own                 # shipped model + baseline on the own test split
    python eval/bench_intent.py banking77 [--set epochs=8 head_learning_rate=0.005]
    python eval/bench_intent.py clinc150 [--set ...]
    python eval/bench_intent.py speed               # one-message latency and batch throughput
    python eval/bench_intent.py real [--no-answers] # our labelled real customer questions (BQ dev)
    python eval/bench_intent.py review              # first replies to 200 of them, and the hand review's counts
    python eval/bench_intent.py int8                # the int8 decision, on the dev split (never on test)

Public benchmarks are trained from scratch with the same recipe (models/intent/config.yaml; `--set`
overrides its values) and the same harness as the shipped model; reports go to eval/reports/<name>/.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import yaml

from bot.backbone import build_backbone
from bot.evaluation.report import evaluate, measure_speed
from bot.intent.data import TEST_DIR, Example, load_split, read_labelled_file
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


REAL_OVERRIDES = PROJECT_ROOT / "eval" / "data" / "intent" / "real" / "company_overrides.yaml"


def real_company_file() -> Path:
    """knowledge/company.yaml with the real set's lender names (company_overrides.yaml), in the reports."""
    company = yaml.safe_load((PROJECT_ROOT / "knowledge" / "company.yaml").read_text(encoding="utf-8"))
    company.update(yaml.safe_load(REAL_OVERRIDES.read_text(encoding="utf-8")))
    path = REPORTS / "intent-real" / "company.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(company, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def real(answers: bool = True) -> dict:
    """The shipped model (and the baseline) on our labelled real questions, as the live turn reads them."""
    import os

    from bot.evaluation.outside import load_real_intent_set
    from bot.evaluation.real_intent import RealIntentEvaluator, answer_metrics
    from bot.intent.artefact import baseline_dir, load_shipped_classifier
    from bot.intent.modeling import load_classifier
    from bot.products import reload_product_names

    os.environ["FINBOT_COMPANY_FILE"] = str(real_company_file())
    get_settings.cache_clear()
    reload_product_names()
    settings = get_settings()
    questions = load_real_intent_set()
    evaluate_real = RealIntentEvaluator(questions)
    out = {}
    for name, model in (("transformer", load_shipped_classifier(settings)),
                        ("baseline", load_classifier(baseline_dir(settings)))):
        m = evaluate_real(model)
        out[name] = m
        cov = m["coverage_at_95"]
        print(f"{name:12s} n {m['n']}  strict {m['accuracy_strict']:.4f}  lenient {m['accuracy_lenient']:.4f}  "
              f"macro-F1 {m['macro_f1']:.4f}  ECE {m['ece']:.4f}  coverage at 95% answered {cov['coverage']:.3f}  "
              f"at threshold {m['at_shipped_threshold']['threshold']}: coverage {m['at_shipped_threshold']['coverage']:.3f}")
    worst = sorted(out["transformer"]["per_intent_recall"].items(), key=lambda kv: kv[1]["recall"])
    print("per-intent recall (strict): " + ", ".join(f"{k} {v['recall']:.2f}/{v['support']}" for k, v in worst))
    rows = [Example(q.text, q.label) for q in questions]
    evaluate(load_shipped_classifier(settings), rows, REPORTS / "intent-real" / "transformer",
             title="real customer questions (BQ dev, our labels)", speed=False)
    if answers:
        from bot.api.services import load_services

        services = load_services(settings)
        a = answer_metrics(services.pipeline, questions)
        out["answers"] = a
        print(f"answers: {a['n_with_entry']} entry-labelled questions: reply has the right entry "
              f"{a['reply_right_entry']:.3f}, retrieval R@1 {a['retrieval_recall_at_1']:.3f}; skills {a['skills']}")
    print(f"report: {REPORTS / 'intent-real' / 'transformer' / 'index.html'}")
    return out


REVIEW_FILE = PROJECT_ROOT / "eval" / "data" / "intent" / "real" / "reply_review.jsonl"
REVIEW_VERDICTS = ("answers", "partial", "wrong", "clarify_ok", "clarify_bad", "refuse_ok", "refuse_bad")
ACCEPTABLE = ("answers", "clarify_ok", "refuse_ok")


def review(sample: int = 200) -> dict:
    """The bot's first reply to a fixed sample of real questions, for the hand review: the replies go
    to eval/reports/intent-real/replies.jsonl (texts of research data stay out of git); the verdicts,
    by reference, live in eval/data/intent/real/reply_review.jsonl and are counted here."""
    import hashlib
    import os

    from bot.api.services import load_services
    from bot.dialogue.state import SessionState
    from bot.evaluation.outside import load_real_intent_set
    from bot.products import reload_product_names

    os.environ["FINBOT_COMPANY_FILE"] = str(real_company_file())
    get_settings.cache_clear()
    reload_product_names()
    questions = sorted(load_real_intent_set(), key=lambda q: hashlib.sha256(("review" + q.id).encode()).hexdigest())
    chosen = questions[:sample]
    pipeline = load_services(get_settings()).pipeline
    out_path = REPORTS / "intent-real" / "replies.jsonl"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as handle:
        for q in chosen:
            result = pipeline.turn(SessionState(), q.text)
            handle.write(json.dumps({"id": q.id, "question": q.text, "label": q.label, "alt": q.alt, "entry": q.entry,
                                     "intent": result.intent.intent, "confident": result.intent.confident,
                                     "skill": result.skill, "reply": result.reply,
                                     "sources": [s["entry_id"] for s in result.sources],
                                     "quick_replies": result.quick_replies}, ensure_ascii=False) + "\n")
    print(f"replies: {len(chosen)} real questions → {out_path}")
    if not REVIEW_FILE.exists():
        return {"replies": str(out_path)}
    verdicts = {row["id"]: row["verdict"] for row in map(json.loads, REVIEW_FILE.read_text(encoding="utf-8").splitlines())
                if row.get("verdict") in REVIEW_VERDICTS}
    counts = {verdict: sum(1 for q in chosen if verdicts.get(q.id) == verdict) for verdict in REVIEW_VERDICTS}
    judged = sum(counts.values())
    acceptable = sum(counts[v] for v in ACCEPTABLE)
    print(f"hand review ({REVIEW_FILE.name}): {judged} of {len(chosen)} judged; "
          + ", ".join(f"{v} {n}" for v, n in counts.items())
          + f"; acceptable {acceptable / max(judged, 1):.1%}, refuse_bad {counts['refuse_bad'] / max(judged, 1):.1%}")
    return {"counts": counts, "judged": judged, "acceptable": acceptable / max(judged, 1)}


def int8() -> dict:
    """fp32 against int8 ONNX graphs of the shipped network: dev accuracy and one-message latency.
    The recipe's quantize_int8 is decided on these dev figures; the test split is not read."""
    import tempfile

    from bot import runtime
    from bot.intent.artefact import load_shipped_classifier, model_dir
    from bot.intent.data import DEV_DIR
    from bot.intent.modeling import ONNX_GRAPH

    settings = get_settings()
    dev = load_split(DEV_DIR)
    model = load_shipped_classifier(settings)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        quantised = Path(tmp) / "int8.onnx"
        runtime.quantize_int8(model_dir(settings) / ONNX_GRAPH, quantised)
        for name, graph in (("fp32", model_dir(settings) / ONNX_GRAPH), ("int8", quantised)):
            model.onnx = runtime.OnnxEncoder(graph, model.tokenizer, threads=1, max_length=model.max_length)
            m = evaluate(model, dev, speed=False)
            latency = measure_speed(model, [e.text for e in dev], singles=200)
            out[name] = {"dev_accuracy": m["accuracy"], "single_median_ms": latency["single_median_ms"]}
            print(f"{name}: dev accuracy {m['accuracy']:.4f}, one message {latency['single_median_ms']:.1f} ms (1 thread)")
    return out


def speed() -> dict:
    from bot.intent.artefact import load_shipped_classifier

    rows = load_split(TEST_DIR)
    result = measure_speed(load_shipped_classifier(get_settings()), [r.text for r in rows], singles=300)
    print(f"one message: median {result['single_median_ms']:.1f} ms, p99 {result['single_p99_ms']:.1f} ms; "
          f"batch: {result['batch_messages_per_s']:.0f} messages/s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["own", "banking77", "clinc150", "speed", "real", "int8", "review"])
    parser.add_argument("--no-answers", action="store_true", help="real: intents only, not the dialogue turn")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                        help="override values of models/intent/config.yaml, e.g. epochs=8")
    args = parser.parse_args()
    overrides = {key: yaml.safe_load(value) for key, _, value in (item.partition("=") for item in args.set)}
    runners = {"own": own, "speed": speed, "banking77": lambda: banking77(overrides),
               "clinc150": lambda: clinc150(overrides), "real": lambda: real(not args.no_answers), "int8": int8,
               "review": review}
    result = runners[args.what]()
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"bench-intent-{args.what}.json").write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
