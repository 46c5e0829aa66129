"""Building a repayment plan (还款计划) from loan terms: pure functions over Decimal.

How every number is made (the rounding rule itself lives in :mod:`bot.repayment.money`):

1. The method gives each period's *exact* interest — interest on the exact outstanding
   balance of the unrounded schedule — and its scheduled principal.
2. Interest is rounded once to the cent. Principal is rounded once too: for 等额本息 it is the
   rounded instalment minus the rounded interest (so the instalment is the same every month),
   for 等额本金 / 分期手续费 it is principal ÷ periods rounded.
3. The last period takes the principal still outstanding, so principal always sums exactly to
   the amount borrowed and the rounding residue of the whole plan lands in the last instalment.
4. Coupons then waive interest (never principal or fees); fees are the monthly fee rate on the
   original principal, rounded; payment = principal + interest + fee; balance = principal
   still owed after the period.
5. The plan discloses its annualised rate by the IRR method (:mod:`bot.repayment.apr`) and
   is flagged when that rate exceeds the cap (``settings.apr_cap``, 24 % by default).

Relation to numpy-financial (what the property tests check): for 等额本息 each period's interest
is ``ipmt`` rounded to the cent, each payment but the last is ``pmt`` rounded to the cent, so
each principal is within one cent of ``ppmt``; the last period differs from the oracle only by
the accumulated residue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.repayment.apr import annualised_rate
from bot.repayment.dates import due_date, months_between
from bot.repayment.errors import PlanError
from bot.repayment.money import ONE, PERCENT_QUANTUM, ZERO, exact_arithmetic, to_cents, to_rate
from bot.repayment.terms import INTEREST_DAYS_PER_YEAR, LoanTerms, Method

# Flags a plan can carry (the API and the chat both use these ids).
FLAG_APR_ABOVE_CAP = "apr_above_cap"  # disclosed annualised rate above the configured cap
FLAG_ZERO_INTEREST_WITH_FEES = "zero_interest_with_fees"  # "0 息" but not 0 cost: fees carry the price
FLAG_COUPON_APPLIED = "coupon_applied"  # a coupon waived some interest


@dataclass(frozen=True)
class Period:
    """One instalment: what falls due on ``due_date`` and the principal still owed after it."""

    index: int
    due_date: date
    principal: Decimal
    interest: Decimal
    fee: Decimal
    payment: Decimal
    balance: Decimal


@dataclass(frozen=True)
class RepaymentPlan:
    """A complete, disclosed plan. Totals include the upfront fee (paid at the start)."""

    terms: LoanTerms
    periods: tuple[Period, ...]
    total_principal: Decimal
    total_interest: Decimal
    total_fees: Decimal  # every fee: the upfront fee plus the periods' fees
    total_payment: Decimal  # everything the customer pays: instalments plus the upfront fee
    apr: Decimal  # nominal annualised rate by IRR (monthly IRR × 12), a fraction
    effective_apr: Decimal  # (1 + monthly IRR)^12 − 1
    apr_cap: Decimal
    flags: tuple[str, ...]

    @property
    def total_cost(self) -> Decimal:
        """What borrowing costs: all interest and all fees."""
        return self.total_interest + self.total_fees

    @property
    def disclosed_apr(self) -> Decimal:
        """The rate as a customer sees it (to 0.01 %), which is also what the cap is checked on."""
        return to_rate(self.apr, PERCENT_QUANTUM)


# A method's raw schedule: for each period, (months after the start, principal, interest),
# both already rounded to the cent, principal summing to the amount borrowed.
RawSchedule = list[tuple[int, Decimal, Decimal]]


def build_plan(terms: LoanTerms, *, apr_cap: Decimal | float | None = None) -> RepaymentPlan:
    """The repayment plan of ``terms``; ``apr_cap`` defaults to ``settings.apr_cap``."""
    with exact_arithmetic():
        raw = _AMORTISERS[terms.method](terms.principal, terms.monthly_interest_rate, terms.months)
    if any(principal < 0 for _, principal, _ in raw):
        raise PlanError(
            "amount_too_small_for_term",
            "借款金额相对期数太小，无法按“分”排出还款计划，请减少期数或提高金额。",
            "the principal is too small to be scheduled to the cent over this many periods",
        )
    interests = _apply_interest_coupons(terms, [interest for _, _, interest in raw])
    periods = []
    balance = terms.principal
    fee_rate = terms.price.fee_rate
    fee = to_cents(ZERO)
    previous_month = 0
    for index, ((months_after, principal, _), interest) in enumerate(zip(raw, interests), start=1):
        if fee_rate:
            # The fee is charged per month covered (one month, or the whole term for a bullet loan).
            fee = to_cents(terms.principal * fee_rate * (months_after - previous_month))
        previous_month = months_after
        balance -= principal
        periods.append(
            Period(
                index=index,
                due_date=due_date(terms.start_date, months_after, terms.repayment_day),
                principal=principal,
                interest=interest,
                fee=fee,
                payment=principal + interest + fee,
                balance=balance,
            )
        )
    flags = [FLAG_COUPON_APPLIED] if sum(interests) != sum(interest for _, _, interest in raw) else []
    return assemble_plan(terms, periods, apr_cap=apr_cap, extra_flags=flags)


def assemble_plan(
    terms: LoanTerms,
    periods: list[Period] | tuple[Period, ...],
    *,
    apr_cap: Decimal | float | None = None,
    extra_flags: list[str] | None = None,
) -> RepaymentPlan:
    """Totals, disclosure and flags for ``periods`` that repay ``terms.principal``.

    Used by :func:`build_plan` and by the early-repayment and hardship modules, which assemble
    periods of their own (a remaining schedule, interest-only months)."""
    periods = tuple(periods)
    cap = _resolve_cap(apr_cap)
    total_interest = sum((p.interest for p in periods), ZERO)
    total_fees = sum((p.fee for p in periods), ZERO) + terms.upfront_fee
    total_payment = sum((p.payment for p in periods), ZERO) + terms.upfront_fee
    rate = annualised_rate(plan_cash_flows(terms, periods))
    flags = list(extra_flags or [])
    if total_interest == 0 and total_fees > 0:
        flags.append(FLAG_ZERO_INTEREST_WITH_FEES)
    if to_rate(rate.nominal, PERCENT_QUANTUM) > cap:
        flags.append(FLAG_APR_ABOVE_CAP)
    return RepaymentPlan(
        terms=terms,
        periods=periods,
        total_principal=sum((p.principal for p in periods), ZERO),
        total_interest=total_interest,
        total_fees=total_fees,
        total_payment=total_payment,
        apr=rate.nominal,
        effective_apr=rate.effective,
        apr_cap=cap,
        flags=tuple(flags),
    )


def plan_cash_flows(terms: LoanTerms, periods: tuple[Period, ...] | list[Period]) -> list[Decimal]:
    """Monthly cash flows from the lender's side: −(amount received) at month 0, then payments
    in the month each falls due. The upfront fee reduces what the customer really receives."""
    last_month = max(months_between(terms.start_date, p.due_date) for p in periods)
    flows = [ZERO] * (last_month + 1)
    flows[0] = -(terms.principal - terms.upfront_fee)
    for period in periods:
        flows[months_between(terms.start_date, period.due_date)] += period.payment
    return flows


def level_payment(principal: Decimal, monthly_rate: Decimal, months: int) -> Decimal:
    """The exact (unrounded) 等额本息 instalment: P·r·(1+r)^n / ((1+r)^n − 1), or P/n at 0 %."""
    with exact_arithmetic():
        if monthly_rate == 0:
            return principal / months
        growth = (ONE + monthly_rate) ** months
        return principal * monthly_rate * growth / (growth - ONE)


def _equal_installment(principal: Decimal, rate: Decimal, months: int) -> RawSchedule:
    level = level_payment(principal, rate, months)
    payment = to_cents(level)
    exact_balance = principal  # the unrounded schedule's balance: interest is charged on it
    paid = ZERO
    raw: RawSchedule = []
    for k in range(1, months + 1):
        exact_interest = exact_balance * rate
        interest = to_cents(exact_interest)
        exact_balance += exact_interest - level
        part = payment - interest if k < months else principal - paid
        paid += part
        raw.append((k, part, interest))
    return raw


def _equal_principal(principal: Decimal, rate: Decimal, months: int) -> RawSchedule:
    part = to_cents(principal / months)
    exact_part = principal / months
    raw: RawSchedule = []
    for k in range(1, months + 1):
        exact_balance = principal - exact_part * (k - 1)
        this_part = part if k < months else principal - part * (months - 1)
        raw.append((k, this_part, to_cents(exact_balance * rate)))
    return raw


def _interest_first(principal: Decimal, rate: Decimal, months: int) -> RawSchedule:
    interest = to_cents(principal * rate)
    return [(k, principal if k == months else ZERO, interest) for k in range(1, months + 1)]


def _bullet(principal: Decimal, rate: Decimal, months: int) -> RawSchedule:
    # Simple interest for the whole term, paid with the principal at maturity.
    return [(months, principal, to_cents(principal * rate * months))]


_AMORTISERS: dict[Method, Callable[[Decimal, Decimal, int], RawSchedule]] = {
    Method.EQUAL_INSTALLMENT: _equal_installment,
    Method.EQUAL_PRINCIPAL: _equal_principal,
    Method.INTEREST_FIRST: _interest_first,
    Method.BULLET: _bullet,
    # Fee-based instalments repay principal evenly; any interest runs on the falling balance.
    Method.FEE_INSTALLMENT: _equal_principal,
}


def _apply_interest_coupons(terms: LoanTerms, interests: list[Decimal]) -> list[Decimal]:
    """Waive interest: first the interest-free periods, then interest-free days, which are worth
    that many days of interest on the amount borrowed and are used up period by period."""
    coupons = terms.coupons
    result = [ZERO if i < coupons.interest_free_periods else interest for i, interest in enumerate(interests)]
    free_days = Decimal(coupons.interest_free_days)
    waiver = to_cents(terms.principal * terms.annual_interest_rate * free_days / INTEREST_DAYS_PER_YEAR)
    for i, interest in enumerate(result):
        if waiver <= 0:
            break
        used = min(interest, waiver)
        result[i] = interest - used
        waiver -= used
    return result


def _resolve_cap(apr_cap: Decimal | float | None) -> Decimal:
    if apr_cap is None:
        from bot.settings import get_settings  # settings are read only when no cap is given

        apr_cap = get_settings().apr_cap
    return apr_cap if isinstance(apr_cap, Decimal) else Decimal(repr(float(apr_cap)))

