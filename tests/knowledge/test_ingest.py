"""Ingesting a lender's documents: structure-aware chunking, FAQ files, incremental updates."""

from __future__ import annotations

import json

import pytest

from bot.knowledge.entries import KnowledgeError
from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.ingest import chunk_document, ingest_path
from tests.conftest import shared_data


def test_the_statute_collection_is_chunked_by_article_with_citations():
    laws = shared_data("laws")
    chunks = [c for c in ingest_path(laws) if c.origin.endswith(".md")]
    articles = [c for c in chunks if "第" in c.title and c.title.endswith("条")]
    assert 2250 <= len(articles) <= 2450  # the collection has about 2,300 articles
    assert len({c.id for c in chunks}) == len(chunks)
    fraud_law = [c for c in articles if c.category == "中华人民共和国反电信网络诈骗法"]
    second = next(c for c in fraud_law if c.title.endswith("第二条"))
    assert second.answer.startswith("第二条 本法所称电信网络诈骗")
    assert second.sources == ("中华人民共和国反电信网络诈骗法 › 第一章 总 则 › 第二条",)


def test_sections_without_articles_split_by_heading_and_length():
    text = "# 手册\n\n## 还款\n\n" + "\n\n".join(f"第{i}段说明还款渠道。" * 20 for i in range(6)) + "\n\n## 额度\n\n额度说明。"
    chunks = chunk_document(text, "manual.md")
    assert all(len(c.answer) <= 700 for c in chunks)
    assert chunks[-1].title == "手册 › 额度" and chunks[-1].answer == "额度说明。"


def test_faq_files_csv_json_and_their_errors(tmp_path):
    (tmp_path / "faq.csv").write_text("question,answer,intents\n怎么还款|还款渠道有哪些,在App还款,repay.how\n", encoding="utf-8")
    (tmp_path / "faq.json").write_text(json.dumps([{"question": "怎么提额", "answer": "按时还款"}], ensure_ascii=False), encoding="utf-8")
    entries = ingest_path(tmp_path)
    assert {e.title for e in entries} == {"怎么还款", "怎么提额"}
    assert entries[0].questions == ("怎么还款", "还款渠道有哪些") and entries[0].intents == ("repay.how",)
    (tmp_path / "bad.jsonl").write_text('{"question": "没有答案"}\n', encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"bad.jsonl, row 1: field 'answer' is missing"):
        ingest_path(tmp_path / "bad.jsonl")


def test_incremental_update_reembeds_only_changed_chunks(encoder, tmp_path):
    doc = tmp_path / "rules.md"
    doc.write_text("# 服务规则\n\n## 总则\n\n第一条 借款须本人申请。\n\n第二条 还款日为每月借款日。\n", encoding="utf-8")
    first, stats = KnowledgeIndex.build(ingest_path(doc), encoder)
    assert stats["embedded"] == 2
    first.save(tmp_path / "index")
    doc.write_text(doc.read_text(encoding="utf-8") + "\n第三条 提前还款不收手续费。\n", encoding="utf-8")
    second, stats = KnowledgeIndex.build(ingest_path(doc), encoder, KnowledgeIndex.cached_vectors(tmp_path / "index"))
    assert stats["embedded"] == 1 and stats["passages"] == 3
