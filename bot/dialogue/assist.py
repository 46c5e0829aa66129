"""Agent assist: the three best replies to suggest to a human agent for a customer message."""

from __future__ import annotations

from bot.dialogue.skills.base import SkillResult, Suggestion, TurnContext

MAX_SUGGESTIONS = 3


def agent_suggestions(result: SkillResult, fraud, warning: str | None, knowledge, ctx: TurnContext) -> list[Suggestion]:
    """The skill's own output, knowledge answers and templates, best first, without repeats.

    A fraud warning, when one fired, is always first: the agent must see it and can send it."""
    candidates: list[Suggestion] = []
    if warning:
        candidates.append(Suggestion(warning, max(0.9, float(fraud.score)), f"反诈场景库：{fraud.scenario}",
                                     f"风险等级 {fraud.level}"))
    candidates += result.suggestions
    if result.skill != knowledge.name:
        candidates += [Suggestion(h.answer, h.similarity, h.source, f"知识库条目「{h.title}」({h.entry_id})")
                       for h in knowledge.hits(ctx, k=3)]
    seen, chosen = set(), []
    head = candidates[:1] if warning else []
    for suggestion in head + sorted(candidates[len(head):], key=lambda s: -s.confidence):
        if suggestion.text not in seen:
            seen.add(suggestion.text)
            chosen.append(suggestion)
    return chosen[:MAX_SUGGESTIONS]
