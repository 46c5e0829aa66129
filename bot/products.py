"""Product names in customer messages: the lender's own and other lenders', typos included.

A third of real questions name a product or an app (微粒贷, 借呗, 花呗…), often misspelt (微粒货,
徽粒货) or typed by sound (微利贷). The intent model must learn the customer's *need*, never the brand,
or it learns that an unknown brand means "not ours". So every mention — own or other, exact, by
pinyin or by a look-alike character — is replaced by the same words (:data:`PRODUCT_WORDS`) before
the intent model and the retriever read the message. Which names are the lender's own is
configuration (``company.yaml → product_names``, ``FINBOT_COMPANY_FILE``): swapping them needs no
retraining. A message that names only other lenders' products is answered with a note that we serve
our own products only (``ProductMatch.other_only``).

Matching a name of n characters against a window of n characters, position by position: the same
character, the same toneless pinyin (any reading of a heteronym) or a listed look-alike counts as a
match, except that grammar particles (被, 了…) never match by sound. In the lender's own names one
inner position (not the first or last) may differ freely when n ≥ 3 and every other position is the
very character (微路贷, 微x贷); other lenders' names get no such latitude, so 不满足贷款 never reads
as 满易贷 and 有钱还 never as 有钱花.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT, get_settings
from bot.text import normalize

PRODUCT_WORDS = "本产品"
SHIPPED_FILE = PROJECT_ROOT / "knowledge" / "product_names.yaml"


class ProductNamesError(ValueError):
    """A product-name list cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Mention:
    name: str  # the listed name it matched
    surface: str  # what the customer typed
    start: int
    own: bool  # the lender's own product (company.yaml), not another lender's


@dataclass(frozen=True)
class ProductMatch:
    text: str  # the message with every mention replaced by PRODUCT_WORDS
    mentions: tuple[Mention, ...]

    @property
    def other_only(self) -> bool:
        """Names another lender's product and none of ours: we can serve our own products only."""
        return bool(self.mentions) and not any(m.own for m in self.mentions)


@lru_cache(maxsize=65536)
def _sounds(char: str) -> frozenset[str]:
    from pypinyin import Style, pinyin

    if not "\u4e00" <= char <= "\u9fff":
        return frozenset({char.lower()})
    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


class ProductNames:
    def __init__(self, own: list[str], others: list[str], lookalikes: list[str] = (), never_by_sound: str = ""):
        self.own = {normalize(n).lower() for n in own}
        names = sorted(self.own | {normalize(n).lower() for n in others}, key=lambda n: (-len(n), n))
        self.names = names
        self.never_by_sound = set(never_by_sound)
        self.lookalike = {}
        for group in lookalikes:
            for char in group:
                self.lookalike.setdefault(char, set()).update(group)
        # Where a window may start: a character (or its sound) at position k of a name.
        self._anchors: dict[str, list[tuple[str, int]]] = {}
        for name in names:
            for k, char in enumerate(name):
                for key in {char, *("py:" + s for s in _sounds(char))}:
                    self._anchors.setdefault(key, []).append((name, k))

    def _position_matches(self, typed: str, wanted: str) -> bool:
        if typed == wanted or typed in self.lookalike.get(wanted, ()):
            return True
        return typed not in self.never_by_sound and bool(_sounds(typed) & _sounds(wanted))

    def _closeness(self, window: str, name: str) -> tuple[int, int] | None:
        """(positions that differ, positions typed exactly) when the window reads as the name, else None."""
        misses = [i for i, (typed, wanted) in enumerate(zip(window, name)) if not self._position_matches(typed, wanted)]
        exact = sum(typed == wanted for typed, wanted in zip(window, name))
        if not misses:
            return (0, exact) if exact else None  # never by sound alone
        inner = 0 < misses[0] < len(name) - 1
        if len(misses) == 1 and len(name) >= 3 and inner and exact == len(name) - 1 and name in self.own:
            return (1, exact)
        return None

    def find(self, text: str) -> ProductMatch:
        """Mentions in an already normalised text, longest names first, without overlaps."""
        lowered = text.lower()
        candidates: set[tuple[int, str]] = set()
        for position, char in enumerate(lowered):
            for key in {char, *("py:" + s for s in _sounds(char))}:
                for name, k in self._anchors.get(key, ()):
                    start = position - k
                    if 0 <= start and start + len(name) <= len(lowered):
                        candidates.add((start, name))
        scored = []
        for start, name in candidates:
            closeness = self._closeness(lowered[start:start + len(name)], name)
            if closeness is not None:
                scored.append((-len(name), closeness[0], -closeness[1], start, name))
        taken = [False] * len(lowered)
        mentions = []
        for *_, start, name in sorted(scored):  # longest, closest names first
            end = start + len(name)
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * len(name)
            mentions.append(Mention(name, text[start:end], start, name in self.own))
        mentions.sort(key=lambda m: m.start)
        masked, cursor = [], 0
        for m in mentions:
            masked.append(text[cursor:m.start] + PRODUCT_WORDS)
            cursor = m.start + len(m.name)
        masked.append(text[cursor:])
        return ProductMatch("".join(masked), tuple(mentions))


def _read(path: Path) -> dict:
    if not path.is_file():
        raise ProductNamesError(f"{path}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ProductNamesError(f"{path}: not readable YAML ({error})") from error
    if not isinstance(data, dict):
        raise ProductNamesError(f"{path}: expected a mapping of keys")
    return data


def _names(data: dict, key: str, path: Path, ordinary: set[str]) -> list[str]:
    names = data.get(key) or []
    if not isinstance(names, list):
        raise ProductNamesError(f"{path}: {key} must be a list of names")
    seen: dict[str, int] = {}
    for number, name in enumerate(names, start=1):
        text = normalize(str(name)).lower() if name is not None else ""
        where = f"{path}: {key} entry {number} ({name!r})"
        if not text:
            raise ProductNamesError(f"{where} is empty")
        if len(text) < 2:
            raise ProductNamesError(f"{where} is a single character: it would match ordinary words")
        if text in seen:
            raise ProductNamesError(f"{where} duplicates entry {seen[text]}")
        if text in ordinary:
            raise ProductNamesError(f"{where} is an ordinary word customers use for everything; name the product itself")
        seen[text] = number
    return [str(n) for n in names]


def load_product_names(company_file: Path, shipped_file: Path = SHIPPED_FILE) -> ProductNames:
    """The matcher for a company file (its ``product_names``) and the shipped other-lender list."""
    shipped = _read(Path(shipped_file))
    ordinary = {normalize(str(w)).lower() for w in shipped.get("ordinary_words") or []}
    others = _names(shipped, "other_lenders", Path(shipped_file), ordinary)
    own = _names(_read(Path(company_file)), "product_names", Path(company_file), ordinary)
    return ProductNames(own, others, [str(g) for g in shipped.get("lookalikes") or []],
                        str(shipped.get("never_by_sound") or ""))


_lock = threading.Lock()
_current: ProductNames | None = None


def product_names() -> ProductNames:
    """The matcher of the configured company file (``FINBOT_COMPANY_FILE``), loaded once."""
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                _current = load_product_names(get_settings().company_file)
    return _current


def reload_product_names(company_file: Path | None = None) -> ProductNames:
    """Load a company file's names and use them from now on; a bad file raises and the names in
    use stay as they were."""
    global _current
    fresh = load_product_names(Path(company_file or get_settings().company_file))
    with _lock:
        _current = fresh
    return fresh


def understand(text: str) -> str:
    """The message as the intent model, the retriever and the fraud classifier read it: normalised,
    every product name replaced by PRODUCT_WORDS."""
    return _understood(product_names(), text)


@lru_cache(maxsize=8192)
def _understood(names: ProductNames, text: str) -> str:
    return names.find(normalize(text)).text
