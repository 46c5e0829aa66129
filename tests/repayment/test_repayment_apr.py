"""The disclosed annualised rate by the IRR method, and the PBOC's own 2021 example."""

from __future__ import annotations

from decimal import Decimal

import numpy_financial as npf
import pytest

from bot.repayment import build_plan, loan_terms
from bot.repayment.apr import annualised_rate, irr
from bot.repayment.money import format_percent

D = Decimal


def test_pboc_2021_example_from_its_cash_flows():
    # ¥100,000 lent, ¥1,000 fee paid up front, 12 monthly payments of ¥8,833.30
    rate = annualised_rate([D(-100000) + D(1000)] + [D("8833.30")] * 12)
    assert format_percent(rate.nominal) == "12.80%"
    assert format_percent(rate.effective) == "13.58%"
    assert abs(rate.monthly_irr - npf.irr([-99000] + [8833.30] * 12)) < 1e-12


def test_pboc_2021_example_as_a_plan():
    # 等额本息 at 10.8956 % has the example's instalment of 8,833.30; the fee is paid up front.
    terms = loan_terms(100000, 12, annual_rate="0.108956", upfront_fee=1000, start_date="2026-01-15")
    plan = build_plan(terms, apr_cap=D("0.24"))
    assert [p.payment for p in plan.periods[:11]] == [D("8833.30")] * 11
    assert abs(plan.periods[-1].payment - D("8833.30")) <= D("0.05")
    assert format_percent(plan.apr) == "12.80%"
    assert format_percent(plan.effective_apr) == "13.58%"
    assert plan.total_fees == D("1000")


@pytest.mark.parametrize(
    ("flows", "expected"),
    [
        ([-100, 39, 59, 55, 20], 0.28095),  # numpy-financial's documented examples
        ([-100, 0, 0, 74], -0.0955),  # money lost: a negative rate
        ([-100, 100, 0, 7], 0.06206),
        ([-100, 50, 50], 0.0),
        ([100, -110], 0.1),  # the borrower's view gives the same rate
    ],
)
def test_irr_of_small_series(flows, expected):
    assert round(irr(flows), 5) == expected


def test_irr_of_a_360_month_loan_matches_the_contract_rate():
    payment = -npf.pmt(0.05 / 12, 360, 300000)
    assert abs(irr([-300000] + [payment] * 360) - 0.05 / 12) < 1e-12


@pytest.mark.parametrize("flows", [[100, 50, 50], [-100, -50], [0, 0, 0], [-100, 100, 0, -7]])
def test_irr_needs_exactly_one_change_of_sign(flows):
    with pytest.raises(ValueError):
        irr(flows)
