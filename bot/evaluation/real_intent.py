"""Intent and answers on real customer questions: the evaluator behind ``bench_intent.py real``.

``RealIntentEvaluator(questions)(classifier)`` returns a dict of metrics on our labelled real
questions (``bot.evaluation.outside.load_real_intent_set``):

- ``accuracy_strict``: the top intent is the first label; ``accuracy_lenient``: it is either label;
- ``macro_f1`` and ``per_intent_recall`` (strict), ``ece`` (strict correctness against confidence);
- ``coverage_at_95``: the largest share of questions answered (confidence ≥ some threshold) at which
  answered accuracy (lenient, as a customer would judge it) is still ≥ 95 %;
- ``at_shipped_threshold``: coverage and answered accuracy at the model's own threshold.

``answer_metrics(pipeline, questions)`` runs the real dialogue turn on every entry-labelled
question and reports how often the first knowledge source is the right entry.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from bot.evaluation.metrics import classification_metrics
from bot.evaluation.outside import NEEDS_ACCOUNT, NO_ENTRY, RealQuestion
from bot.intent.calibration import expected_calibration_error

TARGET_ANSWERED_ACCURACY = 0.95


def coverage_at(confidence: np.ndarray, correct: np.ndarray, target: float = TARGET_ANSWERED_ACCURACY) -> dict:
    """The lowest confidence threshold whose answered accuracy reaches ``target``, and its coverage."""
    order = np.argsort(-confidence)
    running = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    reaching = np.nonzero(running >= target)[0]
    if not len(reaching):
        return {"coverage": 0.0, "threshold": None, "accuracy": None}
    last = int(reaching[-1])
    return {"coverage": (last + 1) / len(order), "threshold": float(confidence[order][last]),
            "accuracy": float(running[last])}


class RealIntentEvaluator:
    def __init__(self, questions: list[RealQuestion]):
        self.questions = questions

    def __call__(self, classifier) -> dict:
        texts = [q.text for q in self.questions]
        probs = classifier.predict_proba(texts)
        labels = classifier.labels
        top = probs.argmax(axis=1)
        predicted = [labels[i] for i in top]
        confidence = probs.max(axis=1)
        strict = np.array([p == q.label for p, q in zip(predicted, self.questions)])
        lenient = np.array([p in q.accepted for p, q in zip(predicted, self.questions)])
        gold = [q.label for q in self.questions]
        report = classification_metrics(gold, predicted, sorted(set(labels) | set(gold)))
        y = np.array([labels.index(g) if g in labels else -1 for g in gold])
        answered = confidence >= classifier.threshold
        support = Counter(gold)
        return {
            "n": len(self.questions),
            "accuracy_strict": float(strict.mean()),
            "accuracy_lenient": float(lenient.mean()),
            "macro_f1": report["macro_f1"],
            "ece": expected_calibration_error(probs, y),
            "coverage_at_95": coverage_at(confidence, lenient),
            "at_shipped_threshold": {
                "threshold": classifier.threshold, "coverage": float(answered.mean()),
                "accuracy_lenient": float(lenient[answered].mean()) if answered.any() else None},
            "per_intent_recall": {
                intent: {"recall": float(np.mean([s for s, q in zip(strict, self.questions) if q.label == intent])),
                         "support": n} for intent, n in sorted(support.items())},
            "errors": [{"id": q.id, "gold": q.label, "alt": q.alt, "predicted": p, "confidence": round(float(c), 3)}
                       for q, p, c, ok in zip(self.questions, predicted, confidence, lenient) if not ok],
        }


def answer_metrics(pipeline, questions: list[RealQuestion]) -> dict:
    """On entry-labelled questions: how often the reply's first knowledge source is the right entry
    (where an entry answers), and the retriever's Recall@1 on its own."""
    from bot.dialogue.state import SessionState

    with_entry = [q for q in questions if q.entry and q.entry not in (NEEDS_ACCOUNT, NO_ENTRY, "out_of_scope", "unclear")]
    replied, retrieved, skills = [], [], Counter()
    for q in with_entry:
        result = pipeline.turn(SessionState(), q.text)
        first = result.sources[0]["entry_id"] if result.sources else None
        replied.append(first in q.accepted_entries)
        skills[result.skill] += 1
        hits = pipeline.retriever.search(q.text, k=1, answerable_only=False)
        retrieved.append(bool(hits) and hits[0].entry_id in q.accepted_entries)
    return {"n_with_entry": len(with_entry),
            "reply_right_entry": float(np.mean(replied)) if replied else None,
            "retrieval_recall_at_1": float(np.mean(retrieved)) if retrieved else None,
            "skills": dict(skills),
            "entry_labels": dict(Counter(q.entry if q.entry in (NEEDS_ACCOUNT, NO_ENTRY, "out_of_scope", "unclear")
                                         else "entry" for q in questions if q.entry))}
