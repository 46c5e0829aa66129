"""The offline backbone: format reader, conversion, loading through transformers and
sentence-transformers, reference embeddings, vocabulary trimming, and clear errors."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from bot.artifacts import ArtifactError, read_manifest, write_manifest
from bot.backbone import REFERENCE_FILE, check_reference_embeddings, resolve_backbone
from bot.convert.reader import FormatError, dequantize_q4, read_e5s1
from bot.settings import Settings

SIMILAR_A, SIMILAR_B, UNRELATED = "我想提前还款怎么操作", "怎么提前把贷款还清", "今天天气怎么样"


def test_q4_block_dequantises_nibbles_low_then_high_with_offset_8():
    scale = np.float16(0.5).tobytes()
    # byte j holds weight j (low nibble) and weight j+16 (high nibble)
    nibbles = bytes(((j % 16) | (((15 - j) % 16) << 4)) for j in range(16))
    weights = dequantize_q4(scale + nibbles, 32)
    expected = [(j - 8) * 0.5 for j in range(16)] + [((15 - j) - 8) * 0.5 for j in range(16)]
    assert weights.tolist() == expected


def test_reader_rejects_a_file_that_is_not_e5s1(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + struct.pack("<I", 1) + b"\0" * 64)
    with pytest.raises(FormatError, match="bad magic"):
        read_e5s1(bad)


def _mean_pool(model, tokenizer, texts):
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


def test_loads_with_transformers_automodel_and_ranks_paraphrases_above_unrelated(backbone):
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(backbone.location)
    model = AutoModel.from_pretrained(backbone.location).eval()
    a, b, c = _mean_pool(model, tokenizer, ["query: " + t for t in (SIMILAR_A, SIMILAR_B, UNRELATED)])
    assert a @ b > max(a @ c, b @ c) + 0.05


def test_loads_with_sentence_transformers_and_ranks_paraphrases_above_unrelated(encoder):
    a, b, c = encoder.encode([SIMILAR_A, SIMILAR_B, UNRELATED], prompt_name="query")
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-4
    assert a @ b > max(a @ c, b @ c) + 0.05


def test_embeddings_match_the_reference_engine(backbone):
    assert check_reference_embeddings(backbone.location) >= 0.999


def test_trimmed_vocabulary_gives_identical_tokens_and_embeddings(backbone, settings, tmp_path):
    from sentence_transformers import SentenceTransformer
    from transformers import AutoTokenizer

    from bot.convert.builder import convert

    full_dir = tmp_path / "full"
    convert(full_dir, trim=False)
    trimmed = resolve_backbone(settings)
    assert read_manifest(Path(trimmed.location), "backbone", "x")["trimmed"]
    texts = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))["sentences"] + [
        "借款APP登陸不上 怎麼辦？？", "hello I need help with my loan repayment", "额度 50,000元 ¥3,000.50 年化7.2%",
        "逾期了😭😭 怎么办", "①②③ 第一期（本金）", "ＡＰＰ全角字母１２３",
    ]
    full_tok = AutoTokenizer.from_pretrained(full_dir)
    trim_tok = AutoTokenizer.from_pretrained(trimmed.location)
    for text in texts:
        full_pieces = full_tok.convert_ids_to_tokens(full_tok(text)["input_ids"])
        trim_pieces = trim_tok.convert_ids_to_tokens(trim_tok(text)["input_ids"])
        assert full_pieces == trim_pieces, text
    full_emb = SentenceTransformer(str(full_dir), device="cpu").encode(texts, prompt_name="query")
    trim_emb = SentenceTransformer(trimmed.location, device="cpu").encode(texts, prompt_name="query")
    np.testing.assert_allclose(full_emb, trim_emb, atol=1e-5)
    assert trim_tok.vocab_size < full_tok.vocab_size / 2 + 10_000


def test_corrupt_artefact_is_reported_with_the_build_command(tmp_path):
    (tmp_path / "weights.bin").write_bytes(b"original")
    write_manifest(tmp_path, {"kind": "test"})
    (tmp_path / "weights.bin").write_bytes(b"tampered")
    with pytest.raises(ArtifactError, match=r"corrupt.*Build it with: finbot build x"):
        read_manifest(tmp_path, "thing", "finbot build x")


def test_backbone_setting_accepts_a_local_folder_or_a_hub_id(tmp_path):
    assert resolve_backbone(Settings(backbone=str(tmp_path))).location == str(tmp_path.resolve())
    hub = resolve_backbone(Settings(backbone="intfloat/multilingual-e5-small"))
    assert hub.location == "intfloat/multilingual-e5-small" and not hub.embedded


def test_doctor_json_reports_missing_artefacts_and_fails(tmp_path):
    env = {**os.environ, "FINBOT_CACHE_DIR": str(tmp_path / "empty-cache")}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "doctor", "--json"], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    state = json.loads(done.stdout)
    assert state["backbone"]["ok"] is False
    assert state["backbone"]["build"] == "finbot build backbone"
    assert set(state) >= {"backbone", "intent_model", "fraud_model", "index"}
