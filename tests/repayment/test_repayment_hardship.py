"""Hardship options compared side by side, on worked examples computed by hand.

The loan: ¥12,000 over 12 months at 12 %, 等额本金, from 2026-01-15. Asked on 2026-04-20:
Feb, Mar, Apr are paid, 9,000 is owed over 9 periods (1,000 a month, interest 90, 80, …, 10).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest

from bot.repayment import Method, PlanError
from bot.repayment.hardship import hardship_options
from bot.repayment.money import to_cents

D = Decimal


def test_options_side_by_side(loan):
    comparison = hardship_options(loan, date(2026, 4, 20), extension_months=3, extra_months=3, interest_only_months=3)
    assert (comparison.outstanding_principal, comparison.periods_left) == (D("9000.00"), 9)
    assert [o.kind for o in comparison.options] == ["current", "extension", "reamortise", "interest_only"]

    current = comparison.option("current")
    assert current.next_payment == D("1090.00")
    assert (current.total_payment, current.total_cost) == (D("9450.00"), D("450.00"))
    assert current.months_to_repay == 9

    # Over 12 periods: 750 a month; interest 9000 × 1 % × (12 + 11 + … + 1) / 12 = 585
    reamortise = comparison.option("reamortise")
    assert reamortise.next_payment == D("840.00") and reamortise.months_to_repay == 12
    assert (reamortise.total_cost, reamortise.extra_cost) == (D("585.00"), D("135.00"))

    # 3 months of 90 interest, then the 9,000 over 9 periods as before (450 interest)
    interest_only = comparison.option("interest_only")
    assert [p.payment for p in interest_only.plan.periods[:4]] == [D("90.00")] * 3 + [D("1090.00")]
    assert (interest_only.next_payment, interest_only.regular_payment) == (D("90.00"), D("1090.00"))
    assert (interest_only.total_cost, interest_only.extra_cost) == (D("720.00"), D("270.00"))
    assert interest_only.months_to_repay == 12
    assert sum(p.principal for p in interest_only.plan.periods) == D("9000.00")

    # 3 months without payment: 9000 × (1.01³ − 1) = 272.709 is added → 9,272.71 over 9 periods:
    # principal 1,030.30 (last 1,030.31), interest 92.73 first; 463.64 in all (each rounded)
    extension = comparison.option("extension")
    assert extension.capitalised_interest == D("272.71")
    assert extension.next_payment == 0 and extension.regular_payment == D("1123.03")
    assert extension.plan.periods[0].due_date == date(2026, 8, 15)
    assert extension.plan.total_interest == D("463.64")
    assert (extension.total_payment, extension.total_cost) == (D("9736.35"), D("736.35"))
    assert extension.extra_cost == D("286.35") and extension.months_to_repay == 12


def test_reamortised_instalment_follows_the_annuity_formula(make_plan):
    plan = make_plan(20000, 12, annual_rate="0.072")
    comparison = hardship_options(plan, date(2026, 4, 16), extra_months=12)
    balance = plan.periods[2].balance
    option = comparison.option("reamortise")
    assert option.next_payment == to_cents(D(repr(float(-npf.pmt(0.006, 21, float(balance))))))
    assert option.next_payment < comparison.option("current").next_payment
    assert option.extra_cost > 0  # lower instalments, more interest


def test_balloon_loans_are_reamortised_as_instalments(make_plan):
    plan = make_plan(50000, 6, "interest_first", annual_rate="0.08")
    option = hardship_options(plan, date(2026, 3, 1), extra_months=12).option("reamortise")
    assert option.plan.terms.method is Method.EQUAL_INSTALLMENT
    assert len(option.plan.periods) == 5 + 12  # the 5 periods left plus 12
    assert option.next_payment == to_cents(D(repr(float(-npf.pmt(0.08 / 12, 17, 50000)))))


def test_bad_requests(loan):
    with pytest.raises(PlanError) as caught:
        hardship_options(loan, date(2026, 4, 20), extra_months=0)
    assert caught.value.code == "bad_relief_months"
    with pytest.raises(PlanError) as caught:
        hardship_options(loan, date(2027, 2, 1))
    assert caught.value.code == "nothing_left"
