"""The lexicon stage on its own: what fires, what stays quiet, and where the evidence points."""

from __future__ import annotations

import pytest
from conftest import MUST_FIRE, MUST_STAY_QUIET

from bot.fraud.catalogue import load_catalogue
from bot.fraud.detector import FraudDetector
from bot.fraud.normalize import fold


@pytest.fixture(scope="module")
def patterns_only(catalogue):
    return FraudDetector(catalogue, None, "testing the lexicon stage")


def best(matcher, text):
    scores = matcher.score(text)
    return max(scores.values(), key=lambda s: s.score) if scores else None


@pytest.mark.parametrize("text, scenario", MUST_FIRE)
def test_scams_fire_on_the_lexicon_alone(patterns_only, text, scenario):
    assessment = patterns_only.assess(text)
    assert assessment.level in ("warning", "critical"), assessment
    assert assessment.scenario == scenario
    assert assessment.stages == "patterns"


@pytest.mark.parametrize("text", MUST_STAY_QUIET)
def test_ordinary_questions_stay_quiet(patterns_only, text):
    assessment = patterns_only.assess(text)
    assert assessment.level in ("none", "notice"), assessment


def test_critical_scenarios_and_the_transfer_escalation(patterns_only):
    assert patterns_only.assess("客服让我把收到的验证码发给他").level == "critical"
    refund = patterns_only.assess("自称淘宝客服的人说我买的东西有质量问题，要给我双倍赔偿，让我扫码进群办理理赔")
    assert (refund.scenario, refund.level) == ("fake_customer_service", "warning")
    with_transfer = patterns_only.assess("自称淘宝客服的人说要给我双倍赔偿，让我先在借呗借出来再转账到他给的账户")
    assert (with_transfer.scenario, with_transfer.level) == ("fake_customer_service", "critical")


def test_evidence_spans_point_at_the_original_text(matcher):
    text = "刚才有人打电话说我大学时的校园贷没注销，不注销会影响征信"
    scored = best(matcher, text)
    assert scored.scenario == "student_loan_cancel"
    for item in scored.evidence:
        assert fold(text[item.start : item.end]) == item.term
    terms = {item.term: item.role for item in scored.evidence}
    assert terms["校园贷没注销"] == "claim"
    assert terms["有人打电话"] == "channel"
    assert [e.start for e in scored.evidence] == sorted(e.start for e in scored.evidence)


def test_evidence_spans_cover_traditional_and_full_width_text(matcher):
    text = "對方讓我把ＣＶＶ和驗證碼告訴他"
    scored = best(matcher, text)
    assert scored.scenario == "verification_code"
    found = {text[e.start : e.end] for e in scored.evidence}
    assert "ＣＶＶ" in found
    assert any("驗證碼" in span for span in found)


def test_roles_together_score_higher_than_a_lone_term(matcher):
    lone = best(matcher, "安全账户")
    together = best(matcher, "警官让我今天之内马上把钱转到安全账户，不要告诉家人")
    assert lone.scenario == together.scenario == "impersonate_authority"
    assert together.score > lone.score
    assert len(together.role_scores) >= 4  # claim, action, urgency, secrecy
    weak = best(matcher, "我有一笔校园贷")
    assert weak.score < 0.5  # a lone scam word is at most a notice


def test_benign_contexts_suppress_and_are_reported(matcher):
    scam = best(matcher, "他让我把验证码告诉他")
    ordinary = matcher.score("验证码收不到告诉我怎么办").get("verification_code")
    assert scam.score >= 0.5
    # 验证码 matches the scenario's term; 收不到 is its benign context and cancels it, visibly.
    assert ordinary is not None and ordinary.score < 0.3
    assert any(item.term == "收不到" for item in ordinary.benign)


def test_a_word_inside_a_benign_phrase_does_not_count(matcher):
    # 验资 (capital verification, an upfront-fee trick) is inside 体验资格 (trial eligibility).
    assert "upfront_fee_loan" not in matcher.score("十多年老用户了体验资格都没有")
    assert matcher.score("对方说要先验资才能放款")["upfront_fee_loan"].score >= 0.5


def test_common_signals_alone_raise_nothing(matcher):
    assert matcher.score("马上转账，否则来不及了") == {}


def test_empty_and_whitespace_messages(patterns_only):
    for text in ("", "   ", "\n"):
        assessment = patterns_only.assess(text)
        assert (assessment.level, assessment.scenario, assessment.evidence) == ("none", None, ())


def test_the_matcher_uses_the_catalogue_it_is_given(tmp_path):
    import yaml

    from bot.fraud.catalogue import DEFAULT_CATALOGUE_PATH
    from bot.fraud.patterns import PatternMatcher

    document = yaml.safe_load(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))
    document["scenarios"]["screen_share"]["signals"]["channel"]["屏幕共享"] = 0.1
    path = tmp_path / "scenarios.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    weaker = PatternMatcher(load_catalogue(path)).score("屏幕共享")
    shipped = PatternMatcher(load_catalogue()).score("屏幕共享")
    assert weaker["screen_share"].score < shipped["screen_share"].score
