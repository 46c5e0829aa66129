"""The fraud detector: lexicon stage and classifier fused into one assessment per message.

The rule, in one place (weights and thresholds live in the catalogue's ``scoring`` section):

* ``p_s`` — the lexicon score of scenario ``s`` (bot/fraud/patterns.py), ``p = max_s p_s``.
* ``q``   — the classifier's probability that the message is a scam of any kind, ``1 − P(none)``;
  ``P(s)`` its probability of scenario ``s``.
* risk score ``= (1 − w) · p + w · q`` with ``w = scoring.classifier_weight`` (0.5): each stage
  alone can bring the score to at most ``w`` or ``1 − w``, so with ``w = 0.5`` a warning needs both
  the words of a scam and a scam-like message. Measured on the dev file, by cross-validation and
  on BQ, this removes the false alarms of either stage alone (the classifier is over-confident on
  off-topic text, the lexicon on ordinary questions that use scam words).
* except: when ``p ≥ scoring.lexicon_alone`` (0.5: the lexicon alone would warn — a distinctive
  term such as 安全账户, or several roles together) and ``q ≥ scoring.classifier_veto`` (0.05), the
  risk score is at least ``p``.
  Short messages (屏幕共享, 要我报验证码) give the classifier too little text, and it leans to
  "ordinary" on them; the lexicon is sure of such words, and only a classifier that is all but
  certain the message is ordinary overrules it.
* and: when ``q ≥ scoring.classifier_alone`` (0.9) and the message has at least
  ``scoring.classifier_alone_min_chars`` (6) characters, the risk score is at least ``q``. A customer's
  own account of a scam often uses none of the lexicon's words ("他说先打一笔钱过去证明还款能力"),
  and then ``p = 0`` and the fused score could never reach a warning however sure the classifier
  is. At 0.9, on cross-validated predictions for the training file, it recovers 36 of the 77
  scams missed without it for one more false alarm in 2,479 ordinary lines, and adds none on the
  ordinary utterances of the intent data (0.8 adds four there) — measured with the earlier
  embedding classifier; `python eval/tune_fraud.py fusion` re-sweeps it for the n-gram one.
* but: a forwarded advert or notice (bot/fraud/forwarded.py) reaches a warning only when both
  stages say "scam": ``p ≥ scoring.lexicon_alone`` and ``q ≥ scoring.advert_classifier_min``
  (0.5); otherwise it gets at most a notice.
* scenario ``= argmax_s (1 − w) · p_s + w · P(s)``.
* level: score < ``levels.notice`` → none; < ``levels.warning`` → notice; otherwise the scenario's
  level (``critical`` for scenarios declared critical, or when one of its ``critical_when`` terms,
  such as a transfer request, is in the message), else ``warning``.

Without a trained classifier (not built, stale, or trained for another catalogue) the detector
runs the lexicon stage alone — risk score ``= p`` — logs why, and says so in ``stages``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from bot.artifacts import ArtifactError
from bot.fraud.catalogue import NONE_LABEL, Catalogue, load_catalogue
from bot.fraud.classifier import FraudClassifier, load_classifier
from bot.fraud.forwarded import PastedMessage
from bot.fraud.forwarded import load_rules as load_forwarded_rules
from bot.fraud.patterns import Evidence, PatternMatcher, ScenarioScore
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)

PATTERNS_ONLY = "patterns"
PATTERNS_AND_CLASSIFIER = "patterns+classifier"
# Levels at which the customer sees a warning (and evaluations count a detection).
ALERT_LEVELS = ("warning", "critical")


@dataclass(frozen=True)
class FraudAssessment:
    level: str  # none, notice, warning, critical
    scenario: str | None  # scenario id; None when the level is none
    score: float  # fused risk score in [0, 1]
    evidence: tuple[Evidence, ...]  # lexicon spans behind the scenario, in text order
    pattern_score: float  # the lexicon stage's score (best scenario)
    classifier_probability: float | None  # 1 − P(none); None without a classifier
    stages: str  # "patterns+classifier", or "patterns" when the classifier is absent
    pasted: PastedMessage | None = None  # the signs that the customer forwarded a message (bot.fraud.forwarded)

    @property
    def alert(self) -> bool:
        """True when the customer must be warned (level warning or critical)."""
        return self.level in ALERT_LEVELS

    def to_dict(self) -> dict[str, object]:
        return {
            "level": self.level,
            "scenario": self.scenario,
            "score": round(self.score, 4),
            "evidence": [item.to_dict() for item in self.evidence],
            "pasted_message": bool(self.pasted and self.pasted.pasted),
        }


class FraudDetector:
    def __init__(
        self,
        catalogue: Catalogue,
        classifier: FraudClassifier | None = None,
        fallback_reason: str | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.matcher = PatternMatcher(catalogue)
        self.forwarded = load_forwarded_rules()
        self.classifier = classifier
        # Why the classifier is not used (None when it is).
        self.fallback_reason = fallback_reason if classifier is None else None
        if classifier is not None:
            unknown = set(classifier.labels) - set(catalogue.scenarios) - {NONE_LABEL}
            if unknown:
                self.classifier = None
                self.fallback_reason = (
                    f"the classifier knows scenarios the catalogue does not ({sorted(unknown)}); "
                    "retrain with `finbot train fraud`"
                )
        if self.classifier is None:
            log.warning("fraud detector: pattern stage only (%s)", self.fallback_reason or "no classifier given")

    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        catalogue_path: Path | None = None,
        use_classifier: bool = True,
    ) -> FraudDetector:
        """The catalogue plus the built classifier when there is a current one."""
        settings = settings or get_settings()
        catalogue = load_catalogue(catalogue_path)
        if not use_classifier:
            return cls(catalogue, None, "classifier disabled")
        try:
            classifier = load_classifier(settings.fraud_model_dir)
        except ArtifactError as error:
            return cls(catalogue, None, str(error))
        return cls(catalogue, classifier)

    @property
    def stages(self) -> str:
        return PATTERNS_AND_CLASSIFIER if self.classifier is not None else PATTERNS_ONLY

    def assess(self, text: str) -> FraudAssessment:
        """Assess one message."""
        return self.assess_many([text])[0]

    def assess_many(self, texts: list[str]) -> list[FraudAssessment]:
        """Assessments of a batch (the classifier reads the batch as one sparse matrix)."""
        live = [i for i, text in enumerate(texts) if text and text.strip()]
        probabilities: dict[int, dict[str, float]] = {}
        if self.classifier is not None and live:
            rows = self.classifier.probabilities([texts[i] for i in live])
            probabilities = dict(zip(live, rows))
        results = []
        for index, text in enumerate(texts):
            if index not in live:
                results.append(self._quiet(0.0, 0.0, None))
                continue
            results.append(self.judge(text, probabilities.get(index)))
        return results

    def judge(self, text: str, probabilities: dict[str, float] | None) -> FraudAssessment:
        """One message's assessment, given the classifier's probabilities for it (None: lexicon only).
        eval/tune_fraud.py sweeps the scoring values through this with cross-validated probabilities."""
        assessment = self._fuse(text, self.matcher.score(text), probabilities)
        return self._as_pasted(assessment, self.forwarded.inspect(text))

    def _fuse(self, text: str, patterns: dict[str, ScenarioScore],
              probabilities: dict[str, float] | None) -> FraudAssessment:
        scoring = self.catalogue.scoring
        pattern_score = max((s.score for s in patterns.values()), default=0.0)

        if probabilities is None:
            weight, scam_probability = 0.0, None
            score = pattern_score
        else:
            weight = scoring.classifier_weight
            scam_probability = 1.0 - probabilities.get(NONE_LABEL, 0.0)
            score = (1.0 - weight) * pattern_score + weight * scam_probability
            if pattern_score >= scoring.lexicon_alone and scam_probability >= scoring.classifier_veto:
                score = max(score, pattern_score)
            if scam_probability >= scoring.classifier_alone and len(text.strip()) >= scoring.classifier_alone_min_chars:
                score = max(score, scam_probability)

        def scenario_support(scenario_id: str) -> float:
            lexicon = patterns[scenario_id].score if scenario_id in patterns else 0.0
            learned = probabilities.get(scenario_id, 0.0) if probabilities is not None else 0.0
            return (1.0 - weight) * lexicon + weight * learned

        if score < scoring.notice:
            return self._quiet(score, pattern_score, scam_probability)
        scenario_id = max(self.catalogue.scenarios, key=scenario_support)
        matched = patterns.get(scenario_id)
        if matched is None and patterns:  # the classifier chose it; show the lexicon's best evidence
            evidence = max(patterns.values(), key=lambda s: s.score).evidence
        else:
            evidence = matched.evidence if matched is not None else ()

        if score < scoring.warning:
            level = "notice"
        elif self.catalogue.scenarios[scenario_id].level == "critical" or (matched is not None and matched.critical):
            level = "critical"
        else:
            level = "warning"
        return FraudAssessment(level, scenario_id, score, evidence, pattern_score, scam_probability, self.stages)

    def _as_pasted(self, assessment: FraudAssessment, pasted: PastedMessage) -> FraudAssessment:
        """A forwarded advert or notice is judged as a message: it reaches a warning only when the
        lexicon finds a scam's own words *and* the classifier agrees — ads for car insurance,
        property or loans read like scams to a model trained on customers' stories, and operators'
        promotions use the lexicon's words (下载客户端, 立即, 点击). Otherwise: a notice."""
        scoring = self.catalogue.scoring
        both_stages = (assessment.pattern_score >= scoring.lexicon_alone
                       and (assessment.classifier_probability is None
                            or assessment.classifier_probability >= scoring.advert_classifier_min))
        if pasted.advertising and assessment.alert and not both_stages:
            return replace(assessment, level="notice", pasted=pasted)
        return replace(assessment, pasted=pasted)

    def _quiet(self, score: float, pattern_score: float, scam_probability: float | None) -> FraudAssessment:
        return FraudAssessment("none", None, score, (), pattern_score, scam_probability, self.stages)
