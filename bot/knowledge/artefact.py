"""The knowledge index as a built artefact.

Its manifest records the backbone id and the knowledge version (a hash of the entry files,
company.yaml and every ingested document); when either differs from the current one, the index
is stale and ``finbot build index`` (or the service at start) rebuilds it, re-embedding only
passages whose text changed. A malformed knowledge file fails the build with the file and field
named, and the previous index stays where it was.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.artifacts import ArtifactError, artefact_status, building, read_manifest, write_manifest
from bot.backbone import resolve_backbone
from bot.knowledge.entries import ENTRIES_DIR, Company, KnowledgeEntry, load_entries
from bot.knowledge.index import KnowledgeIndex
from bot.sentence_encoder import build as build_encoder
from bot.sentence_encoder import load_sentence_encoder
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)
BUILD_COMMAND = "finbot build index"


def sources_file(settings: Settings) -> Path:
    return settings.data_dir / "ingested_sources.json"


def ingested_sources(settings: Settings) -> list[Path]:
    try:
        return [Path(p) for p in json.loads(sources_file(settings).read_text(encoding="utf-8"))]
    except (OSError, ValueError):
        return []


def add_sources(settings: Settings, paths: list[Path]) -> list[Path]:
    current = ingested_sources(settings)
    for path in paths:
        resolved = Path(path).resolve()
        if resolved not in current:
            current.append(resolved)
    sources_file(settings).parent.mkdir(parents=True, exist_ok=True)
    sources_file(settings).write_text(json.dumps([str(p) for p in current], ensure_ascii=False, indent=2), encoding="utf-8")
    return current


def knowledge_version(settings: Settings) -> str:
    digest = hashlib.sha256()
    # The shipped files by name (the same in every checkout), ingested documents by their path.
    named = [(f"entries/{f.name}", f) for f in sorted(ENTRIES_DIR.glob("*.yaml"))]
    for source in ingested_sources(settings):
        files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
        named += [(str(f), f) for f in files]
    for name, file in named:
        digest.update(name.encode())
        digest.update(file.read_bytes() if file.is_file() else b"<missing>")
    # The company's facts fill the answers; its product names do not (bot/products.py reads them),
    # so a lender swapping names keeps its index.
    company = Company.load(settings.company_file).values
    digest.update(json.dumps({k: v for k, v in company.items() if k != "product_names"}, sort_keys=True,
                             ensure_ascii=False).encode())
    return digest.hexdigest()


def all_entries(settings: Settings) -> list[KnowledgeEntry]:
    from bot.knowledge.ingest import ingest_path

    entries = load_entries()
    for source in ingested_sources(settings):
        entries += ingest_path(source)
    return entries


def _check(settings: Settings) -> dict:
    manifest = read_manifest(settings.index_dir, "knowledge index", BUILD_COMMAND)
    if manifest.get("backbone") != resolve_backbone(settings).model_id:
        raise ArtifactError("knowledge index", "stale: built with another backbone", BUILD_COMMAND)
    if manifest.get("knowledge_version") != knowledge_version(settings):
        raise ArtifactError("knowledge index", "stale: the knowledge files changed since it was built", BUILD_COMMAND)
    return manifest


def status(settings: Settings | None = None) -> dict:
    settings = settings or get_settings()
    return artefact_status(settings.index_dir, lambda: _check(settings),
                           lambda manifest: {k: manifest[k] for k in ("entries", "passages", "search")})


# The share of answerable held-out questions the no-answer threshold must leave answered. Refusing
# a plain service question is the costliest mistake on real traffic (the customer is told we cannot
# help); out-of-scope messages are mostly caught earlier, by the intent model. The dev lines are
# our own writing and sit closer to the entries than real questions do, so the target is high.
ANSWERABLE_RECALL = 0.97


def calibrate_no_answer(index: KnowledgeIndex, encoder) -> dict:
    """Pick the similarity under which the base has no answer, on held-out labelled messages (the
    intent dev split): the highest threshold that still answers ``ANSWERABLE_RECALL`` of its
    service questions. What it then refuses of the out_of_scope and unclear lines is reported."""
    from bot.intent.data import DEV_DIR, load_split
    from bot.intent.taxonomy import spec_of
    from bot.knowledge.index import QUERY_PREFIX
    from bot.text import normalize

    rows = load_split(DEV_DIR)
    answerable = [r.text for r in rows if spec_of(r.label).answerable]
    unanswerable = [r.text for r in rows if r.label in ("out_of_scope", "unclear")]
    texts = answerable + unanswerable
    vectors = encoder.encode([QUERY_PREFIX + normalize(t) for t in texts], normalize_embeddings=True,
                             show_progress_bar=False, batch_size=64)
    best = np.array([index.dense(v, 1)[0][1] for v in vectors])
    is_answerable = np.array([True] * len(answerable) + [False] * len(unanswerable))
    candidates = np.round(np.arange(0.70, 0.95, 0.005), 3)
    kept = [float((best[is_answerable] >= t).mean()) for t in candidates]
    threshold = float(max((t for t, share in zip(candidates, kept) if share >= ANSWERABLE_RECALL), default=candidates[0]))
    return {"no_answer_threshold": threshold, "calibration_answerable_kept": float((best[is_answerable] >= threshold).mean()),
            "calibration_unanswerable_refused": float((best[~is_answerable] < threshold).mean()),
            "calibration_n": len(texts)}


def build(settings: Settings | None = None, force: bool = False) -> dict:
    settings = settings or get_settings()
    if not force and status(settings)["ok"]:
        return {}
    build_encoder(settings)  # and the backbone under it
    backbone = resolve_backbone(settings)
    version = knowledge_version(settings)  # before reading: files edited during the build make it stale
    entries = all_entries(settings)  # raises KnowledgeError (file + field) before anything is touched
    encoder = load_sentence_encoder(settings)
    previous = KnowledgeIndex.cached_vectors(settings.index_dir)
    with building(settings.index_dir) as tmp:
        index, stats = KnowledgeIndex.build(entries, encoder, previous)
        calibration = calibrate_no_answer(index, encoder)
        index.save(tmp)
        write_manifest(tmp, {"kind": "knowledge-index", "backbone": backbone.model_id,
                             "knowledge_version": version, "search": index.search_kind,
                             "sources": [str(p) for p in ingested_sources(settings)], **stats, **calibration})
    log.info("knowledge index: %s", stats)
    _load.cache_clear()
    return stats


def load_retriever(settings: Settings | None = None):
    """The retriever over the built index (rebuilt first, with a message, if it is stale)."""
    settings = settings or get_settings()
    try:
        _check(settings)
    except ArtifactError as exc:
        log.warning("knowledge index %s — rebuilding", exc.problem)
        build(settings, force=True)
        _check(settings)
    return _load(str(settings.index_dir), load_sentence_encoder(settings))


@lru_cache(maxsize=2)
def _load(folder: str, encoder):
    from bot.knowledge.retriever import Retriever

    manifest = read_manifest(Path(folder), "knowledge index", BUILD_COMMAND, check_files=False)
    return Retriever(KnowledgeIndex.load(Path(folder)), encoder, manifest["no_answer_threshold"])
