"""The API boundary holds: every bad input gets a documented 4xx error body, never a 500; work per
request is bounded; secrets and personal data stay out of logs and storage.

Most tests talk to the session's real service (tests/api/conftest.py); the server limits (rate,
slow clients, production settings) are checked on a second, bare service of their own that has no
models (it answers "not ready" where a model is needed, which is itself a documented error).
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time

import httpx
import pytest

from tests.api.conftest import AGENT, start_server

pytestmark = pytest.mark.slow

ERROR_KEYS = {"code", "message_zh", "detail", "status"}
LONG = "还款" * 1001  # 2,002 characters: over every text limit
MEGABYTE = "借" * (1024 * 1024 // 3)


def assert_error(response: httpx.Response, status: int | tuple[int, ...]) -> dict:
    """A documented error: the status asked for, JSON, the ErrorBody fields, Chinese for people."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert ERROR_KEYS <= set(body), body
    assert body["status"] == response.status_code and isinstance(body["detail"], str)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message_zh"])
    assert "Traceback" not in response.text
    return body


def raw_post(url: str, path: str, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    """A body sent as bytes, exactly as given (httpx's json= would refuse a lone surrogate)."""
    return httpx.post(url + path, content=body, headers={"content-type": "application/json", **(headers or {})},
                      timeout=30)


SESSION_ID = "0" * 32
# (method, path, json body or raw bytes, extra headers, expected status) — the hand list.
BAD_INPUTS = [
    ("POST", "/v1/sessions", {"channel": ""}, {}, 422),
    ("POST", "/v1/sessions", {"channel": "   "}, {}, 422),
    ("POST", "/v1/sessions", {"channel": "a" * 101}, {}, 422),
    ("POST", "/v1/sessions", {"channel": "13812345678"}, {}, 422),
    ("POST", "/v1/sessions", {"token": "not.a.token"}, {}, 401),
    ("POST", "/v1/sessions", {"token": ""}, {}, 422),
    ("POST", "/v1/sessions", b"{not json", {}, 422),
    ("POST", "/v1/sessions", b"[1, 2]", {}, 422),
    ("GET", "/v1/agent/sessions?limit=-1", None, AGENT, 422),
    ("GET", "/v1/agent/sessions?limit=0", None, AGENT, 422),
    ("GET", "/v1/agent/sessions?limit=1001", None, AGENT, 422),
    ("GET", "/v1/agent/sessions?limit=1e20", None, AGENT, 422),
    ("GET", "/v1/agent/sessions?status=bogus", None, AGENT, 422),
    ("GET", "/v1/agent/sessions?status=", None, AGENT, 422),
    ("GET", "/v1/agent/sessions?status=ACTIVE", None, AGENT, 422),
    ("GET", "/v1/agent/sessions?status=11010519491231002X", None, AGENT, 422),
    ("POST", "/v1/agent/alerts/9223372036854775808/ack", None, AGENT, 422),
    ("POST", "/v1/agent/alerts/9223372036854775807/ack", None, AGENT, 404),
    ("POST", "/v1/agent/alerts/0/ack", None, AGENT, 422),
    ("POST", "/v1/agent/alerts/-5/ack", None, AGENT, 422),
    ("POST", "/v1/agent/suggestions/9223372036854775808/feedback", {"verdict": "used"}, AGENT, 422),
    ("POST", "/v1/agent/suggestions/9223372036854775807/feedback", {"verdict": "used"}, AGENT, 404),
    ("POST", "/v1/agent/suggestions/1/feedback", {"verdict": "maybe"}, AGENT, 422),
    ("POST", "/v1/agent/suggestions/1/feedback", {"verdict": "used", "agent_id": "13812345678"}, AGENT, 422),
    ("GET", f"/v1/agent/sessions/{SESSION_ID}", None, AGENT, 404),
    ("GET", "/v1/agent/sessions/not-a-session", None, AGENT, 422),
    ("POST", f"/v1/agent/sessions/{SESSION_ID}/reply", {"text": ""}, AGENT, 422),
    ("POST", f"/v1/agent/sessions/{SESSION_ID}/reply", {"text": LONG}, AGENT, 422),
    # No key: refused before the (malformed) body is looked at.
    ("POST", f"/v1/agent/sessions/{SESSION_ID}/reply", b"{broken", {}, 401),
    ("GET", "/v1/agent/sessions", None, {"X-Agent-Key": "guess"}, 401),
    ("POST", "/v1/chat", b'{"message": "abc\\ud800"}', {}, 422),
    ("POST", "/v1/chat/stream", b'{"message": "abc\\ud800"}', {}, 422),
    ("POST", "/v1/intent", b'{"texts": ["abc\\ud800"]}', {}, 422),
    ("POST", "/v1/retrieve", b'{"query": "abc\\ud800"}', {}, 422),
    ("POST", "/v1/fraud", b'{"text": "abc\\ud800"}', {}, 422),
    ("POST", "/v1/chat", {"message": ""}, {}, 422),
    ("POST", "/v1/chat", {"message": LONG}, {}, 422),
    ("POST", "/v1/chat", {"message": "你好", "session_id": "../../etc/passwd"}, {}, 422),
    ("POST", "/v1/chat", {"message": "你好", "session_id": SESSION_ID}, {}, 404),
    ("POST", "/v1/chat", {"message": 12345}, {}, 422),
    ("POST", "/v1/chat", {"message": "你好"}, {"Authorization": "Basic dXNlcjpwYXNz"}, 401),
    ("POST", "/v1/chat", {"message": "你好"}, {"Authorization": "Bearer forged.token.value"}, 401),
    ("POST", "/v1/chat", {"message": MEGABYTE}, {}, 413),
    ("POST", "/v1/fraud", {"text": LONG}, {}, 422),
    ("POST", "/v1/retrieve", {"query": LONG}, {}, 422),
    ("POST", "/v1/retrieve", {"query": "还款", "k": 0}, {}, 422),
    ("POST", "/v1/retrieve", {"query": "还款", "intent": "DROP TABLE"}, {}, 422),
    ("POST", "/v1/intent", {"texts": []}, {}, 422),
    ("POST", "/v1/intent", {"texts": ["还款"] * 101}, {}, 422),
    ("POST", "/v1/intent", {"texts": ["还" * 1000] * 51}, {}, 422),
    ("POST", "/v1/intent", {"texts": [LONG]}, {}, 422),
    ("POST", "/v1/plan", {"principal": "20000", "months": 0}, {}, 422),
    ("POST", "/v1/plan", {"principal": "20000", "months": 361}, {}, 422),
    ("POST", "/v1/plan", {"principal": "-5", "months": 12}, {}, 422),
    ("POST", "/v1/plan", {"principal": "1e9", "months": 12}, {}, 422),
    ("POST", "/v1/plan", {"principal": "20000", "months": 12, "repayment_day": 32}, {}, 422),
    ("POST", "/v1/plan", {"principal": "20000", "months": 12, "start": "2026-02-30"}, {}, 422),
    ("GET", f"/v1/sessions/{SESSION_ID}/history", None, {}, 404),
    ("GET", "/v1/sessions/abc/history", None, {}, 422),
    ("POST", f"/v1/sessions/{SESSION_ID}/handoff", None, {}, 404),
    ("GET", "/v1/no-such-route", None, {}, 404),
    ("DELETE", "/v1/chat", None, {}, 405),
]

# The same mistakes on every field that takes them: the rest of the hand list, made systematically.
BAD_TEXTS = ["", LONG, 12345, None, [], {}, True]
for _path, _field in (("/v1/chat", "message"), ("/v1/chat/stream", "message"), ("/v1/fraud", "text"),
                      ("/v1/retrieve", "query")):
    BAD_INPUTS += [("POST", _path, {_field: value}, {}, 422) for value in BAD_TEXTS]
    BAD_INPUTS += [("POST", _path, {}, {}, 422), ("POST", _path, b"", {}, 422), ("POST", _path, b"null", {}, 422)]
BAD_INPUTS += [("POST", "/v1/intent", {"texts": value}, {}, 422) for value in ([""], [LONG], [1], [None], "还款", None)]
BAD_INPUTS += [("POST", "/v1/intent", {"texts": ["还款"], "top_k": k}, {}, 422) for k in (0, 11, -1, "x")]
for _route in ("/v1/agent/alerts/{}/ack", "/v1/agent/suggestions/{}/feedback"):
    BAD_INPUTS += [("POST", _route.format(bad), {"verdict": "used"}, AGENT, 422)
                   for bad in ("-1", "0", "abc", "1.5", "1e3", "99999999999999999999")]
BAD_INPUTS += [("GET", f"/v1/agent/sessions?limit={bad}", None, AGENT, 422) for bad in ("", "abc", "2.5", "-0", "NaN")]
BAD_INPUTS += [("GET", f"/v1/agent/sessions?status={bad}", None, AGENT, 422) for bad in ("open", "Closed", "%00", "1")]
BAD_INPUTS += [("POST", "/v1/sessions", {"channel": bad}, {}, 422)
               for bad in ("app web", "渠道", "-app", "app;drop", 1, None, "a@b.com", "\u0000")]
_PLAN = {"principal": "20000", "months": 12}
for _field, _values in (("principal", ["", "abc", "0x10", 0, None, "9999999999", "1,000"]),
                        ("months", [-1, 1.5, None, "twelve", 100000]),
                        ("annual_rate", ["-0.1", "abc", "1e-2", ""]), ("daily_rate", ["-1", "x"]),
                        ("repayment_day", [0, -3, "x"]), ("method", ["bogus", "", None]),
                        ("start", ["2026-13-01", "tomorrow", "2026/01/01"])):
    BAD_INPUTS += [("POST", "/v1/plan", {**_PLAN, _field: value}, {}, 422) for value in _values]
BAD_INPUTS += [("POST", "/v1/chat", {"message": "你好"}, {"Authorization": bad}, 401)
               for bad in ("Bearer", "Token abc", "bearer x.y.z", "Bearer " + "a" * 5000)]
BAD_INPUTS += [("POST", f"/v1/agent/sessions/{SESSION_ID}/reply", {"text": bad}, AGENT, 422)
               for bad in (12, None, "   ", [])]


@pytest.mark.parametrize("method,path,body,headers,status", BAD_INPUTS,
                         ids=[f"{m} {p[:50]} {i}" for i, (m, p, *_rest) in enumerate(BAD_INPUTS)])
def test_bad_input_gets_a_documented_4xx(server, method, path, body, headers, status):
    if isinstance(body, bytes):
        response = raw_post(server.url, path, body, headers)
    else:
        response = httpx.request(method, server.url + path, json=body, headers=headers, timeout=30)
    assert_error(response, status)


def test_other_customers_are_answered_while_bad_inputs_arrive(server):
    answers: list[int] = []

    def customer():
        with server.client() as client:
            for _ in range(5):
                answers.append(client.post("/v1/chat", json={"message": "怎么提前还款"}).status_code)

    thread = threading.Thread(target=customer)
    thread.start()
    for method, path, body, headers, status in BAD_INPUTS[:20]:
        if not isinstance(body, bytes):
            assert httpx.request(method, server.url + path, json=body, headers=headers, timeout=30).status_code == status
    thread.join(120)
    assert answers == [200] * 5


def test_every_route_documents_its_answer_and_errors(client):
    spec = client.get("/openapi.json").json()
    assert "ErrorBody" in spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            ok = operation["responses"]["200"]
            assert ok.get("content"), f"{method} {path}: no response content"
            schema = next(iter(ok["content"].values())).get("schema")
            assert schema, f"{method} {path}: no response schema"
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and path not in ("/readyz",):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorBody"), (method, path, status)
    assert spec["paths"]["/v1/chat"]["post"]["requestBody"]
    message = spec["components"]["schemas"]["ChatRequest"]["properties"]["message"]
    assert message["maxLength"] == 2000 and message["minLength"] == 1


def test_rate_above_the_cap_is_said_in_words(client):
    plan = client.post("/v1/plan", json={"principal": "10000", "months": 12, "annual_rate": "0.5"})
    assert plan.status_code == 200
    body = plan.json()
    assert "apr_above_cap" in body["flags"]
    assert len(body["warnings_zh"]) == 1 and "超过了24.00%的上限" in body["warnings_zh"][0]
    assert client.post("/v1/plan", json={"principal": "10000", "months": 12, "annual_rate": "0.1"}).json()[
        "warnings_zh"] == []


def test_fraud_check_on_the_longest_text_is_bounded(client):
    dense = ("公安局通知你涉嫌洗钱，把钱转到安全账户，下载屏幕共享，先交保证金解冻费，" * 60)[:2000]
    started = time.perf_counter()
    response = client.post("/v1/fraud", json={"text": dense})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and response.json()["level"] in ("warning", "critical")
    # Not a speed target (eval/bench_boundary.py measures that): only "no request over 2 s".
    assert elapsed < 2.0


# -- secrets and personal data --------------------------------------------------------------------
PHONE, ID_NUMBER, CARD = "13812345678", "11010519491231002X", "6222021234567890128"
CODE, PASSWORD = "846213", "Qw8x7Zp2"


def test_secrets_and_personal_data_stay_out_of_logs_and_storage(server):
    from bot.auth import issue_token
    from bot.settings import get_settings

    token = issue_token("c-1001", 600, settings=get_settings())
    with server.client() as client:
        client.get("/", params={"token": token})
        client.get("/v1/agent/sessions", params={"status": ID_NUMBER}, headers=AGENT)
        client.get(f"/v1/agent/sessions/{PHONE}", headers=AGENT)
        opened = client.post("/v1/sessions", json={"token": token, "channel": "app"}).json()
        session = opened["session_id"]
        auth = {"Authorization": f"Bearer {token}"}
        messages = [f"我的手机号是{PHONE}，身份证{ID_NUMBER}", f"卡号{CARD}扣款失败",
                    f"我的验证码是{CODE}", f"我的密码是{PASSWORD}，帮我看看"]
        replies = [client.post("/v1/chat", json={"message": m, "session_id": session}, headers=auth).json()
                   for m in messages]
        client.post("/v1/fraud", json={"text": f"客服让我把验证码{CODE}告诉他，还要我转到安全账户"})
        client.post("/v1/intent", json={"texts": [f"手机{PHONE}换了"]})
        client.post("/v1/retrieve", json={"query": f"身份证{ID_NUMBER}过期"})
        client.post("/v1/chat", json={"message": f"验证码{CODE}"}, headers={"Authorization": f"Bearer {token}x"})
        client.post(f"/v1/agent/sessions/{session}/reply", json={"text": f"已收到，您的手机{PHONE}已核实"}, headers=AGENT)

    for reply in replies[2:]:  # a code or a password typed in: told never to share it
        assert "请不要发给任何人" in reply["answer"] and "不会向您索要验证码或密码" in reply["answer"]
    assert "请不要发给任何人" not in replies[0]["answer"]

    secrets = [PHONE, ID_NUMBER, CARD, CODE, PASSWORD, token]
    log_text = (server.data_dir / "server.log").read_text(encoding="utf-8", errors="replace")
    assert "GET /?token=-" in log_text  # the access line is there, without the token
    for secret in secrets:
        assert secret not in log_text, f"{secret[:6]}… in the server log"

    with sqlite3.connect(server.data_dir / "finbot.sqlite3") as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        dump = json.dumps([list(db.execute(f"SELECT * FROM {table}")) for table in tables], ensure_ascii=False)
    assert "******" in dump and "138****5678" in dump
    for secret in secrets:
        assert secret not in dump, f"{secret[:6]}… stored in the database"


# -- a bare server for the server limits ---------------------------------------------------------------
BARE_KEY = "bare-agent-key-0123456789"


@pytest.fixture(scope="module")
def bare_server(tmp_path_factory):
    """No models (an empty cache), production settings, tight limits."""
    data_dir = tmp_path_factory.mktemp("bare-server")
    srv = start_server(data_dir, ready_status=503, extra_env={
        "FINBOT_CACHE_DIR": str(data_dir / "empty-cache"), "FINBOT_ENVIRONMENT": "production",
        "FINBOT_TOKEN_SECRET": "bare-token-secret-0123456789abcdef", "FINBOT_AGENT_API_KEY": BARE_KEY,
        "FINBOT_RATE_LIMIT": "5/minute", "FINBOT_HEADER_TIMEOUT_SECONDS": "1", "FINBOT_BODY_TIMEOUT_SECONDS": "1",
        "FINBOT_MAX_BODY_BYTES": "4096"})
    yield srv
    srv.stop()


def test_anonymous_endpoints_are_rate_limited_per_client(bare_server):
    plan = {"principal": "10000", "months": 12, "annual_rate": "0.1"}
    statuses = [httpx.post(bare_server.url + "/v1/plan", json=plan).status_code for _ in range(5)]
    assert statuses == [200] * 5
    limited = httpx.post(bare_server.url + "/v1/plan", json=plan)
    body = assert_error(limited, 429)
    assert body["code"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1
    # The agent console is not an anonymous endpoint: its own key, no such limit.
    assert httpx.get(bare_server.url + "/v1/agent/alerts", headers={"X-Agent-Key": BARE_KEY}).status_code == 503


def test_not_ready_is_a_documented_error(bare_server):
    body = assert_error(httpx.get(bare_server.url + "/v1/agent/alerts", headers={"X-Agent-Key": BARE_KEY}), 503)
    assert body["code"] == "not_ready" and "finbot build" in body["detail"]


def test_production_hides_docs_and_metrics(bare_server):
    for path in ("/docs", "/openapi.json", "/metrics"):
        assert_error(httpx.get(bare_server.url + path), 404)


REPLY_PATH = f"/v1/agent/sessions/{SESSION_ID}/reply"  # a route that reads its body first


def test_a_declared_body_over_the_cap_is_refused_unread(bare_server):
    response = httpx.post(bare_server.url + REPLY_PATH, content=b"x" * 5000,
                          headers={"X-Agent-Key": BARE_KEY, "content-type": "application/json"})
    assert_error(response, 413)


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def test_a_client_that_never_finishes_its_headers_is_disconnected(bare_server):
    with _connect(bare_server.url) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # no blank line: the head never ends
        started = time.monotonic()
        assert sock.recv(1024) == b""  # closed by the server, not by our 10 s socket timeout
        assert time.monotonic() - started < 8


def test_a_client_that_stops_sending_its_body_gets_408(bare_server):
    with _connect(bare_server.url) as sock:
        sock.sendall(b"POST " + REPLY_PATH.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"X-Agent-Key: " + BARE_KEY.encode() + b"\r\nContent-Length: 100\r\n\r\n{\"a\":")
        answer = b""
        while b'"status":' not in answer:  # the head and the body may come in separate packets
            piece = sock.recv(4096)
            if not piece:
                break
            answer += piece
        answer = answer.decode()
    assert answer.startswith("HTTP/1.1 408") and '"code":"request_timeout"' in answer
