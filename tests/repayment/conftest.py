"""Fixtures shared by the repayment tests."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from bot.repayment import RepaymentPlan, build_plan, loan_terms

TEST_CAP = Decimal("0.24")


@pytest.fixture()
def make_plan() -> Callable[..., RepaymentPlan]:
    """``make_plan(principal, months, method, **price)``: a plan starting 2026-01-15, cap 24 %."""

    def make(principal, months, method="equal_installment", **price) -> RepaymentPlan:
        price.setdefault("start_date", "2026-01-15")
        return build_plan(loan_terms(principal, months, method, **price), apr_cap=TEST_CAP)

    return make


@pytest.fixture()
def loan(make_plan) -> RepaymentPlan:
    """The worked-example loan: ¥12,000 over 12 months at 12 % (1 % a month), 等额本金, from
    2026-01-15 — 1,000 principal a month, interest 120, 110, …, 10, due on the 15th."""
    return make_plan(12000, 12, "equal_principal", annual_rate="0.12")
