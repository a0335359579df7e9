"""The default sentiment model's plain path, kept as the yardstick of the fast one.

:class:`ReferenceSentiment` scores like :class:`loaders.sentiment.DefaultSentiment`
did before its fast path: every pattern run on every text, Chinese words matched by
the first version of the matching loop, and English scored by the ``vaderSentiment``
package itself (``polarity_scores``).  The test suite and ``bench/sentiment.py``
hold the fast path to the same scores as this one, so a change in either (or in
the package) shows up as a difference.
"""

from __future__ import annotations

import importlib
from typing import Any

from loaders.scripts import CJK, KANA_OR_HANGUL
from loaders.sentiment import (
    _BRACKET,
    _EMOJI_CHARS,
    _EMOJI_NOISE,
    _LATIN,
    _MENTION,
    _NON_CHINESE_LANGS,
    _NOT_CJK,
    _URL,
    ChineseLexiconSentiment,
    EmojiTaker,
    _unsquash,
    squash,
)

__all__ = ["PackageVader", "PlainChineseSentiment", "ReferenceSentiment"]


class PackageVader:
    """The ``vaderSentiment`` package's compound score, called as the package documents."""

    def __init__(self) -> None:
        package: Any = importlib.import_module("vaderSentiment.vaderSentiment")
        self._analyzer = package.SentimentIntensityAnalyzer()

    def compound(self, text: str) -> float:
        """``SentimentIntensityAnalyzer().polarity_scores(text)["compound"]``."""
        return float(self._analyzer.polarity_scores(text)["compound"])


class PlainChineseSentiment(ChineseLexiconSentiment):
    """The Chinese scorer with its first, plainest word matching."""

    def _tokens(self, text: str) -> list[tuple[int, int, str]]:
        tokens: list[tuple[int, int, str]] = []
        kinds, starts = self._kinds, self._starts
        i, n = 0, len(text)
        while i < n:
            for length in starts.get(text[i], ()):
                word = text[i : i + length]
                if word in kinds:
                    tokens.append((i, i + length, word))
                    i += length
                    break
            else:
                i += 1
        return tokens


class ReferenceSentiment:
    """The default model's scores the straightforward way (see the module docstring)."""

    def __init__(self) -> None:
        self._chinese = PlainChineseSentiment()
        self._vader = PackageVader()

    def score(self, text: str, lang: str | None) -> float | None:
        """Same contract as :meth:`loaders.sentiment.DefaultSentiment.score`."""
        if not text or not text.strip():
            return None
        lang = (lang or "").lower().replace("_", "-")
        text = _MENTION.sub(" ", _URL.sub(" ", text))
        emoji_raw, emoji_found, text = self._emoji(text)
        raw, analysed = emoji_raw, emoji_found > 0
        chinese = not lang.startswith(_NON_CHINESE_LANGS) and not (
            not lang and KANA_OR_HANGUL.search(text)
        )
        if chinese and CJK.search(text):
            zh_raw, _ = self._chinese.raw(_NOT_CJK.sub("，", text))
            raw += zh_raw
            analysed = True
        if _LATIN.search(text) and (not lang or lang.startswith(("en", "und", "zh"))):
            raw += _unsquash(self._vader.compound(CJK.sub(" ", text)))
            analysed = True
        return squash(raw) if analysed else None

    def _emoji(self, text: str) -> tuple[float, int, str]:
        take = EmojiTaker()
        text = _EMOJI_CHARS.sub(take, _EMOJI_NOISE.sub("", _BRACKET.sub(take, text)))
        return *take.valence(), text
