"""Folding text for lexicon matching without moving any character.

The detector reports evidence as spans of the customer's original message, so the folded text
must have exactly one character for each original character: position i of the folded text is
position i of the original. Each character is folded on its own — Traditional → Simplified
(OpenCC, character by character), full-width → half-width (NFKC), upper → lower case — and a
fold that would change the length (a ligature, a multi-character conversion) is not applied.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc

_TRADITIONAL_TO_SIMPLIFIED = opencc.OpenCC("t2s")

# Variant characters that OpenCC leaves alone but customers and scammers use interchangeably.
_VARIANTS = {"帐": "账"}


@lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) != 1:
        folded = char
    simplified = _TRADITIONAL_TO_SIMPLIFIED.convert(folded)
    if len(simplified) == 1:
        folded = simplified
    folded = _VARIANTS.get(folded, folded)
    lowered = folded.lower()
    return lowered if len(lowered) == 1 else folded


def fold(text: str) -> str:
    """Simplified, half-width, lower-case text of the same length as ``text``."""
    return "".join(map(_fold_char, text))
