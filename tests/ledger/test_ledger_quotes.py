"""The quotes as the dialogue and the API get them (Chinese text that states the date, JSON with
exact decimal strings), "which of my loans" disambiguation, and the account rules on constructed
accounts: an instalment due today, one paid ahead of its due date, a part-payment, grace days."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from ledger_oracles import ANCHOR, L2001, by_day

from bot.ledger.models import CustomerProfile, Payment, PaymentKind
from bot.ledger.quotes import (
    account_overview,
    bill_summary,
    date_zh,
    hardship_options,
    open_loans,
    overdue_cost,
    payoff_quote,
    pick_loan,
)
from bot.ledger.seed import demo_customers
from bot.ledger.sqlite_ledger import SqliteLedger, create_schema, write_customer

D = Decimal
MONEY = re.compile(r"^-?\d+\.\d{2}$")


def money_fields(value, found=None):  # type: ignore[no-untyped-def]
    """Every string under a key that names an amount."""
    found = [] if found is None else found
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and any(word in key for word in ("amount", "principal", "interest", "payment", "total", "fee", "due", "saving", "charges", "penalty_interest")) and key not in ("due_date", "penalty_rule"):
                found.append((key, item))
            else:
                money_fields(item, found)
    elif isinstance(value, list):
        for item in value:
            money_fields(item, found)
    return found


def test_every_quote_states_its_date_and_serialises_exactly(sqlite_ledger):
    results = [bill_summary(sqlite_ledger, c, ANCHOR) for c in ("c-1001", "c-1002", "c-1003", "c-1005")]
    results.append(account_overview(sqlite_ledger, "c-1002", ANCHOR))
    for customer, loan_id in (("c-1002", "L-2001"), ("c-1002", "L-2002"), ("c-1003", "L-3001"), ("c-1005", "L-5001")):
        results += [q(sqlite_ledger, customer, loan_id, ANCHOR) for q in (payoff_quote, overdue_cost, hardship_options)]
    for result in results:
        assert result.to_text().startswith("截至2026年11月22日"), result.to_text()
        data = result.to_dict()
        assert data["as_of"] == "2026-11-22"
        json.dumps(data, ensure_ascii=False)  # plain JSON, no Decimal or date objects
        amounts = money_fields(data)
        assert amounts and all(MONEY.match(v) for _, v in amounts), amounts


def test_texts_carry_the_exact_amounts(sqlite_ledger):
    payoff = payoff_quote(sqlite_ledger, "c-1002", "L-2001", ANCHOR)
    text = payoff.to_text()
    assert f"{payoff.amount_due:,.2f}元" in text and f"{payoff.outstanding_principal:,.2f}元" in text
    assert "23天的利息" in text and "不收提前还款违约金" in text
    assert payoff.to_dict()["amount_due"] == str(payoff.amount_due)

    overdue = overdue_cost(sqlite_ledger, "c-1003", "L-3001", ANCHOR)
    text = overdue.to_text()
    assert "已逾期12天" in text and f"{overdue.total_due:,.2f}元" in text and "违约金10.00元" in text
    assert "35.85%" in text  # 23.9 % × 1.5

    bill = bill_summary(sqlite_ledger, "c-1002", ANCHOR)
    assert "2026年11月30日到期" in bill.to_text() and f"合计{bill.total_due:,.2f}元" in bill.to_text()

    hardship = hardship_options(sqlite_ledger, "c-1003", "L-3001", ANCHOR).to_text()
    assert "其中已逾期未还的本金304.64元" in hardship and "延长12个月重新分期" in hardship


def test_date_zh():
    assert date_zh(date(2026, 1, 5)) == "2026年1月5日"


def test_pick_loan_resolves_which_of_my_loans(sqlite_ledger):
    loans = open_loans(sqlite_ledger, "c-1002", ANCHOR)
    assert [loan.loan_id for loan in loans] == ["L-2001", "L-2002"]
    picks = {
        "安心借那笔提前还要多少": "L-2001",
        "3000的那个": "L-2001",
        "三千那笔": "L-2001",
        "1500块那个": "L-2002",
        "第二笔": "L-2002",
        "第1笔": "L-2001",
        "l-2002": "L-2002",
        "惠享分期": "L-2002",
    }
    for text, loan_id in picks.items():
        picked = pick_loan(loans, text)
        assert picked is not None and picked.loan_id == loan_id, text
    for text in ("我的借款要还多少", "第三笔", "5000那笔", "L-3001"):
        assert pick_loan(loans, text) is None, text
    assert pick_loan(loans[:1], "随便哪笔").loan_id == "L-2001"  # only one: no question to ask
    assert "安心借 3,000.00元" in loans[0].label_zh


# --- the account rules on constructed accounts -------------------------------------------------


def test_instalment_due_today(sqlite_ledger):
    today = date(2026, 11, 30)  # period 5 of 安心借 falls due
    line = next(line for line in bill_summary(sqlite_ledger, "c-1002", today).lines if line.loan_id == "L-2001")
    assert (line.days_overdue, line.penalty_interest, line.amount_due) == (0, 0, L2001.instalment)
    assert "当天到期" in bill_summary(sqlite_ledger, "c-1002", today).to_text()
    quote = payoff_quote(sqlite_ledger, "c-1002", "L-2001", today)
    (due,) = quote.due_instalments
    assert (due.period_index, due.days_overdue, due.total_due) == (5, 0, L2001.instalment)
    assert quote.accrued_days == 0 and quote.outstanding_principal == L2001.balance_after(5)
    assert quote.amount_due == L2001.instalment + L2001.balance_after(5)


def test_within_grace_days_no_penalty(sqlite_ledger):
    day = date(2026, 12, 2)  # two days after period 5 fell due; three days of grace
    quote = overdue_cost(sqlite_ledger, "c-1002", "L-2001", day)
    assert quote.days_overdue == 2 and quote.overdue.instalments[0].within_grace
    assert quote.total_due == L2001.instalment
    assert "宽限期内" in quote.to_text()
    # One day after the grace, penalty interest runs from the due date: four days.
    assert overdue_cost(sqlite_ledger, "c-1002", "L-2001", day + timedelta(days=2)).overdue.penalty_interest == by_day(
        L2001.principal_parts[4], D("0.27"), 4
    )


@pytest.fixture()
def custom_ledger(tmp_path):
    """c-7001 with a copy of c-1002's 安心借 (L-7001) and chosen payments."""

    def build(payments: list[tuple[int, date, Decimal]]) -> SqliteLedger:
        source = next(c for c in demo_customers(ANCHOR) if c.profile.customer_id == "c-1002")
        loan, periods, _ = source.loans[0]
        loan = replace(loan, loan_id="L-7001", customer_id="c-7001")
        records = []
        for number, (index, paid_on, amount) in enumerate(payments):
            period = periods[index - 1]
            share = amount / period.payment
            records.append(Payment(f"P-{number}", "L-7001", paid_on, PaymentKind.INSTALMENT, index, amount,
                                   (period.principal * share).quantize(D("0.01")), amount - (period.principal * share).quantize(D("0.01")), D(0), D(0)))
        path = tmp_path / "custom.sqlite3"
        db = sqlite3.connect(path)
        with db:
            create_schema(db)
            write_customer(db, CustomerProfile("c-7001", "测试客户", "130****0001", date(2026, 1, 1), D("5000.00")), [(loan, list(periods), records)])
        db.close()
        return SqliteLedger(path)

    return build


def test_instalment_paid_ahead_of_its_due_date(custom_ledger):
    due = [date(2026, 7, 30), date(2026, 8, 30), date(2026, 9, 30), date(2026, 10, 30), date(2026, 11, 30)]
    ledger = custom_ledger([(k + 1, day - timedelta(days=1), L2001.payments[k]) for k, day in enumerate(due)][:4]
                           + [(5, date(2026, 11, 20), L2001.payments[4])])  # the 5th paid 10 days early
    (line,) = bill_summary(ledger, "c-7001", ANCHOR).lines
    assert line.period_indexes == (6,) and line.due_date == date(2026, 12, 30)
    quote = payoff_quote(ledger, "c-7001", "L-7001", ANCHOR)
    # Interest to 11-30 was paid with the 5th instalment: none is charged again.
    assert quote.due_instalments == () and quote.accrued_days == 0
    assert quote.amount_due == quote.outstanding_principal == L2001.balance_after(5)
    assert hardship_options(ledger, "c-7001", "L-7001", ANCHOR).outstanding_principal == L2001.balance_after(5)


def test_part_payment_reduces_what_is_due(custom_ledger):
    paid = [(k + 1, day, L2001.payments[k]) for k, day in enumerate([date(2026, 7, 30), date(2026, 8, 30), date(2026, 9, 30), date(2026, 10, 30)])]
    ledger = custom_ledger(paid + [(5, date(2026, 11, 30), D("100.00"))])
    day = date(2026, 12, 10)  # 10 days after period 5 fell due, 100.00 of it paid
    (line,) = ledger.current_bill("c-7001", day).lines
    penalty = by_day(L2001.principal_parts[4], D("0.27"), 10)
    assert (line.already_paid, line.penalty_interest, line.days_overdue) == (D("100.00"), penalty, 10)
    assert line.amount_due == L2001.instalment - D("100.00") + penalty
    assert "已还100.00元" in bill_summary(ledger, "c-7001", day).to_text()
