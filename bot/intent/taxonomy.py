"""The intent taxonomy and each intent's behaviour: ``models/intent/intents.yaml`` is the one place.

Every intent (the 35 core ids of ``../shared/intents.md``, and any finer intent added beneath one)
says there, as data: its Chinese name, the skill that serves it, the skill over the customer's own
loans that serves it when signed in, whether it interrupts an ongoing slot dialogue, whether it is
offered as a chip when the bot asks back, whether the knowledge base is expected to answer it, and
its small-talk template. The dialogue, the clarification chips, the no-answer calibration and the
pages (through ``GET /v1/meta``) read it from here; adding an intent is a data change plus
``finbot train intent``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

TAXONOMY_FILE = PROJECT_ROOT / "models" / "intent" / "intents.yaml"
UNCLEAR = "unclear"
OUT_OF_SCOPE = "out_of_scope"

# The skills an intent can name (their ``name`` attributes in bot/dialogue/skills/).
SKILLS = ("knowledge", "repay.plan", "repay.early", "repay.overdue", "repay.hardship", "handoff", "smalltalk")
ACCOUNT_SKILLS = ("account.bill", "account.payoff", "account.overdue", "account.hardship")


class TaxonomyError(ValueError):
    """intents.yaml names something the code does not know; the message names the intent and field."""


@dataclass(frozen=True)
class IntentSpec:
    id: str
    name: str  # the short Chinese label of chips, the console and reports
    skill: str = "knowledge"  # the skill that serves it
    account_skill: str | None = None  # served from the customer's own loans when signed in
    overrides_dialogue: bool = False  # wins over an ongoing slot-filling dialogue (转人工 mid-trial)
    offered_in_clarify: bool = True  # a chip when the bot asks back
    answerable: bool = True  # a service question the knowledge base should answer
    template: str | None = None  # the small-talk template (skill: smalltalk)


def parse_taxonomy(raw: dict, source: str) -> dict[str, IntentSpec]:
    known_fields = {f.name for f in fields(IntentSpec)} - {"id"}
    specs: dict[str, IntentSpec] = {}
    for intent, spec in (raw or {}).items():
        where = f"{source}: intent {intent!r}"
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"].strip():
            raise TaxonomyError(f"{where}: needs a Chinese name (name: …)")
        unknown = set(spec) - known_fields
        if unknown:
            raise TaxonomyError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        parsed = IntentSpec(id=intent, **spec)
        if parsed.skill not in SKILLS:
            raise TaxonomyError(f"{where}: skill {parsed.skill!r} is not one of {', '.join(SKILLS)}")
        if parsed.account_skill is not None and parsed.account_skill not in ACCOUNT_SKILLS:
            raise TaxonomyError(f"{where}: account_skill {parsed.account_skill!r} is not one of {', '.join(ACCOUNT_SKILLS)}")
        if (parsed.skill == "smalltalk") != (parsed.template is not None):
            raise TaxonomyError(f"{where}: a smalltalk intent needs a template, and only a smalltalk intent has one")
        specs[intent] = parsed
    if not specs:
        raise TaxonomyError(f"{source}: no intents")
    return specs


@lru_cache(maxsize=4)
def intent_specs(path: Path = TAXONOMY_FILE) -> dict[str, IntentSpec]:
    """Intent id → :class:`IntentSpec`, in taxonomy order."""
    return parse_taxonomy(yaml.safe_load(Path(path).read_text(encoding="utf-8")), str(path))


def core_intents() -> dict[str, str]:
    """Intent id → short Chinese name, in taxonomy order."""
    return {intent: spec.name for intent, spec in intent_specs().items()}


def roll_up(label: str, specs: dict[str, IntentSpec] | None = None) -> str:
    """The id a (possibly finer) label belongs to: repay.early.partial → repay.early."""
    known = specs if specs is not None else intent_specs()
    parts = label.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in known:
            return candidate
    return label


def spec_of(intent: str, specs: dict[str, IntentSpec] | None = None) -> IntentSpec:
    """The spec of ``intent`` or of the intent it rolls up to; an unknown id is served by knowledge."""
    known = specs if specs is not None else intent_specs()
    return known.get(roll_up(intent, known)) or IntentSpec(id=intent, name=intent)


def display_name(intent: str) -> str:
    return spec_of(intent).name
