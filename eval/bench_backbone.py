"""Backbone benchmark: size on disk, load time, single-sentence latency and batch throughput.

    python eval/bench_backbone.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from bot.backbone import build_backbone
from bot.intent.data import TEST_DIR, load_split
from bot.settings import get_settings


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    settings = get_settings()
    torch.set_num_threads(settings.torch_threads)
    backbone = build_backbone(settings)
    started = time.perf_counter()
    model = SentenceTransformer(backbone.location, device="cpu")
    load_s = time.perf_counter() - started
    texts = [e.text for e in load_split(TEST_DIR)][:512]
    model.encode(texts[:8], prompt_name="query")  # warm-up
    single = []
    for text in texts[:200]:
        t0 = time.perf_counter()
        model.encode([text], prompt_name="query", show_progress_bar=False)
        single.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    model.encode(texts, prompt_name="query", batch_size=64, show_progress_bar=False)
    batch_s = time.perf_counter() - t0
    result = {"model_id": backbone.model_id, "size_mb": round(folder_mb(Path(backbone.location)), 1),
              "load_s": round(load_s, 2), "single_median_ms": round(float(np.median(single)) * 1000, 2),
              "batch_sentences_per_s": round(len(texts) / batch_s, 1)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
