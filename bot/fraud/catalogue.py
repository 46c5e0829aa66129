"""The scam-scenario catalogue: loading and validating models/fraud/scenarios.yaml.

The catalogue is edited by people, so every error names the scenario and the field that is
wrong (``scenario 'upfront_fee_loan', field 'signals.money.解冻费': …``) and nothing is loaded
from a file that has any error. The file's layout is documented at its top.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.fraud.normalize import fold
from bot.settings import PROJECT_ROOT

DEFAULT_CATALOGUE_PATH = PROJECT_ROOT / "models" / "fraud" / "scenarios.yaml"

# Risk levels, lowest first. A scenario's own level is what it raises when it matches.
LEVELS = ("none", "notice", "warning", "critical")
SCENARIO_LEVELS = ("warning", "critical")
# The label of ordinary messages in training and test files; no scenario may take it.
NONE_LABEL = "none"

_SCENARIO_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_LEVEL_FIELDS = {"version", "roles", "scoring", "warning_actions", "common_signals", "common_benign", "scenarios"}
_SCENARIO_FIELDS = {"name", "level", "signals", "patterns", "benign", "critical_when", "warning"}
_PATTERN_FIELDS = {"all_of", "weight", "role"}
_SCORING_FIELDS = {"role_cap", "synergy", "half_score", "levels", "classifier_weight", "lexicon_alone", "classifier_veto",
                   "classifier_alone", "classifier_alone_min_chars", "advert_classifier_min"}
# The only placeholder a warning may use: the lender's official hotline.
_WARNING_PLACEHOLDERS = {"hotline"}


class CatalogueError(ValueError):
    """The catalogue file is missing or malformed; the message says where."""


@dataclass(frozen=True)
class Pattern:
    """A context rule: fires when every group has at least one of its terms in the message."""

    groups: tuple[tuple[str, ...], ...]
    weight: float
    role: str


@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    level: str
    signals: dict[str, dict[str, float]]  # role -> term -> weight
    patterns: tuple[Pattern, ...]
    benign: dict[str, float]  # term -> weight subtracted from the raw score
    critical_when: tuple[str, ...]  # terms that raise a matched `warning` scenario to critical
    warning: str


@dataclass(frozen=True)
class Scoring:
    role_cap: float
    synergy: float
    half_score: float
    notice: float
    warning: float
    classifier_weight: float
    lexicon_alone: float  # a lexicon score that warns on its own ...
    classifier_veto: float  # ... unless the classifier's scam probability is below this
    classifier_alone: float  # a classifier scam probability that warns on its own ...
    classifier_alone_min_chars: int  # ... in a message of at least this many characters
    advert_classifier_min: float  # an advert warns only with the lexicon and at least this probability


@dataclass(frozen=True)
class Catalogue:
    version: int
    roles: dict[str, str]
    scoring: Scoring
    warning_actions: str
    common_signals: dict[str, dict[str, float]]
    common_benign: dict[str, float]
    scenarios: dict[str, Scenario]
    source: Path

    @property
    def scenario_ids(self) -> list[str]:
        return list(self.scenarios)


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read and validate the catalogue; raise :class:`CatalogueError` naming what is wrong."""
    path = Path(path) if path is not None else DEFAULT_CATALOGUE_PATH
    if not path.is_file():
        raise CatalogueError(f"{path}: scenario catalogue not found")
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 (safe loader)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise CatalogueError(f"{path}: not valid YAML: {error}") from error
    return parse_catalogue(document, source=path)


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (PyYAML keeps the last one
    silently, which would hide an edit in a file this long)."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {key_node.start_mark.line + 1})", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def parse_catalogue(document: Any, source: Path | str = "<catalogue>") -> Catalogue:
    """Validate an already-parsed YAML document and build the :class:`Catalogue`."""
    where = str(source)
    if not isinstance(document, dict):
        raise CatalogueError(f"{where}: the top level must be a mapping")
    unknown = set(document) - _TOP_LEVEL_FIELDS
    if unknown:
        raise CatalogueError(f"{where}: unknown top-level field(s) {sorted(unknown)}")
    for required in ("version", "roles", "scoring", "warning_actions", "scenarios"):
        if required not in document:
            raise CatalogueError(f"{where}: missing top-level field '{required}'")

    version = document["version"]
    if not isinstance(version, int):
        raise CatalogueError(f"{where}: field 'version' must be an integer")

    roles = document["roles"]
    if not isinstance(roles, dict) or not roles or not all(isinstance(r, str) and r for r in roles):
        raise CatalogueError(f"{where}: field 'roles' must map role names to descriptions")
    roles = {role: str(description) for role, description in roles.items()}

    scoring = _parse_scoring(document["scoring"], where)

    warning_actions = document["warning_actions"]
    if not isinstance(warning_actions, str) or not warning_actions.strip():
        raise CatalogueError(f"{where}: field 'warning_actions' must be non-empty text")
    _check_placeholders(warning_actions, f"{where}: field 'warning_actions'")
    for required_text in ("{hotline}", "96110"):
        if required_text not in warning_actions:
            raise CatalogueError(f"{where}: field 'warning_actions' must mention {required_text}")

    common_context = f"{where}: field 'common_signals'"
    common_signals = _parse_signals(document.get("common_signals") or {}, roles, common_context)
    common_benign = _parse_weights(document.get("common_benign") or {}, f"{where}: field 'common_benign'")

    scenarios_document = document["scenarios"]
    if not isinstance(scenarios_document, dict) or not scenarios_document:
        raise CatalogueError(f"{where}: field 'scenarios' must map scenario ids to scenarios")
    scenarios = {}
    for scenario_id, body in scenarios_document.items():
        scenarios[scenario_id] = _parse_scenario(scenario_id, body, roles, where)

    return Catalogue(
        version=version,
        roles=roles,
        scoring=scoring,
        warning_actions=warning_actions,
        common_signals=common_signals,
        common_benign=common_benign,
        scenarios=scenarios,
        source=Path(source),
    )


def _parse_scoring(body: Any, where: str) -> Scoring:
    if not isinstance(body, dict):
        raise CatalogueError(f"{where}: field 'scoring' must be a mapping")
    unknown = set(body) - _SCORING_FIELDS
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) in 'scoring': {sorted(unknown)}")

    def number(name: str, value: Any, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise CatalogueError(f"{where}: field 'scoring.{name}' must be a number in [{low}, {high}], got {value!r}")
        return float(value)

    levels = body.get("levels")
    if not isinstance(levels, dict) or set(levels) != {"notice", "warning"}:
        raise CatalogueError(f"{where}: field 'scoring.levels' must give exactly 'notice' and 'warning'")
    scoring = Scoring(
        role_cap=number("role_cap", body.get("role_cap"), 0.1, 100.0),
        synergy=number("synergy", body.get("synergy"), 0.0, 10.0),
        half_score=number("half_score", body.get("half_score"), 0.1, 100.0),
        notice=number("levels.notice", levels["notice"], 0.0, 1.0),
        warning=number("levels.warning", levels["warning"], 0.0, 1.0),
        classifier_weight=number("classifier_weight", body.get("classifier_weight"), 0.0, 1.0),
        lexicon_alone=number("lexicon_alone", body.get("lexicon_alone"), 0.0, 1.0),
        classifier_veto=number("classifier_veto", body.get("classifier_veto"), 0.0, 1.0),
        classifier_alone=number("classifier_alone", body.get("classifier_alone"), 0.0, 1.0),
        classifier_alone_min_chars=int(number("classifier_alone_min_chars", body.get("classifier_alone_min_chars"), 0, 1000)),
        advert_classifier_min=number("advert_classifier_min", body.get("advert_classifier_min"), 0.0, 1.0),
    )
    if scoring.notice >= scoring.warning:
        raise CatalogueError(f"{where}: field 'scoring.levels': notice must be below warning")
    return scoring


def _parse_scenario(scenario_id: Any, body: Any, roles: dict[str, str], where: str) -> Scenario:
    if not isinstance(scenario_id, str) or not _SCENARIO_ID.match(scenario_id) or scenario_id == NONE_LABEL:
        raise CatalogueError(
            f"{where}: scenario id {scenario_id!r} must be lower_snake_case and not '{NONE_LABEL}'"
        )
    context = f"{where}: scenario '{scenario_id}'"
    if not isinstance(body, dict):
        raise CatalogueError(f"{context}: must be a mapping of fields")
    unknown = set(body) - _SCENARIO_FIELDS
    if unknown:
        raise CatalogueError(f"{context}: unknown field(s) {sorted(unknown)}")
    for required in ("name", "level", "signals", "warning"):
        if required not in body:
            raise CatalogueError(f"{context}, field '{required}': missing")

    name = body["name"]
    if not isinstance(name, str) or not name.strip():
        raise CatalogueError(f"{context}, field 'name': must be non-empty text")
    level = body["level"]
    if level not in SCENARIO_LEVELS:
        raise CatalogueError(f"{context}, field 'level': must be one of {list(SCENARIO_LEVELS)}, got {level!r}")

    signals = _parse_signals(body["signals"], roles, f"{context}, field 'signals'")
    if not any(signals.values()):
        raise CatalogueError(f"{context}, field 'signals': needs at least one term")

    patterns_document = body.get("patterns") or []
    if not isinstance(patterns_document, list):
        raise CatalogueError(f"{context}, field 'patterns': must be a list")
    patterns = tuple(
        _parse_pattern(item, roles, f"{context}, field 'patterns[{index}]'")
        for index, item in enumerate(patterns_document)
    )

    benign = _parse_weights(body.get("benign") or {}, f"{context}, field 'benign'")

    critical_when = body.get("critical_when") or []
    if not isinstance(critical_when, list) or not all(isinstance(t, str) and fold(t).strip() for t in critical_when):
        raise CatalogueError(f"{context}, field 'critical_when': must be a list of terms")

    warning = body["warning"]
    if not isinstance(warning, str) or not warning.strip():
        raise CatalogueError(f"{context}, field 'warning': must be non-empty text")
    _check_placeholders(warning, f"{context}, field 'warning'")

    return Scenario(
        id=scenario_id,
        name=name.strip(),
        level=level,
        signals=signals,
        patterns=patterns,
        benign=benign,
        critical_when=tuple(critical_when),
        warning=warning.strip(),
    )


def _parse_signals(body: Any, roles: dict[str, str], context: str) -> dict[str, dict[str, float]]:
    """role -> term -> weight; a term (after folding) may play only one role."""
    if not isinstance(body, dict):
        raise CatalogueError(f"{context}: must map roles to terms")
    signals: dict[str, dict[str, float]] = {}
    role_of_term: dict[str, str] = {}
    for role, terms in body.items():
        if role not in roles:
            raise CatalogueError(f"{context}.{role}: unknown role {role!r}; roles are {sorted(roles)}")
        weights = _parse_weights(terms, f"{context}.{role}")
        for term in weights:
            folded = fold(term)
            if folded in role_of_term and role_of_term[folded] != role:
                raise CatalogueError(
                    f"{context}.{role}.{term}: term already listed under role '{role_of_term[folded]}'"
                )
            role_of_term[folded] = role
        signals[role] = weights
    return signals


def _parse_weights(body: Any, context: str) -> dict[str, float]:
    if not isinstance(body, dict):
        raise CatalogueError(f"{context}: must map terms to weights")
    weights = {}
    for term, weight in body.items():
        term_text = str(term)
        if not fold(term_text).strip():
            raise CatalogueError(f"{context}: empty term")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
            raise CatalogueError(f"{context}.{term_text}: weight must be a positive number, got {weight!r}")
        weights[term_text] = float(weight)
    return weights


def _parse_pattern(item: Any, roles: dict[str, str], context: str) -> Pattern:
    if not isinstance(item, dict):
        raise CatalogueError(f"{context}: must be a mapping with all_of, weight, role")
    unknown = set(item) - _PATTERN_FIELDS
    if unknown:
        raise CatalogueError(f"{context}: unknown field(s) {sorted(unknown)}")
    groups = item.get("all_of")
    if not isinstance(groups, list) or len(groups) < 2:
        raise CatalogueError(f"{context}.all_of: needs at least two groups of terms")
    for index, group in enumerate(groups):
        if not isinstance(group, list) or not group or not all(isinstance(t, (str, int)) for t in group):
            raise CatalogueError(f"{context}.all_of[{index}]: must be a non-empty list of terms")
        if not all(fold(str(t)).strip() for t in group):
            raise CatalogueError(f"{context}.all_of[{index}]: empty term")
    weight = item.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
        raise CatalogueError(f"{context}.weight: must be a positive number, got {weight!r}")
    role = item.get("role")
    if role not in roles:
        raise CatalogueError(f"{context}.role: unknown role {role!r}; roles are {sorted(roles)}")
    return Pattern(groups=tuple(tuple(str(t) for t in group) for group in groups), weight=float(weight), role=role)


def _check_placeholders(template: str, context: str) -> None:
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:
        raise CatalogueError(f"{context}: malformed placeholder ({error})") from error
    unknown = fields - _WARNING_PLACEHOLDERS
    if unknown:
        raise CatalogueError(f"{context}: unknown placeholder(s) {sorted(unknown)}; only {{hotline}} is allowed")
