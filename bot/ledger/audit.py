"""The access log of the ledger: every read names the method, the masked customer id and the
outcome. Customer ids are masked because the log is read by more people than the accounts are;
loan ids are logged as given, so that a probe for another customer's loan is visible."""

from __future__ import annotations

import logging

log = logging.getLogger("finbot.ledger.access")


def mask_customer_id(customer_id: str) -> str:
    """``c-1003`` → ``c-***3``; ``6222021234567890`` → ``62************90``: at most a third shown."""
    text = str(customer_id)
    if len(text) <= 3:
        return "*" * len(text)
    keep_head, keep_tail = (2, 1) if len(text) < 12 else (2, 2)
    return text[:keep_head] + "*" * (len(text) - keep_head - keep_tail) + text[-keep_tail:]


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
