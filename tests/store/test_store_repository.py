"""The conversation store: round trips, masking enforced in the stored rows, the feedback report,
alerts, the access log, and the errors callers rely on."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bot.store import ConversationStore, NotFound

PHONE = "13812345678"
NAME_TEXT = "我叫张三"


@pytest.fixture
def store(backend):
    """The store on each backend in turn (tests/databases.py: SQLite, then PostgreSQL)."""
    with ConversationStore.open(backend.url) as opened:
        yield opened


# ---------------------------------------------------------------------------------------------
# Sessions and turns
def test_session_round_trip(store):
    created = store.create_session("C20240001", "app")
    assert re.fullmatch(r"[0-9a-f]{32}", created["id"])
    assert created["customer_id"] == "C20240001" and created["channel"] == "app"
    assert created["status"] == "active" and created["handoff"] is False and created["turn_count"] == 0
    assert store.get_session(created["id"]) == created
    anonymous = store.create_session(None, "web")
    assert anonymous["customer_id"] is None
    assert anonymous["id"] != created["id"]


def test_turns_round_trip_and_move_the_session(store):
    session = store.create_session("C20240001", "app")
    first = store.add_turn(session["id"], "customer", "借2万分12期每月还多少", intent="repayment.plan",
                           confidence=0.93, fraud_level="none", skill=None,
                           data_json={"slots": {"amount": Decimal("20000"), "months": 12}})
    second = store.add_turn(session["id"], "bot", "每月还款1733.33元", skill="repayment_plan",
                            data_json={"plan": {"total_interest": "799.96"}})
    third = store.add_turn(session["id"], "customer", "有人让我交解冻费", intent="fraud.report",
                           confidence=0.7, fraud_level="critical", fraud_scenario="upfront_fee_loan")
    store.add_turn(session["id"], "customer", "那12期呢", intent="repayment.plan", confidence=0.8,
                   fraud_level="notice", fraud_scenario="credit_repair")
    assert first < second < third

    turns = store.list_turns(session["id"])
    assert [t["role"] for t in turns] == ["customer", "bot", "customer", "customer"]
    assert turns[0]["text"] == "借2万分12期每月还多少"
    assert turns[0]["confidence"] == pytest.approx(0.93)
    assert turns[0]["data_json"] == {"slots": {"amount": "20000", "months": 12}}  # Decimal → string
    assert turns[1]["skill"] == "repayment_plan"
    assert store.get_turn(third)["fraud_scenario"] == "upfront_fee_loan"
    assert [t["id"] for t in store.list_turns(session["id"], after_id=second)] == [t["id"] for t in turns[2:]]

    moved = store.get_session(session["id"])
    assert moved["turn_count"] == 4
    assert moved["last_intent"] == "repayment.plan"  # customer turns only
    assert moved["fraud_level"] == "critical"  # the highest seen, not the last
    assert moved["fraud_scenario"] == "upfront_fee_loan"
    assert moved["last_message_at"] == turns[-1]["created_at"]


def test_update_session(store):
    session = store.create_session("C1", "app")
    state = {"slots": {"amount": "20000", "months": 12}, "last_topic": "repayment.plan"}
    updated = store.update_session(session["id"], state_json=state)
    assert updated["state_json"] == state
    assert updated["handoff"] is False and updated["handoff_at"] is None
    handed = store.update_session(session["id"], handoff=True, handoff_reason="客户要求转人工",
                                  handoff_summary_json='{"intents": ["human.agent"], "fraud": null}',
                                  status="with_agent")
    assert handed["handoff"] is True and handed["handoff_at"] is not None
    assert handed["handoff_summary_json"] == {"intents": ["human.agent"], "fraud": None}
    assert handed["status"] == "with_agent" and handed["handoff_reason"] == "客户要求转人工"
    assert store.update_session(session["id"]) == handed  # nothing to change
    assert store.update_session(session["id"], status="closed")["status"] == "closed"


def test_list_sessions_for_the_console(store):
    quiet = store.create_session("C20240001", "app")
    busy = store.create_session("C20249999", "app")
    anonymous = store.create_session(None, "web")
    store.add_turn(busy["id"], "customer", "要提前还款", intent="repayment.early", confidence=0.9)
    store.add_turn(anonymous["id"], "customer", "转人工", intent="human.agent", confidence=0.95,
                   fraud_level="warning", fraud_scenario="screen_share")
    store.update_session(anonymous["id"], handoff=True, handoff_reason="客户要求")

    listed = store.list_sessions()
    assert [s["id"] for s in listed] == [anonymous["id"], busy["id"], quiet["id"]]  # latest activity first
    by_id = {s["id"]: s for s in listed}
    assert by_id[busy["id"]]["customer"] == "C2******9"
    assert by_id[anonymous["id"]]["customer"] is None
    assert by_id[anonymous["id"]]["fraud_level"] == "warning" and by_id[anonymous["id"]]["handoff"] is True
    assert by_id[busy["id"]]["last_intent"] == "repayment.early"
    assert all("customer_id" not in s for s in listed)
    assert "C20240001" not in repr(listed)

    store.update_session(quiet["id"], status="closed")
    assert [s["id"] for s in store.list_sessions(status="closed")] == [quiet["id"]]
    assert [s["id"] for s in store.list_sessions(handoff=True)] == [anonymous["id"]]
    assert len(store.list_sessions(limit=1)) == 1


# ---------------------------------------------------------------------------------------------
# Masking is enforced on what reaches the disk
def test_personal_data_is_masked_in_every_stored_table(store, backend):
    session = store.create_session("C20240001", "app")
    turn = store.add_turn(session["id"], "customer", f"{NAME_TEXT}，手机{PHONE}，借2万",
                          intent="repayment.plan", confidence=0.9,
                          data_json={"slots": {"phone": PHONE, "phone_number": int(PHONE), "amount": 20000},
                                     "note": f"客户{NAME_TEXT}"})
    store.update_session(session["id"], state_json={"contact": f"+86 {PHONE}"},
                         handoff=True, handoff_reason=f"客户{NAME_TEXT}要求人工，电话{PHONE}",
                         handoff_summary_json={"last_message": f"{NAME_TEXT}，手机{PHONE}"})
    [suggestion] = store.add_suggestions(turn, [{"text": f"已记录您的手机{PHONE}", "why": f"客户说{NAME_TEXT}",
                                                 "source": "kb:contact", "extra": PHONE}])
    store.add_feedback(suggestion, "edited", final_text=f"好的，{PHONE}已记录", agent_id="agent7")
    store.add_alert(session["id"], "critical", "upfront_fee_loan", f"{NAME_TEXT}被要求交解冻费，手机{PHONE}")
    store.log_access("C20240001", "ledger.bill", f"phone={PHONE} token=eyJabcdefgh.eyJabcdefgh.sig")
    store.close()

    everything = ""
    for table in ("sessions", "turns", "suggestions", "feedback", "alerts", "access_log"):
        everything += repr(backend.raw_rows(f"SELECT * FROM {table}"))
    assert PHONE not in everything
    assert "张三" not in everything
    assert "eyJabcdefgh" not in everything
    assert "138****5678" in everything and "我叫张*" in everything
    # the access log keeps only the masked customer id
    assert backend.raw_rows("SELECT customer FROM access_log") == [("C2******1",)]
    # amounts and numbers that are not personal data are stored as given
    [(data,)] = backend.raw_rows("SELECT data_json FROM turns")
    assert '"amount":20000' in data and '"phone_number":"138****5678"' in data


# ---------------------------------------------------------------------------------------------
# Suggestions and feedback
def test_suggestions_round_trip(store):
    session = store.create_session("C1", "app")
    turn = store.add_turn(session["id"], "customer", "怎么提前还款", intent="repayment.early", confidence=0.9)
    ids = store.add_suggestions(turn, [
        {"text": "您可以在APP「我的借款」中申请提前还款。", "confidence": 0.91, "source": "kb:early-001",
         "why": "知识库答案，意图匹配", "kind": "knowledge", "entry_id": "early-001"},
        {"text": "提前还款一般不收违约金，以合同为准。", "confidence": 0.7, "kind": "template"},
    ])
    assert len(ids) == 2 and ids[0] < ids[1]
    listed = store.list_suggestions(turn)
    assert [s["id"] for s in listed] == ids and [s["ordinal"] for s in listed] == [0, 1]
    assert listed[0]["source"] == "kb:early-001" and listed[0]["data_json"] == {"entry_id": "early-001"}
    assert listed[1]["source"] is None and listed[1]["data_json"] is None
    one = store.get_suggestion(ids[0])
    assert one["session_id"] == session["id"] and one["intent"] == "repayment.early" and one["verdict"] is None
    store.add_feedback(ids[0], "rejected")
    store.add_feedback(ids[0], "used", agent_id="agent7")  # the agent changed their mind
    assert store.get_suggestion(ids[0])["verdict"] == "used"
    assert store.add_suggestions(turn, []) == []


def test_feedback_report_on_a_scripted_console_shift(store):
    session = store.create_session("C1", "app")

    def customer_turn(intent):
        return store.add_turn(session["id"], "customer", "问题", intent=intent, confidence=0.9)

    def three_suggestions(turn):
        return store.add_suggestions(turn, [{"text": f"建议{i}"} for i in range(3)])

    # repayment.early: 2 turns x 3 suggestions = 6 shown; verdicts on 4: used, edited, rejected, used.
    a = three_suggestions(customer_turn("repayment.early"))
    b = three_suggestions(customer_turn("repayment.early"))
    store.add_feedback(a[0], "used")
    store.add_feedback(a[1], "edited", final_text="改过的回答")
    store.add_feedback(a[2], "rejected")
    store.add_feedback(b[0], "rejected")
    store.add_feedback(b[0], "used")  # superseded: counts as used
    # fees.inquiry: 3 shown, 1 rejected.
    c = three_suggestions(customer_turn("fees.inquiry"))
    store.add_feedback(c[2], "rejected")
    # a turn without an intent: 3 shown, no feedback.
    three_suggestions(customer_turn(None))

    report = store.feedback_report()
    assert report["per_intent"]["repayment.early"] == {
        "shown": 6, "with_feedback": 4, "used": 2, "edited": 1, "rejected": 1, "acceptance_rate": 0.75}
    assert report["per_intent"]["fees.inquiry"] == {
        "shown": 3, "with_feedback": 1, "used": 0, "edited": 0, "rejected": 1, "acceptance_rate": 0.0}
    assert report["per_intent"]["(none)"] == {
        "shown": 3, "with_feedback": 0, "used": 0, "edited": 0, "rejected": 0, "acceptance_rate": None}
    assert report["overall"] == {
        "shown": 12, "with_feedback": 5, "used": 2, "edited": 1, "rejected": 2, "acceptance_rate": 0.6}


def test_an_empty_report(store):
    assert store.feedback_report() == {"per_intent": {}, "overall": {
        "shown": 0, "with_feedback": 0, "used": 0, "edited": 0, "rejected": 0, "acceptance_rate": None}}


# ---------------------------------------------------------------------------------------------
# Alerts and the access log
def test_alerts(store):
    session = store.create_session("C1", "app")
    first = store.add_alert(session["id"], "critical", "impersonate_authority", "客户称被“警察”要求转账到安全账户")
    second = store.add_alert(session["id"], "warning", "verification_code", "有人索要验证码")
    assert [a["id"] for a in store.list_alerts()] == [second, first]
    acknowledged = store.acknowledge_alert(first, agent_id="agent7")
    assert acknowledged["acknowledged"] is True and acknowledged["acknowledged_by"] == "agent7"
    assert store.acknowledge_alert(first, agent_id="agent9")["acknowledged_by"] == "agent7"  # idempotent
    assert [a["id"] for a in store.list_alerts(unacknowledged_only=True)] == [second]
    assert store.list_alerts(unacknowledged_only=True)[0]["scenario"] == "verification_code"


def test_access_log(store):
    store.log_access("C20240001", "ledger.loans")
    store.log_access(None, "session.open", "anonymous chat")
    entries = store.list_access_log()
    assert [(e["customer"], e["action"], e["detail"]) for e in entries] == [
        ("-", "session.open", "anonymous chat"), ("C2******1", "ledger.loans", None)]


# ---------------------------------------------------------------------------------------------
# Errors
def test_unknown_ids_raise_not_found(store):
    session = store.create_session("C1", "app")
    turn = store.add_turn(session["id"], "customer", "你好")
    calls = [
        lambda: store.get_session("0" * 32),
        lambda: store.get_session(""),
        lambda: store.get_session(None),
        lambda: store.update_session("nope", status="closed"),
        lambda: store.add_turn("nope", "customer", "你好"),
        lambda: store.list_turns("nope"),
        lambda: store.get_turn(turn + 1000),
        lambda: store.add_suggestions(turn + 1000, [{"text": "x"}]),
        lambda: store.list_suggestions(turn + 1000),
        lambda: store.get_suggestion(12345),
        lambda: store.add_feedback(12345, "used"),
        lambda: store.add_alert("nope", "critical", None, "x"),
        lambda: store.acknowledge_alert(12345),
    ]
    for call in calls:
        with pytest.raises(NotFound) as caught:
            call()
        assert "not found" in str(caught.value)
    assert store.list_turns(session["id"])[0]["id"] == turn  # nothing was written by the failures


def test_invalid_values_raise_value_error_naming_the_field(store):
    session = store.create_session("C1", "app")
    turn = store.add_turn(session["id"], "customer", "你好")
    [suggestion] = store.add_suggestions(turn, [{"text": "您好"}])
    cases = [
        (lambda: store.add_feedback(suggestion, "liked"), "verdict"),
        (lambda: store.add_feedback(suggestion, "edited"), "final_text"),
        (lambda: store.add_feedback(suggestion, "edited", final_text="  "), "final_text"),
        (lambda: store.add_turn(session["id"], "system", "x"), "role"),
        (lambda: store.add_turn(session["id"], "customer", None), "text"),
        (lambda: store.add_turn(session["id"], "customer", "x", confidence=1.5), "confidence"),
        (lambda: store.add_turn(session["id"], "customer", "x", confidence=float("nan")), "confidence"),
        (lambda: store.add_turn(session["id"], "customer", "x", fraud_level="high"), "fraud_level"),
        (lambda: store.add_turn(session["id"], "customer", "x", data_json="{not json"), "data_json"),
        (lambda: store.add_turn(session["id"], "customer", "x", data_json={"f": object()}), "data_json"),
        (lambda: store.update_session(session["id"], customer_id="C2"), "unknown field"),
        (lambda: store.update_session(session["id"], status="deleted"), "status"),
        (lambda: store.update_session(session["id"], handoff="yes"), "handoff"),
        (lambda: store.add_suggestions(turn, [{"confidence": 0.5}]), "text"),
        (lambda: store.add_alert(session["id"], "severe", None, "x"), "level"),
        (lambda: store.create_session("", "app"), "customer_id"),
        (lambda: store.create_session("C1", ""), "channel"),
        (lambda: store.list_sessions(limit=0), "limit"),
    ]
    for call, field in cases:
        with pytest.raises(ValueError, match=field):
            call()
    assert len(store.list_turns(session["id"])) == 1
    assert store.get_suggestion(suggestion)["verdict"] is None
