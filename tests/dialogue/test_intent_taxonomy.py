"""intents.yaml is the one place for intent behaviour: a new intent is served by adding data only."""

from __future__ import annotations

import pytest
import yaml

from bot.dialogue.state import SessionState
from bot.intent.taxonomy import (
    TAXONOMY_FILE,
    TaxonomyError,
    intent_specs,
    parse_taxonomy,
)

# A throwaway intent: customers asking about a lawyer's letter, served by a human agent.
NEW_INTENT = "collection.lawyer_letter"
NEW_LINES = ["收到律师函了怎么办", "律师函是真的吗", "你们给我发律师函什么意思", "律师说要起诉我", "收到法务函",
             "律师函上说要上门", "律师事务所给我打电话", "律师函说三天内还清", "收到起诉通知书怎么办",
             "有律师给我发短信说要起诉", "律师函能不理吗", "律师函是你们发的吗"]


def copy_with_new_intent(tmp_path) -> dict:
    raw = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    raw[NEW_INTENT] = {"name": "律师函咨询", "skill": "handoff", "overrides_dialogue": True}
    path = tmp_path / "intents.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return parse_taxonomy(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))


@pytest.mark.slow
def test_a_new_intent_is_served_from_data_alone(tmp_path, fraud_detector, retriever):
    from bot.dialogue.pipeline import Pipeline
    from bot.intent.data import TRAIN_DIR, load_split
    from bot.intent.modeling import TfidfIntentClassifier

    rows = load_split(TRAIN_DIR)
    texts = [r.text for r in rows] + NEW_LINES * 3
    labels = [r.label for r in rows] + [NEW_INTENT] * (len(NEW_LINES) * 3)
    classifier = TfidfIntentClassifier.fit(texts, labels)  # the fast model: this is about routing
    classifier.threshold = 0.0
    pipeline = Pipeline(classifier, fraud_detector, retriever, specs=copy_with_new_intent(tmp_path))

    result = pipeline.turn(SessionState(), "我收到律师函了怎么办")
    assert result.intent.intent == NEW_INTENT
    assert result.skill == "handoff" and result.handoff
    # The chips offer it by its name from the data when the bot asks back.
    assert pipeline.clarify.specs[NEW_INTENT].name == "律师函咨询"


def test_the_shipped_taxonomy_names_every_skill_it_uses():
    specs = intent_specs()
    assert len(specs) == 35
    assert specs["repay.plan"].skill == "repay.plan" and specs["repay.amount"].account_skill == "account.bill"
    assert specs["unclear"].template == "unclear" and not specs["unclear"].offered_in_clarify
    assert specs["human.agent"].overrides_dialogue and not specs["human.agent"].answerable


@pytest.mark.parametrize("spec,message", [
    ({"name": "x", "skill": "teleport"}, "skill 'teleport'"),
    ({"name": "x", "account_skill": "account.magic"}, "account_skill"),
    ({"name": "x", "skill": "smalltalk"}, "needs a template"),
    ({"name": "x", "colour": "red"}, "unknown field"),
    ({"skill": "knowledge"}, "needs a Chinese name"),
])
def test_a_bad_taxonomy_entry_is_named(spec, message):
    with pytest.raises(TaxonomyError, match=message) as error:
        parse_taxonomy({"loan.new": spec}, "intents.yaml")
    assert "loan.new" in str(error.value)
