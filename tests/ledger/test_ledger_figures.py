"""Each demo customer's bill, payoff, overdue cost and hardship options, checked against
independent computations: numpy-financial for the 等额本息 schedules, hand formulas for
等额本金, accrued interest and penalty interest. Every test runs against both ledgers (SQLite
and HTTP via the stand-in core system); the demo data is anchored to 2026-11-22.

Independent formulas (the generator's stated rules, recomputed here without it):
* 等额本息: instalment = pmt rounded to the cent; interest of period k = ipmt(k) rounded; principal
  = instalment − interest; the last period takes the principal left.
* 等额本金: principal = P / n rounded; interest of period k = (P − (k−1)·P/n) · r rounded.
* Interest by day (ACT/360): amount × annual rate × days / 360, rounded half up.
* Penalty interest: overdue principal × annual rate × 1.5 × days / 360 (after 3 days of grace).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy_financial as npf
import pytest
from ledger_oracles import ANCHOR, L2001, L2002, L3001, L4001, L5001, L5001_NEW, by_day, cents, exact_cents

from bot.ledger import LoanClosed
from bot.ledger.quotes import bill_summary, hardship_options, overdue_cost, payoff_quote

D = Decimal
T = ANCHOR


def test_schedules_in_the_ledger_are_the_independent_ones(ledger):
    for customer, loan_id, oracle in (
        ("c-1002", "L-2001", L2001),
        ("c-1002", "L-2002", L2002),
        ("c-1003", "L-3001", L3001),
        ("c-1004", "L-4001", L4001),
    ):
        periods = ledger.schedule(customer, loan_id)
        assert [p.principal for p in periods] == oracle.principal_parts, loan_id
        assert [p.interest for p in periods] == oracle.interest, loan_id
        assert [p.payment for p in periods] == oracle.payments, loan_id
        assert sum(p.principal for p in periods) == oracle.principal

    periods = ledger.schedule("c-1005", "L-5001")
    assert len(periods) == 24
    assert [p.payment for p in periods[:4]] == L5001.payments[:4]
    assert [p.payment for p in periods[4:]] == L5001_NEW.payments
    assert sum(p.principal for p in periods) == D("6000.00")


# --- c-1001: a new borrower -------------------------------------------------------------------


def test_new_borrower_has_no_bill_and_nothing_overdue(ledger):
    assert ledger.loans("c-1001") == []
    assert ledger.current_bill("c-1001", T).lines == ()
    assert ledger.overdue_status("c-1001", T).loans == ()
    summary = bill_summary(ledger, "c-1001", T)
    assert summary.total_due == 0 and "没有需要还款" in summary.to_text() and "2026年11月22日" in summary.to_text()


# --- c-1002: two active loans -----------------------------------------------------------------


def test_two_loans_bill(ledger):
    bill = bill_summary(ledger, "c-1002", T)
    first, second = bill.lines
    assert (first.loan_id, first.due_date, first.period_indexes) == ("L-2001", date(2026, 11, 30), (5,))
    assert first.amount_due == L2001.instalment
    assert (first.principal, first.interest, first.fee) == (L2001.principal_parts[4], L2001.interest[4], D(0))
    assert (second.loan_id, second.due_date, second.period_indexes) == ("L-2002", date(2026, 12, 7), (2,))
    assert (second.principal, second.interest) == (D("250.00"), D("15.00"))  # 1,250 × 14.4 % / 12
    assert bill.total_due == L2001.instalment + D("265.00")
    assert not bill.overdue and ledger.overdue_status("c-1002", T).loans == ()


def test_two_loans_payoff(ledger):
    # 安心借: no prepayment penalty; 23 days of interest since 2026-10-30 on the balance after 4 periods.
    quote = payoff_quote(ledger, "c-1002", "L-2001", T)
    balance = L2001.balance_after(4)
    assert quote.outstanding_principal == balance
    assert (quote.accrued_from, quote.accrued_days) == (date(2026, 10, 30), 23)
    assert quote.accrued_interest == by_day(balance, D("0.18"), 23)
    assert quote.prepayment_penalty == 0
    assert quote.amount_due == balance + by_day(balance, D("0.18"), 23)
    assert quote.saving == sum(L2001.payments[4:]) - quote.amount_due

    # 惠享分期: 1 % of the principal repaid early; 15 days since 2026-11-07.
    quote = payoff_quote(ledger, "c-1002", "L-2002", T)
    assert quote.outstanding_principal == D("1250.00")
    assert quote.accrued_interest == by_day(D("1250.00"), D("0.144"), 15) == D("7.50")
    assert quote.prepayment_penalty == D("12.50")
    assert quote.amount_due == D("1270.00")


def test_two_loans_payoff_on_a_chosen_later_date(ledger):
    # On 2026-12-10 period 5 of 安心借 (due 11-30) is 10 days late and must be paid with its
    # penalty; the rest is repaid early with 10 days of interest since 11-30.
    day = date(2026, 12, 10)
    quote = payoff_quote(ledger, "c-1002", "L-2001", day)
    (late,) = quote.due_instalments
    penalty = by_day(L2001.principal_parts[4], D("0.18") * D("1.5"), 10)
    assert (late.period_index, late.days_overdue, late.penalty_interest) == (5, 10, penalty)
    balance = L2001.balance_after(5)
    assert quote.outstanding_principal == balance and quote.accrued_days == 10
    assert quote.amount_due == L2001.payments[4] + penalty + balance + by_day(balance, D("0.18"), 10)


def test_paying_late_what_if_table_for_an_on_time_loan(ledger):
    quote = overdue_cost(ledger, "c-1002", "L-2001", T)
    assert quote.overdue is None and quote.total_due == 0
    assert quote.next_instalment == (5, date(2026, 11, 30), L2001.instalment)
    rows = {row.days_overdue: row for row in quote.if_paid_later}
    assert rows[3].penalty_interest == 0  # within the 3 days of grace
    assert rows[7].penalty_interest == by_day(L2001.principal_parts[4], D("0.27"), 7)
    assert rows[30].total_due == L2001.instalment + by_day(L2001.principal_parts[4], D("0.27"), 30)


def test_two_loans_hardship_options_on_the_real_balance(ledger):
    quote = hardship_options(ledger, "c-1002", "L-2001", T)
    balance = L2001.balance_after(4)
    assert quote.outstanding_principal == balance and quote.comparison.periods_left == 8
    reamortise = quote.comparison.option("reamortise")
    assert reamortise.regular_payment == cents(-npf.pmt(0.015, 20, float(balance)))
    current = quote.comparison.option("current")
    assert current.total_payment == sum(L2001.payments[4:])
    interest_only = quote.comparison.option("interest_only")
    assert interest_only.next_payment == exact_cents(balance * D("0.015"))
    assert interest_only.regular_payment == cents(-npf.pmt(0.015, 8, float(balance)))


# --- c-1003: 12 days overdue ------------------------------------------------------------------


PENALTY_L3001 = by_day(L3001.principal_parts[3], D("0.239") * D("1.5"), 12)


def test_overdue_status_twelve_days(ledger):
    status = ledger.overdue_status("c-1003", T)
    (loan,) = status.loans
    assert status.days_overdue == loan.days_overdue == 12
    (item,) = loan.instalments
    assert (item.period_index, item.due_date, item.within_grace) == (4, date(2026, 11, 10), False)
    assert loan.overdue_principal == L3001.principal_parts[3]
    assert loan.overdue_interest == L3001.interest[3]
    assert loan.penalty_interest == PENALTY_L3001
    assert loan.late_fees == D("10.00")
    assert loan.total_due == L3001.instalment + PENALTY_L3001 + D("10.00")
    assert loan.penalty_rate == D("0.239") * D("1.5")


def test_overdue_bill_and_cost(ledger):
    (line,) = bill_summary(ledger, "c-1003", T).lines
    assert line.overdue and line.days_overdue == 12
    assert line.amount_due == L3001.instalment + PENALTY_L3001 + D("10.00")
    assert (line.penalty_interest, line.late_fees) == (PENALTY_L3001, D("10.00"))

    quote = overdue_cost(ledger, "c-1003", "L-3001", T)
    assert quote.days_overdue == 12 and quote.total_due == line.amount_due
    later = {row.pay_on: row for row in quote.if_paid_later}
    in_a_week = later[T + timedelta(days=7)]
    assert in_a_week.days_overdue == 19
    assert in_a_week.penalty_interest == by_day(L3001.principal_parts[3], D("0.3585"), 19)


def test_overdue_penalty_keeps_running_after_the_seeding_date(ledger):
    # The ledger is a record: a week later, with no new payment, the customer is 19 days late.
    status = ledger.overdue_status("c-1003", T + timedelta(days=7))
    assert status.days_overdue == 19
    assert status.loans[0].penalty_interest == by_day(L3001.principal_parts[3], D("0.3585"), 19)
    # A day before the seeding date the same instalment was 11 days late.
    assert ledger.overdue_status("c-1003", T - timedelta(days=1)).days_overdue == 11


def test_overdue_payoff_includes_the_late_instalment_and_the_prepayment_penalty(ledger):
    quote = payoff_quote(ledger, "c-1003", "L-3001", T)
    balance = L3001.balance_after(4)
    accrued = by_day(balance, D("0.239"), 12)  # since the unpaid instalment's due date
    penalty = by_day(balance, D("0.239"), 3)  # 轻松贷: three days of interest on the principal repaid early
    assert quote.due_total == L3001.instalment + PENALTY_L3001 + D("10.00")
    assert (quote.outstanding_principal, quote.accrued_interest, quote.prepayment_penalty) == (balance, accrued, penalty)
    assert quote.amount_due == L3001.instalment + PENALTY_L3001 + D("10.00") + balance + accrued + penalty


def test_overdue_hardship_options_keep_the_overdue_principal_in_the_balance(ledger):
    quote = hardship_options(ledger, "c-1003", "L-3001", T)
    balance = L3001.balance_after(3)  # the overdue 4th instalment's principal is still owed
    assert quote.outstanding_principal == balance
    assert quote.overdue_principal == L3001.principal_parts[3]
    assert quote.overdue_charges == PENALTY_L3001 + D("10.00")
    rate = 0.239 / 12
    assert quote.comparison.option("reamortise").regular_payment == cents(-npf.pmt(rate, 18, float(balance)))
    extension = quote.comparison.option("extension")
    capitalised = balance + exact_cents(balance * ((1 + D("0.239") / 12) ** 3 - 1))
    assert extension.capitalised_interest == capitalised - balance
    assert extension.regular_payment == cents(-npf.pmt(rate, 6, float(capitalised)))
    assert quote.comparison.option("current").total_payment == sum(L3001.payments[3:])


# --- c-1004: repaid early ----------------------------------------------------------------------


def test_settled_loan_was_settled_with_the_generator_amount(ledger):
    (loan,) = ledger.loans("c-1004")
    assert loan.status.value == "settled" and loan.settled_on == date(2026, 9, 23)
    settlement = ledger.payments("c-1004", "L-4001")[-1]
    balance = L4001.balance_after(4)  # 2,000 − 4 × 166.67
    accrued = by_day(balance, D("0.108"), 16)
    penalty = exact_cents(balance * D("0.01"))
    assert (settlement.kind.value, settlement.paid_on) == ("settlement", date(2026, 9, 23))
    assert (settlement.principal, settlement.interest, settlement.charges) == (balance, accrued, penalty)
    assert settlement.amount == balance + accrued + penalty == D("1353.05")


def test_settled_loan_has_no_bill_and_no_quotes(ledger):
    assert ledger.current_bill("c-1004", T).lines == ()
    assert ledger.overdue_status("c-1004", T).loans == ()
    for quote in (payoff_quote, overdue_cost, hardship_options):
        with pytest.raises(LoanClosed) as raised:
            quote(ledger, "c-1004", "L-4001", T)
        assert "2026年9月23日结清" in raised.value.message_zh


def test_settled_loan_as_of_before_the_settlement(ledger):
    # As of the day before it was settled, the loan was open with period 5 next.
    day = date(2026, 9, 22)
    (line,) = ledger.current_bill("c-1004", day).lines
    assert line.period_indexes == (5,) and line.amount_due == L4001.payments[4]


# --- c-1005: hardship arrangement ---------------------------------------------------------------


def test_hardship_customer_bill_follows_the_restructured_plan(ledger):
    (loan,) = ledger.loans("c-1005")
    assert loan.status.value == "hardship" and loan.arrangement is not None
    assert loan.arrangement.outstanding_principal == L5001.balance_after(4)
    (line,) = bill_summary(ledger, "c-1005", T).lines
    assert (line.period_indexes, line.periods_total, line.due_date) == ((7,), 24, date(2026, 11, 27))
    assert line.amount_due == L5001_NEW.instalment
    assert line.interest == L5001_NEW.interest[2]


def test_hardship_customer_payoff_and_new_options(ledger):
    balance = L5001_NEW.balance_after(2)
    quote = payoff_quote(ledger, "c-1005", "L-5001", T)
    assert quote.outstanding_principal == balance
    assert (quote.accrued_from, quote.accrued_days) == (date(2026, 10, 27), 26)
    assert quote.amount_due == balance + by_day(balance, D("0.216"), 26)

    options = hardship_options(ledger, "c-1005", "L-5001", T)
    assert options.outstanding_principal == balance and options.comparison.periods_left == 18
    assert options.comparison.option("reamortise").regular_payment == cents(-npf.pmt(0.018, 30, float(balance)))
    assert "重新分期" in (options.existing_arrangement or "")
