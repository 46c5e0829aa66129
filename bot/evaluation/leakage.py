"""The leakage guard: no text a model learnt from may appear in a set it is measured on.

Texts are compared as the models read them (``bot.text.normalize``: width, Traditional →
Simplified), lower-cased, without whitespace, punctuation, symbols or emoji — so 還不上了怎麼辦 and
还不上了怎么办！ are the same text — and also by near-duplicate: character-bigram Jaccard ≥ 0.8.

Training sides: the intent train and dev splits (dev chooses the temperature, the threshold and
the expert weight, so it is tuning data), the fraud train and dev files, and the knowledge entries'
own question variants (the retriever indexes them). Evaluation sides: the own intent test split,
the fraud test set, the retrieval tuning and test queries, the held-out sentences of the behaviour
tests, and the real sets rebuilt from ``../shared/data`` (BQ questions and the telecom-fraud half),
which must never feed training.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.settings import PROJECT_ROOT
from bot.text import normalize

NEAR = 0.8
_NOT_TEXT = re.compile(r"[\W_]+")
HELD_OUT_SENTENCES = PROJECT_ROOT / "tests" / "heldout.yaml"
SCENARIO_SCRIPTS = PROJECT_ROOT / "tests" / "dialogue" / "scenarios.yaml"


def canonical(text: str) -> str:
    """A text as the guard compares it: normalised, lower-cased, letters and digits only."""
    text = normalize(text).lower()
    text = "".join(c for c in text if unicodedata.category(c)[0] not in "PSZC")  # punctuation, symbols, emoji
    return _NOT_TEXT.sub("", text)


def bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1)) or frozenset({text})


@dataclass(frozen=True)
class Leak:
    training_set: str
    training_text: str
    evaluation_set: str
    evaluation_text: str
    kind: str  # "exact" or "near"
    similarity: float


def find_leaks(training: dict[str, list[str]], evaluation: dict[str, list[str]],
               threshold: float = NEAR) -> list[Leak]:
    """Every evaluation text that a training text equals or nearly equals, with its closest match.

    Jaccard similarity of character-bigram sets, for all pairs at once: a sparse product of binary
    bigram matrices gives the intersections, the set sizes give the unions."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    train = [(name, text, canonical(text)) for name, texts in training.items() for text in texts]
    train = [row for row in train if row[2]]
    exact = {}
    for name, text, key in train:
        exact.setdefault(key, (name, text))
    tests = [(name, text, canonical(text)) for name, texts in evaluation.items() for text in texts]
    tests = [row for row in tests if row[2]]
    vectorizer = CountVectorizer(analyzer=lambda key: sorted(bigrams(key)), binary=True)
    train_matrix = vectorizer.fit_transform([key for *_, key in train]).T.tocsr().astype(np.float32)
    train_sizes = np.asarray(train_matrix.sum(axis=0)).ravel()
    leaks = []
    for begin in range(0, len(tests), 2048):
        chunk = tests[begin:begin + 2048]
        matrix = vectorizer.transform([key for *_, key in chunk]).astype(np.float32)
        # bigrams never seen in training still count towards the evaluation text's own set size
        own_sizes = np.array([len(bigrams(key)) for *_, key in chunk], dtype=np.float32)
        inter = (matrix @ train_matrix).tocsr()
        for row, (eval_name, text, key) in enumerate(chunk):
            if key in exact:
                name, original = exact[key]
                leaks.append(Leak(name, original, eval_name, text, "exact", 1.0))
                continue
            lo, hi = inter.indptr[row], inter.indptr[row + 1]
            if lo == hi:
                continue
            columns, shared = inter.indices[lo:hi], inter.data[lo:hi]
            jaccard = shared / (own_sizes[row] + train_sizes[columns] - shared)
            best = int(np.argmax(jaccard))
            if jaccard[best] >= threshold:
                name, original, _ = train[columns[best]]
                leaks.append(Leak(name, original, eval_name, text, "near", round(float(jaccard[best]), 3)))
    return leaks


# --- the project's own sets ------------------------------------------------------------------


def training_sets() -> dict[str, list[str]]:
    """Every text a shipped model learns from or is tuned on."""
    from bot.fraud.catalogue import load_catalogue
    from bot.fraud.classifier import DEV_FILE, TRAIN_FILE, read_training_file
    from bot.intent.data import DEV_DIR, TRAIN_DIR, load_split
    from bot.knowledge.entries import load_entries

    scenarios = set(load_catalogue().scenarios)
    return {
        "intent train": [e.text for e in load_split(TRAIN_DIR)],
        "intent dev": [e.text for e in load_split(DEV_DIR)],
        "fraud train": [e.text for e in read_training_file(TRAIN_FILE, scenarios)],
        "fraud dev": [e.text for e in read_training_file(DEV_FILE, scenarios)],
        "knowledge questions": [q for entry in load_entries() for q in entry.questions],
    }


def held_out_sentences(path: Path = HELD_OUT_SENTENCES, scenarios: Path = SCENARIO_SCRIPTS) -> dict[str, list[str]]:
    """The sentences the behaviour tests feed the models (tests/heldout.yaml and the customer turns
    of tests/dialogue/scenarios.yaml), by group."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    groups: dict[str, list[str]] = {}
    for group, rows in data.items():
        groups[f"test sentences: {group}"] = [row if isinstance(row, str) else row["text"] for row in rows]
    scripts = yaml.safe_load(Path(scenarios).read_text(encoding="utf-8")) or []
    groups["test sentences: scenario turns"] = [turn["message"] for script in scripts for turn in script["turns"]
                                                if isinstance(turn.get("message"), str) and turn["message"].strip()]
    return groups


def own_evaluation_sets() -> dict[str, list[str]]:
    """The project's own evaluation sets (always present)."""
    from bot.fraud.evaluation import DEFAULT_TEST_FILE, read_labelled_csv
    from bot.intent.data import TEST_DIR, load_split
    from bot.knowledge.evaluate import TEST_QUERIES, TUNING_QUERIES, read_queries

    return {
        "intent test": [e.text for e in load_split(TEST_DIR)],
        "fraud test": [r.text for r in read_labelled_csv(DEFAULT_TEST_FILE)],
        "retrieval tuning": [q["query"] for q in read_queries(TUNING_QUERIES)],
        "retrieval test": [q["query"] for q in read_queries(TEST_QUERIES)],
        **held_out_sentences(),
    }


def real_evaluation_sets() -> dict[str, list[str]]:
    """The real sets from ``../shared/data``; raises OutsideDataMissing where they are absent."""
    from bot.evaluation.outside import bq_questions, telecom_fraud_rows

    return {"bq dev questions": [text for text, _ in bq_questions()],
            "telecom fraud dev": [text for text, _ in telecom_fraud_rows()]}


# Which training side must never meet which evaluation side: each model's own training and tuning
# data against every set that measures that model (the behaviour tests' sentences included).
# The real sets count for every model: they are research-only and may never feed training.
GUARDED = {
    "intent train": ("intent test", "test sentences", "bq dev questions", "retrieval"),
    "intent dev": ("intent test", "test sentences", "bq dev questions", "retrieval"),
    "fraud train": ("fraud test", "test sentences", "bq dev questions", "telecom fraud dev"),
    "fraud dev": ("fraud test", "test sentences", "bq dev questions", "telecom fraud dev"),
    "knowledge questions": ("retrieval", "bq dev questions"),
}


def project_leaks(with_real: bool = True) -> list[Leak]:
    """Every leak between a model's training data and the sets that measure it (``GUARDED``)."""
    training = training_sets()
    evaluation = own_evaluation_sets()
    if with_real:
        evaluation.update(real_evaluation_sets())
    leaks = []
    for train_name, measured_by in GUARDED.items():
        sets = {name: texts for name, texts in evaluation.items() if name.startswith(measured_by)}
        leaks += find_leaks({train_name: training[train_name]}, sets)
    return leaks
