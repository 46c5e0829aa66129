"""Paying late: penalty interest and late fees on worked examples computed by hand.

The loan: ¥12,000 over 12 months at 12 %, 等额本金, from 2026-01-15. Instalment 1 is
1,000 principal + 120 interest = 1,120, due 2026-02-15. Default penalty rate 12 % × 1.5 = 18 %
a year, ACT/360: 1,000 × 0.18 / 360 = 0.50 a day.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.repayment import PlanError
from bot.repayment.overdue import OverdueRules, late_payment_table, overdue_cost, overdue_statement

D = Decimal


def test_ten_days_late_with_a_late_fee(loan):
    cost = overdue_cost(loan, 1, 10, OverdueRules(late_fee=D("20")))
    assert cost.paid_on == date(2026, 2, 25)
    assert (cost.instalment, cost.penalty_interest, cost.late_fee) == (D("1120.00"), D("5.00"), D("20.00"))
    assert cost.total_due == D("1145.00") and cost.extra_cost == D("25.00")


def test_the_late_payment_table(loan):
    rows = late_payment_table(loan, 1, days=(1, 7, 30, 90))
    assert [r.penalty_interest for r in rows] == [D("0.50"), D("3.50"), D("15.00"), D("45.00")]
    assert [r.total_due for r in rows] == [D("1120.50"), D("1123.50"), D("1135.00"), D("1165.00")]


def test_grace_period(loan):
    rules = OverdueRules(grace_days=3, late_fee=D("20"))
    assert overdue_cost(loan, 1, 2, rules).total_due == D("1120.00")  # within grace: nothing extra
    late = overdue_cost(loan, 1, 5, rules)  # past grace: penalty runs from the due date
    assert (late.within_grace, late.penalty_interest, late.total_due) == (False, D("2.50"), D("1142.50"))


def test_configurable_penalty_rates(loan):
    def penalty(**rules):
        return overdue_cost(loan, 1, 10, OverdueRules(**rules)).penalty_interest

    assert penalty(compound_on_interest=True) == D("5.60")  # on the whole 1,120: 1120 × 0.0005 × 10
    assert penalty(penalty_annual_rate=D("0.24")) == D("6.67")  # 1000 × 0.24 × 10 / 360 = 6.667
    assert penalty(penalty_markup=D(0)) == D("3.33")  # at the contract rate: 1000 × 0.12 × 10 / 360
    assert OverdueRules().penalty_rate(loan) == D("0.18")


def test_a_fee_only_loan_is_penalised_at_its_disclosed_rate(make_plan):
    plan = make_plan(12000, 12, "fee_installment", monthly_fee_rate="0.006")
    rate = OverdueRules().penalty_rate(plan)
    assert rate == plan.apr * D("1.5") and rate > 0
    assert overdue_cost(plan, 1, 30, OverdueRules()).penalty_interest > 0


def test_statement_of_everything_overdue_on_a_date(loan):
    # Feb paid; Mar 15 (1,110) unpaid on Apr 1 → 17 days: 1000 × 0.18 × 17/360 = 8.50
    statement = overdue_statement(loan, date(2026, 4, 1), periods_paid=1)
    (item,) = statement.items
    assert (item.period_index, item.days_late, item.penalty_interest) == (2, 17, D("8.50"))
    assert statement.total_due == D("1118.50")
    # Nothing paid: Feb (45 days, 22.50) and Mar (17 days, 8.50)
    both = overdue_statement(loan, date(2026, 4, 1), periods_paid=0)
    assert [i.penalty_interest for i in both.items] == [D("22.50"), D("8.50")]
    assert both.total_due == D("1120") + D("1110") + D("31.00")


@pytest.mark.parametrize(
    ("index", "days", "code"), [(0, 3, "no_such_period"), (13, 3, "no_such_period"), (1, -1, "bad_days_late")]
)
def test_bad_requests(loan, index, days, code):
    with pytest.raises(PlanError) as caught:
        overdue_cost(loan, index, days)
    assert caught.value.code == code
