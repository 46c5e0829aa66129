"""Hand the conversation to a human agent, with a summary for the agent."""

from __future__ import annotations

from bot.dialogue.skills.base import SkillResult, Suggestion, TurnContext
from bot.wording import say

TEMPLATE_BY_REASON = {"requested": "handoff_requested", "low_confidence": "handoff_low_confidence",
                      "fraud": "handoff_fraud"}


class HandoffSkill:
    name = "handoff"

    def __init__(self, reason: str = "requested"):
        self.reason = reason

    def run(self, ctx: TurnContext) -> SkillResult:
        reply = say(TEMPLATE_BY_REASON[self.reason])
        return SkillResult(reply, self.name, handoff=True, handoff_reason=self.reason,
                           suggestions=[Suggestion(say("agent_opening"), 0.9, "templates.yaml: agent_opening",
                                                   f"转人工原因：{self.reason}")])
