"""The customer's own loans (issue 9): the read-only loan-ledger port, its embedded SQLite and
HTTP implementations, demo customers, and the account-aware quotes the dialogue renders.

Read in this order: ``port`` (the contract and its rules), ``models``, ``errors``, ``account``
(bill and overdue status derived with the repayment generator), ``sqlite_ledger`` and ``seed``,
``codec`` and ``http_ledger`` (with ``openapi.yaml``), ``quotes``, ``commands``.
"""

from __future__ import annotations

from bot.ledger.errors import AccessDenied, InconsistentLedger, LedgerError, LedgerUnavailable, LoanClosed
from bot.ledger.port import LoanLedger

__all__ = [
    "AccessDenied",
    "InconsistentLedger",
    "LedgerError",
    "LedgerUnavailable",
    "LoanClosed",
    "LoanLedger",
    "open_ledger",
]


def open_ledger(settings=None) -> LoanLedger:  # type: ignore[no-untyped-def]
    """The configured ledger: ``settings.ledger_url`` empty → the embedded SQLite file
    (``settings.ledger_path``); ``sqlite:///path`` → that SQLite file; ``http(s)://…`` → the
    lender's core system through :class:`~bot.ledger.http_ledger.HttpLedger`."""
    if settings is None:
        from bot.settings import get_settings

        settings = get_settings()
    url = settings.ledger_url.strip()
    if not url:
        from bot.ledger.sqlite_ledger import SqliteLedger

        return SqliteLedger(settings.ledger_path)
    if url.startswith("sqlite:///"):
        from bot.ledger.sqlite_ledger import SqliteLedger

        return SqliteLedger(url.removeprefix("sqlite:///"))
    if url.startswith(("http://", "https://")):
        from bot.ledger.http_ledger import HttpLedger

        return HttpLedger(url, api_key=settings.ledger_api_key, timeout=settings.ledger_timeout_seconds)
    raise ValueError(f"ledger_url must be empty, sqlite:///PATH or an http(s) URL, got {url!r}")
