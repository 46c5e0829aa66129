"""POST /v1/agent/sessions/{id}/claim on two replicas of the app over one database (SQLite file and
PostgreSQL): of two agents taking one handoff at once, one gets it (200) and the other a 409 saying
so in Chinese. The agent routes need only the store, so the apps run without models."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.api.services import Services
from bot.settings import Settings
from bot.store import ConversationStore
from tests.api.conftest import AGENT


@pytest.fixture
def two_replicas(backend, tmp_path):
    settings = Settings(data_dir=tmp_path, database_url=backend.url)
    stores = [ConversationStore.open(backend.url, settings=settings) for _ in range(2)]
    try:
        with TestClient(create_app(settings, Services(settings, ready=True, store=stores[0]))) as a, \
                TestClient(create_app(settings, Services(settings, ready=True, store=stores[1]))) as b:
            yield stores[0], a, b
    finally:
        for store in stores:
            store.close()


def test_two_agents_claiming_one_handoff_on_two_replicas_one_gets_it(two_replicas):
    store, on_a, on_b = two_replicas
    session_id = store.create_session("C50001", "app")["id"]
    store.update_session(session_id, handoff=True, handoff_reason="requested")
    start = threading.Barrier(2)

    def claim(args):
        client, agent_id = args
        start.wait()
        return client.post(f"/v1/agent/sessions/{session_id}/claim", json={"agent_id": agent_id}, headers=AGENT)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(claim, [(on_a, "agent-a"), (on_b, "agent-b")]))
    assert sorted(answer.status_code for answer in answers) == [200, 409], [a.text for a in answers]
    [won] = [answer.json() for answer in answers if answer.status_code == 200]
    [lost] = [answer.json() for answer in answers if answer.status_code == 409]
    assert won["status"] == "with_agent" and won["claimed_by"] in ("agent-a", "agent-b")
    assert lost["code"] == "already_claimed" and lost["message_zh"] == "这位客户已由其他客服接待。"

    # Both replicas' handoff queues show who has it.
    for client in (on_a, on_b):
        [queued] = client.get("/v1/agent/handoffs", headers=AGENT).json()["handoffs"]
        assert queued["claimed_by"] == won["claimed_by"]


def test_a_closed_or_unknown_session_cannot_be_claimed(two_replicas):
    store, on_a, _ = two_replicas
    session_id = store.create_session(None, "app")["id"]
    on_a.post(f"/v1/agent/sessions/{session_id}/close", headers=AGENT)
    closed = on_a.post(f"/v1/agent/sessions/{session_id}/claim", json={"agent_id": "agent-a"}, headers=AGENT)
    assert closed.status_code == 409 and closed.json()["code"] == "session_closed"
    unknown = on_a.post(f"/v1/agent/sessions/{'0' * 32}/claim", json={"agent_id": "agent-a"}, headers=AGENT)
    assert unknown.status_code == 404
    bad = on_a.post(f"/v1/agent/sessions/{session_id}/claim", json={"agent_id": "13812345678"}, headers=AGENT)
    assert bad.status_code == 422  # an agent id is a short label, not a phone number
