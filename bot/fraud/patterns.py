"""The lexicon stage: every catalogue term matched in one pass, combined into scenario scores.

All terms of all scenarios (signals, pattern terms, benign contexts, critical triggers, and the
common signals) go into a single Aho-Corasick automaton, so a message is scanned once whatever
the size of the catalogue. The hits are then scored per scenario as the catalogue's header
describes: role sums capped at ``role_cap``, a synergy bonus for each further role, benign
contexts subtracted, and ``score = raw / (raw + half_score)``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import ahocorasick

from bot.fraud.catalogue import Catalogue
from bot.fraud.normalize import fold

# Owner of the entries that belong to no single scenario (common signals and benign contexts).
_COMMON = "*"


@dataclass(frozen=True)
class Evidence:
    """A matched term: ``text[start:end]`` of the original message is where it was found."""

    start: int
    end: int
    term: str
    role: str

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "term": self.term, "role": self.role}


@dataclass(frozen=True)
class ScenarioScore:
    scenario: str
    raw: float
    score: float
    role_scores: dict[str, float]
    evidence: tuple[Evidence, ...]  # what raised the score, in text order
    benign: tuple[Evidence, ...]  # ordinary-question contexts that lowered it
    critical: bool  # one of the scenario's critical_when terms is in the message


@dataclass(frozen=True)
class _Entry:
    owner: str  # scenario id or _COMMON
    kind: str  # "signal", "benign", "pattern", "critical"
    role: str = ""
    weight: float = 0.0
    pattern: int = -1  # index of the pattern within its scenario (kind "pattern")
    group: int = -1  # index of the group within the pattern


@dataclass
class _Hit:
    start: int
    end: int
    term: str
    entry: _Entry


@dataclass
class _ScenarioHits:
    signals: list[_Hit] = field(default_factory=list)
    benign: list[_Hit] = field(default_factory=list)
    pattern_groups: dict[tuple[int, int], _Hit] = field(default_factory=dict)  # first hit per group
    critical: bool = False


class PatternMatcher:
    """Scores a message against every scenario of a catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[_Entry]] = defaultdict(list)

        def add(term: str, entry: _Entry) -> None:
            entries[fold(term)].append(entry)

        for role, terms in catalogue.common_signals.items():
            for term, weight in terms.items():
                add(term, _Entry(_COMMON, "signal", role, weight))
        for term, weight in catalogue.common_benign.items():
            add(term, _Entry(_COMMON, "benign", "benign", weight))
        for scenario in catalogue.scenarios.values():
            for role, terms in scenario.signals.items():
                for term, weight in terms.items():
                    add(term, _Entry(scenario.id, "signal", role, weight))
            for pattern_index, pattern in enumerate(scenario.patterns):
                for group_index, group in enumerate(pattern.groups):
                    for term in group:
                        add(term, _Entry(scenario.id, "pattern", pattern.role, 0.0, pattern_index, group_index))
            for term, weight in scenario.benign.items():
                add(term, _Entry(scenario.id, "benign", "benign", weight))
            for term in scenario.critical_when:
                add(term, _Entry(scenario.id, "critical"))

        for term, term_entries in entries.items():
            self._automaton.add_word(term, (term, tuple(term_entries)))
        self._automaton.make_automaton()

    def score(self, text: str) -> dict[str, ScenarioScore]:
        """Scores of the scenarios with evidence of their own in ``text`` (others are absent)."""
        folded = fold(text)
        common_signals: list[_Hit] = []
        common_benign: list[_Hit] = []
        by_scenario: dict[str, _ScenarioHits] = defaultdict(_ScenarioHits)
        words: list[_Hit] = []  # signal and benign matches of every owner: the message's "words"

        for end_index, (term, term_entries) in self._automaton.iter(folded):
            start, end = end_index - len(term) + 1, end_index + 1
            for entry in term_entries:
                hit = _Hit(start, end, term, entry)
                if entry.kind in ("signal", "benign"):
                    words.append(hit)
                if entry.owner == _COMMON:
                    (common_signals if entry.kind == "signal" else common_benign).append(hit)
                    continue
                hits = by_scenario[entry.owner]
                if entry.kind == "signal":
                    hits.signals.append(hit)
                elif entry.kind == "benign":
                    hits.benign.append(hit)
                elif entry.kind == "pattern":
                    hits.pattern_groups.setdefault((entry.pattern, entry.group), hit)
                else:
                    hits.critical = True

        scores = {}
        word_index = _SpanIndex(words)
        for scenario_id, hits in by_scenario.items():
            scored = self._score_scenario(scenario_id, hits, common_signals, common_benign, word_index)
            if scored is not None:
                scores[scenario_id] = scored
        return scores

    def _score_scenario(
        self,
        scenario_id: str,
        hits: _ScenarioHits,
        common_signals: list[_Hit],
        common_benign: list[_Hit],
        words: _SpanIndex,
    ) -> ScenarioScore | None:
        scenario = self.catalogue.scenarios[scenario_id]
        scoring = self.catalogue.scoring

        fired_patterns = []
        for pattern_index, pattern in enumerate(scenario.patterns):
            group_hits = [hits.pattern_groups.get((pattern_index, g)) for g in range(len(pattern.groups))]
            if all(group_hits):
                fired_patterns.append((pattern, group_hits))

        # The scenario's own term wins over the same common term. A term inside a longer term
        # of this scenario or a benign context does not count (账户 in 安全账户, 验证码 in
        # 收不到验证码), nor does one that straddles the edge of words in any other longer match
        # (验资 in 体验资格, 卡密 in 银行卡密码): the longer match is what the customer wrote.
        own_terms = {hit.term for hit in hits.signals}
        candidates = hits.signals + [hit for hit in common_signals if hit.term not in own_terms]
        benign_hits = hits.benign + common_benign
        local = _SpanIndex(candidates + benign_hits)
        # A term counts once: its first occurrence that stands on its own. Later occurrences of a
        # term already counted are not examined (a long scam script repeats its terms many times).
        counted: list[_Hit] = []
        counted_terms: set[str] = set()
        for hit in candidates:
            if hit.term in counted_terms or local.any_around(hit, _inside) or words.any_around(hit, _straddles):
                continue
            counted_terms.add(hit.term)
            counted.append(hit)
        # Common signals only amplify a scenario that has evidence of its own.
        if not fired_patterns and not any(hit.entry.owner == scenario_id for hit in counted):
            return None

        role_sums: dict[str, float] = defaultdict(float)
        evidence: list[Evidence] = []
        seen_terms = set(counted_terms)
        for hit in counted:
            role_sums[hit.entry.role] += hit.entry.weight
            evidence.append(Evidence(hit.start, hit.end, hit.term, hit.entry.role))
        for pattern, group_hits in fired_patterns:
            role_sums[pattern.role] += pattern.weight
            for hit in group_hits:
                if hit.term not in seen_terms:
                    seen_terms.add(hit.term)
                    evidence.append(Evidence(hit.start, hit.end, hit.term, pattern.role))

        role_scores = {role: min(scoring.role_cap, total) for role, total in role_sums.items() if total > 0}
        raw = sum(role_scores.values()) * (1.0 + scoring.synergy * max(0, len(role_scores) - 1))

        benign_evidence: list[Evidence] = []
        benign_terms: set[str] = set()
        for hit in benign_hits:
            if hit.term not in benign_terms:
                benign_terms.add(hit.term)
                raw -= hit.entry.weight
                benign_evidence.append(Evidence(hit.start, hit.end, hit.term, "benign"))
        raw = max(0.0, raw)

        return ScenarioScore(
            scenario=scenario_id,
            raw=raw,
            score=raw / (raw + scoring.half_score),
            role_scores=role_scores,
            evidence=_outermost(evidence),
            benign=tuple(sorted(benign_evidence, key=lambda e: (e.start, e.end))),
            critical=hits.critical,
        )


class _SpanIndex:
    """Matches by start position, so that "is this match inside a longer one?" looks only at the
    matches that can contain it (those starting at most one term length before it). That keeps a
    message's scoring linear in its length; comparing every match with every other was quadratic
    (a 20,000-character text dense with scam terms took most of a minute)."""

    def __init__(self, hits: list[_Hit] | list[Evidence]):
        self.by_start: dict[int, list] = defaultdict(list)
        for hit in hits:
            self.by_start[hit.start].append(hit)
        self.longest = max((hit.end - hit.start for hit in hits), default=0)

    def any_around(self, hit, relation) -> bool:
        """True when ``relation(hit, other)`` holds for a match ``other`` that spans ``hit``."""
        for start in range(max(0, hit.end - self.longest), hit.start + 1):
            for other in self.by_start.get(start, ()):
                if relation(hit, other):
                    return True
        return False


def _inside(inner: _Hit | Evidence, outer: _Hit | Evidence) -> bool:
    """``inner``'s span lies within ``outer``'s and is shorter."""
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and (outer.end - outer.start) > (inner.end - inner.start)
    )


def _straddles(inner: _Hit, outer: _Hit) -> bool:
    """``inner`` lies strictly inside ``outer``, touching neither end (卡密 in 银行卡密码)."""
    return outer.start < inner.start and inner.end < outer.end


def _outermost(evidence: list[Evidence]) -> tuple[Evidence, ...]:
    """Evidence in text order, without spans nested in a longer one (pattern terms overlap signals)."""
    index = _SpanIndex(evidence)
    kept = [item for item in evidence if not index.any_around(item, _inside)]
    return tuple(sorted(kept, key=lambda e: (e.start, e.end)))
