"""Greeting, thanks, small talk, out-of-scope and unclear messages: reviewed templates only."""

from __future__ import annotations

from bot.dialogue.skills.base import SkillResult, Suggestion, TurnContext
from bot.dialogue.templates import template

TEMPLATE_BY_INTENT = {
    "chitchat.greeting": "greeting",
    "chitchat.thanks": "thanks",
    "chitchat.other": "chitchat",
    "out_of_scope": "out_of_scope",
    "unclear": "unclear",
}
STARTERS = ["怎么借款", "怎么还款", "提前还款", "借2万分12期每月还多少", "转人工"]


class SmallTalkSkill:
    name = "smalltalk"

    def run(self, ctx: TurnContext) -> SkillResult:
        key = TEMPLATE_BY_INTENT.get(ctx.intent.intent, "unclear")
        reply = template(key, ctx.state.turns)
        quick = STARTERS if key in ("greeting", "unclear", "out_of_scope") else []
        return SkillResult(reply, self.name, quick_replies=quick,
                           suggestions=[Suggestion(reply, ctx.intent.confidence, f"templates.yaml: {key}", f"意图 {ctx.intent.intent}")])
