"""Trim the 250,002-piece multilingual vocabulary to the pieces Chinese and English text can use.

A SentencePiece unigram tokenizer segments a text with pieces that are substrings of that
(normalised) text. If we keep *every* piece made only of characters from a set S, any text whose
normalised characters all lie in S is segmented exactly as before (same pieces, same scores), and
since the kept embedding rows are copied unchanged, its embeddings are identical. S covers
Simplified and Traditional Chinese, ASCII/Latin, full-width forms, CJK and general punctuation,
digits, currency signs, kana and emoji; texts with other scripts (Cyrillic, Arabic, Thai, …) lose
those characters to <unk>. ``tests/test_backbone.py`` proves the identity on customer-style texts.
"""

from __future__ import annotations

import copy

METASPACE = "\u2581"

# Inclusive code-point ranges of the characters a Chinese/English customer-service chat uses.
KEPT_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 (¥, ·, ×, accented letters in names)
    (0x2000, 0x206F),  # general punctuation (—, …, “ ”)
    (0x20A0, 0x20CF),  # currency symbols
    (0x2100, 0x214F),  # letterlike symbols (℃, №)
    (0x2150, 0x218F),  # number forms (Ⅰ, Ⅱ)
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x2500, 0x27BF),  # box drawing, shapes, misc symbols, dingbats (☆, ✔)
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation (。、「」)
    (0x3040, 0x30FF),  # kana (seen in product names and emoticons)
    (0x3100, 0x312F),  # bopomofo (Traditional-Chinese users)
    (0x3200, 0x33FF),  # enclosed CJK, CJK compatibility
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width and half-width forms
    (0x1F000, 0x1FAFF),  # emoji and pictographs
    (0x20000, 0x2FA1F),  # CJK extensions B–F and compatibility supplement
)


def is_kept_char(ch: str) -> bool:
    if ch == METASPACE:
        return True
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in KEPT_RANGES)


def kept_piece_ids(pieces: list[str], special_ids: set[int]) -> list[int]:
    """Ids of the pieces to keep, in their original order (so the special tokens stay first)."""
    return [i for i, p in enumerate(pieces) if i in special_ids or all(is_kept_char(c) for c in p)]


def trim_tokenizer_json(tokenizer: dict, keep: list[int]) -> dict:
    """A copy of a Hugging Face Unigram ``tokenizer.json`` that holds only the ``keep`` pieces.

    Ids are renumbered densely in the kept order; special tokens are re-pointed.
    """
    new_id = {old: new for new, old in enumerate(keep)}
    trimmed = copy.deepcopy(tokenizer)
    vocab = tokenizer["model"]["vocab"]
    trimmed["model"]["vocab"] = [vocab[old] for old in keep]
    trimmed["model"]["unk_id"] = new_id[tokenizer["model"]["unk_id"]]
    for token in trimmed["added_tokens"]:
        token["id"] = new_id[token["id"]]
    post = trimmed.get("post_processor") or {}
    for special in (post.get("special_tokens") or {}).values():
        special["ids"] = [new_id[i] for i in special["ids"]]
    return trimmed
