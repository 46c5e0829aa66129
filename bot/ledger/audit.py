"""The access log of the ledger: every read names the method, the masked customer id and the
outcome. Customer ids are masked because the log is read by more people than the accounts are;
loan ids are logged as given, so that a probe for another customer's loan is visible."""

from __future__ import annotations

import logging

from bot.privacy import mask_customer_id

log = logging.getLogger("finbot.ledger.access")


def _clean(value: str) -> str:
    # Ids come from requests: keep the log one line per access, whatever they contain.
    return repr(value)[1:-1][:80]


def record_access(backend: str, method: str, customer_id: str, loan_id: str | None = None) -> None:
    log.info(
        "ledger %s %s customer=%s%s",
        backend,
        method,
        mask_customer_id(customer_id),
        f" loan={_clean(loan_id)}" if loan_id is not None else "",
    )


def record_denied(backend: str, method: str, customer_id: str, loan_id: str | None = None) -> None:
    log.warning(
        "ledger %s %s DENIED customer=%s%s",
        backend,
        method,
        mask_customer_id(customer_id),
        f" loan={_clean(loan_id)}" if loan_id is not None else "",
    )
