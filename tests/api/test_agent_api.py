"""Agent assist over HTTP: suggestions, feedback and its report, alerts, handoff queue, access control."""

from __future__ import annotations

from tests.api.conftest import AGENT


def test_agent_endpoints_need_the_agent_key(client):
    assert client.get("/v1/agent/sessions").status_code == 401
    assert client.get("/v1/agent/sessions", headers={"X-Agent-Key": "wrong"}).status_code == 401
    assert client.get("/v1/agent/sessions", headers=AGENT).status_code == 200


def test_suggestions_feedback_and_acceptance_report(client):
    turn = client.post("/v1/chat", json={"message": "逾期一天会影响征信吗"}).json()
    detail = client.get(f"/v1/agent/sessions/{turn['session_id']}", headers=AGENT).json()
    suggestions = detail["suggestions"]
    assert 1 <= len(suggestions) <= 3
    assert all({"text", "confidence", "source", "why"} <= set(s) for s in suggestions)
    verdicts = ["used", "edited", "rejected"][: len(suggestions)]
    for suggestion, verdict in zip(suggestions, verdicts):
        response = client.post(f"/v1/agent/suggestions/{suggestion['id']}/feedback", headers=AGENT,
                               json={"verdict": verdict, "final_text": "改过的回复" if verdict == "edited" else None})
        assert response.status_code == 200, response.text
    bad = client.post(f"/v1/agent/suggestions/{suggestions[0]['id']}/feedback", headers=AGENT, json={"verdict": "liked"})
    assert bad.status_code == 422
    report = client.get("/v1/agent/feedback/report", headers=AGENT).json()
    assert report  # per-intent acceptance is reported


def test_critical_fraud_raises_an_alert_and_enters_the_handoff_queue(client):
    turn = client.post("/v1/chat", json={"message": "自称检察院的人说我涉嫌洗钱，要我把存款转到安全账户，还不让告诉别人"}).json()
    assert turn["fraud"]["level"] == "critical" and turn["handoff"] is True
    alerts = client.get("/v1/agent/alerts", headers=AGENT).json()["alerts"]
    assert any(a["session_id"] == turn["session_id"] for a in alerts)
    queue = client.get("/v1/agent/handoffs", headers=AGENT).json()["handoffs"]
    entry = next(q for q in queue if q["id"] == turn["session_id"])
    assert entry["summary"]["fraud_flags"] and entry["summary"]["reason"] == "fraud"


def test_agent_reply_enters_the_transcript(client):
    turn = client.post("/v1/chat", json={"message": "转人工"}).json()
    sent = client.post(f"/v1/agent/sessions/{turn['session_id']}/reply", headers=AGENT, json={"text": "您好，我是人工客服小王"})
    assert sent.status_code == 200
    history = client.get(f"/v1/sessions/{turn['session_id']}/history").json()["turns"]
    assert history[-1] == {**history[-1], "role": "agent", "text": "您好，我是人工客服小王"}
