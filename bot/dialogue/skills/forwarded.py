"""A message the customer forwarded (an SMS, a WeChat message) that is not a scam: a plain answer.

Customers paste adverts and notices to ask whether they are scams. When the fraud screen finds no
scam in such a message, the customer still deserves an answer to the question they are really
asking: it looks like ordinary marketing or a notice, how to check a sender, and that we never ask
for codes. A pasted message with some suspicious wording (fraud level ``notice``) gets the careful
variant, naming what to be wary of.
"""

from __future__ import annotations

from bot.dialogue.skills.base import SkillResult, Suggestion, TurnContext
from bot.wording import say


class ForwardedMessageSkill:
    name = "forwarded_message"

    def run(self, ctx: TurnContext) -> SkillResult:
        fraud = ctx.fraud
        if fraud.level == "notice" and fraud.evidence:
            terms = "".join(f"「{t}」" for t in dict.fromkeys(item.term for item in fraud.evidence))
            key, reply = "forwarded_notice", say("forwarded_notice", terms=terms)
        else:
            key, reply = "forwarded_ordinary", say("forwarded_ordinary")
        return SkillResult(reply, self.name, quick_replies=["怎么识别诈骗短信", "转人工"],
                           suggestions=[Suggestion(reply, 0.6, f"templates.yaml: {key}", "客户转发的短信或消息，未见诈骗特征")])
