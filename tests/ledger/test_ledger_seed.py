"""The demo ledger: realistic amounts, each customer's situation, idempotent seeding, anchoring to
today, and the ``finbot ledger`` commands."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from decimal import Decimal
from statistics import mean

from ledger_oracles import ANCHOR
from typer.testing import CliRunner

from bot.auth import verify_token
from bot.cli import app
from bot.ledger.seed import DEMO_CUSTOMER_IDS, demo_customers, seed_demo_ledger
from bot.ledger.sqlite_ledger import SqliteLedger
from bot.repayment.schedule import build_plan
from bot.repayment.terms import Method


def dump(path) -> list[str]:  # type: ignore[no-untyped-def]
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def test_demo_loans_look_like_the_market():
    loans = [loan for customer in demo_customers(ANCHOR) for loan, _, _ in customer.loans]
    amounts = [loan.principal for loan in loans]
    assert all(Decimal(1500) <= amount <= Decimal(8000) for amount in amounts)
    assert 2500 <= mean(amounts) <= 3500  # about ¥3,000 on average
    assert all(3 <= loan.months <= 12 for loan in loans)
    rates = [loan.price.annual_interest_rate for loan in loans]
    assert min(rates) == Decimal("0.108") and max(rates) == Decimal("0.239")
    assert {loan.method for loan in loans} == {Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL}
    # Every contract discloses an annualised rate within the 24 % cap.
    assert all(build_plan(loan.terms, apr_cap=Decimal("0.24")).flags == () for loan in loans)


def test_each_demo_customer_is_in_the_situation_described(sqlite_ledger):
    status = {c: [loan.status.value for loan in sqlite_ledger.loans(c)] for c in DEMO_CUSTOMER_IDS}
    assert status == {
        "c-1001": [],
        "c-1002": ["active", "active"],
        "c-1003": ["overdue"],
        "c-1004": ["settled"],
        "c-1005": ["hardship"],
    }
    assert sqlite_ledger.overdue_status("c-1003", ANCHOR).days_overdue == 12
    assert all(sqlite_ledger.overdue_status(c, ANCHOR).loans == () for c in DEMO_CUSTOMER_IDS if c != "c-1003")
    assert sqlite_ledger.profile("c-1001").credit_limit == Decimal("5000.00")
    assert sqlite_ledger.meta("seeded_on") == ANCHOR.isoformat()
    # The customer overdue 12 days once paid an instalment 5 days late, with its penalty.
    late = [p for p in sqlite_ledger.payments("c-1003", "L-3001") if p.charges > 0]
    assert len(late) == 1 and late[0].period_index == 2


def test_seeding_is_idempotent_and_leaves_other_customers_alone(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    seed_demo_ledger(path, ANCHOR)
    first = dump(path)
    seed_demo_ledger(path, ANCHOR)
    assert dump(path) == first

    db = sqlite3.connect(path)
    with db:
        db.execute("INSERT INTO customers VALUES ('c-2000', '另一位客户', '130****0000', '2026-01-01', '1000.00')")
    db.close()
    seed_demo_ledger(path, ANCHOR + timedelta(days=30))  # re-anchored a month later
    ledger = SqliteLedger(path)
    assert ledger.profile("c-2000").name == "另一位客户"
    assert ledger.overdue_status("c-1003", ANCHOR + timedelta(days=30)).days_overdue == 12
    db = sqlite3.connect(path)
    counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("customers", "loans", "payments")}
    db.close()
    assert counts == {"customers": 6, "loans": 5, "payments": 4 + 1 + 3 + 5 + 6}


def test_seeded_today_is_twelve_days_overdue_today(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    report = seed_demo_ledger(path)
    assert report.seeded_on == date.today()
    assert SqliteLedger(path).overdue_status("c-1003", date.today()).days_overdue == 12


def test_cli_seed_token_and_show(tmp_path, monkeypatch):
    from bot.settings import get_settings

    monkeypatch.setenv("FINBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FINBOT_TOKEN_SECRET", "cli-test-secret-0123456789abcdefghijkl")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        seeded = runner.invoke(app, ["ledger", "seed", "--as-of", "2026-11-22"])
        assert seeded.exit_code == 0, seeded.output
        assert (tmp_path / "ledger.sqlite3").is_file() and "c-1003" in seeded.output
        assert runner.invoke(app, ["ledger", "seed", "--as-of", "2026-11-22"]).exit_code == 0

        issued = runner.invoke(app, ["ledger", "token", "c-1003", "--ttl", "300"])
        assert issued.exit_code == 0, issued.output
        token = issued.stdout.strip().splitlines()[-1]
        assert verify_token(token, secret="cli-test-secret-0123456789abcdefghijkl") == "c-1003"

        shown = runner.invoke(app, ["ledger", "show", "c-1003", "--as-of", "2026-11-22"])
        assert shown.exit_code == 0, shown.output
        assert "已逾期12天" in shown.stdout and "截至2026年11月22日" in shown.stdout

        assert runner.invoke(app, ["ledger", "seed", "--as-of", "2026-02-30"]).exit_code != 0
        assert runner.invoke(app, ["ledger", "show", "c-9999", "--as-of", "2026-11-22"]).exit_code == 1
    finally:
        get_settings.cache_clear()
