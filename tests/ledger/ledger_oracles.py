"""Independent computations of the demo loans' schedules: numpy-financial for 等额本息, hand
formulas for 等额本金 and for interest by day — none of it uses the repayment generator."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy_financial as npf

D = Decimal

# The anchor of the demo data in these tests (any date works; a fixed one keeps the figures and
# the due dates below exact).
ANCHOR = date(2026, 11, 22)


def cents(value) -> Decimal:  # type: ignore[no-untyped-def]
    return D(repr(float(value))).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def exact_cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def by_day(amount: Decimal, annual_rate: Decimal, days: int) -> Decimal:
    return exact_cents(amount * annual_rate * days / 360)


class EqualInstalment:
    """A 等额本息 schedule from numpy-financial."""

    def __init__(self, principal: str, annual_rate: str, months: int) -> None:
        self.principal, self.rate, self.months = D(principal), float(D(annual_rate) / 12), months
        self.instalment = cents(-npf.pmt(self.rate, months, float(self.principal)))
        self.interest = [cents(-npf.ipmt(self.rate, k, months, float(self.principal))) for k in range(1, months + 1)]
        parts = [self.instalment - i for i in self.interest[:-1]]
        self.principal_parts = parts + [self.principal - sum(parts)]
        self.payments = [p + i for p, i in zip(self.principal_parts, self.interest)]

    def balance_after(self, k: int) -> Decimal:
        return self.principal - sum(self.principal_parts[:k])


class EqualPrincipal:
    def __init__(self, principal: str, annual_rate: str, months: int) -> None:
        self.principal, self.months = D(principal), months
        rate = D(annual_rate) / 12
        part = exact_cents(self.principal / months)
        self.principal_parts = [part] * (months - 1) + [self.principal - part * (months - 1)]
        self.interest = [exact_cents((self.principal - self.principal / months * (k - 1)) * rate) for k in range(1, months + 1)]
        self.payments = [p + i for p, i in zip(self.principal_parts, self.interest)]

    def balance_after(self, k: int) -> Decimal:
        return self.principal - sum(self.principal_parts[:k])


# --- the loans, recomputed ---------------------------------------------------------------------

L2001 = EqualInstalment("3000.00", "0.18", 12)  # c-1002, 4 paid, period 5 due 2026-11-30
L2002 = EqualPrincipal("1500.00", "0.144", 6)  # c-1002, 日利率万分之四, 1 paid, period 2 due 2026-12-07
L3001 = EqualInstalment("2800.00", "0.239", 9)  # c-1003, 3 paid, period 4 due 2026-11-10 unpaid
L4001 = EqualPrincipal("2000.00", "0.108", 12)  # c-1004, 4 paid, settled 2026-09-23
L5001 = EqualInstalment("6000.00", "0.216", 12)  # c-1005, 4 paid, then re-amortised over 20 periods
L5001_NEW = EqualInstalment(str(L5001.balance_after(4)), "0.216", 20)  # periods 5–24 of the schedule
