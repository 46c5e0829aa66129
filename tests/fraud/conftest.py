"""Examples shared by the fraud tests: what must fire and what must stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.fraud.catalogue import load_catalogue
from bot.fraud.patterns import PatternMatcher

# The sentences live in tests/heldout.yaml, where the leakage guard checks that no training file has them.
HELD_OUT = yaml.safe_load((Path(__file__).parents[1] / "heldout.yaml").read_text(encoding="utf-8"))
# (message, scenario it is) — scammers' own messages pasted by customers, and customers' accounts.
MUST_FIRE = [(row["text"], row["scenario"]) for row in HELD_OUT["fraud_must_fire"]]
# Ordinary questions that share the scams' words.
MUST_STAY_QUIET = list(HELD_OUT["fraud_must_stay_quiet"])
# Too short for the classifier to be sure; the lexicon knows these words.
SHORT_SCAMS = list(HELD_OUT["fraud_short_scams"])


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="session")
def matcher(catalogue):
    return PatternMatcher(catalogue)
