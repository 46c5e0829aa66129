"""The loan-ledger port: the read-only questions the bot asks about a customer's own loans.

Two implementations: :class:`~bot.ledger.sqlite_ledger.SqliteLedger` (embedded, the default,
seeded with demo customers by ``finbot ledger seed``) and
:class:`~bot.ledger.http_ledger.HttpLedger` (a lender's core system behind the HTTP contract of
``bot/ledger/openapi.yaml``). Open the configured one with :func:`bot.ledger.open_ledger`.

The rules every implementation keeps:

* **Every method takes the customer id** (from the verified session token, never from the
  message text) and returns only that customer's data. A loan id that is not the customer's —
  another customer's, or none at all — raises :class:`~bot.ledger.errors.AccessDenied`, with the
  same message either way, so the answer never tells whether it exists. An unknown customer id
  raises ``AccessDenied`` too.
* **Read-only.** Nothing here changes the ledger.
* **Money is Decimal**, exact to the cent; dates are ``datetime.date``.
* **as_of.** The derived views take the date they are computed for. Only payments made on or
  before that date count, and penalty interest runs up to it; pass today's date for "now".
  A ledger is a record, not a clock: the demo ledger stores fixed dates (see
  :mod:`bot.ledger.seed`), so its overdue customer is 12 days late on the seeding date and one
  more day late every day after.
* **Ids are plain tokens** (letters, digits, ``-``, ``_``, ``.``, ``:``; at most 64 characters,
  not ``.`` or ``..``). Anything else is refused with ``AccessDenied`` before any lookup
  (:func:`check_ids`), so that ids typed into a chat can never change an SQL query or a URL path.
* Every access is logged by :mod:`bot.ledger.audit` with the customer id masked.

The derived views (``current_bill``, ``overdue_status``) are computed by the same code for both
implementations (:class:`bot.ledger.account.DerivedViews`) with the repayment generator, from
the four primitive reads.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Protocol, runtime_checkable

from bot.ledger.errors import AccessDenied
from bot.ledger.models import CurrentBill, CustomerProfile, Loan, OverdueStatus, Payment
from bot.repayment.schedule import Period


@runtime_checkable
class LoanLedger(Protocol):
    def profile(self, customer_id: str) -> CustomerProfile:
        """The customer's profile."""
        ...

    def loans(self, customer_id: str) -> list[Loan]:
        """All the customer's loans, open and settled, oldest first."""
        ...

    def schedule(self, customer_id: str, loan_id: str) -> list[Period]:
        """The contractual schedule in force, period 1 first. After a hardship arrangement it is
        the periods before the arrangement followed by the new plan's, numbered on."""
        ...

    def payments(self, customer_id: str, loan_id: str) -> list[Payment]:
        """Payments received for the loan, oldest first."""
        ...

    def current_bill(self, customer_id: str, as_of: date) -> CurrentBill:
        """Per open loan: the overdue instalments with penalty to ``as_of``, or else the next one."""
        ...

    def overdue_status(self, customer_id: str, as_of: date) -> OverdueStatus:
        """Per loan with instalments past due on ``as_of``: days overdue, overdue principal and
        interest, penalty interest to date and late fees."""
        ...


ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def check_ids(customer_id: object, loan_id: object = None) -> None:
    """Refuse (``AccessDenied``) ids that are not plain tokens; see the module docstring."""
    for value in (customer_id,) if loan_id is None else (customer_id, loan_id):
        if not isinstance(value, str) or not ID_PATTERN.match(value) or value in (".", ".."):
            raise AccessDenied()
