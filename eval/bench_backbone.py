"""Backbone benchmark: size on disk, load time, single-sentence latency and batch throughput, for
each inference runtime (PyTorch eager and the ONNX export), and how far apart their embeddings are.

    python eval/bench_backbone.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from bot import sentence_encoder
from bot.backbone import QUERY_PREFIX, build_backbone
from bot.intent.data import TEST_DIR, load_split
from bot.settings import get_settings


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def measure(encoder, texts: list[str]) -> dict:
    encoder.encode(texts[:8], show_progress_bar=False)  # warm-up
    single = []
    for text in texts[:200]:
        t0 = time.perf_counter()
        encoder.encode([text], show_progress_bar=False)
        single.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    vectors = encoder.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    batch_s = time.perf_counter() - t0
    return {"single_median_ms": round(float(np.median(single)) * 1000, 2),
            "batch_sentences_per_s": round(len(texts) / batch_s, 1), "vectors": np.asarray(vectors)}


def main() -> None:
    settings = get_settings()
    backbone = build_backbone(settings)
    sentence_encoder.build(settings)
    texts = [QUERY_PREFIX + e.text for e in load_split(TEST_DIR)][:512]
    result: dict = {"model_id": backbone.model_id, "size_mb": round(folder_mb(Path(backbone.location)), 1)}
    for runtime in ("torch", "onnx"):
        started = time.perf_counter()
        encoder = sentence_encoder.load_sentence_encoder(settings.model_copy(update={"inference_runtime": runtime}))
        result[runtime] = {"load_s": round(time.perf_counter() - started, 2), **measure(encoder, texts)}
    difference = np.abs(result["torch"].pop("vectors") - result["onnx"].pop("vectors")).max()
    result["max_abs_difference"] = float(difference)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
