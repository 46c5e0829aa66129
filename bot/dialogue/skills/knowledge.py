"""Answer from the knowledge base: the best entry's reviewed answer, with its source."""

from __future__ import annotations

from bot.dialogue.skills.base import SkillResult, Suggestion, TurnContext
from bot.wording import say


class KnowledgeSkill:
    name = "knowledge"

    def __init__(self, retriever, suggestions: int = 3):
        self.retriever = retriever
        self.suggestions = suggestions

    def hits(self, ctx: TurnContext, k: int = 3):
        intent = ctx.intent.intent if ctx.intent.confident else None
        return self.retriever.search(ctx.text, intent=intent, k=k, query_vector=ctx.query_vector)

    def run(self, ctx: TurnContext) -> SkillResult:
        hits = self.hits(ctx, k=max(3, self.suggestions))
        suggestions = [Suggestion(h.answer, h.similarity, h.source, f"知识库条目「{h.title}」({h.entry_id})") for h in hits]
        if not hits and ctx.products is not None and ctx.products.other_only:
            # Another lender's product: we answer for our own products only (the retriever finds nothing).
            names = "、".join(dict.fromkeys(m.surface for m in ctx.products.mentions))
            reply = say("other_lender_product", products=names)
            return SkillResult(reply, self.name, suggestions=[Suggestion(reply, 0.5, "templates.yaml: other_lender_product",
                                                                          "客户问的是其他机构的产品")])
        if not hits:
            reply = say("no_answer")
            return SkillResult(reply, self.name, quick_replies=["转人工"],
                               suggestions=[Suggestion(reply, 0.5, "templates.yaml: no_answer",
                                                       "知识库没有足够相近的条目")])
        best = hits[0]
        return SkillResult(best.answer, self.name, sources=[h.as_dict() for h in hits[:1]], suggestions=suggestions,
                           data={"entry_id": best.entry_id, "title": best.title})
