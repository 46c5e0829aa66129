"""The embedded loan ledger: one SQLite file (``settings.ledger_path``, ``data/ledger.sqlite3``).

The default ledger, seeded with demo customers by ``finbot ledger seed`` (:mod:`bot.ledger.seed`).
Reads open the file **read-only** (``mode=ro``), one short connection per call, so the ledger is
safe to share between the service's threads and can never be changed by the bot; only the
seeding code writes, through :func:`write_customer`.

Every query of a customer's data names the customer id: a loan is looked up by ``loan_id AND
customer_id``, so another customer's loan is simply not found (``AccessDenied``).

Tables: ``customers``, ``loans`` (the rule objects — prepayment, overdue, arrangement — as JSON in
the contract's shape), ``schedule`` (the periods in force), ``payments``, ``ledger_meta``
(``seeded_on``: the date the demo data was anchored to). Money and rates are decimal strings.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.ledger import audit
from bot.ledger.account import DerivedViews
from bot.ledger.codec import (
    CodecError,
    loan_from_json,
    loan_to_json,
    payment_from_json,
    payment_to_json,
    period_from_json,
    period_to_json,
    profile_from_json,
    profile_to_json,
)
from bot.ledger.errors import AccessDenied, InconsistentLedger, LedgerUnavailable
from bot.ledger.models import CustomerProfile, Loan, Payment
from bot.ledger.port import check_ids
from bot.repayment.schedule import Period

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    customer_id   TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    phone_masked  TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    credit_limit  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS loans (
    loan_id          TEXT PRIMARY KEY,
    customer_id      TEXT NOT NULL REFERENCES customers(customer_id),
    product_name     TEXT NOT NULL,
    principal        TEXT NOT NULL,
    annual_rate      TEXT,
    daily_rate       TEXT,
    monthly_fee_rate TEXT,
    method           TEXT NOT NULL,
    months           INTEGER NOT NULL,
    start_date       TEXT NOT NULL,
    repayment_day    INTEGER NOT NULL,
    status           TEXT NOT NULL,
    prepayment       TEXT NOT NULL,
    overdue          TEXT NOT NULL,
    arrangement      TEXT,
    settled_on       TEXT
);
CREATE INDEX IF NOT EXISTS loans_by_customer ON loans(customer_id);
CREATE TABLE IF NOT EXISTS schedule (
    loan_id      TEXT NOT NULL REFERENCES loans(loan_id),
    period_index INTEGER NOT NULL,
    due_date     TEXT NOT NULL,
    principal    TEXT NOT NULL,
    interest     TEXT NOT NULL,
    fee          TEXT NOT NULL,
    payment      TEXT NOT NULL,
    balance      TEXT NOT NULL,
    PRIMARY KEY (loan_id, period_index)
);
CREATE TABLE IF NOT EXISTS payments (
    payment_id   TEXT PRIMARY KEY,
    loan_id      TEXT NOT NULL REFERENCES loans(loan_id),
    paid_on      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    period_index INTEGER,
    amount       TEXT NOT NULL,
    principal    TEXT NOT NULL,
    interest     TEXT NOT NULL,
    fee          TEXT NOT NULL,
    charges      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_by_loan ON payments(loan_id);
CREATE TABLE IF NOT EXISTS ledger_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

_LOAN_COLUMNS = (
    "loan_id, customer_id, product_name, principal, annual_rate, daily_rate, monthly_fee_rate, method, months, "
    "start_date, repayment_day, status, prepayment, overdue, arrangement, settled_on"
)
_PERIOD_COLUMNS = "period_index AS \"index\", due_date, principal, interest, fee, payment, balance"
_PAYMENT_COLUMNS = "payment_id, loan_id, paid_on, kind, period_index, amount, principal, interest, fee, charges"


class SqliteLedger(DerivedViews):
    """The :class:`~bot.ledger.port.LoanLedger` over an SQLite file."""

    backend = "sqlite"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"SqliteLedger({str(self.path)!r})"

    # --- the four primitive reads ----------------------------------------------------------

    def profile(self, customer_id: str) -> CustomerProfile:
        self._check("profile", customer_id)
        with self._read() as db:
            row = db.execute(
                "SELECT customer_id, name, phone_masked, registered_on, credit_limit FROM customers WHERE customer_id = ?",
                (customer_id,),
            ).fetchone()
            if row is None:
                self._deny("profile", customer_id)
        audit.record_access(self.backend, "profile", customer_id)
        return _decode(profile_from_json, dict(row))

    def loans(self, customer_id: str) -> list[Loan]:
        self._check("loans", customer_id)
        with self._read() as db:
            self._require_customer(db, "loans", customer_id)
            rows = db.execute(
                f"SELECT {_LOAN_COLUMNS} FROM loans WHERE customer_id = ? ORDER BY start_date, loan_id", (customer_id,)
            ).fetchall()
        audit.record_access(self.backend, "loans", customer_id)
        return [_decode(loan_from_json, _loan_row_to_json(row)) for row in rows]

    def schedule(self, customer_id: str, loan_id: str) -> list[Period]:
        self._check("schedule", customer_id, loan_id)
        with self._read() as db:
            self._require_loan(db, "schedule", customer_id, loan_id)
            rows = db.execute(
                f"SELECT {_PERIOD_COLUMNS} FROM schedule WHERE loan_id = ? ORDER BY period_index", (loan_id,)
            ).fetchall()
        audit.record_access(self.backend, "schedule", customer_id, loan_id)
        return [_decode(period_from_json, dict(row)) for row in rows]

    def payments(self, customer_id: str, loan_id: str) -> list[Payment]:
        self._check("payments", customer_id, loan_id)
        with self._read() as db:
            self._require_loan(db, "payments", customer_id, loan_id)
            rows = db.execute(
                f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE loan_id = ? ORDER BY paid_on, payment_id", (loan_id,)
            ).fetchall()
        audit.record_access(self.backend, "payments", customer_id, loan_id)
        return [_decode(payment_from_json, dict(row)) for row in rows]

    # --- the demo data's anchor --------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A value of ``ledger_meta`` (``seeded_on``), or None."""
        with self._read() as db:
            row = db.execute("SELECT value FROM ledger_meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row["value"]

    # --- internals ---------------------------------------------------------------------------

    def _check(self, method: str, customer_id: str, loan_id: str | None = None) -> None:
        try:
            check_ids(customer_id, loan_id)
        except AccessDenied:
            audit.record_denied(self.backend, method, str(customer_id), None if loan_id is None else str(loan_id))
            raise

    def _deny(self, method: str, customer_id: str, loan_id: str | None = None) -> None:
        audit.record_denied(self.backend, method, customer_id, loan_id)
        raise AccessDenied()

    def _require_customer(self, db: sqlite3.Connection, method: str, customer_id: str) -> None:
        if db.execute("SELECT 1 FROM customers WHERE customer_id = ?", (customer_id,)).fetchone() is None:
            self._deny(method, customer_id)

    def _require_loan(self, db: sqlite3.Connection, method: str, customer_id: str, loan_id: str) -> None:
        owned = db.execute(
            "SELECT 1 FROM loans WHERE loan_id = ? AND customer_id = ?", (loan_id, customer_id)
        ).fetchone()
        if owned is None:
            self._deny(method, customer_id, loan_id)

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        if not self.path.is_file():
            raise LedgerUnavailable(f"the ledger database {self.path} is missing; build it with: finbot ledger seed")
        try:
            db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True)
        except sqlite3.Error as error:
            raise LedgerUnavailable(f"cannot open the ledger database {self.path}: {error}") from None
        db.row_factory = sqlite3.Row
        try:
            yield db
        except sqlite3.Error as error:
            raise LedgerUnavailable(f"ledger database {self.path}: {error}") from None
        finally:
            db.close()


def _decode(reader, record: dict):  # type: ignore[no-untyped-def]
    try:
        return reader(record)
    except CodecError as error:
        raise InconsistentLedger(f"ledger database record: {error}") from None


def _loan_row_to_json(row: sqlite3.Row) -> dict:
    record = dict(row)
    record["price"] = {name: record.pop(name) for name in ("annual_rate", "daily_rate", "monthly_fee_rate")}
    for name in ("prepayment", "overdue", "arrangement"):
        record[name] = None if record[name] is None else json.loads(record[name])
    return record


# --- writing (seeding only) ----------------------------------------------------------------


def create_schema(db: sqlite3.Connection) -> None:
    db.executescript(SCHEMA)


def delete_customer(db: sqlite3.Connection, customer_id: str) -> None:
    """Remove a customer and everything that hangs off them."""
    loan_ids = [row[0] for row in db.execute("SELECT loan_id FROM loans WHERE customer_id = ?", (customer_id,))]
    for loan_id in loan_ids:
        db.execute("DELETE FROM payments WHERE loan_id = ?", (loan_id,))
        db.execute("DELETE FROM schedule WHERE loan_id = ?", (loan_id,))
    db.execute("DELETE FROM loans WHERE customer_id = ?", (customer_id,))
    db.execute("DELETE FROM customers WHERE customer_id = ?", (customer_id,))


def write_customer(
    db: sqlite3.Connection,
    profile: CustomerProfile,
    loans: list[tuple[Loan, list[Period], list[Payment]]],
) -> None:
    """Insert a customer with their loans, each with its schedule and payments."""
    record = profile_to_json(profile)
    db.execute(
        "INSERT INTO customers (customer_id, name, phone_masked, registered_on, credit_limit) VALUES (?, ?, ?, ?, ?)",
        tuple(record[k] for k in ("customer_id", "name", "phone_masked", "registered_on", "credit_limit")),
    )
    for loan, periods, payments in loans:
        if loan.customer_id != profile.customer_id:
            raise ValueError(f"loan {loan.loan_id} belongs to {loan.customer_id}, not {profile.customer_id}")
        row = loan_to_json(loan)
        price = row.pop("price")
        values = {**row, **price}
        for name in ("prepayment", "overdue", "arrangement"):
            values[name] = None if values[name] is None else json.dumps(values[name], ensure_ascii=False)
        columns = [c.strip() for c in _LOAN_COLUMNS.split(",")]
        db.execute(
            f"INSERT INTO loans ({_LOAN_COLUMNS}) VALUES ({', '.join('?' for _ in columns)})",
            tuple(values[c] for c in columns),
        )
        for period in periods:
            p = period_to_json(period)
            db.execute(
                "INSERT INTO schedule (loan_id, period_index, due_date, principal, interest, fee, payment, balance) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (loan.loan_id, p["index"], p["due_date"], p["principal"], p["interest"], p["fee"], p["payment"], p["balance"]),
            )
        for payment in payments:
            p = payment_to_json(payment)
            columns = [c.strip() for c in _PAYMENT_COLUMNS.split(",")]
            db.execute(
                f"INSERT INTO payments ({_PAYMENT_COLUMNS}) VALUES ({', '.join('?' for _ in columns)})",
                tuple(p[c] for c in columns),
            )


def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO ledger_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
