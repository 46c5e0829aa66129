"""Repayment skills: the instalment trial with slot filling across turns, and the early-repayment,
overdue and hardship what-ifs computed on that trial loan. All figures come from the repayment
generator (``bot.repayment``); nothing is estimated in text.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from bot.dialogue.skills.base import SkillResult, Suggestion, TurnContext
from bot.dialogue.skills.knowledge import KnowledgeSkill
from bot.repayment.early import quote_early_repayment
from bot.repayment.errors import PlanError
from bot.repayment.hardship import hardship_options
from bot.repayment.overdue import OverdueRules, late_payment_table
from bot.repayment.reader import LoanRequest, question_for, read_loan_request, terms_from_request
from bot.repayment.render import (
    early_quote_to_chat,
    early_quote_to_dict,
    hardship_to_chat,
    hardship_to_dict,
    late_table_to_chat,
    overdue_cost_to_dict,
    plan_terms_line,
    plan_to_chat,
    plan_to_dict,
)
from bot.repayment.schedule import build_plan
from bot.repayment.terms import Method
from bot.wording import say

SLOT_FIELDS = ("amount", "months", "annual_rate", "daily_rate", "monthly_fee_rate", "method")
QUICK_REPLIES = {
    "amount": ["借5000", "借1万", "借2万"],
    "months": ["6期", "12期", "24期"],
    "price": ["年化7.2%", "年化18%", "日息万五"],
}
PERIODS_PAID = re.compile(r"(?:还了|已还|第)\s*(\d{1,3})\s*(?:期|个月)")


def request_from_slots(slots: dict[str, str]) -> LoanRequest:
    values = {}
    for name in SLOT_FIELDS:
        raw = slots.get(name)
        if raw is None:
            continue
        values[name] = int(raw) if name == "months" else Method(raw) if name == "method" else Decimal(raw)
    return LoanRequest(**values)


def slots_from_request(request: LoanRequest) -> dict[str, str]:
    slots = {}
    for name in SLOT_FIELDS:
        value = getattr(request, name)
        if value is not None:
            slots[name] = value.value if isinstance(value, Method) else str(value)
    return slots


def merged_request(ctx: TurnContext) -> LoanRequest:
    """The trial loan: earlier turns' slots, updated by what this message says ("那12期呢")."""
    request = request_from_slots(ctx.state.slots).updated_with(read_loan_request(ctx.text))
    ctx.state.slots = slots_from_request(request)
    return request


def message_fills_slots(text: str) -> bool:
    return not read_loan_request(text).is_empty


def _plan(request: LoanRequest, today: dt.date):
    return build_plan(terms_from_request(request, start_date=today))


class RepaymentPlanSkill:
    name = "repay.plan"

    def __init__(self, today=dt.date.today):
        self.today = today

    def run(self, ctx: TurnContext) -> SkillResult:
        request = merged_request(ctx)
        if request.missing:
            slot = request.missing[0]
            ctx.state.pending_slot = slot
            question = question_for(slot)
            return SkillResult(question, self.name, quick_replies=QUICK_REPLIES.get(slot, []),
                               data={"slots": dict(ctx.state.slots), "missing": list(request.missing)},
                               suggestions=[Suggestion(question, 0.8, "bot.repayment.reader", f"试算缺少：{slot}")])
        ctx.state.pending_slot = None
        try:
            plan = _plan(request, self.today())
        except PlanError as exc:
            return SkillResult(exc.message_zh, self.name, data={"error": exc.to_dict()})
        intro = say("plan_intro")
        reply = intro + "\n" + plan_to_chat(plan)
        lead = intro + "\n" + plan_terms_line(plan)  # plan_to_chat's first line: the page draws the rest from `plan`
        return SkillResult(reply, self.name, plan=plan_to_dict(plan), lead=lead, data={"slots": dict(ctx.state.slots)},
                           quick_replies=["那24期呢", "提前还清要多少", "逾期会怎样"],
                           suggestions=[Suggestion(reply, 0.95, "还款计划生成器（bot.repayment）", "按客户给出的金额、期数、利率试算")])


class _WhatIfSkill:
    """Shared shape: with a complete trial loan, compute; otherwise answer from the knowledge base."""

    name = "what-if"

    def __init__(self, knowledge: KnowledgeSkill, today=dt.date.today):
        self.knowledge = knowledge
        self.today = today

    def run(self, ctx: TurnContext) -> SkillResult:
        if message_fills_slots(ctx.text) or ctx.state.last_topic == RepaymentPlanSkill.name:
            request = merged_request(ctx)
            if not request.missing:
                try:
                    return self.compute(ctx, _plan(request, self.today()))
                except PlanError as exc:
                    return SkillResult(exc.message_zh, self.name, data={"error": exc.to_dict()})
        result = self.knowledge.run(ctx)
        result.quick_replies = result.quick_replies or ["借2万分12期每月还多少"]
        return result

    def compute(self, ctx: TurnContext, plan) -> SkillResult:
        raise NotImplementedError


class EarlyRepaymentSkill(_WhatIfSkill):
    name = "repay.early"

    def compute(self, ctx, plan):
        match = PERIODS_PAID.search(ctx.text)
        paid = int(match.group(1)) if match else len(plan.periods) // 2
        paid = max(0, min(paid, len(plan.periods) - 1))
        on = (plan.periods[paid - 1].due_date if paid else plan.terms.start_date) + dt.timedelta(days=1)
        quote = quote_early_repayment(plan, on)
        reply = say("early.trial_intro", periods_paid=paid) + "\n" + early_quote_to_chat(quote)
        return SkillResult(reply, self.name, data={"early_repayment": early_quote_to_dict(quote)},
                           suggestions=[Suggestion(reply, 0.9, "还款计划生成器：提前还款", "按试算借款计算")])


class OverdueSkill(_WhatIfSkill):
    name = "repay.overdue"

    def compute(self, ctx, plan):
        rules = OverdueRules()
        rows = late_payment_table(plan, 1, rules=rules)
        reply = say("late.trial_intro") + "\n" + late_table_to_chat(rows, rules.penalty_rate(plan))
        return SkillResult(reply, self.name, data={"late_table": [overdue_cost_to_dict(r) for r in rows]},
                           suggestions=[Suggestion(reply, 0.9, "还款计划生成器：逾期试算", "按试算借款计算")])


class HardshipSkill(_WhatIfSkill):
    name = "repay.hardship"

    def compute(self, ctx, plan):
        comparison = hardship_options(plan, plan.terms.start_date)
        reply = say("hardship.trial_intro") + "\n" + hardship_to_chat(comparison)
        return SkillResult(reply, self.name, data={"hardship": hardship_to_dict(comparison)}, quick_replies=["转人工"],
                           suggestions=[Suggestion(reply, 0.9, "还款计划生成器：困难方案", "按剩余本金计算")])
