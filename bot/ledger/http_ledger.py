"""The loan ledger of a lender's own core system, over HTTP (the contract: ``openapi.yaml``).

A lender points ``FINBOT_LEDGER_URL`` at a service that serves four read-only resources per
customer — profile, loans, a loan's schedule, a loan's payments — and gives the bot an API key
(``FINBOT_LEDGER_API_KEY``, sent as ``Authorization: Bearer …``). The bill, the overdue status
and every quote are then computed here by the repayment generator from those records
(:class:`~bot.ledger.account.DerivedViews`), exactly as for the embedded ledger.

Security, on the bot's side of the wire:

* ids are checked (:func:`~bot.ledger.port.check_ids`) and percent-encoded as single path
  segments, so an id typed into a chat cannot reach another path;
* ``403`` and ``404`` both become :class:`~bot.ledger.errors.AccessDenied` (the customer learns
  nothing about whether a loan exists);
* every record in a response must carry the customer id (and loan id) that was asked for — a
  core system that answers with another customer's data is refused, not believed;
* the request log of httpx has customer ids in URL paths masked.

Transport failures, timeouts, ``401`` and ``5xx`` and malformed bodies are
:class:`~bot.ledger.errors.LedgerUnavailable`: the dialogue says it cannot look the account
up now, never a guess.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any
from urllib.parse import quote

import httpx

from bot.ledger import audit
from bot.ledger.account import DerivedViews
from bot.ledger.codec import CodecError, loan_from_json, payment_from_json, period_from_json, profile_from_json
from bot.ledger.errors import AccessDenied, LedgerUnavailable
from bot.ledger.models import CustomerProfile, Loan, Payment
from bot.ledger.port import check_ids
from bot.repayment.schedule import Period

log = logging.getLogger(__name__)


class HttpLedger(DerivedViews):
    """The :class:`~bot.ledger.port.LoanLedger` over a lender's HTTP API."""

    backend = "http"

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str = "",
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Accept": "application/json", "User-Agent": "finbot-ledger/1"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.base_url = base_url.rstrip("/") + "/"
        self._client = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout, transport=transport)
        _mask_customer_ids_in_httpx_log()

    def __repr__(self) -> str:
        return f"HttpLedger({self.base_url!r})"

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the four primitive reads ----------------------------------------------------------

    def profile(self, customer_id: str) -> CustomerProfile:
        body = self._get("profile", customer_id)
        profile = _decode(profile_from_json, body)
        if profile.customer_id != customer_id:
            self._refuse_foreign("profile", customer_id)
        audit.record_access(self.backend, "profile", customer_id)
        return profile

    def loans(self, customer_id: str) -> list[Loan]:
        body = self._get("loans", customer_id)
        self._require_owner(body, "loans", customer_id)
        records = _field_list(body, "loans")
        loans = [_decode(loan_from_json, record) for record in records]
        if any(loan.customer_id != customer_id for loan in loans):
            self._refuse_foreign("loans", customer_id)
        audit.record_access(self.backend, "loans", customer_id)
        return sorted(loans, key=lambda loan: (loan.start_date, loan.loan_id))

    def schedule(self, customer_id: str, loan_id: str) -> list[Period]:
        body = self._get("schedule", customer_id, loan_id)
        self._require_owner(body, "schedule", customer_id, loan_id)
        periods = [_decode(period_from_json, record) for record in _field_list(body, "periods")]
        audit.record_access(self.backend, "schedule", customer_id, loan_id)
        return sorted(periods, key=lambda period: period.index)

    def payments(self, customer_id: str, loan_id: str) -> list[Payment]:
        body = self._get("payments", customer_id, loan_id)
        self._require_owner(body, "payments", customer_id, loan_id)
        payments = [_decode(payment_from_json, record) for record in _field_list(body, "payments")]
        if any(payment.loan_id != loan_id for payment in payments):
            self._refuse_foreign("payments", customer_id, loan_id)
        audit.record_access(self.backend, "payments", customer_id, loan_id)
        return sorted(payments, key=lambda payment: (payment.paid_on, payment.payment_id))

    # --- internals ---------------------------------------------------------------------------

    def _get(self, method: str, customer_id: str, loan_id: str | None = None) -> Any:
        try:
            check_ids(customer_id, loan_id)
        except AccessDenied:
            audit.record_denied(self.backend, method, str(customer_id), None if loan_id is None else str(loan_id))
            raise
        path = f"customers/{quote(customer_id, safe='')}"
        path += "/profile" if method == "profile" else "/loans"
        if loan_id is not None:
            path += f"/{quote(loan_id, safe='')}/{method}"
        try:
            response = self._client.get(path, headers={"X-Request-Id": uuid.uuid4().hex})
        except httpx.TimeoutException:
            raise LedgerUnavailable(f"the core system did not answer {method} in time") from None
        except httpx.HTTPError as error:
            raise LedgerUnavailable(f"the core system could not be reached for {method}: {type(error).__name__}") from None
        if response.status_code in (403, 404):
            audit.record_denied(self.backend, method, customer_id, loan_id)
            raise AccessDenied()
        if response.status_code == 401:
            raise LedgerUnavailable("the core system refused the bot's API key (401); check FINBOT_LEDGER_API_KEY")
        if response.status_code != 200:
            raise LedgerUnavailable(f"the core system answered {method} with status {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise LedgerUnavailable(f"the core system's {method} answer is not JSON") from None

    def _require_owner(self, body: Any, method: str, customer_id: str, loan_id: str | None = None) -> None:
        if not isinstance(body, dict):
            raise LedgerUnavailable(f"the core system's {method} answer is not a JSON object")
        if body.get("customer_id") != customer_id or (loan_id is not None and body.get("loan_id") != loan_id):
            self._refuse_foreign(method, customer_id, loan_id)

    def _refuse_foreign(self, method: str, customer_id: str, loan_id: str | None = None) -> None:
        """The core system answered with records of another customer or loan: never show them."""
        log.error("core system answered %s with records that are not the requested customer's or loan's", method)
        audit.record_denied(self.backend, method, customer_id, loan_id)
        raise AccessDenied()


def _field_list(body: Any, name: str) -> list[Any]:
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, list):
        raise LedgerUnavailable(f"the core system's answer has no list {name!r}")
    return value


def _decode(reader, record: Any):  # type: ignore[no-untyped-def]
    try:
        return reader(record)
    except CodecError as error:
        raise LedgerUnavailable(f"the core system's answer breaks the contract: {error}") from None


_CUSTOMER_PATH = re.compile(r"(/customers/)([^/\s\"?]+)")


class _MaskCustomerPaths(logging.Filter):
    """httpx logs every request URL at INFO; mask the customer id in ``/customers/{id}``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/customers/" in message:
            record.msg = _CUSTOMER_PATH.sub(lambda m: m.group(1) + audit.mask_customer_id(m.group(2)), message)
            record.args = None
        return True


def _mask_customer_ids_in_httpx_log() -> None:
    httpx_log = logging.getLogger("httpx")
    if not any(isinstance(f, _MaskCustomerPaths) for f in httpx_log.filters):
        httpx_log.addFilter(_MaskCustomerPaths())
