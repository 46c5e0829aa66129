"""Errors of the loan ledger. Like the repayment generator's ``PlanError``, each carries a Chinese
sentence the chat can show as it is and an English detail for the API and the logs."""

from __future__ import annotations


class LedgerError(Exception):
    code = "ledger_error"

    def __init__(self, message_zh: str, detail_en: str) -> None:
        super().__init__(detail_en)
        self.message_zh = message_zh
        self.detail_en = detail_en

    def to_dict(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message_zh, "detail": self.detail_en}


class AccessDenied(LedgerError):
    """The customer may not see this: another customer's loan, or one that does not exist.

    Deliberately one message for both cases, so that the answer never tells whether a loan or
    customer id exists."""

    code = "access_denied"

    def __init__(self) -> None:
        super().__init__("没有找到您名下的这笔借款信息。", "no such loan or customer for this session")


class LoanClosed(LedgerError):
    """The loan is repaid (settled): there is nothing to quote."""

    code = "loan_closed"


class LedgerUnavailable(LedgerError):
    """The ledger cannot answer now (missing database, core system down, bad response)."""

    code = "ledger_unavailable"

    def __init__(self, detail_en: str) -> None:
        super().__init__("暂时查询不到您的借款信息，请稍后再试，或在App中查看。", detail_en)


class InconsistentLedger(LedgerError):
    """The ledger returned data that contradicts itself (a schedule that does not repay the loan)."""

    code = "inconsistent_ledger"

    def __init__(self, detail_en: str) -> None:
        super().__init__("您的借款数据暂时无法计算，已为您记录，请联系人工客服核实。", detail_en)
