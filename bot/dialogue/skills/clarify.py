"""Ask back when the intent is unsure: quick-reply chips for the likeliest intents."""

from __future__ import annotations

from bot.dialogue.skills.base import SkillResult, Suggestion, TurnContext
from bot.dialogue.templates import template
from bot.intent.taxonomy import display_name

NOT_OFFERED = {"unclear", "out_of_scope", "chitchat.other", "chitchat.greeting", "chitchat.thanks"}


class ClarifySkill:
    name = "clarify"

    def run(self, ctx: TurnContext) -> SkillResult:
        options = [display_name(s.intent) for s in ctx.intent.top if s.intent not in NOT_OFFERED][:3]
        options.append("转人工")
        reply = template("clarify") if len(options) > 1 else template("unclear")
        return SkillResult(reply, self.name, quick_replies=options,
                           data={"candidates": [{"intent": s.intent, "probability": round(s.probability, 3)} for s in ctx.intent.top]},
                           suggestions=[Suggestion(reply, ctx.intent.confidence, "templates.yaml: clarify",
                                                   f"意图置信度低（{ctx.intent.confidence:.2f}）")])
