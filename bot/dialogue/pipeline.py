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
from bot.dialogue.skills.repayment import (
    EarlyRepaymentSkill,
    HardshipSkill,
    OverdueSkill,
    RepaymentPlanSkill,
    message_fills_slots,
)
from bot.dialogue.skills.smalltalk import SmallTalkSkill
from bot.dialogue.state import SessionState
from bot.fraud.policy import respond, safe_reply
from bot.intent.taxonomy import IntentSpec, intent_specs, spec_of
from bot.privacy import contains_secret
from bot.products import product_names
from bot.text import normalize
from bot.wording import say

log = logging.getLogger(__name__)

# Threads that run the intent model beside the sentence encoder: the two models take about the same
# time and the machine has two cores. As many as the web server's worker threads, so that concurrent
# turns reach the intent model together and are batched there (bot.runtime.OnnxEncoder).
_BESIDE = ThreadPoolExecutor(max_workers=40, thread_name_prefix="intent")

LOW_CONFIDENCE_TURNS_BEFORE_HANDOFF = 2
SLOT_SKILLS = (RepaymentPlanSkill.name, EarlyRepaymentSkill.name, OverdueSkill.name, HardshipSkill.name)


@dataclass
class TurnResult:
    """What one turn gives back: the skill's own result, and what the pipeline added around it."""

    served: SkillResult  # the skill's answer, sources, plan, data and handoff, as the skill made them
    reply: str  # the whole reply: the fraud warning (if any) first, then the answer
    answer: str  # the answer alone: the skill's reply after the safety check (and the never-share note)
    lead: str | None  # with a plan: the answer's words before the plan, checked the same way (SkillResult.lead)
    warning: str | None
    intent: Any  # IntentPrediction
    fraud: Any  # FraudAssessment
    quick_replies: list[str] = field(default_factory=list)  # the skill's, with 转人工 first on a warning
    suggestions: list[Suggestion] = field(default_factory=list)  # for the agent
    alert: bool = False  # raise an alert on the agent console

    @property
    def skill(self) -> str:
        return self.served.skill

    @property
    def sources(self) -> list[dict]:
        return self.served.sources

    @property
    def plan(self) -> dict | None:
        return self.served.plan

    @property
    def data(self) -> dict:
        return self.served.data

    @property
    def handoff(self) -> bool:
        return self.served.handoff

    @property
    def handoff_reason(self) -> str | None:
        return self.served.handoff_reason


class Pipeline:
    def __init__(self, intents, fraud, retriever, account_skills: dict | None = None, today=dt.date.today,
                 specs: dict[str, IntentSpec] | None = None):
        self.intents = intents
        self.fraud = fraud
        self.retriever = retriever
        self.specs = specs if specs is not None else intent_specs()  # models/intent/intents.yaml
        self.knowledge = KnowledgeSkill(retriever)
        self.clarify = ClarifySkill(self.specs)
        self.smalltalk = SmallTalkSkill(self.specs)
        self.forwarded = ForwardedMessageSkill()
        skills = {skill.name: skill for skill in (
            self.knowledge, self.smalltalk, RepaymentPlanSkill(today), EarlyRepaymentSkill(self.knowledge, today),
            OverdueSkill(self.knowledge, today), HardshipSkill(self.knowledge, today), HandoffSkill("requested"))}
        # Intent → the skill intents.yaml names for it, and the skill over the customer's own loans
        # (bot/dialogue/skills/account.py, by name) that replaces it when the session is signed in.
        self.skills = skills
        self.by_intent = {intent: skills[spec.skill] for intent, spec in self.specs.items()}
        account_skills = account_skills or {}
        self.account_skills = {intent: account_skills[spec.account_skill] for intent, spec in self.specs.items()
                               if spec.account_skill in account_skills}

    def turn(self, state: SessionState, message: str) -> TurnResult:
        text = normalize(message)
        intent_job = _BESIDE.submit(self.intents.classify, text)  # the two models run side by side
        query_vector = self.retriever.embed(text)  # one backbone pass for every retrieval of this turn
        fraud = self.fraud.assess(message)
        intent = intent_job.result()
        products = product_names().find(text)  # 借呗、微粒贷…: ours, or another lender's
        skill = self.route(state, text, intent, fraud, products.other_only)
        ctx = TurnContext(text, intent, fraud, state, query_vector, products)
        result = skill.run(ctx)
        policy = respond(fraud, self.fraud.catalogue)  # a warning precedes whatever the skill answered
        answer = self.checked(result.reply, message)
        lead = self.checked(result.lead, message) if result.lead is not None else None
        self.remember(state, intent, fraud, result)
        return TurnResult(
            served=result, reply=policy.apply(answer), answer=answer, lead=lead, warning=policy.banner, intent=intent,
            fraud=fraud,
            quick_replies=(["转人工"] if policy.offer_human and "转人工" not in result.quick_replies else [])
            + result.quick_replies,
            suggestions=agent_suggestions(result, fraud, policy.banner, self.knowledge, ctx),
            alert=policy.alert_agent,
        )

    @staticmethod
    def checked(reply: str, message: str) -> str:
        """The skill's words as the customer gets them: never asking for codes, passwords or transfers,
        and after a message that gave a secret (我的验证码是123456: stored masked), why it should not."""
        reply = safe_reply(reply)
        if contains_secret(message):
            reply = say("never_share_secret") + "\n\n" + reply
        return reply

    def route(self, state: SessionState, text: str, intent, fraud, other_lender: bool = False):
        """Pick the skill: critical fraud and explicit requests first, then an ongoing trial,
        then confidence, then the intent."""
        if fraud.level == "critical":
            return HandoffSkill("fraud")
        if fraud.pasted is not None and fraud.pasted.pasted and not fraud.alert:
            return self.forwarded  # a pasted advert or notice: judged as a message, answered plainly
        spec = spec_of(intent.intent, self.specs)
        if spec.overrides_dialogue and intent.confident:
            state.low_confidence_streak = 0
            return self.by_intent.get(spec.id, self.knowledge)
        if state.customer_id and state.pending_slot == "loan":  # the bot asked "which of your loans?"
            pending = next((s for s in self.account_skills.values() if s.name == state.last_topic), None)
            if pending is not None and pending.picks_loan(state.customer_id, text):
                return pending
            state.pending_slot = None  # not an answer to the question: a new topic
        if state.last_topic in SLOT_SKILLS and message_fills_slots(text):
            state.low_confidence_streak = 0
            chosen = self.by_intent.get(spec.id) if intent.confident else None
            return chosen if chosen is not None and chosen.name in SLOT_SKILLS else self.skills[RepaymentPlanSkill.name]
        if not intent.confident or intent.intent == "unclear":  # a turn the bot could not understand
            state.low_confidence_streak += 1
            if state.low_confidence_streak >= LOW_CONFIDENCE_TURNS_BEFORE_HANDOFF:
                return HandoffSkill("low_confidence")
            return self.clarify if not intent.confident else self.smalltalk
        state.low_confidence_streak = 0
        if other_lender and spec.skill != SmallTalkSkill.name:
            return self.knowledge  # another lender's product: the knowledge skill says we serve our own only
        if state.customer_id and spec.id in self.account_skills:
            return self.account_skills[spec.id]
        return self.by_intent.get(spec.id, self.knowledge)

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
