"""The narrow interface every skill implements: a turn context in, a ``SkillResult`` out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.dialogue.state import SessionState


@dataclass
class TurnContext:
    text: str  # the normalised customer message
    intent: Any  # IntentPrediction
    fraud: Any  # FraudAssessment
    state: SessionState
    query_vector: Any = None  # the message's backbone embedding, shared by fraud screen and retrieval
    products: Any = None  # ProductMatch: the product names the message mentions (bot.products)


@dataclass
class Suggestion:
    """A reply suggested to a human agent."""

    text: str
    confidence: float
    source: str
    why: str

    def as_dict(self) -> dict:
        return {"text": self.text, "confidence": round(float(self.confidence), 3), "source": self.source, "why": self.why}


@dataclass
class SkillResult:
    reply: str
    skill: str
    sources: list[dict] = field(default_factory=list)  # knowledge hits cited by the reply
    plan: dict | None = None  # the repayment plan, shaped like `finbot plan --json`
    # With a plan: the reply's words before the plan's text (the rest of ``reply``), which a page that
    # draws the plan from ``plan`` shows above its table.
    lead: str | None = None
    data: dict = field(default_factory=dict)  # other structured output (hardship table, quotes)
    quick_replies: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    handoff: bool = False
    handoff_reason: str | None = None


class Skill(Protocol):
    name: str

    def run(self, ctx: TurnContext) -> SkillResult: ...
