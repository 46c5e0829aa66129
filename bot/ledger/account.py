"""One loan's account — its terms, the schedule in force and the payments — as the repayment
generator sees it, and the views derived from it: the current bill and the overdue status.

Both ledger implementations derive these views with this code, from their four primitive reads,
so a lender's core system only has to serve its records (see ``openapi.yaml``), and the figures
are the generator's whichever ledger is configured.

Rules, stated once:

* **As of a date.** Only payments made on or before ``as_of`` count.
* **Paid.** A period is paid when the instalment payments that name it cover its scheduled
  principal, interest and fee; a settlement payment closes the loan. Part-payments are shown as ``already_paid``
  and reduce what is due; penalty interest still runs on the instalment's whole principal
  (the generator's rule), which a lender whose core system nets part-payments would compute
  on its side.
* **Overdue.** An unpaid instalment whose due date is before ``as_of``. Penalty interest and
  late fees are the generator's :func:`~bot.repayment.overdue.overdue_cost` under the loan's
  own overdue rules (penalty rate, late fee, grace days, day count).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from bot.ledger.errors import AccessDenied, InconsistentLedger
from bot.ledger.models import (
    BillLine,
    CurrentBill,
    Loan,
    LoanOverdue,
    OverdueInstalment,
    OverdueStatus,
    Payment,
    PaymentKind,
)
from bot.ledger.port import LoanLedger
from bot.repayment.errors import PlanError
from bot.repayment.money import ZERO
from bot.repayment.overdue import overdue_cost
from bot.repayment.schedule import Period, RepaymentPlan, assemble_plan


@dataclass(frozen=True)
class LoanAccount:
    loan: Loan
    plan: RepaymentPlan  # the schedule in force, as the generator's plan of the loan
    payments: tuple[Payment, ...]

    @property
    def periods(self) -> tuple[Period, ...]:
        return self.plan.periods

    def paid_toward(self, period: Period, as_of: date) -> Decimal:
        """What instalment payments naming ``period`` and made on or before ``as_of`` paid of its
        principal, interest and fee (penalty charges paid with them do not count)."""
        return sum(
            (
                p.principal + p.interest + p.fee
                for p in self.payments
                if p.kind is PaymentKind.INSTALMENT and p.period_index == period.index and p.paid_on <= as_of
            ),
            ZERO,
        )

    def settlement(self, as_of: date) -> Payment | None:
        """The payment that settled the loan, if it was made on or before ``as_of``."""
        return next(
            (p for p in self.payments if p.kind is PaymentKind.SETTLEMENT and p.paid_on <= as_of), None
        )

    def unpaid_periods(self, as_of: date) -> list[tuple[Period, Decimal]]:
        """(period, already paid towards it) for every period not paid in full by ``as_of``."""
        if self.settlement(as_of) is not None:
            return []
        unpaid = []
        for period in self.periods:
            paid = self.paid_toward(period, as_of)
            if paid < period.payment:
                unpaid.append((period, paid))
        return unpaid

    def is_open(self, as_of: date) -> bool:
        return bool(self.unpaid_periods(as_of))

    def last_paid_period(self, as_of: date) -> Period | None:
        """The latest period paid in full by ``as_of`` (None when none is)."""
        unpaid = {period.index for period, _ in self.unpaid_periods(as_of)}
        paid = [p for p in self.periods if p.index not in unpaid]
        return paid[-1] if paid else None

    def overdue_instalments(self, as_of: date) -> tuple[OverdueInstalment, ...]:
        """Unpaid instalments that fell due before ``as_of``, with penalty interest to ``as_of``."""
        return tuple(item for item in self.instalments_due_by(as_of) if item.due_date < as_of)

    def instalments_due_by(self, as_of: date) -> tuple[OverdueInstalment, ...]:
        """Unpaid instalments due on or before ``as_of`` (one due that day is 0 days overdue)."""
        items = []
        for period, paid in self.unpaid_periods(as_of):
            if period.due_date > as_of:
                break
            cost = overdue_cost(self.plan, period.index, (as_of - period.due_date).days, self.loan.overdue_rules)
            items.append(
                OverdueInstalment(
                    period_index=period.index,
                    due_date=period.due_date,
                    days_overdue=cost.days_late,
                    within_grace=cost.within_grace,
                    principal=period.principal,
                    interest=period.interest,
                    fee=period.fee,
                    penalty_interest=cost.penalty_interest,
                    late_fee=cost.late_fee,
                    already_paid=paid,
                    total_due=cost.total_due - paid,
                )
            )
        return tuple(items)

    def overdue(self, as_of: date) -> LoanOverdue | None:
        instalments = self.overdue_instalments(as_of)
        if not instalments:
            return None
        return LoanOverdue(
            loan_id=self.loan.loan_id,
            product_name=self.loan.product_name,
            as_of=as_of,
            days_overdue=instalments[0].days_overdue,
            penalty_rate=self.loan.overdue_rules.penalty_rate(self.plan),
            grace_days=self.loan.overdue_rules.grace_days,
            instalments=instalments,
        )

    def bill_line(self, as_of: date) -> BillLine | None:
        """The loan's current bill; None when nothing is left to pay."""
        overdue = self.overdue_instalments(as_of)
        if overdue:
            return BillLine(
                loan_id=self.loan.loan_id,
                product_name=self.loan.product_name,
                due_date=overdue[0].due_date,
                period_indexes=tuple(i.period_index for i in overdue),
                periods_total=len(self.periods),
                principal=sum((i.principal for i in overdue), ZERO),
                interest=sum((i.interest for i in overdue), ZERO),
                fee=sum((i.fee for i in overdue), ZERO),
                penalty_interest=sum((i.penalty_interest for i in overdue), ZERO),
                late_fees=sum((i.late_fee for i in overdue), ZERO),
                already_paid=sum((i.already_paid for i in overdue), ZERO),
                amount_due=sum((i.total_due for i in overdue), ZERO),
                days_overdue=overdue[0].days_overdue,
                within_grace=all(i.within_grace for i in overdue),
            )
        unpaid = self.unpaid_periods(as_of)
        if not unpaid:
            return None
        period, paid = unpaid[0]
        return BillLine(
            loan_id=self.loan.loan_id,
            product_name=self.loan.product_name,
            due_date=period.due_date,
            period_indexes=(period.index,),
            periods_total=len(self.periods),
            principal=period.principal,
            interest=period.interest,
            fee=period.fee,
            penalty_interest=ZERO,
            late_fees=ZERO,
            already_paid=paid,
            amount_due=period.payment - paid,
            days_overdue=0,
        )


def contract_plan(loan: Loan, periods: list[Period] | tuple[Period, ...]) -> RepaymentPlan:
    """The stored schedule as the generator's plan of the loan (checked for consistency: a ledger
    that contradicts itself is reported, not computed on)."""
    problem = _schedule_problem(loan, periods)
    if problem:
        raise InconsistentLedger(f"loan {loan.loan_id}: {problem}")
    try:
        # The schedule may be longer than the contract after a hardship arrangement.
        terms = replace(loan.terms, months=len(periods))
        return assemble_plan(terms, tuple(periods))
    except (PlanError, ValueError) as error:
        raise InconsistentLedger(f"loan {loan.loan_id}: {error}") from None


def _schedule_problem(loan: Loan, periods: list[Period] | tuple[Period, ...]) -> str | None:
    if not periods:
        return "the schedule is empty"
    if [p.index for p in periods] != list(range(1, len(periods) + 1)):
        return "periods are not numbered 1, 2, 3, …"
    dates = [loan.start_date] + [p.due_date for p in periods]
    if any(later <= earlier for earlier, later in zip(dates, dates[1:])):
        return "due dates do not increase after the start date"
    if sum((p.principal for p in periods), ZERO) != loan.principal:
        return "the periods' principal does not add up to the amount borrowed"
    if any(p.payment != p.principal + p.interest + p.fee for p in periods):
        return "a period's payment is not principal + interest + fee"
    return None


def load_account(ledger: LoanLedger, customer_id: str, loan: Loan | str) -> LoanAccount:
    """The account of one of the customer's loans (``AccessDenied`` if it is not theirs)."""
    loan_id = loan if isinstance(loan, str) else loan.loan_id
    # The schedule first: the ledger checks that the loan is the customer's (and logs a refusal).
    periods = ledger.schedule(customer_id, loan_id)
    if isinstance(loan, str):
        loan = next((item for item in ledger.loans(customer_id) if item.loan_id == loan_id), None)
    if loan is None or loan.customer_id != customer_id:
        raise AccessDenied()
    payments = ledger.payments(customer_id, loan_id)
    return LoanAccount(loan=loan, plan=contract_plan(loan, periods), payments=tuple(payments))


class DerivedViews:
    """``current_bill`` and ``overdue_status`` for any class with the four primitive reads."""

    def current_bill(self: LoanLedger, customer_id: str, as_of: date) -> CurrentBill:
        lines = []
        for loan in self.loans(customer_id):
            line = load_account(self, customer_id, loan).bill_line(as_of)
            if line is not None:
                lines.append(line)
        lines.sort(key=lambda line: (line.due_date, line.loan_id))
        return CurrentBill(customer_id=customer_id, as_of=as_of, lines=tuple(lines))

    def overdue_status(self: LoanLedger, customer_id: str, as_of: date) -> OverdueStatus:
        overdue = []
        for loan in self.loans(customer_id):
            item = load_account(self, customer_id, loan).overdue(as_of)
            if item is not None:
                overdue.append(item)
        return OverdueStatus(customer_id=customer_id, as_of=as_of, loans=tuple(overdue))
