"""What the loan ledger knows about a customer: profile, loans, schedules, payments, and the
views derived from them (the current bill, the overdue status).

Loans reuse the repayment generator's own types for what they share with it — the price
(:class:`~bot.repayment.terms.Price`), the method, a schedule period
(:class:`~bot.repayment.schedule.Period`), the prepayment-penalty rule
(:class:`~bot.repayment.early.EarlyRepaymentRules`) and the overdue rule
(:class:`~bot.repayment.overdue.OverdueRules`) — so that every figure is computed by the
generator on the real loan. Money is ``Decimal``, exact to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from bot.repayment.early import EarlyRepaymentRules
from bot.repayment.money import ZERO, format_yuan
from bot.repayment.overdue import OverdueRules
from bot.repayment.terms import LoanTerms, Method, Price


class LoanStatus(str, Enum):
    """The account status as the lender's core system reports it today. The derived views
    (bill, overdue status, quotes) do not rely on it: they are computed from the schedule and
    the payments as of the date asked for."""

    ACTIVE = "active"  # repaying on schedule
    OVERDUE = "overdue"  # an instalment is past due and unpaid
    HARDSHIP = "hardship"  # repaying under a hardship arrangement (restructured plan)
    SETTLED = "settled"  # repaid in full (on schedule or early)

    @property
    def label_zh(self) -> str:
        return {"active": "正常还款中", "overdue": "已逾期", "hardship": "协商还款中", "settled": "已结清"}[self.value]


@dataclass(frozen=True)
class CustomerProfile:
    customer_id: str
    name: str
    phone_masked: str  # the ledger never hands the bot a full phone number
    registered_on: date
    credit_limit: Decimal


@dataclass(frozen=True)
class HardshipArrangement:
    """A restructuring agreed with the customer: from period ``first_period`` on, the schedule is
    the new plan of ``outstanding_principal`` (what was owed when it was agreed)."""

    kind: str  # the generator's option kind: reamortise | extension | interest_only
    agreed_on: date
    first_period: int
    outstanding_principal: Decimal
    description: str  # Chinese, as shown to the customer


@dataclass(frozen=True)
class Loan:
    loan_id: str
    customer_id: str
    product_name: str
    principal: Decimal  # the amount borrowed
    price: Price  # annual rate, or daily rate (日利率), as the contract quotes it
    method: Method
    months: int  # the contractual term (before any hardship arrangement)
    start_date: date  # disbursement date
    repayment_day: int  # day of the month instalments fall due
    status: LoanStatus
    early_rules: EarlyRepaymentRules  # day count and prepayment penalty (提前还款违约金)
    overdue_rules: OverdueRules  # penalty interest (罚息), late fee (违约金), grace days
    arrangement: HardshipArrangement | None = None
    settled_on: date | None = None

    @property
    def terms(self) -> LoanTerms:
        """The original contract as the generator's loan terms."""
        return LoanTerms(
            principal=self.principal,
            months=self.months,
            method=self.method,
            price=self.price,
            start_date=self.start_date,
            repayment_day=self.repayment_day,
        )

    @property
    def label_zh(self) -> str:
        """How the customer recognises the loan: 安心借 3,000.00元（2026-07-15借款，12期）."""
        return f"{self.product_name} {format_yuan(self.principal)}元（{self.start_date.isoformat()}借款，{self.months}期）"


class PaymentKind(str, Enum):
    INSTALMENT = "instalment"  # pays one scheduled period (period_index), possibly late
    SETTLEMENT = "settlement"  # repays everything still owed (提前结清)


@dataclass(frozen=True)
class Payment:
    """Money received. ``charges`` are penalty interest, late fees and prepayment penalties."""

    payment_id: str
    loan_id: str
    paid_on: date
    kind: PaymentKind
    period_index: int | None  # the period an instalment payment pays; None for a settlement
    amount: Decimal
    principal: Decimal
    interest: Decimal
    fee: Decimal
    charges: Decimal


# --- derived views --------------------------------------------------------------------------


@dataclass(frozen=True)
class BillLine:
    """What one loan asks for now. If instalments are overdue, the bill is those instalments
    with penalty interest and late fees to ``as_of``; otherwise it is the next instalment."""

    loan_id: str
    product_name: str
    due_date: date  # of the earliest instalment in the bill
    period_indexes: tuple[int, ...]
    periods_total: int
    principal: Decimal
    interest: Decimal
    fee: Decimal
    penalty_interest: Decimal
    late_fees: Decimal
    already_paid: Decimal  # part-payments already made towards these instalments
    amount_due: Decimal  # principal + interest + fee + penalty interest + late fees − already paid
    days_overdue: int  # 0 when the bill is not yet due (or due today)
    within_grace: bool = False  # overdue, but paid now no penalty would be charged

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class CurrentBill:
    customer_id: str
    as_of: date
    lines: tuple[BillLine, ...]  # one per loan still being repaid, earliest due first

    @property
    def total_due(self) -> Decimal:
        return sum((line.amount_due for line in self.lines), ZERO)


@dataclass(frozen=True)
class OverdueInstalment:
    period_index: int
    due_date: date
    days_overdue: int
    within_grace: bool  # paid now, no penalty would be charged
    principal: Decimal
    interest: Decimal
    fee: Decimal
    penalty_interest: Decimal  # to as_of, by the generator's overdue rules
    late_fee: Decimal
    already_paid: Decimal
    total_due: Decimal  # instalment − already paid + penalty interest + late fee


@dataclass(frozen=True)
class LoanOverdue:
    loan_id: str
    product_name: str
    as_of: date
    days_overdue: int  # since the earliest unpaid due date
    penalty_rate: Decimal  # annual penalty-interest rate (fraction)
    grace_days: int
    instalments: tuple[OverdueInstalment, ...]

    @property
    def overdue_principal(self) -> Decimal:
        return sum((i.principal for i in self.instalments), ZERO)

    @property
    def overdue_interest(self) -> Decimal:
        return sum((i.interest for i in self.instalments), ZERO)

    @property
    def overdue_fees(self) -> Decimal:
        return sum((i.fee for i in self.instalments), ZERO)

    @property
    def penalty_interest(self) -> Decimal:
        return sum((i.penalty_interest for i in self.instalments), ZERO)

    @property
    def late_fees(self) -> Decimal:
        return sum((i.late_fee for i in self.instalments), ZERO)

    @property
    def total_due(self) -> Decimal:
        return sum((i.total_due for i in self.instalments), ZERO)


@dataclass(frozen=True)
class OverdueStatus:
    customer_id: str
    as_of: date
    loans: tuple[LoanOverdue, ...]  # only loans with an unpaid instalment past its due date

    @property
    def days_overdue(self) -> int:
        return max((loan.days_overdue for loan in self.loans), default=0)

    @property
    def total_due(self) -> Decimal:
        return sum((loan.total_due for loan in self.loans), ZERO)
