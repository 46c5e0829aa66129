"""Text normalisation shared by every component: one function, applied the same way in training,
evaluation and the live dialogue, so that a model never sees text its training never saw.

- full-width → half-width and compatibility forms (Unicode NFKC: ＡＰＰ１２３ → APP123, ， → ,);
- Traditional → Simplified Chinese (OpenCC ``t2s``: 還款 → 还款);
- whitespace runs collapsed, control characters removed, ends trimmed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028\u2029\ufeff]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text)
    text = _t2s().convert(text)
    return _WHITESPACE.sub(" ", text).strip()
