"""Hybrid retrieval over the shipped index: answers with sources, no-answer, intent boost,
stale-index rebuild."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.knowledge import artefact
from bot.knowledge.retriever import INTENT_BOOST, fuse
from bot.settings import Settings


def test_customer_questions_find_the_right_entry_with_source(retriever):
    cases = {"提前还款收违约金吗": "early-repayment", "征信报告上的逾期记录不对怎么申诉": "credit-dispute",
             "有人打电话说我校园贷没注销": "fraud-student-loan-cancel", "怎么换绑银行卡": "repayment"}
    for query, prefix in cases.items():
        hits = retriever.search(query, k=5)
        assert hits, query
        assert hits[0].entry_id.startswith(prefix), (query, [h.entry_id for h in hits])
        assert hits[0].source and hits[0].answer and hits[0].similarity >= retriever.no_answer_threshold


def test_empty_query_returns_no_hits(retriever):
    assert retriever.search("") == [] and retriever.search("   ") == []


def test_unrelated_questions_get_no_answer(retriever):
    for query in ("今天天气怎么样", "推荐一部好看的电影", "比特币明天会涨吗"):
        assert retriever.search(query) == [], query


def test_hybrid_modes_and_intent_boost(retriever):
    query = "还款"
    dense = retriever.search(query, mode="dense", answerable_only=False)
    sparse = retriever.search(query, mode="sparse")
    assert dense and sparse
    plain = {h.entry_id: h for h in retriever.search(query, answerable_only=False, k=50)}
    boosted = retriever.search(query, intent="repay.card", answerable_only=False, k=50)
    served = [h for h in boosted if "repay.card" in h.intents]
    assert served and len(served) < len(boosted)
    for hit in boosted:  # the entries that serve the intent, and only they, gain the boost
        factor = 1 + INTENT_BOOST if "repay.card" in hit.intents else 1.0
        assert hit.score == pytest.approx(plain[hit.entry_id].score * factor)
    order = [h.entry_id for h in boosted]
    assert order.index(served[0].entry_id) <= list(plain).index(served[0].entry_id)


def test_fusion_keeps_score_gaps_and_weighs_the_two_rankings():
    dense = [(1, 0.95), (2, 0.80), (3, 0.78)]  # entry 1 is far ahead: a confident dense match
    sparse = [(3, 12.0), (2, 11.0), (4, 6.0)]  # BM25 barely prefers 3 over 2
    fused = fuse(dense, sparse, dense_weight=0.55)
    assert fused[1] == pytest.approx(0.55)  # best dense, absent from BM25's candidates
    assert fused[3] == pytest.approx(0.45)  # best BM25, worst dense candidate
    assert fused[4] == pytest.approx(0.45 * 0.5)
    assert max(fused, key=fused.get) == 1  # reciprocal-rank fusion would have ranked 2 and 3 above 1
    assert sorted(fuse(dense, [], 1.0), key=lambda e: -fuse(dense, [], 1.0)[e]) == [1, 2, 3]
    assert fuse([], sparse, 0.0) == {3: 1.0, 2: pytest.approx(11 / 12), 4: 0.5}
    assert fuse([(7, 0.9)], [], 0.55) == {7: 0.55} and fuse([], []) == {}


def test_ask_cli_prints_hits_with_sources():
    result = CliRunner().invoke(app, ["ask", "逾期一天有罚息吗", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)["hits"]
    assert hits and hits[0]["source"]


def test_stale_index_is_rebuilt_reusing_unchanged_vectors(retriever, settings, tmp_path):
    tmp = Settings(cache_dir=tmp_path / "cache", data_dir=tmp_path / "data")
    tmp.build_dir.mkdir(parents=True)
    (tmp.build_dir / "backbone").symlink_to(settings.backbone_dir)
    shutil.copytree(settings.index_dir, tmp.index_dir)
    manifest_path = tmp.index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["knowledge_version"] = "an older version"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    state = artefact.status(tmp)
    assert state["ok"] is False and "stale" in state["error"]
    stats = artefact.build(tmp)
    assert stats["embedded"] == 0 and stats["entries"] == manifest["entries"]
    assert artefact.status(tmp)["ok"] is True


def test_a_broken_knowledge_file_fails_the_build_and_keeps_the_old_index(settings, tmp_path, monkeypatch):
    from bot.knowledge import entries as entries_module

    folder = tmp_path / "entries"
    shutil.copytree(entries_module.ENTRIES_DIR, folder)
    (folder / "zz-broken.yaml").write_text("- id: broken\n  title: 坏条目\n", encoding="utf-8")
    monkeypatch.setattr(entries_module, "ENTRIES_DIR", folder)
    monkeypatch.setattr(artefact, "ENTRIES_DIR", folder)
    before = (settings.index_dir / "manifest.json").read_bytes()
    result = CliRunner().invoke(app, ["index", "build"])
    assert result.exit_code != 0
    assert "zz-broken.yaml, entry 'broken': field 'answer'" in result.output
    assert (settings.index_dir / "manifest.json").read_bytes() == before
