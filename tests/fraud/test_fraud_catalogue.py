"""The scenario catalogue: the shipped file is complete, and a malformed one fails clearly."""

from __future__ import annotations

import copy

import pytest
import yaml

from bot.fraud.catalogue import DEFAULT_CATALOGUE_PATH, CatalogueError, load_catalogue, parse_catalogue

BRIEF_SCENARIOS = {
    "upfront_fee_loan", "fake_customer_service", "student_loan_cancel", "credit_repair", "debt_relief_agent",
    "impersonate_authority", "task_rebate", "fake_investment", "verification_code", "screen_share",
    "impersonate_acquaintance",
}
CRITICAL = {"impersonate_authority", "verification_code", "screen_share"}


@pytest.fixture()
def document():
    return yaml.safe_load(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))


def test_shipped_catalogue_has_every_scenario_with_signals_and_a_warning(catalogue):
    assert set(catalogue.scenarios) == BRIEF_SCENARIOS
    for scenario in catalogue.scenarios.values():
        assert scenario.name and scenario.warning.startswith("【反诈提醒】")
        assert sum(len(terms) for terms in scenario.signals.values()) >= 10, scenario.id
        assert scenario.benign, f"{scenario.id} has no benign contexts"
    assert {s.id for s in catalogue.scenarios.values() if s.level == "critical"} == CRITICAL
    # Fake customer service becomes critical once a transfer is asked for.
    assert "转账" in catalogue.scenarios["fake_customer_service"].critical_when


def test_warning_steps_name_every_official_channel(catalogue):
    steps = catalogue.warning_actions
    for required in ("{hotline}", "96110", "国家反诈中心", "110", "不要转账", "验证码"):
        assert required in steps


def test_an_unknown_role_names_scenario_and_field(document):
    document["scenarios"]["credit_repair"]["signals"]["vibes"] = {"洗白": 2}
    with pytest.raises(CatalogueError, match=r"scenario 'credit_repair', field 'signals'\.vibes: unknown role"):
        parse_catalogue(document)


def test_a_bad_weight_names_the_term(document):
    document["scenarios"]["upfront_fee_loan"]["signals"]["money"]["解冻费"] = "high"
    with pytest.raises(CatalogueError, match=r"scenario 'upfront_fee_loan', field 'signals'\.money\.解冻费: weight"):
        parse_catalogue(document)


def test_a_negative_benign_weight_is_refused(document):
    document["scenarios"]["verification_code"]["benign"]["收不到"] = -4
    with pytest.raises(CatalogueError, match=r"scenario 'verification_code', field 'benign'\.收不到"):
        parse_catalogue(document)


def test_a_missing_warning_is_refused(document):
    del document["scenarios"]["screen_share"]["warning"]
    with pytest.raises(CatalogueError, match=r"scenario 'screen_share', field 'warning': missing"):
        parse_catalogue(document)


def test_an_unknown_level_is_refused(document):
    document["scenarios"]["task_rebate"]["level"] = "severe"
    with pytest.raises(CatalogueError, match=r"scenario 'task_rebate', field 'level'"):
        parse_catalogue(document)


def test_an_unknown_placeholder_in_a_warning_is_refused(document):
    document["scenarios"]["task_rebate"]["warning"] = "请拨打 {hotlne}"
    with pytest.raises(CatalogueError, match=r"scenario 'task_rebate', field 'warning': unknown placeholder"):
        parse_catalogue(document)


def test_a_pattern_needs_two_groups(document):
    document["scenarios"]["student_loan_cancel"]["patterns"][0]["all_of"] = [["注销"]]
    with pytest.raises(CatalogueError, match=r"scenario 'student_loan_cancel', field 'patterns\[0\]'\.all_of"):
        parse_catalogue(document)


def test_a_term_may_play_only_one_role(document):
    document["scenarios"]["task_rebate"]["signals"]["money"]["刷单"] = 1.0
    with pytest.raises(CatalogueError, match=r"刷单: term already listed under role 'claim'"):
        parse_catalogue(document)


def test_a_misspelt_scenario_field_is_refused(document):
    document["scenarios"]["fake_investment"]["benigne"] = {"理财": 1}
    with pytest.raises(CatalogueError, match=r"scenario 'fake_investment': unknown field\(s\) \['benigne'\]"):
        parse_catalogue(document)


def test_the_warning_steps_must_mention_96110(document):
    document["warning_actions"] = "请拨打 {hotline}。"
    with pytest.raises(CatalogueError, match="warning_actions' must mention 96110"):
        parse_catalogue(document)


def test_a_scenario_may_not_be_called_none(document):
    document["scenarios"]["none"] = copy.deepcopy(document["scenarios"]["task_rebate"])
    with pytest.raises(CatalogueError, match="scenario id 'none'"):
        parse_catalogue(document)


def test_invalid_yaml_names_the_file(tmp_path):
    broken = tmp_path / "scenarios.yaml"
    broken.write_text("scenarios: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"scenarios\.yaml: not valid YAML"):
        load_catalogue(broken)


def test_adding_a_scenario_is_a_data_change(document, tmp_path):
    from bot.fraud.patterns import PatternMatcher

    document["scenarios"]["fake_lottery"] = {
        "name": "虚假中奖",
        "level": "warning",
        "signals": {"claim": {"中奖": 2.0, "领奖": 2.5}, "money": {"个人所得税": 3.0}},
        "benign": {"抽奖活动": 2.0},
        "warning": "【反诈提醒】先交税才能领奖的“中奖”都是诈骗。",
    }
    path = tmp_path / "scenarios.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    scores = PatternMatcher(load_catalogue(path)).score("短信说我中奖了，领奖要先交个人所得税")
    assert max(scores.values(), key=lambda s: s.score).scenario == "fake_lottery"


def test_a_key_given_twice_is_refused_with_its_line(tmp_path):
    text = DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8").replace(
        "        解冻费: 6.0\n", "        解冻费: 6.0\n        解冻费: 1.0\n", 1
    )
    path = tmp_path / "scenarios.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"duplicate key '解冻费' \(line \d+\)"):
        load_catalogue(path)


def test_an_unknown_scoring_field_is_refused(document):
    document["scoring"]["clasifier_weight"] = 0.4
    with pytest.raises(CatalogueError, match=r"unknown field\(s\) in 'scoring'"):
        parse_catalogue(document)
