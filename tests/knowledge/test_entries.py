"""Knowledge files: coverage of the taxonomy, strict validation, company placeholders."""

from __future__ import annotations

import pytest

from bot.intent.taxonomy import core_intents
from bot.knowledge.entries import Company, KnowledgeError, load_entries

SERVICE_INTENTS = set(core_intents()) - {"chitchat.greeting", "chitchat.thanks", "out_of_scope", "unclear"}


def test_knowledge_base_covers_every_service_intent_with_sources_and_review_dates():
    entries = load_entries()
    assert len(entries) >= 300
    served = {intent for e in entries for intent in e.intents}
    assert SERVICE_INTENTS - served == set()
    for entry in entries:
        assert entry.sources and entry.reviewed and len(entry.questions) >= 3, entry.id
        assert "{" not in entry.answer, f"unfilled placeholder in {entry.id}"


def test_one_fraud_education_entry_per_scam_scenario():
    from bot.fraud.catalogue import load_catalogue

    ids = {e.id for e in load_entries()}
    for scenario in load_catalogue().scenario_ids:
        assert f"fraud-{scenario.replace('_', '-')}" in ids


def _write(tmp_path, body: str):
    folder = tmp_path / "entries"
    folder.mkdir()
    (folder / "broken.yaml").write_text(body, encoding="utf-8")
    company = tmp_path / "company.yaml"
    company.write_text("hotline: 400-000-0000\n", encoding="utf-8")
    return folder, company


GOOD = """- id: a-entry
  title: 标题
  category: 测试
  intents: [repay.how]
  questions: [怎么还款]
  answer: 拨打{hotline}
  sources: [公司服务规则]
  reviewed: 2026-11-01
"""


@pytest.mark.parametrize("body,message", [
    (GOOD.replace("  answer: 拨打{hotline}\n", ""), r"broken.yaml, entry 'a-entry': field 'answer' is missing"),
    (GOOD.replace("{hotline}", "{fax}"), r"broken.yaml, entry 'a-entry', field 'answer': placeholder \{fax\}"),
    (GOOD.replace("repay.how", "repay.nowhere"), r"field 'intents' has unknown intent 'repay.nowhere'"),
    (GOOD.replace("2026-11-01", "yesterday"), r"field 'reviewed' is not a date"),
    (GOOD + GOOD, r"field 'id' duplicates"),
    (GOOD.replace("id: a-entry", "id: A Entry"), r"entry 1: field 'id' is missing or not lowercase"),
    ("- [unclosed", r"broken.yaml: not valid YAML"),
])
def test_malformed_files_name_file_entry_and_field(tmp_path, body, message):
    folder, company = _write(tmp_path, body)
    with pytest.raises(KnowledgeError, match=message):
        load_entries(folder, company)


def test_placeholders_are_filled_from_company_file(tmp_path):
    folder, company = _write(tmp_path, GOOD)
    assert load_entries(folder, company)[0].answer == "拨打400-000-0000"
    assert Company.load(company).values["hotline"] == "400-000-0000"
