"""Property tests: the schedules against numpy-financial over thousands of random loans.

How our rounding relates to the float oracle (numpy-financial computes the unrounded schedule):

* 等额本息: every payment but the last is ``pmt`` rounded half-up to the cent, so within half a
  cent of it; every period's interest is ``ipmt`` rounded, so within half a cent; every
  principal but the last is payment − interest, so within one cent of ``ppmt``; the last
  principal is whatever is left, within one cent per earlier period of ``ppmt`` (the residue).
* 等额本金: every principal but the last is P/n rounded (half a cent), every interest is the
  interest of a one-period loan of the exact outstanding balance (``ipmt(r, 1, 1, B)``) rounded.
* Always: principal sums exactly to the amount borrowed, balances fall to exactly 0, and each
  row adds up (payment = principal + interest + fee, balance = previous − principal).

The float oracle itself is exact only while (1 + r)^n stays moderate (its balance formula
subtracts numbers that grow like (1 + r)^n), so loans are drawn with (1 + r)^n ≤ 10^4: every
term up to 360 months, every rate up to 99.99 % a year where the term allows it (up to ~31 %
at 360 months). Its formulas also cancel digits at tiny rates ((1 + r)^n − 1 for r near 0), so
comparisons allow the oracle a float error of 10⁻⁹ of the amount borrowed (0.1 fen on ¥1,000,000).
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import numpy_financial as npf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.repayment import Method, build_plan, loan_terms
from bot.repayment.apr import irr

HALF_CENT = 0.005
CENT = 0.01

def float_error(principal: Decimal) -> float:
    """How far numpy-financial's float results may be off: 10⁻⁹ of the amount, at least 10⁻⁶."""
    return max(1e-6, 1e-9 * float(principal))

MAX_GROWTH = 1e4  # (1 + monthly rate)^months of the drawn loans
PROPERTY_SETTINGS = settings(
    max_examples=10_000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def loans(draw: st.DrawFn, max_months: int = 360) -> tuple[Decimal, int, Decimal]:
    """(principal, months, annual rate): principal ¥100–¥1,000,000 in cents and at least ¥10 a
    period (below that a constant instalment cannot be scheduled to the cent over 360 periods)."""
    # Half the loans have consumer-finance terms (up to 5 years), half any term up to the maximum.
    months = draw(st.one_of(st.integers(1, min(60, max_months)), st.integers(1, max_months)))
    max_rate = min(0.9999, 12 * (MAX_GROWTH ** (1 / months) - 1))
    rate_units = draw(st.integers(0, int(max_rate * 100_000)))  # steps of 0.001 %
    cents = draw(st.integers(max(10_000, 1_000 * months), 100_000_000))
    return Decimal(cents) / 100, months, Decimal(rate_units) / 100_000


def _plan(principal: Decimal, months: int, rate: Decimal, method: Method):
    terms = loan_terms(principal, months, method, annual_rate=rate, start_date="2026-01-31")
    return build_plan(terms, apr_cap=Decimal("0.99"))


def as_floats(rows, column: str) -> np.ndarray:
    return np.array([float(getattr(row, column)) for row in rows])


def _check_rows_add_up(plan, principal: Decimal) -> None:
    assert sum(p.principal for p in plan.periods) == principal
    previous = principal
    for p in plan.periods:
        assert p.payment == p.principal + p.interest + p.fee
        assert p.balance == previous - p.principal
        assert p.principal >= 0 and p.interest >= 0
        previous = p.balance
    assert plan.periods[-1].balance == 0


@PROPERTY_SETTINGS
@given(loans())
def test_equal_installment_agrees_with_numpy_financial(loan: tuple[Decimal, int, Decimal]) -> None:
    principal, months, rate = loan
    plan = _plan(principal, months, rate, Method.EQUAL_INSTALLMENT)
    r, pv = float(rate) / 12, float(principal)
    periods = np.arange(1, months + 1)
    with np.errstate(divide="ignore", invalid="ignore"):  # numpy-financial divides by r = 0 before choosing
        pmt = -float(npf.pmt(r, months, pv))
        ipmt = -npf.ipmt(r, periods, months, pv)
        ppmt = -npf.ppmt(r, periods, months, pv)

    tolerance = float_error(principal)
    _check_rows_add_up(plan, principal)
    rows = plan.periods
    interest, principal_paid, payment = (as_floats(rows, name) for name in ("interest", "principal", "payment"))
    assert np.all(np.abs(interest - ipmt) <= HALF_CENT + tolerance), np.abs(interest - ipmt).max()
    assert np.all(np.abs(payment[:-1] - pmt) <= HALF_CENT + tolerance), (payment[0], pmt)
    assert np.all(np.abs(principal_paid[:-1] - ppmt[:-1]) <= CENT + tolerance), np.abs(principal_paid - ppmt)[:-1].max()
    assert all(row.payment == rows[0].payment for row in rows[:-1])  # 等额: the same instalment every month
    residue_bound = CENT * (months - 1) + tolerance
    assert abs(principal_paid[-1] - ppmt[-1]) <= residue_bound


@PROPERTY_SETTINGS
@given(loans())
def test_equal_principal_agrees_with_numpy_financial(loan: tuple[Decimal, int, Decimal]) -> None:
    principal, months, rate = loan
    plan = _plan(principal, months, rate, Method.EQUAL_PRINCIPAL)
    r, pv = float(rate) / 12, float(principal)
    exact_balances = pv * (months - np.arange(months)) / months  # owed at the start of each period
    with np.errstate(divide="ignore", invalid="ignore"):
        interest = -npf.ipmt(r, 1, 1, exact_balances)

    tolerance = float_error(principal)
    _check_rows_add_up(plan, principal)
    rows = plan.periods
    charged = as_floats(rows, "interest")
    assert np.all(np.abs(charged - interest) <= HALF_CENT + tolerance), np.abs(charged - interest).max()
    assert abs(float(rows[0].principal) - pv / months) <= HALF_CENT + tolerance
    assert all(row.principal == rows[0].principal for row in rows[:-1])  # 等额本金: the same principal every month
    assert abs(float(rows[-1].principal) - pv / months) <= HALF_CENT * (months - 1) + tolerance


@st.composite
def priced_loans(draw: st.DrawFn):
    """Any method, with random upfront and monthly fees, up to 60 months (numpy's irr finds
    polynomial roots by eigenvalues, which is slow and loses precision beyond that)."""
    principal, months, rate = draw(loans(max_months=60))
    method = draw(st.sampled_from(list(Method)))
    fee_rate = Decimal(draw(st.integers(0, 800))) / 100_000  # up to 0.8 % a month
    if method is Method.FEE_INSTALLMENT and fee_rate == 0:
        fee_rate = Decimal("0.006")
    upfront = (principal * Decimal(draw(st.integers(0, 500))) / 10_000).quantize(Decimal("0.01"))  # up to 5 %
    terms = loan_terms(
        principal,
        months,
        method,
        annual_rate=rate,
        monthly_fee_rate=fee_rate,
        upfront_fee=upfront,
        start_date="2026-03-31",
    )
    return build_plan(terms, apr_cap=Decimal("0.99"))


@settings(max_examples=2_000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(priced_loans())
def test_irr_agrees_with_numpy_financial(plan) -> None:
    from bot.repayment.schedule import plan_cash_flows

    flows = [float(c) for c in plan_cash_flows(plan.terms, plan.periods)]
    ours = irr(flows)
    oracle = float(npf.irr(flows))
    assert math.isfinite(oracle)
    assert abs(ours - oracle) <= 1e-9 * max(1.0, abs(oracle))
    # The disclosure is that IRR, annualised both ways.
    assert abs(float(plan.apr) - 12 * oracle) <= 1e-6
    assert abs(float(plan.effective_apr) - ((1 + oracle) ** 12 - 1)) <= 1e-6
    assert sum(p.principal for p in plan.periods) == plan.terms.principal


@settings(max_examples=1_000, deadline=None, database=None)
@given(loans(), st.sampled_from([Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL, Method.INTEREST_FIRST]))
def test_without_fees_the_disclosed_rate_is_the_contract_rate(loan, method) -> None:
    """Interest charged monthly on the balance has an IRR equal to the monthly rate; only the
    rounding of each interest to the cent moves it. Each is within half a cent of exact and the
    balance averages at least half the principal, so the annual rate moves by at most
    12 × 0.005 / (P / 2) = 0.12 / P (below 0.001 % from ¥12,000 up), plus the disclosure's own
    rounding to six places."""
    principal, months, rate = loan
    plan = _plan(principal, months, rate, method)
    assert abs(plan.apr - rate) <= Decimal("0.12") / principal + Decimal("0.0000005")
