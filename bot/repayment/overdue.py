"""Paying late (逾期): penalty interest by day on the overdue principal, and late fees.

Rules (all configurable in :class:`OverdueRules`):

* Penalty interest (罚息) accrues every day an instalment is late, on its overdue principal
  (optionally on its interest too, ``compound_on_interest``), at the penalty rate: the
  contract's annual interest rate plus 50 % of it by default (``penalty_markup``), or an
  explicit ``penalty_annual_rate``. For a loan priced only by fees (0 % interest) the
  contract rate is its disclosed annualised rate — the price the customer actually pays.
  Days are counted from the due date with the day count (ACT/360 by default).
* A late fee (违约金), a fixed amount per overdue instalment, charged once it is late.
* A grace period (宽限期): paid within ``grace_days`` days, nothing extra is charged; later,
  penalty interest runs from the due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bot.repayment.dates import DayCount, accrued_interest_exact
from bot.repayment.errors import PlanError
from bot.repayment.money import ONE, ZERO, exact_arithmetic, to_cents
from bot.repayment.schedule import RepaymentPlan

DEFAULT_LATE_DAYS = (1, 3, 7, 15, 30, 60, 90)


@dataclass(frozen=True)
class OverdueRules:
    penalty_markup: Decimal = Decimal("0.5")  # penalty rate = contract rate × (1 + markup)
    penalty_annual_rate: Decimal | None = None  # when set, used instead of the markup rule
    late_fee: Decimal = ZERO  # fixed 违约金 per overdue instalment
    grace_days: int = 0
    day_count: DayCount = DayCount.ACT_360
    compound_on_interest: bool = False  # also charge penalty interest on the overdue interest

    def penalty_rate(self, plan: RepaymentPlan) -> Decimal:
        """The annual penalty-interest rate for ``plan``."""
        if self.penalty_annual_rate is not None:
            return self.penalty_annual_rate
        contract_rate = plan.terms.price.annual_interest_rate or plan.apr
        return contract_rate * (ONE + self.penalty_markup)


@dataclass(frozen=True)
class OverdueCost:
    """What one instalment costs when paid ``days_late`` days after its due date."""

    period_index: int
    due_date: date
    days_late: int
    paid_on: date
    instalment: Decimal  # the scheduled payment
    overdue_principal: Decimal
    within_grace: bool
    penalty_interest: Decimal
    late_fee: Decimal
    total_due: Decimal  # instalment + penalty interest + late fee

    @property
    def extra_cost(self) -> Decimal:
        return self.penalty_interest + self.late_fee


@dataclass(frozen=True)
class OverdueStatement:
    """Every instalment overdue on ``as_of``, and what clears them all that day."""

    as_of: date
    items: tuple[OverdueCost, ...]
    penalty_rate: Decimal

    @property
    def total_due(self) -> Decimal:
        return sum((item.total_due for item in self.items), ZERO)

    @property
    def total_extra_cost(self) -> Decimal:
        return sum((item.extra_cost for item in self.items), ZERO)


def overdue_cost(
    plan: RepaymentPlan, period_index: int, days_late: int, rules: OverdueRules | None = None
) -> OverdueCost:
    """Cost of paying instalment ``period_index`` (1-based) ``days_late`` days after it fell due."""
    rules = rules or OverdueRules()
    if not 1 <= period_index <= len(plan.periods):
        raise PlanError(
            "no_such_period", f"这笔借款没有第{period_index}期。", f"period_index must be between 1 and {len(plan.periods)}"
        )
    if days_late < 0:
        raise PlanError("bad_days_late", "逾期天数不能为负数。", "days_late must not be negative")
    period = plan.periods[period_index - 1]
    paid_on = period.due_date + timedelta(days=days_late)
    within_grace = days_late <= rules.grace_days
    base = period.principal + (period.interest if rules.compound_on_interest else ZERO)
    if within_grace or days_late == 0:
        penalty, late_fee = ZERO, ZERO
    else:
        with exact_arithmetic():
            penalty = to_cents(
                accrued_interest_exact(base, rules.penalty_rate(plan), period.due_date, paid_on, rules.day_count)
            )
        late_fee = rules.late_fee
    return OverdueCost(
        period_index=period.index,
        due_date=period.due_date,
        days_late=days_late,
        paid_on=paid_on,
        instalment=period.payment,
        overdue_principal=period.principal,
        within_grace=within_grace,
        penalty_interest=penalty,
        late_fee=late_fee,
        total_due=period.payment + penalty + late_fee,
    )


def late_payment_table(
    plan: RepaymentPlan,
    period_index: int = 1,
    days: Iterable[int] = DEFAULT_LATE_DAYS,
    rules: OverdueRules | None = None,
) -> list[OverdueCost]:
    """“What if I pay N days late”: one row per number of days."""
    return [overdue_cost(plan, period_index, n, rules) for n in days]


def overdue_statement(
    plan: RepaymentPlan, as_of: date, periods_paid: int, rules: OverdueRules | None = None
) -> OverdueStatement:
    """Instalments after the first ``periods_paid`` that are due before ``as_of`` and unpaid."""
    rules = rules or OverdueRules()
    items = tuple(
        overdue_cost(plan, p.index, (as_of - p.due_date).days, rules)
        for p in plan.periods[periods_paid:]
        if p.due_date < as_of
    )
    return OverdueStatement(as_of=as_of, items=items, penalty_rate=rules.penalty_rate(plan))
