"""The annualised rate a plan discloses, by the internal-rate-of-return (IRR) method.

The PBOC's 2021 announcement (中国人民银行公告〔2021〕第3号) requires loan prices to be shown
as an annualised rate computed from the actual cash flows: the money the customer receives
and every payment they make, fees included. With monthly cash flows the IRR ``i`` solves

    Σ_t  c_t / (1 + i)^t = 0          (c_0 < 0: the amount received; c_t ≥ 0: payments)

and the disclosed rates are the nominal ``12 × i`` and the effective ``(1 + i)^12 − 1``.
Its own example: ¥100,000 lent, ¥1,000 fee paid up front, 12 payments of ¥8,833.30
→ 12.80 % nominal, 13.58 % effective.

The solver is Newton's method kept inside a bisection bracket, so it always converges for
flows with one change of sign (a loan: money out, then money back), where the IRR is unique.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.repayment.money import ONE, to_rate

PERIODS_PER_YEAR = 12
_TOLERANCE = 1e-15
_MAX_ITERATIONS = 200


@dataclass(frozen=True)
class AnnualisedRate:
    """Disclosed rates of a series of monthly cash flows (fractions: 0.128 = 12.8 %)."""

    monthly_irr: float
    nominal: Decimal  # monthly IRR × 12, six decimal places
    effective: Decimal  # (1 + monthly IRR)^12 − 1, six decimal places


def annualised_rate(cash_flows: Sequence[Decimal | float]) -> AnnualisedRate:
    """The disclosed nominal and effective annual rates of monthly ``cash_flows``."""
    monthly = irr(cash_flows)
    nominal = Decimal(repr(monthly)) * PERIODS_PER_YEAR
    effective = (ONE + Decimal(repr(monthly))) ** PERIODS_PER_YEAR - ONE
    return AnnualisedRate(monthly, to_rate(nominal), to_rate(effective))


def irr(cash_flows: Sequence[Decimal | float]) -> float:
    """The periodic IRR of ``cash_flows`` (index t = period t), which must change sign once.

    Works in the discount factor v = 1/(1+i), where the net present value is the polynomial
    Σ c_t v^t, evaluated with its derivative by Horner's rule in one pass.
    """
    flows = [float(c) for c in cash_flows]
    nonzero = [c for c in flows if c != 0.0]
    sign_changes = sum(1 for a, b in zip(nonzero, nonzero[1:]) if (a < 0) != (b < 0))
    if sign_changes != 1:
        raise ValueError("cash flows must change sign exactly once (money out, then money back)")
    if nonzero[0] > 0:  # the lender's view: make the first flow the outflow
        flows = [-c for c in flows]

    def npv_and_slope(rate: float) -> tuple[float, float]:
        """NPV at ``rate`` and its derivative d NPV / d rate."""
        v = 1.0 / (1.0 + rate)
        value = slope_v = 0.0
        for c in reversed(flows):
            slope_v = slope_v * v + value
            value = value * v + c
        return value, -slope_v * v * v

    # With money out first and back later, NPV falls as the rate rises: bracket the root.
    low, high = -0.5, 1.0
    while npv_and_slope(low)[0] < 0:
        low = -1.0 + (low + 1.0) / 16.0
        if low + 1.0 < 1e-12:
            raise ValueError("no IRR above -100% for these cash flows")
    while npv_and_slope(high)[0] > 0:
        high *= 4.0
        if high > 1e9:
            raise ValueError("IRR too large to compute")

    rate = 0.01 if low < 0.01 < high else (low + high) / 2.0
    for _ in range(_MAX_ITERATIONS):
        value, slope = npv_and_slope(rate)
        if value == 0.0:
            return rate
        if value > 0:
            low = rate
        else:
            high = rate
        step_ok = slope != 0.0 and math.isfinite(slope) and math.isfinite(value)
        candidate = rate - value / slope if step_ok else (low + high) / 2.0
        if not low < candidate < high:
            candidate = (low + high) / 2.0
        if abs(candidate - rate) <= _TOLERANCE * (1.0 + abs(rate)) or high - low <= _TOLERANCE:
            return candidate
        rate = candidate
    return rate
