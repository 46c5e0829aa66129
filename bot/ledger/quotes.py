"""Account-aware answers: the customer's own bill, payoff quote, overdue cost and hardship options.

Each function takes a ledger, the customer id of the authenticated session and a date, and
returns a dataclass of exact ``Decimal`` amounts with the date they hold on, ``to_text()`` — the
Chinese reply, which always says as of which date ("截至2026年11月22日…"), in the words of the
templates ``bill.*``, ``payoff.*``, ``overdue.*`` and ``hardship.*`` (knowledge/templates.yaml) — and
``to_dict()`` for the API (money as decimal strings "1234.56", rates as fraction strings, dates ISO).

Every figure comes from the repayment generator applied to the real loan from the ledger:

* **payoff** — :func:`~bot.repayment.early.quote_early_repayment` on the schedule in force with
  the loan's own prepayment-penalty rule, plus whatever is already due and unpaid on that date
  (overdue instalments with their penalty interest and late fees, an instalment due that day);
* **overdue cost** — :func:`~bot.repayment.overdue.overdue_cost` under the loan's overdue rules,
  to date and if paid later;
* **hardship options** — :func:`~bot.repayment.hardship.hardship_options` on the real
  outstanding principal: the generator counts instalments due before its date as paid, so it is
  asked as of the earliest unpaid due date, and the principal of overdue instalments stays in the
  balance being restructured; penalty interest and late fees to date are shown beside it.

A loan id that is not the customer's raises :class:`~bot.ledger.errors.AccessDenied`; a loan
already repaid raises :class:`~bot.ledger.errors.LoanClosed` with a Chinese sentence to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bot.ledger.account import LoanAccount, load_account
from bot.ledger.errors import LoanClosed
from bot.ledger.models import BillLine, CustomerProfile, Loan, LoanOverdue, OverdueInstalment
from bot.ledger.port import LoanLedger
from bot.repayment.early import EarlyRepaymentQuote, PenaltyKind, PrepaymentMode, quote_early_repayment
from bot.repayment.hardship import HardshipComparison
from bot.repayment.hardship import hardship_options as generator_hardship_options
from bot.repayment.money import ZERO, format_percent, format_yuan
from bot.repayment.overdue import DEFAULT_LATE_DAYS
from bot.repayment.overdue import overdue_cost as generator_overdue_cost
from bot.repayment.render import early_quote_to_dict, hardship_to_dict, money
from bot.wording import say

# "If I pay later": days from the question's date shown for an overdue loan.
LATER_DAYS = (3, 7, 15, 30)


def date_zh(day: date) -> str:
    """2026-11-22 → 2026年11月22日."""
    return say("date", year=day.year, month=day.month, day=day.day)


def _loan_name(loan_id: str, product_name: str) -> str:
    return say("loan.name", product=product_name, loan_id=loan_id)


def _open_account(ledger: LoanLedger, customer_id: str, loan_id: str, as_of: date) -> LoanAccount:
    account = load_account(ledger, customer_id, loan_id)
    if not account.is_open(as_of):
        settlement = account.settlement(as_of)
        settled_on = settlement.paid_on if settlement else account.loan.settled_on
        name = _loan_name(account.loan.loan_id, account.loan.product_name)
        raise LoanClosed(
            say("loan.closed_on", loan=name, date=date_zh(settled_on)) if settled_on else say("loan.closed", loan=name),
            f"loan {account.loan.loan_id} is repaid; nothing to quote as of {as_of.isoformat()}",
        )
    return account


# --- the current bill ------------------------------------------------------------------------


@dataclass(frozen=True)
class BillSummary:
    customer_id: str
    as_of: date
    lines: tuple[BillLine, ...]

    @property
    def total_due(self) -> Decimal:
        return sum((line.amount_due for line in self.lines), ZERO)

    @property
    def overdue(self) -> bool:
        return any(line.overdue for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "total_due": money(self.total_due),
            "lines": [
                {
                    "loan_id": line.loan_id,
                    "product_name": line.product_name,
                    "due_date": line.due_date.isoformat(),
                    "period_indexes": list(line.period_indexes),
                    "periods_total": line.periods_total,
                    "principal": money(line.principal),
                    "interest": money(line.interest),
                    "fee": money(line.fee),
                    "penalty_interest": money(line.penalty_interest),
                    "late_fees": money(line.late_fees),
                    "already_paid": money(line.already_paid),
                    "amount_due": money(line.amount_due),
                    "days_overdue": line.days_overdue,
                    "overdue": line.overdue,
                    "within_grace": line.within_grace,
                }
                for line in self.lines
            ],
        }

    def to_text(self) -> str:
        today = date_zh(self.as_of)
        if not self.lines:
            return say("bill.nothing_due", date=today)
        several = len(self.lines) > 1
        lines = [say("bill.head_several", date=today, count=len(self.lines)) if several else say("bill.head_one", date=today)]
        for number, line in enumerate(self.lines, start=1):
            text = _bill_line_text(line, self.as_of)
            lines.append(say("bill.numbered", number=number, line=text) if several else text)
        if several:
            lines.append(say("bill.total", amount=format_yuan(self.total_due)))
        if self.overdue:
            lines.append(say("bill.overdue_advice"))
        return "\n".join(lines)


def _split_text(principal: Decimal, interest: Decimal, fee: Decimal, penalty: Decimal = ZERO, late: Decimal = ZERO) -> str:
    """本金… + 利息… (+ 手续费… + 罚息… + 违约金…, the ones that are not zero)."""
    parts = [say("split.principal", amount=format_yuan(principal)), say("split.interest", amount=format_yuan(interest))]
    for name, amount in (("split.fee", fee), ("split.penalty_interest", penalty), ("split.late_fee", late)):
        if amount:
            parts.append(say(name, amount=format_yuan(amount)))
    return " + ".join(parts)


def _charges_text(penalty: Decimal, late_fee: Decimal, with_late_fee: str, penalty_only: str, otherwise: str) -> str:
    """Penalty interest and late fee in the template ``with_late_fee`` (a late fee is charged), else
    ``penalty_only`` (penalty interest alone); ``otherwise`` when there is neither."""
    if late_fee:
        return say(with_late_fee, penalty=format_yuan(penalty), late_fee=format_yuan(late_fee))
    if penalty:
        return say(penalty_only, penalty=format_yuan(penalty))
    return otherwise


def _periods_text(indexes: tuple[int, ...], total: int) -> str:
    if len(indexes) == 1:
        return say("bill.period", index=indexes[0], total=total)
    return say("bill.periods", first=indexes[0], last=indexes[-1], total=total)


def _bill_line_text(line: BillLine, as_of: date) -> str:
    parts = dict(
        loan=_loan_name(line.loan_id, line.product_name),
        periods=_periods_text(line.period_indexes, line.periods_total),
        amount=format_yuan(line.amount_due),
        split=_split_text(line.principal, line.interest, line.fee, line.penalty_interest, line.late_fees),
        paid=say("bill.already_paid", amount=format_yuan(line.already_paid)) if line.already_paid else "",
    )
    if line.overdue:
        grace = say("bill.within_grace") if line.within_grace else ""
        return say("bill.line_overdue", due_date=date_zh(line.due_date), days=line.days_overdue, grace=grace, **parts)
    if line.due_date == as_of:
        return say("bill.line_due_today", **parts)
    return say("bill.line_due", due_date=date_zh(line.due_date), **parts)


def bill_summary(ledger: LoanLedger, customer_id: str, as_of: date) -> BillSummary:
    """What the customer has to pay now: per open loan, the overdue instalments with penalty to
    ``as_of``, or else the next instalment (本期账单)."""
    bill = ledger.current_bill(customer_id, as_of)
    return BillSummary(customer_id=customer_id, as_of=as_of, lines=bill.lines)


# --- paying everything off ------------------------------------------------------------------------


@dataclass(frozen=True)
class PayoffQuote:
    customer_id: str
    loan_id: str
    product_name: str
    as_of: date  # the day the loan would be paid off
    due_instalments: tuple[OverdueInstalment, ...]  # unpaid instalments due on or before as_of
    outstanding_principal: Decimal  # principal repaid early (not yet due)
    accrued_from: date | None  # interest on it runs from this date …
    accrued_days: int  # … for this many days
    accrued_interest: Decimal
    prepayment_penalty: Decimal
    penalty_rule: str  # the loan's prepayment-penalty rule, in Chinese
    fees: Decimal  # fees of future periods charged on settlement (only if the contract says so)
    amount_due: Decimal  # everything to pay on as_of to settle the loan
    saving: Decimal  # interest and fees not paid compared with the schedule, less the penalty
    early: EarlyRepaymentQuote | None  # the generator's quote (None when nothing is left to prepay)

    @property
    def due_total(self) -> Decimal:
        return sum((i.total_due for i in self.due_instalments), ZERO)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "loan_id": self.loan_id,
            "product_name": self.product_name,
            "amount_due": money(self.amount_due),
            "due_instalments": [_instalment_dict(i) for i in self.due_instalments],
            "due_total": money(self.due_total),
            "outstanding_principal": money(self.outstanding_principal),
            "accrued_from": None if self.accrued_from is None else self.accrued_from.isoformat(),
            "accrued_days": self.accrued_days,
            "accrued_interest": money(self.accrued_interest),
            "prepayment_penalty": money(self.prepayment_penalty),
            "penalty_rule": self.penalty_rule,
            "fees": money(self.fees),
            "saving": money(self.saving),
            "early_repayment": None if self.early is None else early_quote_to_dict(self.early),
        }

    def to_text(self) -> str:
        parts = [_due_instalment_text(item) for item in self.due_instalments]
        if self.outstanding_principal:
            parts.append(say("payoff.principal", amount=format_yuan(self.outstanding_principal)))
            if self.accrued_days and self.accrued_from is not None:
                parts.append(say("payoff.accrued_interest", date=date_zh(self.accrued_from), days=self.accrued_days,
                                 amount=format_yuan(self.accrued_interest)))
            if self.prepayment_penalty:
                parts.append(say("payoff.prepayment_penalty", amount=format_yuan(self.prepayment_penalty)))
            if self.fees:
                parts.append(say("payoff.fees", amount=format_yuan(self.fees)))
        lines = [
            say("payoff.total", date=date_zh(self.as_of), loan=_loan_name(self.loan_id, self.product_name),
                amount=format_yuan(self.amount_due), parts=" + ".join(parts)),
            say("payoff.rule", rule=self.penalty_rule),
        ]
        if self.early is not None:
            if self.saving >= 0:
                lines.append(say("payoff.saving", amount=format_yuan(self.saving)))
            else:
                lines.append(say("payoff.costs_more", amount=format_yuan(-self.saving)))
        lines.append(say("payoff.how_to_pay"))
        return "\n".join(lines)


def _due_instalment_text(item: OverdueInstalment) -> str:
    """第3期（已逾期12天）1,234.56元（含罚息…、违约金…）: an instalment the payoff includes."""
    state = say("payoff.overdue_days", days=item.days_overdue) if item.days_overdue else say("payoff.due_today")
    charges = _charges_text(item.penalty_interest, item.late_fee, "payoff.includes_penalty_and_late_fee",
                            "payoff.includes_penalty", otherwise="")
    return say("payoff.instalment", index=item.period_index, state=state, amount=format_yuan(item.total_due), charges=charges)


def _penalty_rule_zh(loan: Loan) -> str:
    penalty = loan.early_rules.penalty
    if penalty.kind is PenaltyKind.PERCENT_OF_PREPAID:
        return say("payoff.rule_percent", rate=format_percent(penalty.rate))
    if penalty.kind is PenaltyKind.DAYS_OF_INTEREST:
        return say("payoff.rule_days", days=penalty.days)
    return say("payoff.rule_none")


def payoff_quote(ledger: LoanLedger, customer_id: str, loan_id: str, on_date: date) -> PayoffQuote:
    """What settling the loan in full on ``on_date`` costs (提前结清金额)."""
    account = _open_account(ledger, customer_id, loan_id, on_date)
    loan, plan = account.loan, account.plan
    unpaid = account.unpaid_periods(on_date)
    due_items = account.instalments_due_by(on_date)

    # Interest of a period already paid ahead of its due date is not charged again: the
    # generator is asked on that due date, where no interest has accrued yet.
    last_paid = account.last_paid_period(on_date)
    quote_on = max(on_date, last_paid.due_date) if last_paid else on_date
    still_to_prepay = [(p, paid) for p, paid in unpaid if p.due_date > quote_on]
    early = None
    if still_to_prepay:
        early = quote_early_repayment(plan, quote_on, PrepaymentMode.FULL, rules=loan.early_rules)
    part_paid_ahead = sum((paid for _, paid in still_to_prepay), ZERO)

    due_total = sum((i.total_due for i in due_items), ZERO)
    amount_due = due_total + (early.amount_due if early else ZERO) - part_paid_ahead
    return PayoffQuote(
        customer_id=customer_id,
        loan_id=loan.loan_id,
        product_name=loan.product_name,
        as_of=on_date,
        due_instalments=due_items,
        outstanding_principal=early.prepaid_principal if early else ZERO,
        accrued_from=(plan.periods[early.periods_paid - 1].due_date if early.periods_paid else loan.start_date) if early else None,
        accrued_days=early.accrued_days if early else 0,
        accrued_interest=early.accrued_interest if early else ZERO,
        prepayment_penalty=early.penalty if early else ZERO,
        penalty_rule=_penalty_rule_zh(loan),
        fees=early.fees if early else ZERO,
        amount_due=amount_due,
        saving=early.saving if early else ZERO,
        early=early,
    )


# --- what being late costs ------------------------------------------------------------------


@dataclass(frozen=True)
class LateCostRow:
    """What clears the overdue (or next) instalments if paid on ``pay_on``."""

    pay_on: date
    days_overdue: int
    penalty_interest: Decimal
    late_fees: Decimal
    total_due: Decimal


@dataclass(frozen=True)
class OverdueCostQuote:
    customer_id: str
    loan_id: str
    product_name: str
    as_of: date
    overdue: LoanOverdue | None  # None: nothing is overdue on as_of
    penalty_rate: Decimal  # annual penalty-interest rate (fraction)
    grace_days: int
    late_fee_per_instalment: Decimal
    next_instalment: tuple[int, date, Decimal] | None  # (period, due date, amount) when not overdue
    if_paid_later: tuple[LateCostRow, ...]
    penalty_basis: str = ""  # how the penalty rate follows from the contract, in Chinese

    @property
    def days_overdue(self) -> int:
        return self.overdue.days_overdue if self.overdue else 0

    @property
    def total_due(self) -> Decimal:
        return self.overdue.total_due if self.overdue else ZERO

    def to_dict(self) -> dict[str, Any]:
        overdue = self.overdue
        return {
            "as_of": self.as_of.isoformat(),
            "loan_id": self.loan_id,
            "product_name": self.product_name,
            "is_overdue": overdue is not None,
            "days_overdue": self.days_overdue,
            "penalty_rate": str(self.penalty_rate),
            "grace_days": self.grace_days,
            "late_fee_per_instalment": money(self.late_fee_per_instalment),
            "overdue_principal": money(overdue.overdue_principal if overdue else ZERO),
            "overdue_interest": money(overdue.overdue_interest if overdue else ZERO),
            "overdue_fees": money(overdue.overdue_fees if overdue else ZERO),
            "penalty_interest": money(overdue.penalty_interest if overdue else ZERO),
            "late_fees": money(overdue.late_fees if overdue else ZERO),
            "total_due": money(self.total_due),
            "instalments": [_instalment_dict(i) for i in overdue.instalments] if overdue else [],
            "next_instalment": None
            if self.next_instalment is None
            else {
                "period_index": self.next_instalment[0],
                "due_date": self.next_instalment[1].isoformat(),
                "amount": money(self.next_instalment[2]),
            },
            "if_paid_later": [
                {
                    "pay_on": row.pay_on.isoformat(),
                    "days_overdue": row.days_overdue,
                    "penalty_interest": money(row.penalty_interest),
                    "late_fees": money(row.late_fees),
                    "total_due": money(row.total_due),
                }
                for row in self.if_paid_later
            ],
        }

    def to_text(self) -> str:
        name = _loan_name(self.loan_id, self.product_name)
        rule = say(
            "overdue.rule", rate=format_percent(self.penalty_rate), basis=self.penalty_basis,
            grace=say("overdue.rule_grace", days=self.grace_days) if self.grace_days else "",
            late_fee=say("overdue.rule_late_fee", amount=format_yuan(self.late_fee_per_instalment))
            if self.late_fee_per_instalment else "",
        )
        overdue = self.overdue
        if overdue is None:
            lines = [say("overdue.none", date=date_zh(self.as_of), loan=name)]
            if self.next_instalment is not None:
                index, due, amount = self.next_instalment
                lines.append(say("overdue.next_instalment", index=index, due_date=date_zh(due), amount=format_yuan(amount)))
                lines += [_if_late_text(row) for row in self.if_paid_later]
            lines.append(say("overdue.rule_on_time", rule=rule))
            return "\n".join(lines)
        split = _split_text(overdue.overdue_principal, overdue.overdue_interest, overdue.overdue_fees,
                            overdue.penalty_interest, overdue.late_fees)
        lines = [
            say("overdue.head", date=date_zh(self.as_of), loan=name,
                periods="、".join(say("overdue.period", index=i.period_index) for i in overdue.instalments),
                days=overdue.days_overdue, due_date=date_zh(overdue.instalments[0].due_date),
                amount=format_yuan(overdue.total_due), split=split),
        ]
        if all(i.within_grace for i in overdue.instalments):
            lines.append(say("overdue.within_grace", days=self.grace_days))
        lines.append(say("overdue.rule_sentence", rule=rule))
        if self.if_paid_later:
            later = "；".join(say("overdue.later_item", date=date_zh(row.pay_on), amount=format_yuan(row.total_due))
                             for row in self.if_paid_later[:2])
            lines.append(say("overdue.growing", later=later))
        lines.append(say("overdue.advice"))
        return "\n".join(lines)


def _if_late_text(row: LateCostRow) -> str:
    """晚7天：共需还…（罚息…、违约金…）: one row of "if the next instalment is paid late"."""
    charges = _charges_text(row.penalty_interest, row.late_fees, "overdue.late_penalty_and_fee", "overdue.late_penalty",
                            otherwise=say("overdue.late_within_grace"))
    return say("overdue.if_late", days=row.days_overdue, amount=format_yuan(row.total_due), charges=charges)


def overdue_cost(ledger: LoanLedger, customer_id: str, loan_id: str, as_of: date) -> OverdueCostQuote:
    """The overdue amount and penalty interest to ``as_of`` (逾期罚息), and what paying later adds;
    for a loan that is not overdue, what paying its next instalment late would cost."""
    account = _open_account(ledger, customer_id, loan_id, as_of)
    loan, plan, rules = account.loan, account.plan, account.loan.overdue_rules
    overdue = account.overdue(as_of)
    rows: list[LateCostRow] = []
    next_instalment = None
    if overdue is not None:
        for extra in LATER_DAYS:
            costs = [
                generator_overdue_cost(plan, item.period_index, item.days_overdue + extra, rules) for item in overdue.instalments
            ]
            paid = sum((item.already_paid for item in overdue.instalments), ZERO)
            rows.append(
                LateCostRow(
                    pay_on=costs[0].paid_on,
                    days_overdue=costs[0].days_late,
                    penalty_interest=sum((c.penalty_interest for c in costs), ZERO),
                    late_fees=sum((c.late_fee for c in costs), ZERO),
                    total_due=sum((c.total_due for c in costs), ZERO) - paid,
                )
            )
    else:
        period, paid = account.unpaid_periods(as_of)[0]
        next_instalment = (period.index, period.due_date, period.payment - paid)
        for days in DEFAULT_LATE_DAYS[:5]:
            cost = generator_overdue_cost(plan, period.index, days, rules)
            rows.append(
                LateCostRow(cost.paid_on, days, cost.penalty_interest, cost.late_fee, cost.total_due - paid)
            )
    return OverdueCostQuote(
        customer_id=customer_id,
        loan_id=loan.loan_id,
        product_name=loan.product_name,
        as_of=as_of,
        overdue=overdue,
        penalty_rate=rules.penalty_rate(plan),
        grace_days=rules.grace_days,
        late_fee_per_instalment=rules.late_fee,
        next_instalment=next_instalment,
        if_paid_later=tuple(rows),
        penalty_basis=_penalty_basis_zh(loan),
    )


def _penalty_basis_zh(loan: Loan) -> str:
    rules = loan.overdue_rules
    if rules.penalty_annual_rate is not None or not loan.price.annual_interest_rate:
        return ""
    return say("overdue.penalty_basis", rate=format_percent(loan.price.annual_interest_rate),
               markup=format_percent(rules.penalty_markup, 0))


# --- when the customer cannot pay -----------------------------------------------------------


@dataclass(frozen=True)
class HardshipQuote:
    customer_id: str
    loan_id: str
    product_name: str
    as_of: date
    comparison: HardshipComparison  # the generator's options on the real outstanding balance
    overdue_principal: Decimal  # part of the outstanding principal that is already overdue
    overdue_charges: Decimal  # penalty interest and late fees to as_of, owed besides the options
    existing_arrangement: str | None  # a restructuring already agreed, in Chinese

    @property
    def outstanding_principal(self) -> Decimal:
        return self.comparison.outstanding_principal

    def to_dict(self) -> dict[str, Any]:
        generator = hardship_to_dict(self.comparison)
        return {
            "as_of": self.as_of.isoformat(),
            "loan_id": self.loan_id,
            "product_name": self.product_name,
            "outstanding_principal": money(self.outstanding_principal),
            "overdue_principal": money(self.overdue_principal),
            "overdue_charges": money(self.overdue_charges),
            "periods_left": self.comparison.periods_left,
            "existing_arrangement": self.existing_arrangement,
            "options": generator["options"],
        }

    def to_text(self) -> str:
        principal = format_yuan(self.outstanding_principal)
        if self.overdue_principal:
            owed = say("hardship.owed_with_overdue", principal=principal, overdue_principal=format_yuan(self.overdue_principal))
        else:
            owed = say("hardship.owed", principal=principal)
        lines = [say("hardship.head", date=date_zh(self.as_of), loan=_loan_name(self.loan_id, self.product_name), owed=owed,
                     periods=self.comparison.periods_left)]
        if self.existing_arrangement:
            lines.append(say("hardship.existing_arrangement", arrangement=self.existing_arrangement))
        lines.append(say("hardship.account_intro"))
        for number, option in enumerate(self.comparison.options, start=1):
            extra = "" if option.kind == "current" else say("hardship.extra_cost", amount=format_yuan(option.extra_cost))
            first = (say("hardship.pause") if option.next_payment == 0
                     else say("hardship.next_payment", amount=format_yuan(option.next_payment)))
            lines.append(say("hardship.account_option", number=number, title=option.title, first=first,
                             regular_payment=format_yuan(option.regular_payment), months=option.months_to_repay,
                             total_payment=format_yuan(option.total_payment), extra=extra))
        if self.overdue_charges:
            lines.append(say("hardship.charges", date=date_zh(self.as_of), amount=format_yuan(self.overdue_charges)))
        lines.append(say("hardship.account_advice"))
        return "\n".join(lines)


def hardship_options(ledger: LoanLedger, customer_id: str, loan_id: str, as_of: date) -> HardshipQuote:
    """Relief options (延期, 延长期限重新分期, 只还利息) computed on the real outstanding principal."""
    account = _open_account(ledger, customer_id, loan_id, as_of)
    loan = account.loan
    first_unpaid = account.unpaid_periods(as_of)[0][0]
    # The generator treats instalments due before its date as paid: ask it as of the earliest
    # unpaid due date, so that overdue principal stays in the balance being restructured (and an
    # instalment paid ahead of its due date is not counted again).
    comparison = generator_hardship_options(account.plan, first_unpaid.due_date)
    overdue = account.overdue(as_of)
    arrangement = loan.arrangement
    return HardshipQuote(
        customer_id=customer_id,
        loan_id=loan.loan_id,
        product_name=loan.product_name,
        as_of=as_of,
        comparison=comparison,
        overdue_principal=overdue.overdue_principal if overdue else ZERO,
        overdue_charges=(overdue.penalty_interest + overdue.late_fees) if overdue else ZERO,
        existing_arrangement=arrangement.description if arrangement else None,
    )


# --- the account at a glance (agent console) -----------------------------------------------------


@dataclass(frozen=True)
class LoanSummary:
    loan: Loan
    is_open: bool
    outstanding_principal: Decimal
    periods_paid: int
    periods_total: int


@dataclass(frozen=True)
class AccountOverview:
    as_of: date
    profile: CustomerProfile
    loans: tuple[LoanSummary, ...]
    bill: BillSummary

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "customer_id": self.profile.customer_id,
            "name": self.profile.name,
            "phone_masked": self.profile.phone_masked,
            "credit_limit": money(self.profile.credit_limit),
            "loans": [
                {
                    "loan_id": s.loan.loan_id,
                    "product_name": s.loan.product_name,
                    "label": s.loan.label_zh,
                    "status": s.loan.status.value,
                    "status_label": s.loan.status.label_zh,
                    "principal": money(s.loan.principal),
                    "start_date": s.loan.start_date.isoformat(),
                    "method": s.loan.method.value,
                    "annual_rate": str(s.loan.price.annual_interest_rate),
                    "is_open": s.is_open,
                    "outstanding_principal": money(s.outstanding_principal),
                    "periods_paid": s.periods_paid,
                    "periods_total": s.periods_total,
                }
                for s in self.loans
            ],
            "bill": self.bill.to_dict(),
        }

    def to_text(self) -> str:
        lines = [say("overview.head", date=date_zh(self.as_of), name=self.profile.name,
                     credit_limit=format_yuan(self.profile.credit_limit))]
        if not self.loans:
            lines.append(say("overview.no_loans"))
        for s in self.loans:
            if s.is_open:
                lines.append(say("overview.open_loan", loan=s.loan.label_zh, status=s.loan.status.label_zh,
                                 principal=format_yuan(s.outstanding_principal), periods_paid=s.periods_paid,
                                 periods_total=s.periods_total))
            else:
                lines.append(say("overview.closed_loan", loan=s.loan.label_zh))
        return "\n".join(lines)


def account_overview(ledger: LoanLedger, customer_id: str, as_of: date) -> AccountOverview:
    """The customer's profile, loans and current bill: what the agent console shows beside the transcript."""
    profile = ledger.profile(customer_id)
    summaries = []
    for loan in ledger.loans(customer_id):
        account = load_account(ledger, customer_id, loan)
        unpaid = account.unpaid_periods(as_of)
        summaries.append(
            LoanSummary(
                loan=loan,
                is_open=bool(unpaid),
                outstanding_principal=sum((p.principal for p, _ in unpaid), ZERO),
                periods_paid=len(account.periods) - len(unpaid),
                periods_total=len(account.periods),
            )
        )
    return AccountOverview(
        as_of=as_of, profile=profile, loans=tuple(summaries), bill=bill_summary(ledger, customer_id, as_of)
    )


# --- "which of my loans?" ---------------------------------------------------------------------


def open_loans(ledger: LoanLedger, customer_id: str, as_of: date) -> list[Loan]:
    """The loans still being repaid on ``as_of`` (the ones a question can be about)."""
    return [loan for loan in ledger.loans(customer_id) if load_account(ledger, customer_id, loan).is_open(as_of)]


_ORDINALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
_ORDINAL = re.compile(r"第\s*([一二两三四五12345])\s*[笔个]")


def pick_loan(loans: list[Loan], text: str) -> Loan | None:
    """The one loan ``text`` points at among ``loans`` — by loan id, by "第二笔" (the order they
    were listed in), by product name or by amount ("3000那笔") — or None when it names none or
    several, so the dialogue asks "您问的是哪一笔？" with :attr:`Loan.label_zh` as quick replies."""
    if len(loans) == 1:
        return loans[0]
    folded = text.upper().replace(" ", "")
    by_id = [loan for loan in loans if loan.loan_id.upper() in folded or loan.loan_id.upper().replace("-", "") in folded]
    if len(by_id) == 1:
        return by_id[0]
    ordinal = _ORDINAL.search(text)
    if ordinal:
        number = _ORDINALS[ordinal.group(1)]
        return loans[number - 1] if number <= len(loans) else None
    by_product = [loan for loan in loans if loan.product_name in text]
    if len(by_product) == 1:
        return by_product[0]
    from bot.repayment.reader import read_loan_request  # the generator's reader of amounts in Chinese

    amount = read_loan_request(text).amount
    if amount is not None:
        by_amount = [loan for loan in (by_product or loans) if loan.principal == amount]
        if len(by_amount) == 1:
            return by_amount[0]
    return None


def _instalment_dict(item: OverdueInstalment) -> dict[str, Any]:
    return {
        "period_index": item.period_index,
        "due_date": item.due_date.isoformat(),
        "days_overdue": item.days_overdue,
        "within_grace": item.within_grace,
        "principal": money(item.principal),
        "interest": money(item.interest),
        "fee": money(item.fee),
        "penalty_interest": money(item.penalty_interest),
        "late_fee": money(item.late_fee),
        "already_paid": money(item.already_paid),
        "total_due": money(item.total_due),
    }
