"""The chat API over HTTP against the real service: turns, streaming, history, bad input."""

from __future__ import annotations

import json
from decimal import Decimal


def test_chat_turn_returns_the_documented_shape(client):
    response = client.post("/v1/chat", json={"message": "提前还款要手续费吗"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert {"session_id", "reply", "intent", "fraud", "sources", "suggestions", "handoff"} <= set(body)
    assert body["intent"]["id"] == "repay.early" and 0 < body["intent"]["confidence"] <= 1
    assert body["fraud"] == {**body["fraud"], "level": "none"}
    assert body["sources"] and body["sources"][0]["source"]
    assert 1 <= len(body["suggestions"]) <= 3


def test_plan_over_two_turns_has_the_plan_shape(client):
    first = client.post("/v1/chat", json={"message": "借2万分12期每月还多少"}).json()
    second = client.post("/v1/chat", json={"session_id": first["session_id"], "message": "年化7.2%"}).json()
    plan = second["plan"]
    assert plan and len(plan["periods"]) == 12
    assert set(plan) >= {"periods", "apr", "effective_apr", "total_interest", "total_fees", "total_payment", "flags"}
    assert set(plan["periods"][0]) == {"index", "due_date", "principal", "interest", "fee", "payment", "balance"}
    assert sum(Decimal(p["principal"]) for p in plan["periods"]) == Decimal("20000")

    # The plan is data beside the text: the lead is the answer's words before the plan, which
    # holds no figure of a period; the history gives both back for a reload.
    assert second["lead"] and second["answer"].startswith(second["lead"] + "\n")
    assert plan["periods"][0]["payment"] == "1732.38" and "1,732.38" in second["answer"]
    assert "1,732.38" not in second["lead"]
    history = client.get(f"/v1/sessions/{first['session_id']}/history").json()["turns"]
    assert history[-1]["plan"] == plan and history[-1]["lead"] == second["lead"]
    assert history[1]["plan"] is None and history[1]["lead"] is None  # the question for the price


def test_streamed_turn_sends_meta_deltas_and_done(client):
    with client.stream("POST", "/v1/chat/stream", json={"message": "怎么换绑银行卡"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events, current = [], None
        for line in response.iter_lines():
            if line.startswith("event: "):
                current = line[7:]
            elif line.startswith("data: "):
                events.append((current, json.loads(line[6:])))
    names = [name for name, _ in events]
    assert names[0] == "meta" and names[-1] == "done" and "delta" in names
    done = events[-1][1]
    assert "".join(data["text"] for name, data in events if name == "delta") == done["answer"]


def test_history_of_a_session(client):
    first = client.post("/v1/chat", json={"message": "你好"}).json()
    history = client.get(f"/v1/sessions/{first['session_id']}/history").json()
    assert [t["role"] for t in history["turns"]] == ["customer", "bot"]
    assert history["turns"][0]["text"] == "你好"


def test_bad_input_gets_clear_4xx(client):
    empty = client.post("/v1/chat", json={"message": "   "})
    assert empty.status_code == 422 and "不能为空" in empty.json()["message_zh"]
    long = client.post("/v1/chat", json={"message": "还" * 2001})
    assert long.status_code == 422 and "太长" in long.json()["message_zh"]
    broken = client.post("/v1/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["message_zh"]
    unknown = client.post("/v1/chat", json={"session_id": "f" * 32, "message": "你好"})
    assert unknown.status_code == 404 and "会话不存在" in unknown.json()["message_zh"]
    malformed = client.post("/v1/chat", json={"session_id": "no-such-session", "message": "你好"})
    assert malformed.status_code == 422 and malformed.json()["code"] == "invalid_request"
    missing = client.post("/v1/chat", json={})
    assert missing.status_code == 422


def test_personal_data_is_masked_in_storage(client, server):
    import sqlite3

    body = client.post("/v1/chat", json={"message": "我叫张三，手机13812345678，身份证110101199003071234，怎么还款"}).json()
    with sqlite3.connect(server.data_dir / "finbot.sqlite3") as db:
        texts = [row[0] for row in db.execute("select text from turns where session_id = ?", (body["session_id"],))]
    stored = "\n".join(texts)
    assert "13812345678" not in stored and "110101199003071234" not in stored and "张三" not in stored


def test_components_api(client):
    intents = client.post("/v1/intent", json={"texts": ["转人工", "怎么还款"]}).json()["results"]
    assert [r["top"][0]["id"] for r in intents] == ["human.agent", "repay.how"]
    hits = client.post("/v1/retrieve", json={"query": "征信有误怎么申诉"}).json()["hits"]
    assert hits[0]["entry_id"].startswith("credit-dispute")
    plan = client.post("/v1/plan", json={"principal": "20000", "months": 12, "annual_rate": "0.072"}).json()
    # 20000 × 0.006 × 1.006^12 / (1.006^12 − 1) = 1732.3795 (tests/repayment/test_repayment_schedule.py)
    assert plan["periods"][0]["payment"] == "1732.38" and plan["periods"][-1]["payment"] == "1732.36"
    bad = client.post("/v1/plan", json={"principal": "-5", "months": 12, "annual_rate": "0.072"})
    assert bad.status_code == 422 and bad.json()["message_zh"]
    fraud = client.post("/v1/fraud", json={"text": "客服让我开屏幕共享，然后把验证码告诉他"}).json()
    assert fraud["level"] in ("warning", "critical") and fraud["evidence"]


def test_health_readiness_metrics_and_openapi(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    client.post("/v1/chat", json={"message": "你好"})
    assert "finbot_turns_total" in client.get("/metrics").text
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/chat", "/v1/chat/stream", "/v1/intent", "/v1/retrieve", "/v1/plan", "/v1/fraud"} <= set(paths)


def test_an_acknowledged_turn_survives_the_process_being_killed(server, tmp_path):
    import signal
    import sqlite3

    from tests.api.conftest import start_server

    (tmp_path / "data").mkdir()
    victim = start_server(tmp_path / "data")
    with victim.client() as http:
        body = http.post("/v1/chat", json={"message": "怎么提前还款"}).json()
    victim.process.send_signal(signal.SIGKILL)  # no shutdown, no flush: only what was committed survives
    victim.process.wait(10)
    with sqlite3.connect(tmp_path / "data" / "finbot.sqlite3") as db:
        rows = db.execute("select role, text from turns where session_id = ? order by id", (body["session_id"],)).fetchall()
    assert rows == [("customer", "怎么提前还款"), ("bot", body["reply"])]
