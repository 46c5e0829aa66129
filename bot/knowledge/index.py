"""The knowledge index: dense vectors in faiss plus a BM25 index over jieba tokens.

Passages embedded per entry: the title and each question variant as queries (e5's symmetric
"query: " prefix, since they are customer questions) and the answer or document chunk as a
"passage: ". BM25 works at the entry level (title + questions + answer). Embeddings are keyed by
the hash of their prefixed text, so a rebuild re-embeds only what changed (incremental ingest).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

import numpy as np
from tqdm import tqdm

from bot.knowledge.entries import KnowledgeEntry
from bot.text import normalize

# Below this many vectors an exact (flat) search is fast enough and exact; above it, HNSW.
EXACT_SEARCH_LIMIT = 50_000
HNSW_NEIGHBOURS = 32
QUERY_PREFIX, PASSAGE_PREFIX = "query: ", "passage: "
_STOPWORDS = set("的 了 吗 呢 吧 啊 呀 嘛 么 哦 嗯 我 你 您 他 她 是 在 有 和 与 就 都 也 还 要 想 请问 一下 怎么 怎样 如何 什么 这个 那个 可以 能 会".split())
_KEEP = re.compile(r"[\w\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


def tokenize(text: str) -> list[str]:
    """BM25 tokens: jieba search-mode words of the normalised lower-cased text, minus stopwords."""
    words = _jieba().lcut_for_search(normalize(text).lower())
    return [w for w in words if w.strip() and _KEEP.search(w) and w not in _STOPWORDS]


def passages_of(entry: KnowledgeEntry) -> list[tuple[str, str]]:
    """(prefix, text) pairs to embed for one entry."""
    if entry.kind == "document":
        return [(PASSAGE_PREFIX, f"{entry.title}\n{entry.answer}")]
    items = [(QUERY_PREFIX, entry.title)] + [(QUERY_PREFIX, q) for q in entry.questions]
    return items + [(PASSAGE_PREFIX, f"{entry.title}\n{entry.answer}")]


def _key(prefix: str, text: str) -> str:
    return hashlib.sha1((prefix + normalize(text)).encode("utf-8")).hexdigest()


class KnowledgeIndex:
    """Entries, their passage vectors (faiss) and BM25 statistics, saved to and loaded from a folder."""

    def __init__(self, entries: list[KnowledgeEntry], passage_entry: np.ndarray, passage_keys: list[str],
                 vectors: np.ndarray):
        import bm25s
        import faiss

        self.entries = entries
        self.by_id = {e.id: e for e in entries}
        self.passage_entry = passage_entry  # passage row → entry position
        self.passage_keys = passage_keys
        self.vectors = vectors.astype(np.float32)
        dim = self.vectors.shape[1]
        if len(self.vectors) <= EXACT_SEARCH_LIMIT:
            self.faiss = faiss.IndexFlatIP(dim)
        else:
            self.faiss = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            self.faiss.hnsw.efSearch = 64
        self.faiss.add(self.vectors)
        # Queries come one at a time: splitting one over OpenMP threads is slower (10k vectors:
        # 0.72 ms on two threads, 0.30 ms on one) and its spinning threads compete with the encoder's.
        faiss.omp_set_num_threads(1)
        corpus = [tokenize(" ".join([e.title, *e.questions, e.answer])) for e in entries]
        self.bm25 = bm25s.BM25()
        self.bm25.index(corpus, show_progress=False)

    @property
    def search_kind(self) -> str:
        return "exact" if len(self.vectors) <= EXACT_SEARCH_LIMIT else "hnsw"

    # --- building -------------------------------------------------------------------------
    @classmethod
    def build(cls, entries: list[KnowledgeEntry], encoder, previous: "dict[str, np.ndarray] | None" = None,
              batch_size: int = 64) -> tuple["KnowledgeIndex", dict]:
        """Embed every passage (reusing ``previous`` vectors by key) and build the index."""
        previous = previous or {}
        keys, owners, todo = [], [], []
        for position, entry in enumerate(entries):
            for prefix, text in passages_of(entry):
                key = _key(prefix, text)
                keys.append(key)
                owners.append(position)
                if key not in previous:
                    todo.append((key, prefix + normalize(text)))
        todo = list(dict(todo).items())
        fresh: dict[str, np.ndarray] = {}
        if todo:
            progress = tqdm(total=len(todo), desc="index: embedding passages", unit="passage")
            for start in range(0, len(todo), batch_size):
                batch = todo[start : start + batch_size]
                vectors = encoder.encode([text for _, text in batch], batch_size=batch_size,
                                         normalize_embeddings=True, show_progress_bar=False)
                fresh.update({key: vec for (key, _), vec in zip(batch, vectors)})
                progress.update(len(batch))
            progress.close()
        lookup = {**previous, **fresh}
        vectors = np.stack([lookup[k] for k in keys]).astype(np.float32)
        stats = {"entries": len(entries), "passages": len(keys), "embedded": len(fresh), "reused": len(keys) - len(set(fresh) & set(keys))}
        return cls(entries, np.asarray(owners, dtype=np.int32), keys, vectors), stats

    # --- persistence ----------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "vectors.npy", self.vectors)
        np.save(folder / "passage_entry.npy", self.passage_entry)
        (folder / "passage_keys.json").write_text(json.dumps(self.passage_keys), encoding="utf-8")
        with open(folder / "entries.jsonl", "w", encoding="utf-8") as out:
            for entry in self.entries:
                out.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, folder: Path) -> "KnowledgeIndex":
        entries = []
        for line in (folder / "entries.jsonl").read_text(encoding="utf-8").splitlines():
            raw = json.loads(line)
            entries.append(KnowledgeEntry(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}))
        keys = json.loads((folder / "passage_keys.json").read_text(encoding="utf-8"))
        return cls(entries, np.load(folder / "passage_entry.npy"), keys, np.load(folder / "vectors.npy"))

    @staticmethod
    def cached_vectors(folder: Path) -> dict[str, np.ndarray]:
        """Vectors of a previously built index, by passage key (empty when there is none)."""
        try:
            keys = json.loads((folder / "passage_keys.json").read_text(encoding="utf-8"))
            vectors = np.load(folder / "vectors.npy")
        except (OSError, ValueError):
            return {}
        return dict(zip(keys, vectors)) if len(keys) == len(vectors) else {}

    # --- search ---------------------------------------------------------------------------
    def dense(self, query_vector: np.ndarray, k: int = 50) -> list[tuple[int, float]]:
        """Entries ranked by their best passage's cosine similarity to the query."""
        scores, rows = self.faiss.search(query_vector.reshape(1, -1).astype(np.float32), min(k * 4, len(self.vectors)))
        best: dict[int, float] = {}
        for score, row in zip(scores[0], rows[0]):
            if row < 0:
                continue
            entry = int(self.passage_entry[row])
            if entry not in best:
                best[entry] = float(score)
        return sorted(best.items(), key=lambda kv: -kv[1])[:k]

    def sparse(self, query: str, k: int = 50) -> list[tuple[int, float]]:
        tokens = tokenize(query)
        if not tokens:
            return []
        documents, scores = self.bm25.retrieve([tokens], k=min(k, len(self.entries)), show_progress=False)
        return [(int(d), float(s)) for d, s in zip(documents[0], scores[0]) if s > 0]
