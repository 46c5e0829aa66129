"""Demo customers for the embedded ledger: ``finbot ledger seed [--as-of DATE]``.

Five fictional customers of a generic consumer-finance app, with amounts typical of the market
(loans of ¥1,500–6,000, about ¥3,000 on average; 6–12 months; 10.8 %–23.9 % a year; 等额本息
and 等额本金). Every schedule is built by the repayment generator, every settlement by its
early-repayment quote, and the hardship plan by its hardship options.

=========  ======  ==================================================================
id         name    situation on the seeding date
=========  ======  ==================================================================
c-1001     林晓雨  new borrower: credit line granted, no loan yet
c-1002     周建平  two loans repaid on time (安心借 等额本息, 惠享分期 等额本金 by daily rate)
c-1003     吴志强  one loan 12 days overdue (one instalment unpaid; once paid 5 days late)
c-1004     郑丽娟  repaid early: settled a loan in full two months ago (1 % prepayment penalty)
c-1005     黄海涛  hardship arrangement: outstanding principal re-amortised over 12 more months
=========  ======  ==================================================================

How dates work (``as_of``)
--------------------------
A ledger is a record of fixed dates, not a clock. Seeding anchors the demo data to one date —
``--as-of``, by default today — and writes every start date, due date and payment relative to
it: c-1003's unpaid instalment falls due exactly 12 days before the anchor, the next
instalments of c-1002 fall due 8 and 15 days after it, and so on. The anchor is stored as
``ledger_meta.seeded_on``. Questions are then asked *as of* a date: on the anchor date c-1003 is
12 days overdue, a week later 19 days (penalty interest keeps running), because the ledger
records no new payment. Re-seed (``finbot ledger seed``) to re-anchor the demo to today.

Seeding is idempotent: it replaces exactly these five customers (and nothing else in the file)
in one transaction, and the data written depends only on the anchor date, so seeding twice on
the same day leaves the same database.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bot.ledger.models import CustomerProfile, HardshipArrangement, Loan, LoanStatus, Payment, PaymentKind
from bot.ledger.sqlite_ledger import create_schema, delete_customer, set_meta, write_customer
from bot.repayment.dates import due_date
from bot.repayment.early import (
    EarlyRepaymentRules,
    PenaltyKind,
    PrepaymentMode,
    PrepaymentPenalty,
    quote_early_repayment,
)
from bot.repayment.hardship import hardship_options
from bot.repayment.money import ZERO, format_yuan
from bot.repayment.overdue import OverdueRules, overdue_cost
from bot.repayment.schedule import Period, RepaymentPlan, build_plan
from bot.repayment.terms import Method, Price

D = Decimal
APR_CAP = D("0.24")

# What each product's contract says about paying early and paying late.
NO_PREPAYMENT_PENALTY = EarlyRepaymentRules()
ONE_PERCENT_PREPAYMENT_PENALTY = EarlyRepaymentRules(penalty=PrepaymentPenalty(PenaltyKind.PERCENT_OF_PREPAID, rate=D("0.01")))
THREE_DAYS_INTEREST_PENALTY = EarlyRepaymentRules(penalty=PrepaymentPenalty(PenaltyKind.DAYS_OF_INTEREST, days=3))
# 罚息 at the contract rate + 50 %, three days of grace; 轻松贷 also charges a ¥10 违约金 per late instalment.
OVERDUE_STANDARD = OverdueRules(penalty_markup=D("0.5"), grace_days=3)
OVERDUE_WITH_LATE_FEE = OverdueRules(penalty_markup=D("0.5"), late_fee=D("10.00"), grace_days=3)


@dataclass(frozen=True)
class DemoCustomer:
    profile: CustomerProfile
    story: str  # what this customer is for, in one line
    loans: tuple[tuple[Loan, tuple[Period, ...], tuple[Payment, ...]], ...]


@dataclass(frozen=True)
class SeedReport:
    path: Path
    seeded_on: date
    customers: tuple[DemoCustomer, ...]


DEMO_CUSTOMER_IDS = ("c-1001", "c-1002", "c-1003", "c-1004", "c-1005")


def seed_demo_ledger(path: Path | str, as_of: date | None = None) -> SeedReport:
    """Write the demo customers into the SQLite ledger at ``path``, anchored to ``as_of`` (today)."""
    anchor = as_of or date.today()
    customers = demo_customers(anchor)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    try:
        with db:  # one transaction: all five customers or none
            create_schema(db)
            for customer in customers:
                delete_customer(db, customer.profile.customer_id)
                write_customer(db, customer.profile, [(loan, list(p), list(q)) for loan, p, q in customer.loans])
            set_meta(db, "seeded_on", anchor.isoformat())
    finally:
        db.close()
    return SeedReport(path=path, seeded_on=anchor, customers=customers)


def demo_customers(anchor: date) -> tuple[DemoCustomer, ...]:
    return (
        _new_borrower(anchor),
        _two_active_loans(anchor),
        _overdue_twelve_days(anchor),
        _repaid_early(anchor),
        _hardship_arrangement(anchor),
    )


# --- the customers --------------------------------------------------------------------------


def _new_borrower(anchor: date) -> DemoCustomer:
    profile = CustomerProfile("c-1001", "林晓雨", "139****0817", anchor - timedelta(days=6), D("5000.00"))
    return DemoCustomer(profile, "新用户：已获授信额度5,000元，还没有借款", ())


def _two_active_loans(anchor: date) -> DemoCustomer:
    # 安心借: ¥3,000, 12 months, 等额本息 at 18 % a year; four instalments paid, the fifth due in 8 days.
    start, day = _start_for(anchor + timedelta(days=8), periods_before=4)
    first = _loan(
        "L-2001", "c-1002", "安心借", "3000.00", Price(annual_rate=D("0.18")), Method.EQUAL_INSTALLMENT, 12, start, day,
        LoanStatus.ACTIVE, NO_PREPAYMENT_PENALTY, OVERDUE_STANDARD,
    )
    first_plan = _plan(first)
    # 惠享分期: ¥1,500, 6 months, 等额本金 at 日利率万分之四 (14.4 % a year); one instalment paid, next in 15 days.
    start, day = _start_for(anchor + timedelta(days=15), periods_before=1)
    second = _loan(
        "L-2002", "c-1002", "惠享分期", "1500.00", Price(daily_rate=D("0.0004")), Method.EQUAL_PRINCIPAL, 6, start, day,
        LoanStatus.ACTIVE, ONE_PERCENT_PREPAYMENT_PENALTY, OVERDUE_STANDARD,
    )
    second_plan = _plan(second)
    profile = CustomerProfile(
        "c-1002", "周建平", "136****2294", first.start_date - timedelta(days=21), D("10000.00")
    )
    return DemoCustomer(
        profile,
        "两笔借款正常还款中：安心借3,000元（等额本息）、惠享分期1,500元（等额本金，按日利率）",
        (
            (first, first_plan.periods, _on_time_payments(first, first_plan.periods, 4)),
            (second, second_plan.periods, _on_time_payments(second, second_plan.periods, 1)),
        ),
    )


def _overdue_twelve_days(anchor: date) -> DemoCustomer:
    # 轻松贷: ¥2,800, 9 months, 等额本息 at 23.9 %; instalments 1–3 paid (the 2nd five days late,
    # with its penalty), the 4th fell due 12 days before the anchor and is unpaid.
    start, day = _start_for(anchor - timedelta(days=12), periods_before=3)
    loan = _loan(
        "L-3001", "c-1003", "轻松贷", "2800.00", Price(annual_rate=D("0.239")), Method.EQUAL_INSTALLMENT, 9, start, day,
        LoanStatus.OVERDUE, THREE_DAYS_INTEREST_PENALTY, OVERDUE_WITH_LATE_FEE,
    )
    plan = _plan(loan)
    payments = list(_on_time_payments(loan, plan.periods, 3))
    late = overdue_cost(plan, 2, 5, loan.overdue_rules)
    period = plan.periods[1]
    payments[1] = Payment(
        payment_id=_payment_id(loan, 2),
        loan_id=loan.loan_id,
        paid_on=late.paid_on,
        kind=PaymentKind.INSTALMENT,
        period_index=2,
        amount=late.total_due,
        principal=period.principal,
        interest=period.interest,
        fee=period.fee,
        charges=late.penalty_interest + late.late_fee,
    )
    profile = CustomerProfile("c-1003", "吴志强", "158****7730", loan.start_date - timedelta(days=9), D("4000.00"))
    return DemoCustomer(profile, "逾期12天：轻松贷2,800元第4期未还（罚息按合同利率上浮50%，每期违约金10元）", ((loan, plan.periods, tuple(payments)),))


def _repaid_early(anchor: date) -> DemoCustomer:
    # 惠享分期: ¥2,000, 12 months, 等额本金 at 10.8 %; four instalments paid, then settled in full
    # 16 days after the 4th due date, 60 days before the anchor, with the 1 % prepayment penalty.
    settled_on = anchor - timedelta(days=60)
    start, day = _start_for(settled_on - timedelta(days=16), periods_before=3)
    loan = _loan(
        "L-4001", "c-1004", "惠享分期", "2000.00", Price(annual_rate=D("0.108")), Method.EQUAL_PRINCIPAL, 12, start, day,
        LoanStatus.SETTLED, ONE_PERCENT_PREPAYMENT_PENALTY, OVERDUE_STANDARD, settled_on=settled_on,
    )
    plan = _plan(loan)
    quote = quote_early_repayment(plan, settled_on, PrepaymentMode.FULL, rules=loan.early_rules)
    settlement = Payment(
        payment_id=f"P-{loan.loan_id}-S",
        loan_id=loan.loan_id,
        paid_on=settled_on,
        kind=PaymentKind.SETTLEMENT,
        period_index=None,
        amount=quote.amount_due,
        principal=quote.prepaid_principal,
        interest=quote.accrued_interest,
        fee=quote.fees,
        charges=quote.penalty,
    )
    payments = _on_time_payments(loan, plan.periods, quote.periods_paid) + (settlement,)
    profile = CustomerProfile("c-1004", "郑丽娟", "187****4406", loan.start_date - timedelta(days=30), D("8000.00"))
    return DemoCustomer(profile, "已提前结清：惠享分期2,000元还了4期后一次性还清（提前还款违约金1%）", ((loan, plan.periods, payments),))


def _hardship_arrangement(anchor: date) -> DemoCustomer:
    # 安心借: ¥6,000, 12 months, 等额本息 at 21.6 %. After four instalments the customer lost
    # income and, before falling behind, agreed to re-amortise what was owed over 12 more
    # months (the generator's "reamortise" option). Two instalments of the new plan are paid;
    # the next (period 7 of the schedule in force) falls due 5 days after the anchor.
    start, day = _start_for(anchor + timedelta(days=5), periods_before=6)
    original = _loan(
        "L-5001", "c-1005", "安心借", "6000.00", Price(annual_rate=D("0.216")), Method.EQUAL_INSTALLMENT, 12, start, day,
        LoanStatus.HARDSHIP, NO_PREPAYMENT_PENALTY, OVERDUE_STANDARD,
    )
    original_plan = _plan(original)
    agreed_on = original_plan.periods[3].due_date + timedelta(days=20)
    relief = hardship_options(original_plan, agreed_on, extra_months=12).option("reamortise")
    new_periods = [replace(p, index=p.index + 4) for p in relief.plan.periods]
    periods = original_plan.periods[:4] + tuple(new_periods)
    arrangement = HardshipArrangement(
        kind="reamortise",
        agreed_on=agreed_on,
        first_period=5,
        outstanding_principal=relief.plan.terms.principal,
        description=(
            f"{agreed_on.year}年{agreed_on.month}月{agreed_on.day}日协商延长12个月重新分期："
            f"剩余本金{format_yuan(relief.plan.terms.principal)}元改为分{len(new_periods)}期偿还"
        ),
    )
    loan = replace(original, arrangement=arrangement)
    payments = _on_time_payments(loan, periods, 6)
    profile = CustomerProfile("c-1005", "黄海涛", "135****9152", loan.start_date - timedelta(days=45), D("8000.00"))
    return DemoCustomer(profile, "协商还款中：安心借6,000元还了4期后申请延长12个月重新分期，已按新计划还了2期", ((loan, periods, payments),))


# --- helpers -----------------------------------------------------------------------------------


def _start_for(next_due: date, periods_before: int) -> tuple[date, int]:
    """Start date and repayment day of a monthly loan whose period ``periods_before + 1`` falls
    due on ``next_due`` (the repayment day is ``next_due``'s day of the month)."""
    day = next_due.day
    return due_date(next_due, -(periods_before + 1), day), day


def _loan(
    loan_id: str, customer_id: str, product: str, principal: str, price: Price, method: Method, months: int,
    start: date, day: int, status: LoanStatus, early: EarlyRepaymentRules, overdue: OverdueRules,
    settled_on: date | None = None,
) -> Loan:
    return Loan(
        loan_id=loan_id, customer_id=customer_id, product_name=product, principal=D(principal), price=price,
        method=method, months=months, start_date=start, repayment_day=day, status=status, early_rules=early,
        overdue_rules=overdue, settled_on=settled_on,
    )


def _plan(loan: Loan) -> RepaymentPlan:
    return build_plan(loan.terms, apr_cap=APR_CAP)


def _payment_id(loan: Loan, index: int) -> str:
    return f"P-{loan.loan_id}-{index:02d}"


def _on_time_payments(loan: Loan, periods: tuple[Period, ...], count: int) -> tuple[Payment, ...]:
    """The first ``count`` instalments paid in full, 0–3 days before they fell due (people
    often pay a little early; the day varies in a fixed pattern so the data is reproducible)."""
    payments = []
    for period in periods[:count]:
        early_days = (period.index * 7 + len(loan.loan_id)) % 4
        payments.append(
            Payment(
                payment_id=_payment_id(loan, period.index),
                loan_id=loan.loan_id,
                paid_on=period.due_date - timedelta(days=early_days),
                kind=PaymentKind.INSTALMENT,
                period_index=period.index,
                amount=period.payment,
                principal=period.principal,
                interest=period.interest,
                fee=period.fee,
                charges=ZERO,
            )
        )
    return tuple(payments)
