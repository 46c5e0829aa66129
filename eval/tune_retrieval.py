"""Choose the retriever's fusion weight and intent boost on the tuning queries only.

    python eval/tune_retrieval.py

Sweeps the dense weight and the intent boost over eval/data/retrieval/tuning.jsonl, picks the pair
with the best MRR (the smallest boost, then the weight nearest 0.5, among ties) and prints it with
the figures on the tuning half. The test half (test.jsonl) is not read: it reports, it never chooses.
Put the chosen values into bot/knowledge/retriever.py (DENSE_WEIGHT, INTENT_BOOST).
"""

from __future__ import annotations

import json

from bot.settings import PROJECT_ROOT

WEIGHTS = [round(0.30 + 0.05 * i, 2) for i in range(11)]  # 0.30 … 0.80
BOOSTS = [0.0, 0.02, 0.05, 0.10, 0.15, 0.20]


def main() -> dict:
    from bot.intent.artefact import load_shipped_classifier
    from bot.knowledge.artefact import load_retriever
    from bot.knowledge.evaluate import TUNING_QUERIES, evaluate_retrieval, read_queries

    retriever = load_retriever()
    queries = read_queries(TUNING_QUERIES)
    predictions = load_shipped_classifier().predict([row["query"] for row in queries])
    intents = [p.intent if p.confident else None for p in predictions]
    grid = []
    for weight in WEIGHTS:
        for boost in BOOSTS:
            retriever.dense_weight, retriever.intent_boost = weight, boost
            metrics = evaluate_retrieval(retriever, queries, "hybrid", intents=intents)
            grid.append({"dense_weight": weight, "intent_boost": boost, "recall_at_1": metrics["recall_at_1"],
                         "recall_at_5": metrics["recall_at_5"], "mrr": metrics["mrr"]})
            print(f"dense {weight:.2f}  boost {boost:.2f}  R@1 {metrics['recall_at_1']:.3f}  "
                  f"R@5 {metrics['recall_at_5']:.3f}  MRR {metrics['mrr']:.3f}")
    best = max(grid, key=lambda g: (round(g["mrr"], 4), -g["intent_boost"], -abs(g["dense_weight"] - 0.5)))
    print(f"chosen on tuning.jsonl ({len(queries)} queries): dense weight {best['dense_weight']}, "
          f"intent boost {best['intent_boost']} (MRR {best['mrr']:.3f}, R@1 {best['recall_at_1']:.3f})")
    out = PROJECT_ROOT / "eval" / "reports" / "tune-retrieval.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"split": "tuning", "chosen": best, "grid": grid}, indent=2), encoding="utf-8")
    return best


if __name__ == "__main__":
    main()
