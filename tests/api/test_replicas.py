"""Two service replicas on one PostgreSQL database: a conversation alternates between them and
keeps its state, and an agent on one replica reads what the customer sent to the other."""

from __future__ import annotations

import pytest

from tests.api.conftest import AGENT, start_server

pytestmark = pytest.mark.slow


@pytest.fixture()
def replicas(postgresql_backend, intent_classifier, retriever, fraud_detector, tmp_path):
    started = []
    try:
        for name in ("a", "b"):
            folder = tmp_path / name
            folder.mkdir()
            started.append(start_server(folder, extra_env={"FINBOT_DATABASE_URL": postgresql_backend.url}))
        yield started
    finally:
        for replica in started:
            replica.stop()


def test_a_conversation_alternates_between_two_replicas(replicas, postgresql_backend):
    a, b = replicas
    with a.client() as on_a, b.client() as on_b:
        first = on_a.post("/v1/chat", json={"message": "借2万分12期每月还多少"})
        assert first.status_code == 200, first.text
        session_id = first.json()["session_id"]
        # The slot dialogue's state lives in the database: replica B finishes what A started.
        second = on_b.post("/v1/chat", json={"session_id": session_id, "message": "年化7.2%"})
        assert second.status_code == 200, second.text
        assert second.json()["plan"] is not None and len(second.json()["plan"]["periods"]) == 12
        third = on_a.post("/v1/chat", json={"session_id": session_id, "message": "我要转人工"})
        assert third.status_code == 200, third.text

        # An agent on A sees every turn, whichever replica took it, in order.
        on_agent_a = on_a.get(f"/v1/agent/sessions/{session_id}", headers=AGENT)
        assert on_agent_a.status_code == 200, on_agent_a.text
        customer_texts = [t["text"] for t in on_agent_a.json()["turns"] if t["role"] == "customer"]
        assert customer_texts == ["借2万分12期每月还多少", "年化7.2%", "我要转人工"]
        on_agent_b = on_b.get(f"/v1/agent/sessions/{session_id}", headers=AGENT).json()
        assert on_agent_b["turns"] == on_agent_a.json()["turns"]

    # The rows are in PostgreSQL, not in either replica's data folder. (Each replica does keep its own
    # demo loan ledger, ledger.sqlite3: in production the ledger is the lender's core system, reached
    # over HTTP by FINBOT_LEDGER_URL, and the bot only reads it.)
    [(count,)] = postgresql_backend.raw_rows(f"SELECT count(*) FROM turns WHERE session_id = '{session_id}'")
    assert count == len(on_agent_a.json()["turns"]) >= 6
    assert not (a.data_dir / "finbot.sqlite3").exists() and not (b.data_dir / "finbot.sqlite3").exists()
