"""The chat window and the agent console in a real browser, against the real service and models.

Each test drives the pages as a customer or an agent would, checks what is shown against what the
service stored (over the agent API), and writes a screenshot to tests/artifacts/.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy_financial as npf
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ANSWER_TIMEOUT_MS = 60_000  # one turn runs the real models on a shared 2-core machine
SCAM = "【XX金融】您的校园贷账户未注销，将影响征信，请立即联系专员办理注销并将额度内资金转入安全账户"
SCRIPT_TEXT = "<script>window.__x=1</script>"
IMG_TEXT = '<img src=x onerror="window.__y=1">'
NARROW = {"width": 360, "height": 740}  # the narrowest phone screen the chat window supports
DESK = {"width": 1440, "height": 900}  # the agent console's screen


# --- helpers -----------------------------------------------------------------------------------
def ask(page, text: str):
    """Type ``text``, press Enter, and wait for the bot's finished answer; returns its row."""
    answered = page.locator(".turn.bot[data-turn-id]")
    before = answered.count()
    box = page.locator("#input")
    box.fill(text)
    box.press("Enter")
    expect(answered).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    return answered.nth(before)


def chat_session_id(page) -> str:
    session_id = page.evaluate("() => sessionStorage.getItem('finbot.chat.session.anonymous')")
    assert session_id, "the chat window did not keep its session id"
    return session_id


def last_bot_turn(agent_api, session_id: str) -> dict:
    detail = agent_api.get(f"/v1/agent/sessions/{session_id}").raise_for_status().json()
    return [t for t in detail["turns"] if t["role"] == "bot"][-1]


def open_console(new_page, key: str):
    console = new_page(DESK, "/console")
    console.locator("#agent-key").fill(key)
    console.locator("#login-form button[type=submit]").click()
    return console


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


# --- the chat window -----------------------------------------------------------------------------
def test_question_is_answered_with_its_source(new_page, agent_api, artifacts):
    page = new_page()
    answer = ask(page, "提前还款要手续费吗")

    expect(page.locator(".turn.customer .bubble").last).to_have_text("提前还款要手续费吗")
    stored = last_bot_turn(agent_api, chat_session_id(page))
    sources = stored["data_json"]["sources"]
    assert sources, f"the service answered without a source: {stored['text']!r}"
    expect(answer.locator(".bubble")).to_have_text(stored["text"])
    expect(answer.locator(".sources")).to_be_visible()
    expect(answer.locator(".sources .source-title").first).to_have_text(sources[0]["title"])
    expect(answer.locator(".fraud-banner")).to_have_count(0)  # an ordinary question gets no warning
    page.screenshot(path=artifacts / "chat.png")


def test_plan_over_two_turns_shows_the_table_and_the_annualised_rate(new_page, artifacts):
    page = new_page()
    first = ask(page, "借2万分12期每月还多少")
    expect(first.locator(".bubble")).to_contain_text("利率")  # the bot asks for the price
    expect(first.locator(".plan-card")).to_have_count(0)

    second = ask(page, "年化7.2%")
    card = second.locator(".plan-card")
    expect(card).to_be_visible()
    expect(second.locator(".bubble")).to_have_text(re.compile(r"^按您提供的条件.*。还款计划：$", re.DOTALL))
    expect(card.locator(".plan-rate")).to_contain_text("年化利率（IRR）")
    expect(card.locator(".plan-rate-value")).to_have_text("7.20%")
    expect(card.locator(".plan-rate-sub")).to_contain_text("7.44%")  # (1 + 0.6%)^12 − 1
    rows = card.locator("tbody tr.period")
    expect(rows).to_have_count(12)

    # Equal instalments of 20,000 at 0.6% a month: numpy-financial's payment, to the cent.
    payment = Decimal(str(npf.pmt(0.072 / 12, 12, -20000))).quantize(Decimal("0.01"), ROUND_HALF_UP)
    expect(rows.first.locator("td").nth(2)).to_have_text(yuan(payment))
    expect(rows.last.locator("td").last).to_have_text("0.00")  # nothing left after the last period
    expect(card.locator("tfoot td").nth(1)).to_have_text("20,000.00")  # the principal sums to the loan
    expect(card.locator(".plan-cap-warning")).to_have_count(0)  # 7.2% is far below the cap
    card.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "chat-plan.png")


def test_the_plan_table_is_drawn_from_the_data_whatever_the_reply_says(new_page, artifacts):
    """Rewording a reply must not break the page: the plan reaches it as data (ChatResponse.plan) and
    the bubble shows the answer's lead, so a reply with other words draws the same table."""
    page = new_page()
    sent = {}

    def reworded(route):
        # The service's real answer, with the words around the plan changed the way a new template would.
        events = route.fetch().text().split("\n\n")
        for position, event in enumerate(events):
            if event.startswith("event: done\n"):
                turn = json.loads(event.removeprefix("event: done\ndata: "))
                for field in ("reply", "answer", "lead"):
                    turn[field] = turn[field].replace("还款计划：", "分期明细见下表——")
                sent.update(turn)
                events[position] = "event: done\ndata: " + json.dumps(turn, ensure_ascii=False)
        route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body="\n\n".join(events))

    page.route("**/v1/chat/stream", reworded)
    answer = ask(page, "借5000分6期，日利率0.1%，每月还多少")  # 36 % a year: over the cap
    plan = sent["plan"]
    assert "还款计划：" not in sent["answer"] and sent["lead"].endswith("分期明细见下表——")

    expect(answer.locator(".bubble")).to_have_text(sent["lead"])  # the lead, not the text table
    card = answer.locator(".plan-card")
    rows = card.locator("tbody tr.period")
    expect(rows).to_have_count(6)
    for row, period in zip(rows.all(), plan["periods"]):
        expect(row.locator("td").nth(2)).to_have_text(yuan(Decimal(period["payment"])))
        expect(row.locator("td").last).to_have_text(yuan(Decimal(period["balance"])))
    expect(card.locator(".plan-rate-value")).to_have_text("36.00%")
    # The warning is the service's sentence from the plan's data (templates plan.apr_above_cap).
    assert plan["flags"] == ["apr_above_cap"] and len(plan["warnings_zh"]) == 1
    expect(card.locator(".plan-cap-warning")).to_have_text(plan["warnings_zh"][0])
    expect(card.locator(".plan-footnote")).not_to_be_empty()  # page.plan_footnote, from GET /v1/meta
    card.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "chat-plan-reworded.png")


def test_scam_message_gets_a_red_banner_above_the_answer(new_page, agent_api, artifacts):
    page = new_page()
    answer = ask(page, SCAM)

    banner = answer.locator(".fraud-banner")
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("role", "alert")
    expect(banner.locator(".fraud-heading")).to_contain_text("反诈提醒")
    expect(banner.locator("svg.icon")).to_have_count(1)
    stored = last_bot_turn(agent_api, chat_session_id(page))
    warning = stored["data_json"]["warning"]
    assert warning, "the service gave no warning for a scam message"
    # The banner's heading says 反诈提醒; the text under it is the service's warning without that label.
    expect(banner.locator(".fraud-text")).to_have_text(warning.removeprefix("【反诈提醒】").strip())
    assert stored["fraud_level"] in ("warning", "critical")

    # The banner is not a chat bubble, and it comes first: above the answer.
    assert banner.evaluate("node => node.closest('.bubble') === null")
    bubble = answer.locator(".bubble")
    if bubble.count():
        assert banner.bounding_box()["y"] + banner.bounding_box()["height"] <= bubble.bounding_box()["y"]
        expect(bubble).not_to_contain_text(warning.removeprefix("【反诈提醒】").strip())  # shown once, in the banner
    page.screenshot(path=artifacts / "chat-fraud.png")


def test_markup_in_messages_is_shown_as_text_and_never_runs(new_page, agent_api, agent_key, artifacts):
    page = new_page()
    ask(page, SCRIPT_TEXT)
    ask(page, IMG_TEXT)

    bubbles = page.locator(".turn.customer .bubble")
    expect(bubbles.nth(0)).to_have_text(SCRIPT_TEXT)
    expect(bubbles.nth(1)).to_have_text(IMG_TEXT)
    assert page.locator("#messages script, #messages img").count() == 0
    page.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert page.evaluate("typeof window.__x") == "undefined"
    assert page.evaluate("typeof window.__y") == "undefined"
    page.screenshot(path=artifacts / "chat-markup.png")

    # The agent sees the same text, as text.
    session_id = chat_session_id(page)
    console = open_console(new_page, agent_key)
    console.locator(f'.session-item[data-session-id="{session_id}"]').click()
    transcript = console.locator("#transcript .turn.role-customer .turn-text")
    expect(transcript.nth(0)).to_have_text(SCRIPT_TEXT)
    expect(transcript.nth(1)).to_have_text(IMG_TEXT)
    assert console.locator("#transcript script, #transcript img, #suggestions img").count() == 0
    assert console.evaluate("typeof window.__x") == "undefined"
    assert console.evaluate("typeof window.__y") == "undefined"


def test_enter_while_an_input_method_is_composing_does_not_send(new_page, artifacts):
    page = new_page()
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/v1/chat" in request.url else None)
    box = page.locator("#input")
    box.fill("提前还款")

    box.dispatch_event("compositionstart", {"data": ""})
    # Chrome: the IME's Enter arrives with isComposing; some browsers do not flag it, so the page
    # must also remember that a composition is open.
    box.dispatch_event("keydown", {"key": "Enter", "code": "Enter", "isComposing": True, "bubbles": True, "cancelable": True})
    box.dispatch_event("keydown", {"key": "Enter", "code": "Enter", "bubbles": True, "cancelable": True})
    page.wait_for_timeout(500)
    assert sent == []
    expect(page.locator(".turn.customer")).to_have_count(0)
    expect(box).to_have_value("提前还款")
    page.screenshot(path=artifacts / "chat-ime.png")

    # Once the composition ends, Enter sends.
    box.dispatch_event("compositionend", {"data": "提前还款"})
    answered = page.locator(".turn.bot[data-turn-id]")
    box.press("Enter")
    expect(answered).to_have_count(1, timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".turn.customer .bubble")).to_have_text(["提前还款"])


def test_narrow_screen_360px(new_page, artifacts):
    page = new_page(NARROW)
    answer = ask(page, "借2万分12期，年化7.2%，每月还多少")
    expect(answer.locator(".plan-card")).to_be_visible()

    # Nothing wider than the screen: the table scrolls inside its card, not the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    for selector in ("#send", "#handoff", ".plan-card", "#input"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], selector
    answer.locator(".plan-card").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "chat-narrow.png")


def test_error_is_explained_in_chinese_and_the_text_is_kept(new_page, artifacts):
    # A forged customer token: the service refuses it (401) and the page must say so, keeping the text.
    page = new_page(path="/?token=forged.token.value")
    box = page.locator("#input")
    box.fill("提前还款要手续费吗")
    box.press("Enter")

    expect(page.locator(".notice-error")).to_contain_text("身份验证失败")
    expect(box).to_have_value("提前还款要手续费吗")
    expect(page.locator(".turn.customer.failed")).to_have_count(1)
    expect(page.locator(".turn.bot[data-turn-id]")).to_have_count(0)
    page.screenshot(path=artifacts / "chat-error.png")


def test_reload_keeps_the_conversation(new_page, artifacts):
    page = new_page()
    ask(page, "提前还款要手续费吗")
    session_id = chat_session_id(page)

    page.reload()
    expect(page.locator(".turn.customer .bubble")).to_have_text(["提前还款要手续费吗"])
    expect(page.locator(".turn.bot .bubble")).to_have_count(2)  # the greeting and the restored answer
    ask(page, "逾期了会怎样")
    assert chat_session_id(page) == session_id  # the same conversation goes on
    expect(page.locator(".turn.customer .bubble")).to_have_text(["提前还款要手续费吗", "逾期了会怎样"])
    page.screenshot(path=artifacts / "chat-reload.png")


def test_signed_in_customer_token_goes_with_every_call_and_the_agent_sees_the_loans(
        new_page, agent_api, agent_key, customer_token, artifacts):
    token = customer_token("c-1002")  # a demo customer with two loans
    page = new_page(path=f"/?token={token}")
    calls = []
    page.on("request", lambda request: calls.append((request.url, request.headers.get("authorization")))
            if "/v1/" in request.url else None)
    ask(page, "提前还款要手续费吗")

    assert calls[0][0].endswith("/v1/sessions"), "the authenticated session is opened first"
    assert [auth for _, auth in calls] == [f"Bearer {token}"] * len(calls)
    stored = page.evaluate("() => Object.entries(sessionStorage)")
    assert all(token not in key and token not in value for key, value in stored), "the token is not stored"
    session_id = next(value for key, value in stored if key.startswith("finbot.chat.session."))
    detail = agent_api.get(f"/v1/agent/sessions/{session_id}").raise_for_status().json()
    assert detail["session"]["customer_id"] == "c-1002"
    page.screenshot(path=artifacts / "chat-signed-in.png")

    # The agent sees the customer's loans beside the transcript.
    loans = detail["loans"]["loans"]
    assert len(loans) == 2
    console = open_console(new_page, agent_key)
    console.locator(f'.session-item[data-session-id="{session_id}"]').click()
    panel = console.locator("#loans")
    for loan in loans:
        expect(panel).to_contain_text(loan.get("label") or loan["loan_id"])
    console.screenshot(path=artifacts / "console-loans.png")


# --- the agent console -------------------------------------------------------------------------------
def test_console_shows_the_scam_session_with_three_suggestions(new_page, agent_api, agent_key, artifacts):
    chat = new_page()
    ask(chat, SCAM)
    session_id = chat_session_id(chat)

    console = open_console(new_page, agent_key)
    row = console.locator(f'.session-item[data-session-id="{session_id}"]')
    expect(row).to_be_visible()
    expect(row).to_have_class(re.compile(r"\brisk\b"))  # fraud-flagged sessions are marked red
    alerts = agent_api.get("/v1/agent/alerts").raise_for_status().json()["alerts"]
    assert any(alert["session_id"] == session_id for alert in alerts), "the scam message raised no alert"
    expect(console.locator(f'#alerts .alert-item[data-session-id="{session_id}"]')).to_be_visible()

    row.click()
    cards = console.locator("#suggestions .suggestion")
    expect(cards).to_have_count(3)
    stored = agent_api.get(f"/v1/agent/sessions/{session_id}").raise_for_status().json()["suggestions"]
    for card, suggestion in zip(cards.all(), stored, strict=True):
        expect(card.locator(".suggestion-text")).to_have_text(suggestion["text"])
        expect(card.locator(".confidence")).to_have_text(re.compile(r"置信度 \d+%"))
        expect(card.locator(".suggestion-meta").first).to_contain_text(suggestion["source"] or "—")
    expect(console.locator("#transcript .turn.role-customer .turn-text").first).to_have_text(SCAM)

    # One click inserts the first suggestion; the agent edits it and sends: feedback "edited".
    cards.first.locator("button.insert").click()
    reply = console.locator("#reply")
    expect(reply).to_have_value(stored[0]["text"])
    reply.press("End")
    reply.type("（人工补充：请勿转账）")
    console.screenshot(path=artifacts / "console.png")
    console.locator("#reply-send").click()
    expect(console.locator("#transcript .turn.role-agent .turn-text")).to_contain_text("人工补充：请勿转账")
    expect(cards.first.locator(".verdict")).to_have_text("已反馈：修改后采用")
    after = agent_api.get(f"/v1/agent/sessions/{session_id}").raise_for_status().json()["suggestions"]
    assert after[0]["verdict"] == "edited"

    # The second suggestion is rejected with one click; the report counts both.
    cards.nth(1).locator("button.feedback.rejected").click()
    expect(cards.nth(1).locator(".verdict")).to_have_text("已反馈：不采用")
    console.locator("#open-report").click()
    expect(console.locator("#report .report-table tfoot")).to_be_visible()
    report = agent_api.get("/v1/agent/feedback/report").raise_for_status().json()
    assert report["overall"]["edited"] >= 1 and report["overall"]["rejected"] >= 1
    expect(console.locator("#report .report-table tfoot td").nth(3)).to_have_text(str(report["overall"]["edited"]))
    console.screenshot(path=artifacts / "console-report.png")


def test_handoff_reaches_the_console_queue_and_the_agent_replies(new_page, agent_key, artifacts):
    chat = new_page()
    ask(chat, "提前还款要手续费吗")
    chat.locator("#handoff").click()
    expect(chat.locator(".notice").last).to_contain_text("已为您转接人工客服")
    session_id = chat_session_id(chat)

    console = open_console(new_page, agent_key)
    queued = console.locator(f'#handoffs .item-button[data-session-id="{session_id}"]')
    expect(queued).to_be_visible()
    expect(queued).to_contain_text("客户要求")
    queued.click()
    expect(console.locator("#context")).to_contain_text("转人工摘要")
    console.locator("#reply").fill("您好，我是人工客服，提前还款的费用我来为您确认。")
    console.locator("#reply-send").click()
    expect(console.locator("#transcript .turn.role-agent")).to_have_count(1)
    console.screenshot(path=artifacts / "console-handoff.png")

    # The customer sees the agent's reply (the chat window polls after a handoff).
    expect(chat.locator(".turn.agent .bubble")).to_have_text("您好，我是人工客服，提前还款的费用我来为您确认。",
                                                           timeout=15_000)
    chat.screenshot(path=artifacts / "chat-handoff.png")


def test_console_refuses_a_wrong_key(new_page, artifacts):
    console = open_console(new_page, key="not-the-key")
    expect(console.locator("#login-error")).to_contain_text("坐席密钥无效")
    expect(console.locator("#workspace")).to_be_hidden()
    console.screenshot(path=artifacts / "console-login.png")
