"""Schedules of every method on worked examples whose numbers were computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest

from bot.repayment import Coupons, PlanError, build_plan, loan_terms
from bot.repayment.money import format_percent, to_cents
from bot.repayment.schedule import (
    FLAG_APR_ABOVE_CAP,
    FLAG_COUPON_APPLIED,
    FLAG_ZERO_INTEREST_WITH_FEES,
    plan_cash_flows,
)
from bot.settings import get_settings

D = Decimal
CAP = D("0.24")


def plan_of(principal, months, method="equal_installment", cap=CAP, **price):
    price.setdefault("start_date", "2026-01-15")
    return build_plan(loan_terms(principal, months, method, **price), apr_cap=cap)


def column(plan, name):
    return [getattr(p, name) for p in plan.periods]


def test_equal_installment_20000_over_12_months_at_7_2_percent():
    # r = 0.072 / 12 = 0.006; 1.006^12 = 1.0744241; pmt = 20000 × 0.006 × 1.0744241 / 0.0744241 = 1732.3795
    plan = plan_of(20000, 12, annual_rate="0.072")
    assert column(plan, "payment")[:11] == [D("1732.38")] * 11
    assert plan.periods[-1].payment == D("1732.36")  # the last instalment absorbs the residue
    # Interest is charged on the exact balance: 20000 × 0.006 = 120; (20000 + 120 − 1732.3795) × 0.006 = 110.3257
    assert column(plan, "interest")[:3] == [D("120.00"), D("110.33"), D("100.59")]
    assert column(plan, "principal")[:2] == [D("1612.38"), D("1622.05")]
    assert plan.periods[0].balance == D("18387.62")
    assert plan.total_interest == 11 * D("1732.38") + D("1732.36") - 20000 == D("788.54")
    assert plan.total_payment == D("20788.54") and plan.total_fees == 0
    assert sum(column(plan, "principal")) == 20000 and plan.periods[-1].balance == 0
    assert format_percent(plan.apr) == "7.20%" and format_percent(plan.effective_apr) == "7.44%"
    assert plan.flags == ()


def test_due_dates_follow_the_month_and_clamp_at_month_end():
    plan = plan_of(12000, 4, annual_rate="0.1", start_date="2026-01-31")
    assert column(plan, "due_date") == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]
    leap = plan_of(12000, 2, annual_rate="0.1", start_date="2028-01-30")
    assert column(leap, "due_date") == [date(2028, 2, 29), date(2028, 3, 30)]
    across_year = plan_of(12000, 3, annual_rate="0.1", start_date="2026-11-15")
    assert column(across_year, "due_date") == [date(2026, 12, 15), date(2027, 1, 15), date(2027, 2, 15)]


def test_a_repayment_day_moves_every_due_date():
    terms = loan_terms(6000, 3, annual_rate="0.1", start_date="2026-01-10", repayment_day=31)
    plan = build_plan(terms, apr_cap=CAP)
    assert column(plan, "due_date") == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_equal_principal_12000_over_12_months_at_12_percent():
    # 1000 principal a month; interest 1% of the balance: 120, 110, …, 10
    plan = plan_of(12000, 12, "equal_principal", annual_rate="0.12")
    assert column(plan, "principal") == [D("1000.00")] * 12
    assert column(plan, "interest") == [D(120 - 10 * k) for k in range(12)]
    assert column(plan, "payment")[0] == D("1120.00") and column(plan, "payment")[-1] == D("1010.00")
    assert plan.total_interest == D("780.00")
    assert format_percent(plan.apr) == "12.00%"


def test_equal_principal_residue_goes_to_the_last_period():
    plan = plan_of(10000, 3, "equal_principal", annual_rate="0")
    assert column(plan, "principal") == [D("3333.33"), D("3333.33"), D("3333.34")]
    assert column(plan, "balance") == [D("6666.67"), D("3333.34"), D("0.00")]


def test_interest_first_pays_interest_monthly_and_principal_at_the_end():
    plan = plan_of(50000, 6, "interest_first", annual_rate="0.08")  # 50000 × 0.08 / 12 = 333.333
    assert column(plan, "interest") == [D("333.33")] * 6
    assert column(plan, "principal") == [D(0)] * 5 + [D(50000)]
    assert plan.periods[-1].payment == D("50333.33")
    assert column(plan, "balance")[:5] == [D(50000)] * 5


def test_bullet_pays_once_at_maturity():
    plan = plan_of(10000, 6, "bullet", annual_rate="0.12")
    (only,) = plan.periods
    assert only.due_date == date(2026, 7, 15)
    assert (only.principal, only.interest, only.payment) == (D("10000"), D("600.00"), D("10600.00"))
    # One payment after 6 months: (1 + i)^6 = 1.06, so the effective rate is 1.06² − 1 = 12.36 %
    assert plan.effective_apr == D("0.123600")
    assert format_percent(plan.apr) == "11.71%"  # 12 × (1.06^(1/6) − 1)


def test_zero_interest_with_a_monthly_fee_discloses_its_real_rate():
    plan = plan_of(12000, 12, "fee_installment", monthly_fee_rate="0.006")
    assert column(plan, "fee") == [D("72.00")] * 12  # 0.6 % of the original 12000, every month
    assert column(plan, "interest") == [D(0)] * 12
    assert plan.total_fees == D("864.00") and plan.total_interest == 0
    assert FLAG_ZERO_INTEREST_WITH_FEES in plan.flags
    oracle = npf.irr([-12000] + [1072] * 12) * 12
    assert abs(float(plan.apr) - oracle) < 1e-6
    assert format_percent(plan.apr) == "13.03%"


def test_fee_installment_can_carry_interest_too():
    plan = plan_of(12000, 12, "fee_installment", annual_rate="0.12", monthly_fee_rate="0.002")
    assert column(plan, "interest")[:2] == [D("120.00"), D("110.00")]
    assert column(plan, "fee") == [D("24.00")] * 12
    assert plan.periods[0].payment == D("1144.00")


def test_upfront_fee_counts_in_totals_and_in_the_rate():
    plan = plan_of(12000, 12, "equal_principal", annual_rate="0.12", upfront_fee="240")
    assert plan.total_fees == D("240") and plan.total_payment == D("12000") + D("780") + D("240")
    assert plan.total_cost == D("1020.00")
    flows = plan_cash_flows(plan.terms, plan.periods)
    assert flows[0] == D("-11760")  # the fee reduces what the customer really gets
    assert plan.apr > D("0.12")
    assert abs(float(plan.apr) - 12 * npf.irr([float(f) for f in flows])) < 1e-6


def test_interest_free_periods_waive_the_first_interest():
    plan = plan_of(12000, 12, "equal_principal", annual_rate="0.12", coupons=Coupons(interest_free_periods=2))
    assert column(plan, "interest")[:3] == [D(0), D(0), D("100.00")]
    assert column(plan, "payment")[:2] == [D("1000.00"), D("1000.00")]
    assert plan.total_interest == D("780") - D("120") - D("110")
    assert FLAG_COUPON_APPLIED in plan.flags
    assert sum(column(plan, "principal")) == 12000


def test_interest_free_days_are_used_up_period_by_period():
    # 45 days of interest on 12000 at 12 %: 12000 × 0.12 × 45 / 360 = 180 → 120 from period 1, 60 from period 2
    plan = plan_of(12000, 12, "equal_principal", annual_rate="0.12", coupons=Coupons(interest_free_days=45))
    assert column(plan, "interest")[:3] == [D(0), D("50.00"), D("100.00")]
    assert plan.total_interest == D("600.00")


def test_rate_discount_halves_the_interest():
    plan = plan_of(12000, 12, "equal_principal", annual_rate="0.12", coupons=Coupons(rate_discount=D("0.5")))
    assert column(plan, "interest")[:2] == [D("60.00"), D("55.00")]
    assert plan.total_interest == D("390.00")
    assert format_percent(plan.apr) == "6.00%"


def test_cap_flags_plans_above_it_and_not_at_it():
    at_cap = plan_of(10000, 12, annual_rate="0.24")
    assert format_percent(at_cap.apr) == "24.00%" and FLAG_APR_ABOVE_CAP not in at_cap.flags
    above = plan_of(10000, 12, annual_rate="0.2401")
    assert FLAG_APR_ABOVE_CAP in above.flags
    fee_heavy = plan_of(10000, 12, "fee_installment", monthly_fee_rate="0.012")  # 1.2 % a month ≈ 25.9 %
    assert FLAG_APR_ABOVE_CAP in fee_heavy.flags
    assert FLAG_APR_ABOVE_CAP not in plan_of(10000, 12, annual_rate="0.2401", cap=D("0.36")).flags


def test_default_cap_comes_from_settings():
    plan = build_plan(loan_terms(10000, 12, annual_rate="0.1", start_date="2026-01-15"))
    assert plan.apr_cap == Decimal(repr(float(get_settings().apr_cap)))


def test_amount_too_small_for_the_term_is_refused():
    # 1.80 / 360 = 0.005 rounds up to 0.01 a month: 359 periods would repay 3.59 of 1.80
    with pytest.raises(PlanError) as caught:
        plan_of("1.80", 360, annual_rate="0")
    assert caught.value.code == "amount_too_small_for_term"


def test_the_longest_term_is_exact_to_the_cent():
    plan = plan_of(1_000_000, 360, annual_rate="0.049", start_date="2026-01-31")
    payment = to_cents(-D(repr(float(npf.pmt(0.049 / 12, 360, 1_000_000)))))
    assert plan.periods[0].payment == payment == D("5307.27")
    assert sum(column(plan, "principal")) == D(1_000_000)
    assert plan.periods[-1].due_date == date(2056, 1, 31)
    # The exact instalment is 5307.2672; rounding it to 5307.27 repays 0.0028 too much principal in
    # each of 359 periods, so the last instalment is about 359 × 0.0028 = 1.04 lower.
    exact = D("5307.267206")
    assert abs(plan.periods[-1].payment - (exact - 359 * (payment - exact))) < D("0.05")
