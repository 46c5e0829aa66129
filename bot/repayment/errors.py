"""The one error type of the repayment generator.

Every rejected input becomes a :class:`PlanError` that carries two texts: a short Chinese
sentence the chat can show the customer as it is, and an English detail for the API's error
body and the logs. ``code`` is a stable machine-readable id (tests and API clients use it).
"""

from __future__ import annotations


class PlanError(ValueError):
    """Input that cannot give a repayment plan; no plan is produced."""

    def __init__(self, code: str, message_zh: str, detail_en: str) -> None:
        super().__init__(detail_en)
        self.code = code
        self.message_zh = message_zh
        self.detail_en = detail_en

    def to_dict(self) -> dict[str, str]:
        """The API's error body: ``{"error": code, "message": 中文, "detail": English}``."""
        return {"error": self.code, "message": self.message_zh, "detail": self.detail_en}
