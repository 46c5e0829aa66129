"""One customer turn: normalise → fraud screen → intent → route → skill → reply.

``Pipeline.turn`` reads like the architecture sketch. It is pure with respect to storage: it
takes the session's state, updates it, and returns a ``TurnResult``; ``ChatService`` persists.
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bot.dialogue.assist import agent_suggestions
from bot.dialogue.skills.base import SkillResult, Suggestion, TurnContext
from bot.dialogue.skills.clarify import ClarifySkill
from bot.dialogue.skills.forwarded import ForwardedMessageSkill
from bot.dialogue.skills.handoff import HandoffSkill
from bot.dialogue.skills.knowledge import KnowledgeSkill
from bot.dialogue.skills.repayment import (EarlyRepaymentSkill, HardshipSkill, OverdueSkill, RepaymentPlanSkill,
                                           message_fills_slots)
from bot.dialogue.skills.smalltalk import TEMPLATE_BY_INTENT, SmallTalkSkill
from bot.dialogue.state import SessionState
from bot.fraud.policy import respond, safe_reply
from bot.products import product_names
from bot.text import normalize

log = logging.getLogger(__name__)

# Threads that run the intent model beside the sentence encoder: the two models take about the same
# time and the machine has two cores. As many as the web server's worker threads, so that concurrent
# turns reach the intent model together and are batched there (bot.runtime.OnnxEncoder).
_BESIDE = ThreadPoolExecutor(max_workers=40, thread_name_prefix="intent")

LOW_CONFIDENCE_TURNS_BEFORE_HANDOFF = 2
SLOT_SKILLS = (RepaymentPlanSkill.name, EarlyRepaymentSkill.name, OverdueSkill.name, HardshipSkill.name)
# Intents that always win over an ongoing slot-filling dialogue.
OVERRIDING_INTENTS = {"human.agent", "fraud.report", "complaint", "collection.complaint", "chitchat.thanks"}


@dataclass
class TurnResult:
    reply: str  # the whole reply: the fraud warning (if any) first, then the skill's answer
    answer: str  # the skill's answer alone
    warning: str | None
    intent: Any  # IntentPrediction
    fraud: Any  # FraudAssessment
    skill: str
    sources: list[dict] = field(default_factory=list)
    plan: dict | None = None
    data: dict = field(default_factory=dict)
    quick_replies: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    handoff: bool = False
    handoff_reason: str | None = None
    alert: bool = False  # raise an alert on the agent console


class Pipeline:
    def __init__(self, intents, fraud, retriever, account_skills: dict | None = None, today=dt.date.today):
        self.intents = intents
        self.fraud = fraud
        self.retriever = retriever
        self.knowledge = KnowledgeSkill(retriever)
        self.clarify = ClarifySkill()
        self.smalltalk = SmallTalkSkill()
        self.forwarded = ForwardedMessageSkill()
        self.by_intent = {
            "repay.plan": RepaymentPlanSkill(today),
            "repay.early": EarlyRepaymentSkill(self.knowledge, today),
            "repay.overdue": OverdueSkill(self.knowledge, today),
            "repay.hardship": HardshipSkill(self.knowledge, today),
            "human.agent": HandoffSkill("requested"),
            **{intent: self.smalltalk for intent in TEMPLATE_BY_INTENT},
        }
        # Skills over the customer's own loans (issue 9) replace the general ones when signed in.
        self.account_skills = account_skills or {}

    def turn(self, state: SessionState, message: str) -> TurnResult:
        text = normalize(message)
        intent_job = _BESIDE.submit(self.intents.classify, text)  # the two models run side by side
        query_vector = self.retriever.embed(text)  # one backbone pass, shared by fraud screen and retrieval
        fraud = self.fraud.assess(message, embedding=query_vector)
        intent = intent_job.result()
        products = product_names().find(text)  # 借呗、微粒贷…: ours, or another lender's
        skill = self.route(state, text, intent, fraud, products.other_only)
        ctx = TurnContext(text, intent, fraud, state, query_vector, products)
        result = skill.run(ctx)
        policy = respond(fraud, self.fraud.catalogue)  # a warning precedes whatever the skill answered
        answer = safe_reply(result.reply)  # the bot never asks for codes, passwords or transfers
        self.remember(state, intent, fraud, result)
        return TurnResult(
            reply=policy.apply(answer), answer=answer, warning=policy.banner, intent=intent, fraud=fraud,
            skill=result.skill, sources=result.sources, plan=result.plan, data=result.data,
            quick_replies=(["转人工"] if policy.offer_human and "转人工" not in result.quick_replies else [])
            + result.quick_replies,
            suggestions=agent_suggestions(result, fraud, policy.banner, self.knowledge, ctx),
            handoff=result.handoff, handoff_reason=result.handoff_reason, alert=policy.alert_agent,
        )

    def route(self, state: SessionState, text: str, intent, fraud, other_lender: bool = False):
        """Pick the skill: critical fraud and explicit requests first, then an ongoing trial,
        then confidence, then the intent."""
        if fraud.level == "critical":
            return HandoffSkill("fraud")
        if fraud.pasted is not None and fraud.pasted.pasted and not fraud.alert:
            return self.forwarded  # a pasted advert or notice: judged as a message, answered plainly
        if intent.intent in OVERRIDING_INTENTS and intent.confident:
            state.low_confidence_streak = 0
            return self.by_intent.get(intent.intent, self.knowledge)
        if state.customer_id and state.pending_slot == "loan":  # the bot asked "which of your loans?"
            pending = next((s for s in self.account_skills.values() if s.name == state.last_topic), None)
            if pending is not None and pending.picks_loan(state.customer_id, text):
                return pending
            state.pending_slot = None  # not an answer to the question: a new topic
        if state.last_topic in SLOT_SKILLS and message_fills_slots(text):
            state.low_confidence_streak = 0
            chosen = self.by_intent.get(intent.intent) if intent.confident else None
            return chosen if chosen is not None and chosen.name in SLOT_SKILLS else self.by_intent["repay.plan"]
        if not intent.confident or intent.intent == "unclear":  # a turn the bot could not understand
            state.low_confidence_streak += 1
            if state.low_confidence_streak >= LOW_CONFIDENCE_TURNS_BEFORE_HANDOFF:
                return HandoffSkill("low_confidence")
            return self.clarify if not intent.confident else self.smalltalk
        state.low_confidence_streak = 0
        if other_lender and intent.intent not in TEMPLATE_BY_INTENT:
            return self.knowledge  # another lender's product: the knowledge skill says we serve our own only
        if state.customer_id and intent.intent in self.account_skills:
            return self.account_skills[intent.intent]
        return self.by_intent.get(intent.intent, self.knowledge)

    @staticmethod
    def remember(state: SessionState, intent, fraud, result: SkillResult) -> None:
        state.turns += 1
        state.intent_history.append(intent.intent)
        if result.skill != ClarifySkill.name:
            state.last_topic = result.skill
        if fraud.level in ("warning", "critical"):
            state.fraud_flags.append({"level": fraud.level, "scenario": fraud.scenario, "turn": state.turns})
        if result.handoff:
            state.handoff = True
            state.handoff_reason = result.handoff_reason
            if state.low_confidence_streak >= LOW_CONFIDENCE_TURNS_BEFORE_HANDOFF:
                state.low_confidence_streak = 0
