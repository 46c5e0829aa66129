"""Early repayment (提前还款): full or partial, on any date, with the saving shown.

The model, in the order the customer meets it:

* Periods that fell due on or before the repayment date are taken as paid on schedule; the
  principal still owed after them is the outstanding principal.
* The customer repays some principal early (all of it, for a full repayment). On that principal
  they pay the interest that accrued by day since the last due date (or the loan's start) —
  ``principal × annual rate × year fraction`` under a configurable day count, ACT/360 by default —
  and any prepayment penalty. The principal they keep owing continues as scheduled, so no day
  of interest is charged twice.
* Partial repayments then re-schedule what is left, from the last due date, on the same due
  dates: **lower instalment** keeps the number of periods and lowers the instalment;
  **shorter term** keeps the instalment (等额本息) or the monthly principal (等额本金) and ends
  the loan sooner.
* The saving is what the original plan still asked for after the repayment date minus what the
  customer now pays (today's amount plus the new schedule): interest (and fees) not charged,
  less the penalty.

Fees of periods not yet due are waived unless ``charge_remaining_fees`` is set.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_CEILING, Decimal
from enum import Enum

from bot.repayment.dates import DayCount, accrued_interest_exact
from bot.repayment.errors import PlanError
from bot.repayment.money import ZERO, exact_arithmetic, to_cents
from bot.repayment.schedule import RepaymentPlan, build_plan, level_payment
from bot.repayment.terms import Coupons, LoanTerms, Method


class PrepaymentMode(str, Enum):
    FULL = "full"  # 全部提前还款
    SHORTER_TERM = "shorter_term"  # 部分提前还款，缩短期限
    LOWER_INSTALMENT = "lower_instalment"  # 部分提前还款，减少月供


class PenaltyKind(str, Enum):
    NONE = "none"
    PERCENT_OF_PREPAID = "percent_of_prepaid"  # rate × principal repaid early
    DAYS_OF_INTEREST = "days_of_interest"  # N days of contract interest on the principal repaid early


@dataclass(frozen=True)
class PrepaymentPenalty:
    """The lender's prepayment penalty (提前还款违约金)."""

    kind: PenaltyKind = PenaltyKind.NONE
    rate: Decimal = ZERO  # for PERCENT_OF_PREPAID: 0.02 = 2 %
    days: int = 0  # for DAYS_OF_INTEREST

    def amount(self, prepaid_principal: Decimal, annual_rate: Decimal, day_count: DayCount) -> Decimal:
        if self.kind is PenaltyKind.PERCENT_OF_PREPAID:
            return to_cents(prepaid_principal * self.rate)
        if self.kind is PenaltyKind.DAYS_OF_INTEREST:
            return to_cents(prepaid_principal * annual_rate * self.days / day_count.days_in_year)
        return ZERO


@dataclass(frozen=True)
class EarlyRepaymentRules:
    day_count: DayCount = DayCount.ACT_360
    penalty: PrepaymentPenalty = field(default_factory=PrepaymentPenalty)
    charge_remaining_fees: bool = False


@dataclass(frozen=True)
class EarlyRepaymentQuote:
    """What repaying early on ``on`` costs, and what it saves."""

    on: date
    mode: PrepaymentMode
    periods_paid: int  # periods due on or before ``on``, taken as paid on schedule
    outstanding_principal: Decimal  # owed before this repayment
    prepaid_principal: Decimal
    accrued_days: int
    accrued_interest: Decimal  # on the prepaid principal, since the last due date
    penalty: Decimal
    fees: Decimal  # fees of future periods charged now (only with charge_remaining_fees)
    amount_due: Decimal  # to pay on ``on``
    remaining_plan: RepaymentPlan | None  # the new schedule of what is still owed; None when repaid in full
    original_remaining_payment: Decimal  # what the original plan still asked for after ``on``
    new_remaining_payment: Decimal  # amount_due + the new schedule's payments
    saving: Decimal  # original_remaining_payment − new_remaining_payment


def quote_early_repayment(
    plan: RepaymentPlan,
    on: date,
    mode: PrepaymentMode | str = PrepaymentMode.FULL,
    prepaid_principal: Decimal | None = None,
    rules: EarlyRepaymentRules | None = None,
) -> EarlyRepaymentQuote:
    """Quote repaying ``plan`` early on ``on``: in full, or ``prepaid_principal`` of it."""
    rules = rules or EarlyRepaymentRules()
    mode = PrepaymentMode(mode)
    terms = plan.terms
    if on < terms.start_date:
        raise PlanError("date_before_start", "提前还款日期不能早于放款日。", "the repayment date is before the loan's start")
    if on >= plan.periods[-1].due_date:
        raise PlanError(
            "date_after_maturity",
            "这个日期已经到了最后一期还款日，按计划正常还款即可，无需提前还款。",
            "the repayment date is on or after the last due date; nothing is left to repay early",
        )

    paid = sum(1 for p in plan.periods if p.due_date <= on)
    last_due = plan.periods[paid - 1].due_date if paid else terms.start_date
    outstanding = plan.periods[paid - 1].balance if paid else terms.principal
    remaining_periods = plan.periods[paid:]

    if mode is PrepaymentMode.FULL:
        prepaid = outstanding
    else:
        prepaid = _check_partial(terms, prepaid_principal, outstanding)
        if prepaid == outstanding:
            mode = PrepaymentMode.FULL

    # Interest on the prepaid principal, by day, unless the current period is interest-free.
    in_free_period = paid < terms.coupons.interest_free_periods
    with exact_arithmetic():
        accrued = (
            ZERO
            if in_free_period
            else to_cents(accrued_interest_exact(prepaid, terms.annual_interest_rate, last_due, on, rules.day_count))
        )
    penalty = rules.penalty.amount(prepaid, terms.annual_interest_rate, rules.day_count)
    charge_fees = mode is PrepaymentMode.FULL and rules.charge_remaining_fees
    fees = sum((p.fee for p in remaining_periods), ZERO) if charge_fees else ZERO

    remaining_plan = None
    if mode is not PrepaymentMode.FULL:
        remaining_plan = _reschedule(plan, paid, last_due, outstanding - prepaid, mode)

    amount_due = prepaid + accrued + penalty + fees
    original_remaining = sum((p.payment for p in remaining_periods), ZERO)
    new_remaining = amount_due + (sum((p.payment for p in remaining_plan.periods), ZERO) if remaining_plan else ZERO)
    return EarlyRepaymentQuote(
        on=on,
        mode=mode,
        periods_paid=paid,
        outstanding_principal=outstanding,
        prepaid_principal=prepaid,
        accrued_days=rules.day_count.days(last_due, on),
        accrued_interest=accrued,
        penalty=penalty,
        fees=fees,
        amount_due=amount_due,
        remaining_plan=remaining_plan,
        original_remaining_payment=original_remaining,
        new_remaining_payment=new_remaining,
        saving=original_remaining - new_remaining,
    )


def _check_partial(terms: LoanTerms, prepaid: Decimal | None, outstanding: Decimal) -> Decimal:
    if prepaid is None:
        raise PlanError(
            "prepayment_amount_missing", "请告诉我这次想提前还多少本金。", "a partial repayment needs prepaid_principal"
        )
    if prepaid <= 0 or prepaid != to_cents(prepaid):
        raise PlanError(
            "bad_prepayment", "提前还款金额需要大于0，并精确到分。", "prepaid principal must be positive whole cents"
        )
    if prepaid > outstanding:
        raise PlanError(
            "prepayment_too_large",
            f"提前还款的本金不能超过剩余本金 {outstanding} 元。",
            f"prepaid principal exceeds the outstanding principal {outstanding}",
        )
    if terms.method is Method.FEE_INSTALLMENT and prepaid < outstanding:
        raise PlanError(
            "partial_not_supported",
            "分期手续费类借款只支持全部提前还款。",
            "fee-based instalments can only be repaid early in full",
        )
    return prepaid


def _reschedule(
    plan: RepaymentPlan, paid: int, last_due: date, balance: Decimal, mode: PrepaymentMode
) -> RepaymentPlan:
    """The schedule of ``balance`` from ``last_due`` on the original due dates."""
    terms = plan.terms
    periods_left = terms.months - paid if terms.method is not Method.BULLET else terms.months
    months = periods_left
    if mode is PrepaymentMode.SHORTER_TERM:
        months = _shorter_term(terms, balance, periods_left)
    new_terms: LoanTerms = replace(
        terms,
        principal=balance,
        months=months,
        start_date=last_due,
        upfront_fee=ZERO,
        # Interest-free periods not yet used carry over; the rate discount stays; free days were spent.
        coupons=Coupons(
            interest_free_periods=min(months, max(0, terms.coupons.interest_free_periods - paid)),
            rate_discount=terms.coupons.rate_discount,
        ),
    )
    return build_plan(new_terms, apr_cap=plan.apr_cap)


def _shorter_term(terms: LoanTerms, balance: Decimal, periods_left: int) -> int:
    """Fewest periods that repay ``balance`` without raising the instalment (等额本息) or the
    monthly principal (等额本金)."""
    rate = terms.monthly_interest_rate
    if terms.method is Method.EQUAL_INSTALLMENT:
        instalment = to_cents(level_payment(terms.principal, rate, terms.months))
        for months in range(1, periods_left + 1):
            if to_cents(level_payment(balance, rate, months)) <= instalment:
                return months
        return periods_left
    if terms.method is Method.EQUAL_PRINCIPAL:
        monthly_principal = to_cents(terms.principal / terms.months)
        return min(periods_left, int((balance / monthly_principal).to_integral_value(rounding=ROUND_CEILING)))
    raise PlanError(
        "shorter_term_not_supported",
        f"{terms.method.label_zh}没有每月固定的本金，部分提前还款只能选择减少每期还款额。",
        f"method {terms.method.value} has no instalment to keep; use lower_instalment",
    )
