"""Early repayment on worked examples computed by hand.

The loan of most examples (fixture ``loan``): ¥12,000 over 12 months at 12 % (1 % a month),
等额本金, from 2026-01-15: 1,000 principal a month, interest 120, 110, …, 10; due on the 15th.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest

from bot.repayment import PlanError
from bot.repayment.dates import DayCount
from bot.repayment.early import (
    EarlyRepaymentRules,
    PenaltyKind,
    PrepaymentMode,
    PrepaymentPenalty,
    quote_early_repayment,
)
from bot.repayment.money import to_cents

D = Decimal


def test_full_repayment_between_due_dates(loan):
    # Paid: Feb, Mar, Apr 15 → 9,000 owed. 10 days since Apr 15: 9000 × 0.12 × 10 / 360 = 30.00
    quote = quote_early_repayment(loan, date(2026, 4, 25))
    assert quote.mode is PrepaymentMode.FULL and quote.periods_paid == 3
    assert quote.outstanding_principal == D("9000.00")
    assert (quote.accrued_days, quote.accrued_interest, quote.penalty) == (10, D("30.00"), D(0))
    assert quote.amount_due == D("9030.00")
    # Still owed under the plan: 9,000 + interest 90 + 80 + … + 10 = 9,450
    assert quote.original_remaining_payment == D("9450.00")
    assert quote.saving == D("420.00")
    assert quote.remaining_plan is None


def test_full_repayment_on_a_due_date_owes_no_extra_interest(loan):
    quote = quote_early_repayment(loan, date(2026, 4, 15))
    assert quote.accrued_days == 0 and quote.amount_due == D("9000.00") and quote.saving == D("450.00")


def test_penalty_rules(loan):
    percent = EarlyRepaymentRules(penalty=PrepaymentPenalty(PenaltyKind.PERCENT_OF_PREPAID, rate=D("0.02")))
    quote = quote_early_repayment(loan, date(2026, 4, 25), rules=percent)
    assert quote.penalty == D("180.00")  # 2 % of 9,000
    assert (quote.amount_due, quote.saving) == (D("9210.00"), D("240.00"))

    days = EarlyRepaymentRules(penalty=PrepaymentPenalty(PenaltyKind.DAYS_OF_INTEREST, days=30))
    quote = quote_early_repayment(loan, date(2026, 4, 25), rules=days)
    assert quote.penalty == D("90.00")  # 30 days: 9000 × 0.12 × 30 / 360
    assert quote.amount_due == D("9120.00")

    heavy = EarlyRepaymentRules(penalty=PrepaymentPenalty(PenaltyKind.PERCENT_OF_PREPAID, rate=D("0.06")))
    assert quote_early_repayment(loan, date(2026, 4, 25), rules=heavy).saving == D("-120.00")  # 540 penalty > 420 saved


def test_day_count_conventions(loan):
    # After Feb 15 (11,000 owed), repaid on Mar 1: 14 actual days, 16 days in 30/360
    on = date(2026, 3, 1)
    act360 = quote_early_repayment(loan, on)
    act365 = quote_early_repayment(loan, on, rules=EarlyRepaymentRules(day_count=DayCount.ACT_365))
    thirty = quote_early_repayment(loan, on, rules=EarlyRepaymentRules(day_count=DayCount.THIRTY_360))
    assert (act360.accrued_days, act360.accrued_interest) == (14, D("51.33"))  # 11000 × 0.12 × 14/360 = 51.333
    assert act365.accrued_interest == D("50.63")  # × 14/365 = 50.630
    assert (thirty.accrued_days, thirty.accrued_interest) == (16, D("58.67"))  # × 16/360 = 58.667


def test_partial_lower_instalment(loan):
    # 3,000 of the 9,000 repaid on Apr 25: interest on the 3,000 for 10 days = 10.00.
    quote = quote_early_repayment(loan, date(2026, 4, 25), "lower_instalment", D(3000))
    assert quote.amount_due == D("3010.00")
    new = quote.remaining_plan
    # 6,000 over the 9 periods left: 666.67 a month (the last 666.64), interest 60, 53.33, …, 6.67
    assert [p.principal for p in new.periods] == [D("666.67")] * 8 + [D("666.64")]
    assert [p.interest for p in new.periods][:3] == [D("60.00"), D("53.33"), D("46.67")]
    assert new.total_interest == D("300.00")
    assert new.periods[0].due_date == date(2026, 5, 15) and new.periods[-1].due_date == date(2027, 1, 15)
    assert quote.new_remaining_payment == D("3010.00") + D("6300.00")
    assert quote.saving == D("140.00")


def test_partial_shorter_term(loan):
    # Keeping 1,000 principal a month, 6,000 takes 6 periods: interest 60 + 50 + … + 10 = 210
    quote = quote_early_repayment(loan, date(2026, 4, 25), "shorter_term", D(3000))
    new = quote.remaining_plan
    assert len(new.periods) == 6 and new.periods[-1].due_date == date(2026, 10, 15)
    assert [p.principal for p in new.periods] == [D("1000.00")] * 6
    assert new.total_interest == D("210.00")
    assert quote.saving == D("230.00")


def test_equal_installment_partial_repayments_follow_the_annuity_formula(make_plan):
    plan = make_plan(20000, 12, annual_rate="0.072")
    on = date(2026, 4, 15)  # a due date: 3 periods paid
    balance = plan.periods[2].balance
    lower = quote_early_repayment(plan, on, "lower_instalment", D(5000))
    assert lower.accrued_interest == 0
    expected = to_cents(D(repr(float(-npf.pmt(0.006, 9, float(balance - 5000))))))
    assert lower.remaining_plan.periods[0].payment == expected
    assert sum(p.principal for p in lower.remaining_plan.periods) == balance - 5000

    shorter = quote_early_repayment(plan, on, "shorter_term", D(5000))
    months = len(shorter.remaining_plan.periods)
    instalment = plan.periods[0].payment
    assert shorter.remaining_plan.periods[0].payment <= instalment
    assert -npf.pmt(0.006, months - 1, float(balance - 5000)) > float(instalment)  # one period fewer would not do
    assert shorter.saving > lower.saving > 0  # a shorter term saves more interest


def test_bullet_loan_repaid_early(make_plan):
    plan = make_plan(10000, 6, "bullet", annual_rate="0.12")
    quote = quote_early_repayment(plan, date(2026, 3, 16))  # 60 days: 10000 × 0.12 × 60/360 = 200
    assert quote.amount_due == D("10200.00") and quote.saving == D("400.00")


def test_fee_installment_remaining_fees_are_waived_unless_charged(make_plan):
    plan = make_plan(12000, 12, "fee_installment", monthly_fee_rate="0.006")
    waived = quote_early_repayment(plan, date(2026, 4, 25))
    assert (waived.accrued_interest, waived.fees, waived.amount_due) == (D(0), D(0), D("9000.00"))
    charged = quote_early_repayment(plan, date(2026, 4, 25), rules=EarlyRepaymentRules(charge_remaining_fees=True))
    assert charged.fees == 9 * D("72.00") and charged.saving == D(0)


@pytest.mark.parametrize(
    ("on", "mode", "amount", "code"),
    [
        (date(2026, 1, 1), "full", None, "date_before_start"),
        (date(2027, 1, 15), "full", None, "date_after_maturity"),
        (date(2027, 3, 1), "full", None, "date_after_maturity"),
        (date(2026, 4, 25), "lower_instalment", None, "prepayment_amount_missing"),
        (date(2026, 4, 25), "lower_instalment", D("9000.01"), "prepayment_too_large"),
        (date(2026, 4, 25), "lower_instalment", D("-5"), "bad_prepayment"),
        (date(2026, 4, 25), "shorter_term", D("0.001"), "bad_prepayment"),
    ],
)
def test_bad_requests(loan, on, mode, amount, code):
    with pytest.raises(PlanError) as caught:
        quote_early_repayment(loan, on, mode, amount)
    assert caught.value.code == code


def test_methods_without_a_fixed_instalment_cannot_shorten_the_term(make_plan):
    plan = make_plan(50000, 6, "interest_first", annual_rate="0.08")
    with pytest.raises(PlanError) as caught:
        quote_early_repayment(plan, date(2026, 3, 1), "shorter_term", D(10000))
    assert caught.value.code == "shorter_term_not_supported"
    lower = quote_early_repayment(plan, date(2026, 3, 1), "lower_instalment", D(10000))
    assert lower.remaining_plan.periods[0].interest == D("266.67")  # 40000 × 0.08 / 12


def test_partial_fee_installment_is_refused(make_plan):
    plan = make_plan(12000, 12, "fee_installment", monthly_fee_rate="0.006")
    with pytest.raises(PlanError) as caught:
        quote_early_repayment(plan, date(2026, 4, 25), "lower_instalment", D(1000))
    assert caught.value.code == "partial_not_supported"
