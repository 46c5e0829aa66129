"""Options for a customer who cannot pay (还不上怎么办, intent ``repay.hardship``).

From the date the customer asks, instalments due before that date count as paid; what is
still owed is the outstanding principal ``B`` with ``m`` periods left. Each option is a new
schedule of ``B``, compared side by side on the next payment, the regular payment afterwards,
how many months until the loan is repaid, and the total still to pay and its cost:

* **current** — keep the plan as it is (the reference).
* **extension** (延期还款): no payment for the next N months; interest keeps running on ``B``
  and is added to it month by month; then the enlarged balance is repaid over the ``m``
  periods that were left.
* **reamortise** (延长期限/重新分期): ``B`` is repaid over ``m`` + extra months, so every
  instalment is lower from the next one on.
* **interest_only** (只还利息): N months paying only the interest on ``B``, then ``B`` is
  repaid over the ``m`` periods that were left.

New schedules use the loan's method and price; loans whose principal is due in one sum
(先息后本, 一次性还本付息) are re-amortised as 等额本息 instalments, since instalments are the
point of the relief, and a fee-based loan's monthly fee is charged on the balance rescheduled. Which options a lender actually grants is its own decision: these are
the numbers, not an offer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from bot.repayment.dates import due_date, months_between
from bot.repayment.errors import PlanError
from bot.repayment.money import ONE, ZERO, exact_arithmetic, to_cents
from bot.repayment.schedule import Period, RepaymentPlan, assemble_plan, build_plan
from bot.repayment.terms import Coupons, LoanTerms, Method
from bot.wording import say


@dataclass(frozen=True)
class HardshipOption:
    kind: str  # current | extension | reamortise | interest_only
    title: str  # Chinese name shown to the customer
    description: str  # one Chinese sentence: what happens
    plan: RepaymentPlan  # the new schedule (for an extension: the schedule after the pause)
    relief_months: int  # months of reduced or no payment at the start
    capitalised_interest: Decimal  # interest added to the balance during a pause (extension only)
    next_payment: Decimal  # the next amount due
    regular_payment: Decimal  # the first full instalment after any relief
    months_to_repay: int  # months from the last due date until the loan is repaid
    total_payment: Decimal  # everything still to pay
    total_cost: Decimal  # total_payment − outstanding principal: interest and fees still to pay
    extra_cost: Decimal  # total_cost − the current plan's total_cost


@dataclass(frozen=True)
class HardshipComparison:
    as_of: date
    outstanding_principal: Decimal
    periods_left: int
    options: tuple[HardshipOption, ...]

    def option(self, kind: str) -> HardshipOption:
        return next(o for o in self.options if o.kind == kind)


def hardship_options(
    plan: RepaymentPlan,
    as_of: date,
    *,
    extension_months: int = 3,
    extra_months: int = 12,
    interest_only_months: int = 3,
) -> HardshipComparison:
    """The relief options for ``plan`` on ``as_of``, with the current plan first."""
    for name, value in (("extension_months", extension_months), ("extra_months", extra_months),
                        ("interest_only_months", interest_only_months)):
        if not 1 <= value <= 60:
            raise PlanError("bad_relief_months", "缓解期的月数需要在1到60之间。", f"{name} must be between 1 and 60")
    terms = plan.terms
    paid = sum(1 for p in plan.periods if p.due_date < as_of)
    if paid == len(plan.periods):
        raise PlanError(
            "nothing_left", "这笔借款已经没有未到期的还款了。", "every instalment of this plan fell due before as_of"
        )
    last_due = plan.periods[paid - 1].due_date if paid else terms.start_date
    outstanding = plan.periods[paid - 1].balance if paid else terms.principal
    left = len(plan.periods) - paid if terms.method is not Method.BULLET else terms.months
    # What is still owed, as a loan starting on the last due date (coupons were promotions of the
    # original plan: the rate discount stays, everything else is spent).
    base = replace(
        terms,
        principal=outstanding,
        months=left,
        start_date=last_due,
        upfront_fee=ZERO,
        coupons=Coupons(rate_discount=terms.coupons.rate_discount),
    )
    instalment_base = base if terms.method not in (Method.INTEREST_FIRST, Method.BULLET) else replace(
        base, method=Method.EQUAL_INSTALLMENT
    )
    rate = base.monthly_interest_rate

    current = assemble_plan(base, list(_renumber(plan.periods[paid:])), apr_cap=plan.apr_cap)
    reamortised = build_plan(replace(instalment_base, months=left + extra_months), apr_cap=plan.apr_cap)
    interest_only = _interest_only(instalment_base, interest_only_months, plan.apr_cap)
    with exact_arithmetic():
        capitalised = outstanding + to_cents(outstanding * ((ONE + rate) ** extension_months - ONE))
    # The pause: no payments, the interest is added to what is owed (capitalised) month by month.
    extended_tail = build_plan(
        replace(
            instalment_base,
            principal=capitalised,
            start_date=due_date(last_due, extension_months, terms.repayment_day),
        ),
        apr_cap=plan.apr_cap,
    )
    options = [
        _option("current", say("relief.current"), say("relief.current_description"), current, 0, outstanding, last_due),
        _option(
            "extension",
            say("relief.extension", months=extension_months),
            say("relief.extension_description", months=extension_months, periods_left=left),
            extended_tail,
            extension_months,
            outstanding,
            last_due,
            capitalised_interest=capitalised - outstanding,
        ),
        _option(
            "reamortise",
            say("relief.reamortise", months=extra_months),
            say("relief.reamortise_description", periods=left + extra_months),
            reamortised,
            0,
            outstanding,
            last_due,
        ),
        _option(
            "interest_only",
            say("relief.interest_only", months=interest_only_months),
            say("relief.interest_only_description", months=interest_only_months, periods_left=left),
            interest_only,
            interest_only_months,
            outstanding,
            last_due,
        ),
    ]
    reference_cost = options[0].total_cost
    options = [replace(o, extra_cost=o.total_cost - reference_cost) for o in options]
    return HardshipComparison(as_of=as_of, outstanding_principal=outstanding, periods_left=left, options=tuple(options))


def _renumber(periods: tuple[Period, ...]) -> list[Period]:
    return [replace(p, index=i) for i, p in enumerate(periods, start=1)]


def _interest_only(base: LoanTerms, months: int, apr_cap: Decimal) -> RepaymentPlan:
    """``months`` of interest on the balance (plus the usual fee), then the normal schedule."""
    with exact_arithmetic():
        interest = to_cents(base.principal * base.monthly_interest_rate)
    fee = to_cents(base.principal * base.price.fee_rate)
    relief = [
        Period(
            index=k,
            due_date=due_date(base.start_date, k, base.repayment_day),
            principal=ZERO,
            interest=interest,
            fee=fee,
            payment=interest + fee,
            balance=base.principal,
        )
        for k in range(1, months + 1)
    ]
    tail = build_plan(
        replace(base, start_date=due_date(base.start_date, months, base.repayment_day)), apr_cap=apr_cap
    ).periods
    return assemble_plan(base, relief + [replace(p, index=p.index + months) for p in tail], apr_cap=apr_cap)


def _option(
    kind: str,
    title: str,
    description: str,
    plan: RepaymentPlan,
    relief_months: int,
    outstanding: Decimal,
    last_due: date,
    capitalised_interest: Decimal = ZERO,
) -> HardshipOption:
    """Summarise ``plan`` as an option. For an extension the plan is the schedule after the
    pause: its principal is what is owed then (outstanding + capitalised interest)."""
    periods = plan.periods
    paused = kind == "extension"
    return HardshipOption(
        kind=kind,
        title=title,
        description=description,
        plan=plan,
        relief_months=relief_months,
        capitalised_interest=capitalised_interest,
        next_payment=ZERO if paused else periods[0].payment,
        regular_payment=periods[0].payment if paused else periods[min(relief_months, len(periods) - 1)].payment,
        months_to_repay=months_between(last_due, periods[-1].due_date),
        total_payment=plan.total_payment,
        total_cost=plan.total_payment - outstanding,
        extra_cost=ZERO,
    )
