"""The chat service: sessions, validation and persistence around ``Pipeline.turn``.

After the pipeline has run, the customer's message (masked), the bot's reply, the agent
suggestions, alerts and the session state are stored in one transaction before the turn is
returned: a turn that was acknowledged survives a crash right after (SQLite in WAL mode,
synchronous=FULL). If the pipeline fails, the customer's message is still stored, alone. Opening a
session is one transaction of its own. The pipeline runs outside any transaction: on SQLite a write
transaction holds the file's write lock, which no turn should hold while a model runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.dialogue.pipeline import Pipeline, TurnResult
from bot.dialogue.state import SessionState

log = logging.getLogger(__name__)


class ChatError(ValueError):
    """A request the service refuses; carries a Chinese message for the customer and an English detail."""

    def __init__(self, status: int, message_zh: str, detail: str):
        super().__init__(detail)
        self.status = status
        self.message_zh = message_zh
        self.detail = detail


@dataclass
class ChatTurn:
    session_id: str
    turn_id: int
    result: TurnResult
    suggestion_ids: list[int]


class ChatService:
    def __init__(self, pipeline: Pipeline, store, max_chars: int = 2000):
        self.pipeline = pipeline
        self.store = store
        self.max_chars = max_chars

    # --- sessions ---------------------------------------------------------------------------
    def open_session(self, customer_id: str | None = None, channel: str = "app") -> str:
        # One transaction: the session with its first state, and its access record, are committed
        # together (one commit, one fsync on SQLite), never a session without its state.
        with self.store.transaction():
            session = self.store.create_session(customer_id=customer_id, channel=channel,
                                                state_json=SessionState(customer_id=customer_id).to_json())
            if customer_id:
                self.store.log_access(customer_id, "open_session", session["id"])  # stored masked
        return session["id"]

    def session_for(self, session_id: str, customer_id: str | None) -> dict:
        """The session, if it exists and belongs to this caller; otherwise 404 (never 'forbidden',
        so that a guessed id reveals nothing)."""
        from bot.store import NotFound

        try:
            session = self.store.get_session(session_id)
        except NotFound:
            session = None
        if session is None or (session.get("customer_id") or None) != (customer_id or None):
            raise ChatError(404, "会话不存在或已过期，请重新开始对话。", f"unknown session id {session_id!r}")
        return session

    # --- one turn ---------------------------------------------------------------------------
    def validate(self, message: str) -> str:
        if message is None or not message.strip():
            raise ChatError(422, "消息不能为空，请输入您的问题。", "message must not be empty")
        if len(message) > self.max_chars:
            raise ChatError(422, f"消息太长了（超过{self.max_chars}字），请精简后再发送。",
                            f"message longer than {self.max_chars} characters")
        return message

    def chat(self, message: str, session_id: str | None = None, customer_id: str | None = None) -> ChatTurn:
        message = self.validate(message)
        if session_id is None:
            session_id = self.open_session(customer_id)
        session = self.session_for(session_id, customer_id)
        state = SessionState.from_json(session.get("state_json"))
        state.customer_id = customer_id
        try:
            result = self.pipeline.turn(state, message)
        except Exception:
            self.store.add_turn(session_id, "customer", message)  # the message is kept even when a turn fails
            raise
        # One transaction per turn: the customer's message, the reply, the suggestions (attached to the
        # customer's turn, whose intent the acceptance report groups by), alerts and the new state.
        with self.store.transaction():
            customer_turn = self.store.add_turn(
                session_id, "customer", message, intent=result.intent.intent, confidence=result.intent.confidence,
                fraud_level=result.fraud.level, fraud_scenario=result.fraud.scenario)
            turn_id = self.store.add_turn(
                session_id, "bot", result.reply, intent=result.intent.intent, confidence=result.intent.confidence,
                fraud_level=result.fraud.level, fraud_scenario=result.fraud.scenario, skill=result.skill,
                data_json={"sources": result.sources, "plan": result.plan, "lead": result.lead,
                           "quick_replies": result.quick_replies, "warning": result.warning})
            suggestion_ids = self.store.add_suggestions(customer_turn, [s.as_dict() for s in result.suggestions])
            if result.alert:
                self.store.add_alert(session_id, result.fraud.level, result.fraud.scenario, message)
            fields = {"state_json": state.to_json()}
            if result.handoff:
                fields.update(handoff=True, handoff_reason=result.handoff_reason,
                              handoff_summary_json=state.handoff_summary())
            self.store.update_session(session_id, **fields)
        return ChatTurn(session_id, turn_id, result, suggestion_ids)

    def request_handoff(self, session_id: str, customer_id: str | None = None) -> dict:
        session = self.session_for(session_id, customer_id)
        state = SessionState.from_json(session.get("state_json"))
        state.handoff, state.handoff_reason = True, "requested"
        self.store.update_session(session_id, state_json=state.to_json(), handoff=True, handoff_reason="requested",
                                  handoff_summary_json=state.handoff_summary())
        return state.handoff_summary()
