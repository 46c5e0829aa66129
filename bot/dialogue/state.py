"""What a session remembers between turns: slots, the last topic, the intent history and flags.

Kept small and JSON-serialisable: it is stored with the session after every turn.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class SessionState:
    customer_id: str | None = None
    slots: dict[str, str] = field(default_factory=dict)  # repayment slots as strings (Decimals exact)
    last_topic: str | None = None  # the skill of the last answered turn ("repay.plan", "knowledge", …)
    pending_slot: str | None = None  # the slot the bot just asked for
    low_confidence_streak: int = 0
    intent_history: list[str] = field(default_factory=list)
    fraud_flags: list[dict] = field(default_factory=list)
    handoff: bool = False
    handoff_reason: str | None = None
    selected_loan: str | None = None  # which of the customer's loans the conversation is about
    turns: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, stored: str | dict | None) -> "SessionState":
        """From the stored JSON (the store returns ``*_json`` columns already decoded)."""
        if not stored:
            return cls()
        raw = json.loads(stored) if isinstance(stored, str) else stored
        return cls(**{k: v for k, v in raw.items() if k in cls.__dataclass_fields__})

    def handoff_summary(self) -> dict:
        """What a human agent needs to take over: intents so far, slots, fraud flags."""
        return {"intent_history": self.intent_history[-10:], "slots": dict(self.slots),
                "fraud_flags": self.fraud_flags[-5:], "reason": self.handoff_reason, "turns": self.turns,
                "customer_id": self.customer_id}
