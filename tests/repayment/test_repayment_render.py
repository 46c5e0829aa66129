"""The plan as API JSON, chat text and CSV; early, overdue and hardship answers for the chat."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

from bot.repayment import build_plan, loan_terms
from bot.repayment.early import quote_early_repayment
from bot.repayment.hardship import hardship_options
from bot.repayment.overdue import OverdueRules, late_payment_table
from bot.repayment.render import (
    early_quote_to_chat,
    early_quote_to_dict,
    hardship_to_chat,
    hardship_to_dict,
    late_table_to_chat,
    plan_to_chat,
    plan_to_csv,
    plan_to_dict,
)

D = Decimal
PERIOD_KEYS = ["index", "due_date", "principal", "interest", "fee", "payment", "balance"]


def plan_of(*args, **kwargs):
    kwargs.setdefault("start_date", "2026-01-15")
    return build_plan(loan_terms(*args, **kwargs), apr_cap=D("0.24"))


def test_json_has_exactly_the_api_shape():
    data = plan_to_dict(plan_of(20000, 12, annual_rate="0.072"))
    assert list(data) == ["periods", "apr", "effective_apr", "total_interest", "total_fees", "total_payment", "flags",
                          "notes_zh", "warnings_zh"]
    assert all(list(period) == PERIOD_KEYS for period in data["periods"])
    assert data["periods"][0] == {
        "index": 1,
        "due_date": "2026-02-15",
        "principal": "1612.38",
        "interest": "120.00",
        "fee": "0.00",
        "payment": "1732.38",
        "balance": "18387.62",
    }
    assert data["periods"][-1]["balance"] == "0.00"
    # The IRR of the cash flows as rounded to cents, a hair under the contract's 7.2 %
    assert (data["apr"], data["effective_apr"]) == ("0.071999", "0.074423")
    assert (data["total_interest"], data["total_fees"], data["total_payment"]) == ("788.54", "0.00", "20788.54")
    assert data["flags"] == []
    assert json.loads(json.dumps(data)) == data  # plain JSON types only


def test_money_strings_always_have_two_decimals():
    data = plan_of(10000, 3, "equal_principal", annual_rate="0")
    for period in plan_to_dict(data)["periods"]:
        for key in ("principal", "interest", "fee", "payment", "balance"):
            assert period[key].split(".")[1].isdigit() and len(period[key].split(".")[1]) == 2


def test_csv_rows_match_the_json():
    plan = plan_of(12000, 12, "fee_installment", monthly_fee_rate="0.006")
    rows = list(csv.DictReader(io.StringIO(plan_to_csv(plan))))
    assert len(rows) == 12 and list(rows[0]) == PERIOD_KEYS
    assert rows == [{k: str(v) for k, v in p.items()} for p in plan_to_dict(plan)["periods"]]


def test_chat_text_shows_first_and_last_periods_totals_and_disclosure():
    text = plan_to_chat(plan_of(20000, 12, annual_rate="0.072"))
    lines = text.splitlines()
    assert lines[0] == "借款20,000.00元，分12期，等额本息，年利率7.20%。还款计划："
    assert lines[1] == "第1期 2026-02-15 还1,732.38元（本金1,612.38 + 利息120.00）"
    assert lines[3].startswith("第3期") and lines[4] == "……（中间8期略）"
    assert lines[5] == "第12期 2027-01-15 还1,732.36元（本金1,722.03 + 利息10.33）"
    assert "总还款20,788.54元" in text and "利息788.54元" in text
    assert "年化利率（按内部收益率IRR计算）：7.20%" in text
    assert "超过" not in text


def test_chat_warns_above_the_cap_and_on_zero_interest_fees():
    expensive_plan = plan_of(5000, 6, daily_rate="0.001")  # 0.1 % a day = 36 % a year
    expensive = plan_to_chat(expensive_plan)
    assert "日利率0.1000%（折合年利率36.00%）" in expensive
    assert "超过了24.00%的上限" in expensive
    fee_only_plan = plan_of(12000, 12, "fee_installment", monthly_fee_rate="0.006")
    fee_only = plan_to_chat(fee_only_plan)
    assert "手续费72.00" in fee_only and "利息为0，但收取手续费" in fee_only and "13.03%" in fee_only

    # The page shows the plan's warnings and notes from its data: the same words as the chat text.
    warned, noted = plan_to_dict(expensive_plan), plan_to_dict(fee_only_plan)
    assert len(warned["warnings_zh"]) == 1 and warned["notes_zh"] == []
    assert "⚠️ 提醒：" + warned["warnings_zh"][0] in expensive.splitlines()
    assert len(noted["notes_zh"]) == 1 and noted["warnings_zh"] == []
    assert "注意：" + noted["notes_zh"][0] in fee_only.splitlines()


def test_bullet_loans_state_their_term():
    text = plan_to_chat(plan_of(10000, 6, "bullet", annual_rate="0.12"))
    assert text.startswith("借款10,000.00元，期限6个月，一次性还本付息，年利率12.00%")
    assert "第1期 2026-07-15 还10,600.00元（本金10,000.00 + 利息600.00）" in text


def test_short_plans_are_shown_in_full():
    text = plan_to_chat(plan_of(3000, 3, annual_rate="0.12"))
    assert "略" not in text and text.count("第") == 3


def test_early_repayment_answer():
    plan = plan_of(12000, 12, "equal_principal", annual_rate="0.12")
    quote = quote_early_repayment(plan, date(2026, 4, 25))
    text = early_quote_to_chat(quote)
    assert "2026-04-25全部提前还清，当天需还9,030.00元" in text and "少付420.00元" in text
    data = early_quote_to_dict(quote)
    assert (data["amount_due"], data["saving"], data["remaining_plan"]) == ("9030.00", "420.00", None)
    partial = early_quote_to_dict(quote_early_repayment(plan, date(2026, 4, 25), "shorter_term", D(3000)))
    assert len(partial["remaining_plan"]["periods"]) == 6


def test_late_payment_answer():
    plan = plan_of(12000, 12, "equal_principal", annual_rate="0.12")
    text = late_table_to_chat(late_payment_table(plan, 1, (1, 30)), OverdueRules().penalty_rate(plan))
    assert "晚1天：共还1,120.50元（罚息0.50元）" in text
    assert "晚30天：共还1,135.00元（罚息15.00元）" in text
    assert "罚息年利率18.00%" in text and "征信" in text


def test_hardship_answer():
    plan = plan_of(12000, 12, "equal_principal", annual_rate="0.12")
    comparison = hardship_options(plan, date(2026, 4, 20), extra_months=3)
    text = hardship_to_chat(comparison)
    assert "剩余本金9,000.00元" in text
    assert "延长3个月重新分期：下期还840.00元" in text and "多付135.00元" in text
    data = hardship_to_dict(comparison)
    assert [o["kind"] for o in data["options"]] == ["current", "extension", "reamortise", "interest_only"]
    assert data["options"][1]["capitalised_interest"] == "272.71"
