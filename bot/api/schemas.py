"""Pydantic models at the API boundary (``/v1``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ChatRequest(BaseModel):
    session_id: str | None = Field(None, description="Omit to start a new session.")
    message: str = Field(..., description="The customer's message (1–2000 characters).")


class IntentOut(BaseModel):
    id: str
    confidence: float
    top: list[dict] = []


class FraudOut(BaseModel):
    level: Literal["none", "notice", "warning", "critical"]
    scenario: str | None = None
    score: float = 0.0
    evidence: list[dict] = []
    # The customer pasted a message they received (【签名】, 退订, a link in the sender's voice): it was
    # judged as a message (bot/fraud/forwarded.py).
    pasted_message: bool = False


class SuggestionOut(BaseModel):
    id: int | None = None
    text: str
    confidence: float
    source: str
    why: str


class ChatResponse(BaseModel):
    session_id: str
    turn_id: int
    reply: str
    answer: str = Field(..., description="The skill's answer without the fraud warning.")
    warning: str | None = Field(None, description="Fraud warning shown as a banner; also prefixed to reply.")
    intent: IntentOut
    fraud: FraudOut
    skill: str
    sources: list[dict] = []
    suggestions: list[SuggestionOut] | None = None
    quick_replies: list[str] = []
    plan: dict | None = None
    data: dict = {}
    handoff: bool = False


class SessionOpenRequest(BaseModel):
    token: str | None = Field(None, description="Signed customer token from the app; omit for an anonymous session.")
    channel: str = "app"


class SessionOut(BaseModel):
    session_id: str
    authenticated: bool


class FeedbackRequest(BaseModel):
    verdict: Literal["used", "edited", "rejected"]
    final_text: str | None = None
    agent_id: str | None = None


class AgentReplyRequest(BaseModel):
    text: str = Field(..., min_length=1, max_length=2000)
    agent_id: str | None = None


class IntentBatchRequest(BaseModel):
    texts: list[str] = Field(..., min_length=1, max_length=1000)
    top_k: int = Field(3, ge=1, le=10)


class RetrievalRequest(BaseModel):
    query: str
    intent: str | None = None
    k: int = Field(5, ge=1, le=20)
    mode: Literal["hybrid", "dense", "sparse"] = "hybrid"


class FraudCheckRequest(BaseModel):
    text: str = Field(..., max_length=20000)


class PlanRequest(BaseModel):
    principal: str = Field(..., examples=["20000"])
    months: int
    method: Literal["equal_installment", "equal_principal", "interest_first", "bullet", "fee_installment"] = "equal_installment"
    annual_rate: str | None = Field(None, examples=["0.072"])
    daily_rate: str | None = None
    monthly_fee_rate: str | None = None
    upfront_fee: str | None = None
    start: str | None = Field(None, description="ISO date; default today")
    repayment_day: int | None = None


class ErrorOut(BaseModel):
    detail: str
    message_zh: str | None = None
