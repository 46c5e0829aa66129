"""Hybrid retrieval: dense (e5 + faiss) and sparse (BM25) rankings fused by reciprocal rank,
boosted towards entries that serve the message's intent, with a calibrated no-answer threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.knowledge.index import QUERY_PREFIX, KnowledgeIndex
from bot.text import normalize

RRF_K = 60  # the usual reciprocal-rank-fusion constant (Cormack et al. 2009)
CANDIDATES = 50
# Relative boost of an entry that serves the (confident) predicted intent. Reciprocal-rank scores
# are close together, so the boost is a tie-breaker: 0.35 (the first guess) let any top-10 entry
# of the intent jump over the best match (R@1 0.86 → 0.77). Chosen on the even-numbered lines of
# eval/data/retrieval/queries.jsonl among 0–0.35 and confirmed on the odd-numbered ones
# (R@1 0.847 → 0.855, MRR 0.898 → 0.903 against no boost).
INTENT_BOOST = 0.01


@dataclass(frozen=True)
class Hit:
    entry_id: str
    title: str
    score: float  # fused score used for ranking
    similarity: float  # best dense cosine: what the no-answer threshold is calibrated on
    answer: str
    source: str  # citation: the law/rule, or the document › heading › article
    category: str
    intents: tuple[str, ...]
    kind: str

    def as_dict(self) -> dict:
        return {"entry_id": self.entry_id, "title": self.title, "score": round(self.score, 5),
                "similarity": round(self.similarity, 4), "answer": self.answer, "source": self.source,
                "category": self.category, "intents": list(self.intents), "kind": self.kind}


class Retriever:
    def __init__(self, index: KnowledgeIndex, encoder, no_answer_threshold: float = 0.80):
        self.index = index
        self.encoder = encoder
        self.no_answer_threshold = no_answer_threshold

    def embed(self, text: str) -> np.ndarray:
        return self.encoder.encode([QUERY_PREFIX + normalize(text)], normalize_embeddings=True,
                                   show_progress_bar=False)[0]

    def search(self, query: str, intent: str | None = None, k: int = 5, mode: str = "hybrid",
               query_vector: np.ndarray | None = None, answerable_only: bool = True) -> list[Hit]:
        """Top-k entries for a query. ``mode``: hybrid | dense | sparse. Empty query → no hits.

        With ``answerable_only`` the hits under the no-answer threshold are dropped, so an
        empty list means "the knowledge base has no answer to this".
        """
        if not normalize(query):
            return []
        dense: list[tuple[int, float]] = []
        if mode in ("hybrid", "dense"):
            vector = query_vector if query_vector is not None else self.embed(query)
            dense = self.index.dense(vector, CANDIDATES)
        sparse = self.index.sparse(query, CANDIDATES) if mode in ("hybrid", "sparse") else []
        similarity = dict(dense)
        fused: dict[int, float] = {}
        for ranking in (dense, sparse):
            for rank, (entry, _) in enumerate(ranking):
                fused[entry] = fused.get(entry, 0.0) + 1.0 / (RRF_K + rank + 1)
        if intent:
            for entry in fused:
                if any(intent == i or intent.startswith(i + ".") for i in self.index.entries[entry].intents):
                    fused[entry] *= 1.0 + INTENT_BOOST
        if mode == "sparse":  # no dense similarity: report the BM25 score's share instead
            top = max((s for _, s in sparse), default=1.0) or 1.0
            similarity = {e: s / top for e, s in sparse}
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
        hits = [self._hit(entry, score, similarity.get(entry, 0.0)) for entry, score in ranked]
        if answerable_only and mode != "sparse":
            hits = [h for h in hits if h.similarity >= self.no_answer_threshold]
        return hits

    def _hit(self, position: int, score: float, similarity: float) -> Hit:
        e = self.index.entries[position]
        return Hit(e.id, e.title, score, similarity, e.answer, e.citation, e.category, e.intents, e.kind)
