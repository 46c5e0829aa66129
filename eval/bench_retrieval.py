"""Retrieval benchmark: quality on the authored query set and BQ, and speed at scale.

    python eval/bench_retrieval.py quality       # R@1, R@5, MRR for hybrid (+intent) / BM25 / dense + no-answer
    python eval/bench_retrieval.py bq            # Spearman and AUC of the backbone on BQ dev pairs
    python eval/bench_retrieval.py scale [--passages 10000 100000] [--embed 2000]

`scale` builds indexes of the shipped knowledge base padded with statute chunks and synthetic
passages up to each size, embedding `--embed` real passages to measure build throughput (with a
progress bar), then measures median end-to-end query latency and search-only time.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from bot.settings import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared" / "data"
REPORTS = PROJECT_ROOT / "eval" / "reports"
QUERIES = ["提前还款要手续费吗", "逾期一天会上征信吗", "怎么换绑银行卡", "额度被冻结了怎么办", "征信有误怎么申诉",
           "还款日是每月几号", "借款多久到账", "年化利率怎么算", "结清证明怎么开", "有人让我交保证金才放款"]


def quality() -> dict:
    from bot.intent.artefact import load_shipped_classifier
    from bot.knowledge.artefact import load_retriever
    from bot.knowledge.evaluate import evaluate_modes, format_modes, read_queries

    results = evaluate_modes(load_retriever(), read_queries(), load_shipped_classifier())
    print(format_modes(results))
    return results


def bq() -> dict:
    from bot.knowledge.evaluate import evaluate_sts, read_pairs
    from bot.sentence_encoder import load_sentence_encoder

    first, second, labels = read_pairs(SHARED / "bq_dev" / "dev.csv")
    result = evaluate_sts(load_sentence_encoder(), first, second, labels)
    print(f"BQ dev: Spearman {result['spearman']:.4f}, AUC {result['auc']:.4f} (n={result['n']})")
    return result


def scale(sizes: list[int], embed: int) -> dict:
    from bot.knowledge.artefact import load_retriever
    from bot.knowledge.index import KnowledgeIndex
    from bot.knowledge.ingest import ingest_path
    from bot.knowledge.retriever import Retriever
    from bot.sentence_encoder import load_sentence_encoder

    shipped = load_retriever()
    encoder = load_sentence_encoder()
    laws = ingest_path(SHARED / "laws") if (SHARED / "laws").exists() else []
    sample = laws[:embed]
    started = time.perf_counter()
    _, stats = KnowledgeIndex.build(sample, encoder)
    throughput = stats["embedded"] / (time.perf_counter() - started)
    print(f"build: embedded {stats['embedded']} passages at {throughput:.0f} passages/s "
          f"(100,000 passages ≈ {100_000 / throughput / 60:.0f} min on this machine)")
    results = {"build_passages_per_s": throughput}
    rng = np.random.default_rng(0)
    base = shipped.index
    for size in sizes:
        extra = size - len(base.vectors)
        # Real vectors for the shipped entries; the rest are random unit vectors (only speed is measured).
        noise = rng.normal(size=(max(extra, 0), base.vectors.shape[1])).astype(np.float32)
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        vectors = np.vstack([base.vectors, noise])
        owners = np.concatenate([base.passage_entry, rng.integers(0, len(base.entries), max(extra, 0))]).astype(np.int32)
        index = KnowledgeIndex(base.entries, owners, base.passage_keys + [""] * max(extra, 0), vectors)
        retriever = Retriever(index, encoder, shipped.no_answer_threshold)
        query_vectors = [retriever.embed(q) for q in QUERIES]
        search, end_to_end = [], []
        for _ in range(20):
            for query, vector in zip(QUERIES, query_vectors):
                t0 = time.perf_counter()
                index.faiss.search(vector.reshape(1, -1), 50)
                search.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                retriever.search(query)
                end_to_end.append(time.perf_counter() - t0)
        results[size] = {"kind": index.search_kind, "search_median_ms": float(np.median(search) * 1000),
                         "end_to_end_median_ms": float(np.median(end_to_end) * 1000)}
        print(f"{size:>7} vectors ({index.search_kind}): search {results[size]['search_median_ms']:.2f} ms, "
              f"end to end {results[size]['end_to_end_median_ms']:.1f} ms (median)")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["quality", "bq", "scale"])
    parser.add_argument("--passages", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--embed", type=int, default=2000)
    args = parser.parse_args()
    runners = {"quality": quality, "bq": bq, "scale": lambda: scale(args.passages, args.embed)}
    result = runners[args.what]()
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"bench-retrieval-{args.what}.json").write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
