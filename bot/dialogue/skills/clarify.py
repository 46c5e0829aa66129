"""Ask back when the intent is unsure: quick-reply chips for the likeliest intents."""

from __future__ import annotations

from bot.dialogue.skills.base import SkillResult, Suggestion, TurnContext
from bot.intent.taxonomy import IntentSpec, spec_of
from bot.wording import say


class ClarifySkill:
    name = "clarify"

    def __init__(self, specs: dict[str, IntentSpec]):
        self.specs = specs  # which intents are offered as chips, and their names (intents.yaml)

    def run(self, ctx: TurnContext) -> SkillResult:
        offered = [spec_of(s.intent, self.specs) for s in ctx.intent.top]
        options = [spec.name for spec in offered if spec.offered_in_clarify][:3]
        options.append("转人工")
        reply = say("clarify") if len(options) > 1 else say("unclear")
        return SkillResult(reply, self.name, quick_replies=options,
                           data={"candidates": [{"intent": s.intent, "probability": round(s.probability, 3)} for s in ctx.intent.top]},
                           suggestions=[Suggestion(reply, ctx.intent.confidence, "templates.yaml: clarify",
                                                   f"意图置信度低（{ctx.intent.confidence:.2f}）")])
