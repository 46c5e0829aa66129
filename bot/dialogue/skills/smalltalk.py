"""Greeting, thanks, small talk, out-of-scope and unclear messages: reviewed templates only."""

from __future__ import annotations

from bot.dialogue.skills.base import SkillResult, Suggestion, TurnContext
from bot.intent.taxonomy import IntentSpec, spec_of
from bot.wording import say

STARTERS = ["怎么借款", "怎么还款", "提前还款", "借2万分12期每月还多少", "转人工"]


class SmallTalkSkill:
    name = "smalltalk"

    def __init__(self, specs: dict[str, IntentSpec]):
        self.specs = specs  # each intent's template (models/intent/intents.yaml)

    def run(self, ctx: TurnContext) -> SkillResult:
        key = spec_of(ctx.intent.intent, self.specs).template or "unclear"
        reply = say(key, ctx.state.turns)
        quick = STARTERS if key in ("greeting", "unclear", "out_of_scope") else []
        return SkillResult(reply, self.name, quick_replies=quick,
                           suggestions=[Suggestion(reply, ctx.intent.confidence, f"templates.yaml: {key}", f"意图 {ctx.intent.intent}")])
