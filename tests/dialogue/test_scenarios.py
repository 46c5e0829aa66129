"""Scenario scripts (scenarios.yaml) through the real pipeline, models and SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

LEVELS = ["none", "notice", "warning", "critical"]
SCENARIOS = yaml.safe_load((Path(__file__).with_name("scenarios.yaml")).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def chat_service(intent_classifier, retriever, fraud_detector, tmp_path_factory):
    from bot.dialogue.pipeline import Pipeline
    from bot.dialogue.service import ChatService
    from bot.settings import Settings
    from bot.store import open_store

    store = open_store(Settings(data_dir=tmp_path_factory.mktemp("data")))
    return ChatService(Pipeline(intent_classifier, fraud_detector, retriever), store)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(chat_service, scenario):
    session_id = None
    for number, turn in enumerate(scenario["turns"], start=1):
        chat = chat_service.chat(turn["message"], session_id)
        session_id = chat.session_id
        result, expect = chat.result, turn["expect"]
        where = f"turn {number} ({turn['message']}): intent {result.intent.intent} {result.intent.confidence:.2f}, " \
                f"skill {result.skill}, fraud {result.fraud.level}/{result.fraud.scenario}\nreply: {result.reply}"
        if "intent" in expect:
            assert result.intent.intent == expect["intent"], where
        if "skill" in expect:
            assert result.skill == expect["skill"], where
        if "fraud" in expect:
            assert LEVELS.index(result.fraud.level) >= LEVELS.index(expect["fraud"]), where
            assert result.warning and result.reply.startswith(result.warning), where
        if expect.get("no_fraud"):
            assert result.fraud.level in ("none", "notice") and result.warning is None, where
        if "handoff" in expect:
            assert result.handoff is expect["handoff"], where
        if "plan" in expect:
            assert (result.plan is not None) is expect["plan"], where
        if expect.get("sources"):
            assert result.sources and result.sources[0]["source"], where
        if expect.get("quick_replies"):
            assert result.quick_replies, where
        for text in expect.get("reply_contains", []):
            assert text in result.reply, where
        if "slots" in expect:
            slots = chat_service.store.get_session(session_id)["state_json"]["slots"]
            assert {k: slots.get(k) for k in expect["slots"]} == expect["slots"], where
