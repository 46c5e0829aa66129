"""What a loan is: amount, term, repayment method, price, dates, fees and coupons.

:func:`loan_terms` turns loose input (strings, floats, ints) into a validated, immutable
:class:`LoanTerms`; bad input raises :class:`PlanError` with a Chinese sentence for the customer
and an English detail for the API. Everything downstream may assume valid terms.

Prices. A lender quotes the interest either as an annual rate (年利率/年化, 0.072) or as a daily
rate (日利率, 万分之五 = 0.0005); by the PBOC convention a year has 360 interest days, so a daily
rate is ``annual / 360`` and a month of interest is ``annual / 12``. Fee-based products quote a
monthly fee rate (月费率) charged on the original principal every period, with or without
interest ("0 息 + 手续费"). All rates are fractions: 7.2 % is 0.072.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from bot.repayment.dates import check_date_in_range, parse_date
from bot.repayment.errors import PlanError
from bot.repayment.money import ONE, ZERO, as_decimal, format_yuan, is_whole_cents

MAX_MONTHS = 360
MAX_PRINCIPAL = Decimal("100000000")  # 1 亿元: far above any consumer loan, keeps arithmetic sane
INTEREST_DAYS_PER_YEAR = Decimal(360)  # 日利率 × 360 = 年利率
MONTHS_PER_YEAR = Decimal(12)


class Method(str, Enum):
    """Repayment methods (还款方式)."""

    EQUAL_INSTALLMENT = "equal_installment"  # 等额本息: the same payment every month
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金: the same principal every month, interest falls
    INTEREST_FIRST = "interest_first"  # 先息后本: interest monthly, all principal at the end
    BULLET = "bullet"  # 一次性还本付息: principal and interest in one payment at maturity
    FEE_INSTALLMENT = "fee_installment"  # 分期手续费: equal principal plus a fee on the original principal

    @property
    def label_zh(self) -> str:
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    Method.EQUAL_INSTALLMENT: "等额本息",
    Method.EQUAL_PRINCIPAL: "等额本金",
    Method.INTEREST_FIRST: "先息后本",
    Method.BULLET: "一次性还本付息",
    Method.FEE_INSTALLMENT: "分期手续费",
}


@dataclass(frozen=True)
class Price:
    """The price as the lender quotes it: at most one interest quote, optionally a monthly fee."""

    annual_rate: Decimal | None = None
    daily_rate: Decimal | None = None
    monthly_fee_rate: Decimal | None = None

    @property
    def annual_interest_rate(self) -> Decimal:
        """The quoted interest as a yearly rate (a daily quote × 360); 0 when only fees are charged."""
        if self.annual_rate is not None:
            return self.annual_rate
        if self.daily_rate is not None:
            return self.daily_rate * INTEREST_DAYS_PER_YEAR
        return ZERO

    @property
    def fee_rate(self) -> Decimal:
        return self.monthly_fee_rate if self.monthly_fee_rate is not None else ZERO


@dataclass(frozen=True)
class Coupons:
    """Promotions that waive interest (never principal, never fees).

    ``interest_free_days``: that many days of interest on the amount borrowed are waived, taken
    off the first periods' interest. ``interest_free_periods``: the interest of the first N
    periods is waived. ``rate_discount``: the share taken off the interest rate for the whole
    loan (0.2 = 利率八折).
    """

    interest_free_days: int = 0
    interest_free_periods: int = 0
    rate_discount: Decimal = ZERO

    @property
    def any(self) -> bool:
        return bool(self.interest_free_days or self.interest_free_periods or self.rate_discount)


@dataclass(frozen=True)
class LoanTerms:
    """A validated loan. Build it with :func:`loan_terms`; direct construction validates too."""

    principal: Decimal
    months: int
    method: Method
    price: Price
    start_date: date
    repayment_day: int
    upfront_fee: Decimal = ZERO
    coupons: Coupons = field(default_factory=Coupons)

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def annual_interest_rate(self) -> Decimal:
        """The interest rate actually charged: the quoted rate less any coupon discount."""
        return self.price.annual_interest_rate * (ONE - self.coupons.rate_discount)

    @property
    def monthly_interest_rate(self) -> Decimal:
        return self.annual_interest_rate / MONTHS_PER_YEAR

    @property
    def daily_interest_rate(self) -> Decimal:
        return self.annual_interest_rate / INTEREST_DAYS_PER_YEAR


def loan_terms(
    principal: object,
    months: object,
    method: Method | str = Method.EQUAL_INSTALLMENT,
    *,
    annual_rate: object = None,
    daily_rate: object = None,
    monthly_fee_rate: object = None,
    start_date: date | str | None = None,
    repayment_day: int | None = None,
    upfront_fee: object = 0,
    coupons: Coupons | None = None,
) -> LoanTerms:
    """Validated :class:`LoanTerms` from loose input. The start date defaults to today and the
    repayment day to the start date's day of the month."""
    if isinstance(start_date, str):
        start = parse_date(start_date, "start_date")
    else:
        start = start_date or date.today()
    return LoanTerms(
        principal=as_decimal(principal, "principal"),
        months=_as_months(months),
        method=_as_method(method),
        price=Price(
            annual_rate=None if annual_rate is None else as_decimal(annual_rate, "annual_rate"),
            daily_rate=None if daily_rate is None else as_decimal(daily_rate, "daily_rate"),
            monthly_fee_rate=None if monthly_fee_rate is None else as_decimal(monthly_fee_rate, "monthly_fee_rate"),
        ),
        start_date=start,
        repayment_day=start.day if repayment_day is None else repayment_day,
        upfront_fee=as_decimal(upfront_fee, "upfront_fee"),
        coupons=coupons or Coupons(),
    )


def _as_months(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        number = as_decimal(value, "months")
    except PlanError:
        raise PlanError("bad_months", "期数需要是1到360之间的整数。", f"months must be an integer, got {value!r}") from None
    if number != number.to_integral_value():
        raise PlanError("bad_months", "期数需要是1到360之间的整数。", f"months must be an integer, got {value!r}")
    return int(number)


def _as_method(value: Method | str) -> Method:
    try:
        return Method(value)
    except ValueError:
        names = ", ".join(m.value for m in Method)
        raise PlanError(
            "unknown_method",
            "还款方式只支持：等额本息、等额本金、先息后本、一次性还本付息、分期手续费。",
            f"method must be one of {names}, got {value!r}",
        ) from None


def _validate(terms: LoanTerms) -> None:
    """Every rule a loan must satisfy, each with its own clear message."""
    principal, price = terms.principal, terms.price
    if principal <= 0:
        raise PlanError("principal_not_positive", "借款金额需要大于0元。", "principal must be greater than 0")
    if principal > MAX_PRINCIPAL:
        raise PlanError(
            "principal_too_large",
            f"借款金额超出可计算的范围（最多{format_yuan(MAX_PRINCIPAL)}元）。",
            f"principal must not exceed {MAX_PRINCIPAL}",
        )
    if not is_whole_cents(principal):
        raise PlanError("principal_not_cents", "借款金额最多精确到分。", "principal must be a whole number of cents")
    if not 1 <= terms.months <= MAX_MONTHS:
        raise PlanError(
            "months_out_of_range", f"期数需要在1到{MAX_MONTHS}期之间。", f"months must be between 1 and {MAX_MONTHS}"
        )

    if price.annual_rate is not None and price.daily_rate is not None:
        raise PlanError(
            "two_interest_quotes", "年利率和日利率只需提供一个。", "give either annual_rate or daily_rate, not both"
        )
    if price.annual_rate is None and price.daily_rate is None and price.monthly_fee_rate is None:
        raise PlanError(
            "price_missing",
            "请提供年化利率、日利率或月手续费率中的一个。",
            "a price is required: annual_rate, daily_rate or monthly_fee_rate",
        )
    for name, rate, zh in (
        ("annual_rate", price.annual_rate, "年利率"),
        ("daily_rate", price.daily_rate, "日利率"),
        ("monthly_fee_rate", price.monthly_fee_rate, "月手续费率"),
    ):
        if rate is not None and rate < 0:
            raise PlanError("negative_rate", f"{zh}不能为负数。", f"{name} must not be negative")
    if price.annual_rate is not None and price.annual_rate >= ONE:
        raise PlanError(
            "rate_too_high",
            "年利率需要低于100%。请按小数填写，例如年化7.2%填0.072。",
            "annual_rate must be below 1 (100%); give it as a fraction, e.g. 0.072 for 7.2%",
        )
    if price.daily_rate is not None and price.daily_rate * INTEREST_DAYS_PER_YEAR >= ONE:
        raise PlanError(
            "rate_too_high",
            "日利率折合年利率需要低于100%。请按小数填写，例如日息万分之五填0.0005。",
            "daily_rate * 360 must be below 1 (100% a year); give it as a fraction, e.g. 0.0005",
        )
    if price.monthly_fee_rate is not None and price.monthly_fee_rate * MONTHS_PER_YEAR >= ONE:
        raise PlanError(
            "rate_too_high",
            "月手续费率折合年费率需要低于100%。请按小数填写，例如月费率0.6%填0.006。",
            "monthly_fee_rate * 12 must be below 1 (100% a year); give it as a fraction, e.g. 0.006",
        )
    if terms.method is Method.FEE_INSTALLMENT and price.monthly_fee_rate is None:
        raise PlanError(
            "fee_rate_missing",
            "分期手续费方式需要提供月手续费率。",
            "fee_installment plans need a monthly_fee_rate: the fee is their price",
        )

    if terms.upfront_fee < 0 or terms.upfront_fee >= principal or not is_whole_cents(terms.upfront_fee):
        raise PlanError(
            "bad_upfront_fee",
            "前期费用不能为负数，需精确到分，并且要少于借款金额。",
            "upfront_fee must be a whole number of cents, at least 0 and below the principal",
        )
    check_date_in_range(terms.start_date, "start_date")
    if not 1 <= terms.repayment_day <= 31:
        raise PlanError("bad_repayment_day", "还款日需要在每月1日到31日之间。", "repayment_day must be between 1 and 31")

    coupons = terms.coupons
    if coupons.interest_free_days < 0 or coupons.interest_free_days > 31 * terms.months:
        raise PlanError(
            "bad_coupon", "免息天数不能为负数，也不能超过借款期限。", "interest_free_days must be between 0 and the term in days"
        )
    if not 0 <= coupons.interest_free_periods <= terms.months:
        raise PlanError(
            "bad_coupon", "免息期数不能为负数，也不能超过总期数。", "interest_free_periods must be between 0 and months"
        )
    if not ZERO <= coupons.rate_discount <= ONE:
        raise PlanError(
            "bad_coupon",
            "利率折扣需要在0到1之间（例如八折填0.2）。",
            "rate_discount must be between 0 and 1 (the share taken off the rate)",
        )
