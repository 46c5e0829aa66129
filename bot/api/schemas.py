"""Pydantic models at the API boundary (``/v1``): every limit the service enforces is stated here,
so that the OpenAPI schema says it and a client (or schemathesis) can trust it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

from bot.repayment.terms import MAX_MONTHS

# The longest text any endpoint reads: the chat window's limit, for every text input.
MAX_TEXT_CHARS = 2000
# A batch of texts (POST /v1/intent): at most this many, and this many characters together.
MAX_BATCH_TEXTS = 100
MAX_BATCH_CHARS = 50_000
# Database ids are signed 64-bit integers.
MAX_ID = 2**63 - 1


def valid_text(text: str) -> str:
    """Refuse lone surrogates (``"\\ud800"``: JSON allows them, UTF-8 storage and logs do not) and
    text that is only whitespace."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text is not valid Unicode (lone surrogate)") from None
    if not text.strip():
        raise ValueError("text is blank")
    return text


# Free text from a customer or an agent: not blank, at most 2,000 characters, valid Unicode.
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS), AfterValidator(valid_text)]
# A label we store and show (channel, agent id): short, letters, digits and - _ . only.
Label = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,31}$")]
SessionId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
SessionStatus = Literal["active", "with_agent", "closed"]
FraudLevel = Literal["none", "notice", "warning", "critical"]
Decimal_ = Annotated[str, StringConstraints(pattern=r"^\d{1,9}(\.\d{1,8})?$")]


# -- repayment plans ------------------------------------------------------------------------
# A repayment plan exactly as the generator computed it (bot/repayment/render.py::plan_to_dict): money
# as the exact Decimal to the cent ("1732.38"), rates as the fraction to six places ("0.072000").
Money = Annotated[str, StringConstraints(pattern=r"^-?\d{1,15}\.\d{2}$")]
Rate = Annotated[str, StringConstraints(pattern=r"^-?\d{1,6}\.\d{6}$")]
IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
PlanFlag = Literal["apr_above_cap", "zero_interest_with_fees", "coupon_applied"]  # bot/repayment/schedule.py FLAG_*
# One sentence the customer must be told beside the figures (templates plan.*).
Sentence = Annotated[str, StringConstraints(min_length=1, max_length=500)]


class PeriodOut(BaseModel):
    index: int = Field(..., ge=1, le=MAX_MONTHS)
    due_date: IsoDate
    principal: Money
    interest: Money
    fee: Money
    payment: Money
    balance: Money


class PlanOut(BaseModel):
    """A repayment plan as data: the chat window draws its table from this, never from the reply text."""

    periods: list[PeriodOut] = Field(..., min_length=1, max_length=MAX_MONTHS)
    apr: Rate = Field(..., description="Annualised rate by IRR, a fraction (0.072000 = 7.2 %).")
    effective_apr: Rate
    total_interest: Money
    total_fees: Money
    total_payment: Money
    flags: list[PlanFlag] = Field([], max_length=3)
    notes_zh: list[Sentence] = Field([], max_length=3, description="What the customer should know about its price "
                                                                   "(a zero-interest plan that charges fees).")
    warnings_zh: list[Sentence] = Field([], max_length=3, description="What the customer must be warned of "
                                                                      "(an annualised rate over the cap).")


# -- chat -------------------------------------------------------------------------------------
class ChatRequest(BaseModel):
    session_id: SessionId | None = Field(None, description="Omit to start a new session.")
    message: Text = Field(..., description="The customer's message (1–2000 characters).")


class ScoredIntent(BaseModel):
    id: str
    probability: float


class IntentOut(BaseModel):
    id: str
    confidence: float
    top: list[ScoredIntent] = []


class EvidenceOut(BaseModel):
    start: int
    end: int
    term: str
    role: str


class FraudOut(BaseModel):
    level: FraudLevel
    scenario: str | None = None
    score: float = 0.0
    evidence: list[EvidenceOut] = []
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
    sources: list[dict[str, Any]] = []
    suggestions: list[SuggestionOut] | None = None
    quick_replies: list[str] = []
    plan: PlanOut | None = Field(None, description="The repayment plan the answer computed, as data.")
    lead: str | None = Field(None, description="When the answer has a plan: its words before the plan (the "
                                               "bubble above the plan table); the rest of the answer is the plan in text.")
    data: dict[str, Any] = {}
    handoff: bool = False


class SessionOpenRequest(BaseModel):
    token: Annotated[str, StringConstraints(min_length=1, max_length=4096)] | None = Field(
        None, description="Signed customer token from the app; omit for an anonymous session.")
    channel: Label = Field("app", description="Where the customer writes from: app, web, wechat…")


class SessionOut(BaseModel):
    session_id: str
    authenticated: bool


class HistoryTurn(BaseModel):
    role: Literal["customer", "bot", "agent"]
    text: str
    created_at: str
    warning: str | None = None
    sources: list[dict[str, Any]] | None = None
    plan: PlanOut | None = None
    lead: str | None = Field(None, description="As ChatResponse.lead (absent for turns stored before it existed).")
    fraud: dict[str, Any] | None = None


class HistoryOut(BaseModel):
    session_id: str
    turns: list[HistoryTurn]


class HandoffOut(BaseModel):
    session_id: str
    handoff: bool
    summary: dict[str, Any]


# -- agent console ----------------------------------------------------------------------------
class SessionSummary(BaseModel):
    id: str
    customer: str | None
    channel: str
    status: SessionStatus
    started_at: str
    last_message_at: str | None
    last_intent: str | None
    fraud_level: str
    fraud_scenario: str | None
    turn_count: int
    handoff: bool
    handoff_reason: str | None
    claimed_by: str | None = None  # the agent who took the session from the handoff queue
    summary: dict[str, Any] | None = None


class SessionsOut(BaseModel):
    sessions: list[SessionSummary]


class HandoffsOut(BaseModel):
    handoffs: list[SessionSummary]


class SessionDetailOut(BaseModel):
    session: dict[str, Any]
    turns: list[dict[str, Any]]
    suggestions: list[dict[str, Any]]
    slots: dict[str, Any]
    fraud_flags: list[Any]
    handoff_summary: dict[str, Any] | None
    loans: dict[str, Any] | None = Field(..., description="The customer's account overview, {error} when the "
                                                           "ledger could not answer, null for an anonymous session.")


class FeedbackRequest(BaseModel):
    verdict: Literal["used", "edited", "rejected"]
    final_text: Text | None = None
    agent_id: Label | None = None


class AgentReplyRequest(BaseModel):
    text: Text
    agent_id: Label | None = None


class ClaimRequest(BaseModel):
    agent_id: Label


class ClaimOut(BaseModel):
    session_id: str
    claimed_by: str
    claimed_at: str
    status: SessionStatus


class TurnIdOut(BaseModel):
    turn_id: int


class OkOut(BaseModel):
    ok: bool


class AcceptanceCounts(BaseModel):
    shown: int
    with_feedback: int
    used: int
    edited: int
    rejected: int
    acceptance_rate: float | None


class FeedbackReportOut(BaseModel):
    per_intent: dict[str, AcceptanceCounts]
    overall: AcceptanceCounts


class AlertOut(BaseModel):
    id: int
    session_id: str
    level: str
    scenario: str | None
    text: str
    created_at: str
    acknowledged: bool
    acknowledged_at: str | None
    acknowledged_by: str | None


class AlertsOut(BaseModel):
    alerts: list[AlertOut]


# -- component tools --------------------------------------------------------------------------
class IntentBatchRequest(BaseModel):
    texts: list[Text] = Field(..., min_length=1, max_length=MAX_BATCH_TEXTS,
                              description=f"1–{MAX_BATCH_TEXTS} texts, {MAX_BATCH_CHARS} characters in all at most.")
    top_k: int = Field(3, ge=1, le=10)

    @model_validator(mode="after")
    def _batch_within_total(self) -> "IntentBatchRequest":
        total = sum(len(text) for text in self.texts)
        if total > MAX_BATCH_CHARS:
            raise ValueError(f"texts: {total} characters in all, at most {MAX_BATCH_CHARS}")
        return self


class IntentResult(BaseModel):
    text: str
    confident: bool
    top: list[ScoredIntent]


class IntentBatchOut(BaseModel):
    results: list[IntentResult]


class RetrievalRequest(BaseModel):
    query: Text
    intent: Annotated[str, StringConstraints(pattern=r"^[a-z_]+(\.[a-z_]+)*$", max_length=64)] | None = None
    k: int = Field(5, ge=1, le=20)
    mode: Literal["hybrid", "dense", "sparse"] = "hybrid"


class RetrievalHit(BaseModel):
    entry_id: str
    title: str
    score: float
    similarity: float
    answer: str
    source: Any = None
    category: str | None = None
    intents: list[str] = []
    kind: str | None = None


class RetrievalOut(BaseModel):
    query: str
    hits: list[RetrievalHit]


class FraudCheckRequest(BaseModel):
    text: Text


class FraudCheckOut(FraudOut):
    pass


Method = Literal["equal_installment", "equal_principal", "interest_first", "bullet", "fee_installment"]


class PlanRequest(BaseModel):
    principal: Decimal_ = Field(..., examples=["20000"], description="Amount borrowed in yuan (1–999,999,999).")
    months: int = Field(..., ge=1, le=360)
    method: Method = "equal_installment"
    annual_rate: Decimal_ | None = Field(None, examples=["0.072"], description="As a fraction: 0.072 = 7.2 %.")
    daily_rate: Decimal_ | None = None
    monthly_fee_rate: Decimal_ | None = None
    upfront_fee: Decimal_ | None = None
    start: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = Field(
        None, description="ISO date; default today")
    repayment_day: int | None = Field(None, ge=1, le=31)


# -- names for the pages ------------------------------------------------------------------------
class MetaOut(BaseModel):
    intents: dict[str, str] = Field(..., description="Intent id → Chinese name (models/intent/intents.yaml).")
    scenarios: dict[str, str] = Field(..., description="Scam scenario id → Chinese name (models/fraud/scenarios.yaml).")
    wording: dict[str, str] = Field(..., description="The pages' own sentences (welcome, notices) by template name "
                                                     "(knowledge/templates.yaml, page.*).")


# -- health -----------------------------------------------------------------------------------
class HealthOut(BaseModel):
    status: str


class ReadyOut(BaseModel):
    status: str
    problem: str | None = None
