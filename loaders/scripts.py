"""Which writing system text is in: CJK characters versus the rest, for language-aware
matching (brand aliases, names, sentiment) without a language-detection model."""

from __future__ import annotations

import re

__all__ = ["CJK", "KANA_OR_HANGUL", "is_cjk", "is_cjk_char"]

# Han (with extensions and compatibility forms), kana, Hangul, CJK punctuation and
# full-width forms: the scripts written without spaces between words.
CJK = re.compile(
    "[\u3000-\u303f"  # CJK symbols and punctuation
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf"  # CJK Extension A
    "\u4e00-\u9fff"  # CJK Unified Ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK Compatibility Ideographs
    "\uff00-\uff60"  # full-width forms (，！？ and full-width letters)
    "\U00020000-\U0002fa1f]"  # CJK Extensions B-F, Compatibility Supplement
)
# Japanese or Korean rather than Chinese.
KANA_OR_HANGUL = re.compile("[\u3040-\u30ff\uac00-\ud7af]")


def is_cjk_char(ch: str) -> bool:
    """Whether ``ch`` belongs to a CJK script (no spaces between words)."""
    return CJK.match(ch) is not None


def is_cjk(text: str) -> bool:
    """Whether ``text`` contains any CJK character."""
    return CJK.search(text) is not None
