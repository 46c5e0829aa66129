"""Pasted messages: tell "the customer forwards a message they got" from "the customer tells us".

Customers forward advertising and notices to ask whether they are scams. Judged as the customer's
own words, a car-insurance renewal or a property advert reads like an upfront-fee loan or a fake
customer service to the learned classifier. So a pasted message is judged as a message: the signs
of a bulk sender (【签名】, an unsubscribe footer, a link, the sender's voice addressing the reader)
are read from ``models/fraud/forwarded.yaml``, and ``bot.fraud.detector`` lets an advert reach a
warning only on the lexicon's evidence, never on the classifier's impression alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.fraud.normalize import fold
from bot.settings import PROJECT_ROOT

RULES_FILE = PROJECT_ROOT / "models" / "fraud" / "forwarded.yaml"


@dataclass(frozen=True)
class PastedMessage:
    signs: tuple[str, ...]  # which of signature, unsubscribe, link, sender_voice were found
    marketing_terms: tuple[str, ...]

    @property
    def pasted(self) -> bool:
        """Written by a sender, not by the customer: a signature or an unsubscribe footer, or a link
        in the sender's voice."""
        found = set(self.signs)
        return bool(found & {"signature", "unsubscribe"}) or {"link", "sender_voice"} <= found

    @property
    def advertising(self) -> bool:
        """An advert or notice: an unsubscribe footer, or two marketing words from a sender — pasted,
        or in the sender's voice (尊敬的用户…): operators' and shops' long promotions often carry
        neither a signature nor a link, and the n-gram classifier took 60 % of its real-SMS false
        alarms from them (telecom dev: 6.9 % → 4.5 %, recall 96.0 % → 95.9 %, own dev unchanged).
        Only the demotion in bot.fraud.detector reads this; routing to the forwarded-message answer
        still needs :attr:`pasted`, so a customer's own 感谢您…优惠活动 question is not treated as pasted."""
        if "unsubscribe" in self.signs:
            return True
        return len(self.marketing_terms) >= 2 and (self.pasted or "sender_voice" in self.signs)


@dataclass(frozen=True)
class ForwardedRules:
    signature: re.Pattern
    unsubscribe: tuple[str, ...]
    link: re.Pattern
    sender_voice: tuple[str, ...]
    marketing: tuple[str, ...]

    def inspect(self, text: str) -> PastedMessage:
        folded = fold(text)
        signs = []
        if self.signature.search(folded):
            signs.append("signature")
        if any(term in folded for term in self.unsubscribe):
            signs.append("unsubscribe")
        if self.link.search(folded):
            signs.append("link")
        if any(term in folded for term in self.sender_voice):
            signs.append("sender_voice")
        return PastedMessage(tuple(signs), tuple(term for term in self.marketing if term in folded))


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> ForwardedRules:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))

    def terms(key: str) -> tuple[str, ...]:
        return tuple(fold(str(t)) for t in raw[key])

    return ForwardedRules(re.compile(raw["signature"]), terms("unsubscribe"), re.compile(raw["link"]),
                          terms("sender_voice"), terms("marketing"))
