"""Policy: warnings come first, critical risk alerts the console, and the bot never asks for
codes, passwords or transfers."""

from __future__ import annotations

import pytest

from bot.fraud.detector import FraudDetector
from bot.fraud.policy import (
    HOTLINE_PLACEHOLDER,
    SAFE_FALLBACK_REPLY,
    check_reply_safe,
    load_hotline,
    respond,
    safe_reply,
    warning_text,
)

UNSAFE_REPLIES = [
    "请提供您收到的短信验证码，以便我们核实身份。",
    "麻烦把验证码告诉我，我帮您取消会员。",
    "您的支付密码是多少？",
    "为了核实信用卡，请报一下卡背面的三位数字。",
    "请将款项转账至以下账户：6222 0000 0000 0000。",
    "您需要先汇款到我们的对公账户才能放款。",
    "请把资金转入安全账户等待核查。",
    "請提供您的驗證碼。",
]

SAFE_REPLIES = [
    "本公司不会向您索要验证码或密码，请不要告诉任何人。",
    "提前还款不收手续费，您可以在「我的」→「账单」→「提前还款」操作。",
    "在 App 中输入短信验证码即可完成绑卡。",
    "收不到验证码时，请检查手机的短信拦截设置后重新获取。",
    "我们不会要求您转账到任何“安全账户”。",
    "您可以设置银行卡自动扣款，或在 App 内主动还款。",
    "验证码为 6 位数字，5 分钟内有效。",
]


@pytest.fixture(scope="module")
def patterns_only(catalogue):
    return FraudDetector(catalogue, None, "policy tests use the lexicon stage")


@pytest.mark.parametrize("reply", UNSAFE_REPLIES)
def test_replies_asking_for_secrets_or_transfers_are_rejected(reply):
    verdict = check_reply_safe(reply)
    assert not verdict.safe and verdict.reasons
    assert safe_reply(reply) == SAFE_FALLBACK_REPLY


@pytest.mark.parametrize("reply", SAFE_REPLIES)
def test_ordinary_and_warning_replies_pass(reply):
    verdict = check_reply_safe(reply)
    assert verdict.safe, verdict.reasons
    assert safe_reply(reply) == reply


def test_every_warning_passes_the_reply_check_and_names_the_channels(catalogue):
    for scenario_id in catalogue.scenarios:
        text = warning_text(catalogue, scenario_id, "400-000-0000", critical=True)
        assert check_reply_safe(text).safe, (scenario_id, check_reply_safe(text).reasons)
        for required in ("400-000-0000", "96110", "国家反诈中心", "110", "转人工"):
            assert required in text, (scenario_id, required)
    assert check_reply_safe(SAFE_FALLBACK_REPLY).safe


def test_a_warning_precedes_the_reply_and_critical_alerts_the_console(catalogue, patterns_only):
    critical = respond(patterns_only.assess("对方让我开屏幕共享，然后把验证码告诉他"), catalogue, "400-000-0000")
    assert critical.level == "critical" and critical.alert_agent and critical.offer_human
    reply = critical.apply("您的本期账单为 1,024.50 元。")
    assert reply.startswith("【反诈提醒】") and reply.endswith("您的本期账单为 1,024.50 元。")
    assert "400-000-0000" in reply

    warning = respond(patterns_only.assess("有人说花钱可以帮我洗白征信，删除逾期记录"), catalogue, "400-000-0000")
    assert warning.level == "warning" and warning.banner and not warning.alert_agent and not warning.offer_human

    quiet = respond(patterns_only.assess("提前还款有违约金吗"), catalogue, "400-000-0000")
    assert quiet.banner is None and not quiet.alert_agent
    assert quiet.apply("不收违约金。") == "不收违约金。"


def test_the_hotline_comes_from_the_company_file(tmp_path):
    company = tmp_path / "company.yaml"
    company.write_text("hotline: 95000-123\n", encoding="utf-8")
    assert load_hotline(company) == "95000-123"
    assert load_hotline(tmp_path / "missing.yaml") == HOTLINE_PLACEHOLDER
