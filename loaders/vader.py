"""VADER's compound score, computed the package's way but several times faster.

:class:`Vader` gives exactly what ``vaderSentiment``'s
``SentimentIntensityAnalyzer().polarity_scores(text)["compound"]`` gives (the
test suite compares the two over thousands of real posts).  The lexicon, the
emoji descriptions, the booster words, the negations, the idioms and the
constants all come from the installed ``vaderSentiment`` package (MIT licence),
read once.  The speed comes from work the package repeats on every call: it
lower-cases the whole word list again for every sentiment word (for the
negation and idiom checks), rebuilds the text character by character to
replace emoji, and strips punctuation from every word afresh.  Here each
distinct word's properties (lower case, all caps, lexicon valence, booster
value, negation) are computed once and kept, and the rules run on those.

The rules are the package's, quirks included, in the same order and with the
same floating-point operations: a booster's distance damping (0.95, 0.9),
"never so/this" and "without doubt", "no" as a negator, "least", "kind of",
the all-caps differential, the "but" weighting (which finds each score by
value, so equal scores before and after "but" are weighted like the first of
them), and the emphasis of "!" and "?".
"""

from __future__ import annotations

import importlib
import math
import re
import string
from collections.abc import Iterable, Mapping
from itertools import compress
from operator import itemgetter
from typing import Any, cast

__all__ = ["Vader", "block_class"]

_PUNCTUATION = string.punctuation
# Words whose properties are kept; past this many the store starts afresh, so a long
# load's memory stays bounded.
_MAX_WORDS = 200_000

# A word's properties: lower case, all caps, in the lexicon, scored, valence when scored
# (None: not in the lexicon, or a booster word, which VADER never scores),
# booster value (None: not a booster), negation.
_Word = tuple[str, bool, bool, bool, "float | None", "float | None", bool]
_SCORED = itemgetter(3)
# 256-code-point blocks of characters common in text: Latin-1, general punctuation, CJK
# symbols and punctuation.
_BUSY_BLOCKS = frozenset({0x00, 0x20, 0x30})


class Vader:
    """VADER's compound score in [-1, 1], identical to the ``vaderSentiment`` package's."""

    def __init__(self) -> None:
        # Importing and building the package's analyzer reads its two lexicon files
        # (~40 ms): the one parser of them, so the data cannot drift from the package.
        package: Any = importlib.import_module("vaderSentiment.vaderSentiment")
        analyzer = package.SentimentIntensityAnalyzer()
        self._lexicon: Mapping[str, float] = analyzer.lexicon
        self._boosters: Mapping[str, float] = package.BOOSTER_DICT
        self._negations = frozenset(package.NEGATE)
        self._special: Mapping[str, float] = package.SPECIAL_CASES
        self._c_incr: float = package.C_INCR
        self._n_scalar: float = package.N_SCALAR
        # The package replaces single-character emoji by their descriptions, always
        # separated from the word before (the descriptions run into the word after).
        emojis: dict[str, str] = {e: d for e, d in analyzer.emojis.items() if len(e) == 1}
        self._emoji_table = {ord(e): " " + d for e, d in emojis.items()}
        # Looked for before replacing: most emoji by their blocks, the few in blocks of
        # everyday characters (©, ‼, 〽 among Latin-1, general and CJK punctuation) each.
        self._emoji_blocks = block_class(e for e in emojis if ord(e) >> 8 not in _BUSY_BLOCKS)
        self._emoji_singles = tuple(sorted(e for e in emojis if ord(e) >> 8 in _BUSY_BLOCKS))
        self._words: dict[str, _Word] = {}

    def compound(self, text: str) -> float:
        """``polarity_scores(text)["compound"]`` of the ``vaderSentiment`` package."""
        if not text.isascii() and (
            self._emoji_blocks.search(text) or any(e in text for e in self._emoji_singles)
        ):
            text = text.translate(self._emoji_table)
        tokens = text.split()
        if not tokens:
            return 0.0
        words = self._words
        if len(words) > _MAX_WORDS:
            words.clear()
        known = list(map(words.get, tokens))
        if None in known:
            known = [props or self._word(t) for props, t in zip(known, tokens, strict=True)]
        n = len(tokens)
        positions = list(compress(range(n), map(_SCORED, cast("list[_Word]", known))))
        if not positions:
            return 0.0  # what VADER's sum of zeros gives
        lowers, caps, in_lexicon, _, valences, boosters, negations = zip(*known, strict=True)
        all_caps = sum(caps)
        cap_diff = 0 < n - all_caps < n
        sentiments: list[float] = [0] * n
        for i in positions:
            if lowers[i] == "kind" and i < n - 1 and lowers[i + 1] == "of":
                continue
            sentiments[i] = self._valence(
                i, n, lowers, caps, in_lexicon, valences, boosters, negations, cap_diff
            )
        if "but" in lowers:
            _but_check(lowers.index("but"), sentiments)
        return _compound(sentiments, text)

    def _word(self, token: str) -> _Word:
        """A token's properties, kept for the next time it occurs."""
        word = token.strip(_PUNCTUATION)
        if len(word) <= 2:  # likely an emoticon: VADER keeps the token as it is
            word = token
        lower = word.lower()
        in_lexicon = lower in self._lexicon
        booster = self._boosters.get(lower)
        valence = self._lexicon[lower] if in_lexicon and lower not in self._boosters else None
        # (The package's negation test lower-cases the word again, which changes nothing.)
        negation = lower in self._negations or "n't" in lower
        props: _Word = (
            lower,
            word.isupper(),
            in_lexicon,
            valence is not None,
            valence,
            booster,
            negation,
        )
        self._words[token] = props
        return props

    def _valence(
        self,
        i: int,
        n: int,
        lowers: tuple[str, ...],
        caps: tuple[bool, ...],
        in_lexicon: tuple[bool, ...],
        valences: tuple[float | None, ...],
        boosters: tuple[float | None, ...],
        negations: tuple[bool, ...],
        cap_diff: bool,
    ) -> float:
        """The score of lexicon word ``i`` after VADER's modifier, negation and idiom rules
        (``SentimentIntensityAnalyzer.sentiment_valence``)."""
        c_incr, n_scalar = self._c_incr, self._n_scalar
        base = valences[i]
        assert base is not None
        valence = base
        if lowers[i] == "no" and i != n - 1 and in_lexicon[i + 1]:
            valence = 0.0  # "no" negates the next word instead
        if (
            (i > 0 and lowers[i - 1] == "no")
            or (i > 1 and lowers[i - 2] == "no")
            or (i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ("or", "nor"))
        ):
            valence = base * n_scalar
        if caps[i] and cap_diff:
            if valence > 0:
                valence += c_incr
            else:
                valence -= c_incr
        for start in (0, 1, 2):
            j = i - start - 1
            if i > start and not in_lexicon[j]:
                scalar = 0.0
                booster = boosters[j]
                if booster is not None:
                    scalar = booster
                    if valence < 0:
                        scalar *= -1
                    if caps[j] and cap_diff:
                        if valence > 0:
                            scalar += c_incr
                        else:
                            scalar -= c_incr
                if start == 1 and scalar != 0:
                    scalar = scalar * 0.95
                if start == 2 and scalar != 0:
                    scalar = scalar * 0.9
                valence = valence + scalar
                valence = self._negation_check(valence, lowers, negations, start, i)
                if start == 2:
                    valence = self._idioms_check(valence, lowers, i)
        # "least" negates, except in "at least" and "very least".
        if i > 1 and not in_lexicon[i - 1] and lowers[i - 1] == "least":
            if lowers[i - 2] != "at" and lowers[i - 2] != "very":
                valence = valence * n_scalar
        elif i > 0 and not in_lexicon[i - 1] and lowers[i - 1] == "least":
            valence = valence * n_scalar
        return valence

    def _negation_check(
        self,
        valence: float,
        lowers: tuple[str, ...],
        negations: tuple[bool, ...],
        start: int,
        i: int,
    ) -> float:
        """``SentimentIntensityAnalyzer._negation_check``."""
        if start == 0:
            if negations[i - 1]:
                valence = valence * self._n_scalar
        elif start == 1:
            if lowers[i - 2] == "never" and (lowers[i - 1] == "so" or lowers[i - 1] == "this"):
                valence = valence * 1.25
            elif lowers[i - 2] == "without" and lowers[i - 1] == "doubt":
                pass
            elif negations[i - 2]:
                valence = valence * self._n_scalar
        elif start == 2:
            # As in the package, "so"/"this" right before the word counts without "never".
            if (
                lowers[i - 3] == "never" and (lowers[i - 2] == "so" or lowers[i - 2] == "this")
            ) or (lowers[i - 1] == "so" or lowers[i - 1] == "this"):
                valence = valence * 1.25
            elif lowers[i - 3] == "without" and (
                lowers[i - 2] == "doubt" or lowers[i - 1] == "doubt"
            ):
                pass
            elif negations[i - 3]:
                valence = valence * self._n_scalar
        return valence

    def _idioms_check(self, valence: float, lowers: tuple[str, ...], i: int) -> float:
        """``SentimentIntensityAnalyzer._special_idioms_check`` (only called with i > 2)."""
        special, boosters = self._special, self._boosters
        one, two, three = lowers[i - 1], lowers[i - 2], lowers[i - 3]
        one_zero = f"{one} {lowers[i]}"
        two_one = f"{two} {one}"
        three_two_one = f"{three} {two} {one}"
        three_two = f"{three} {two}"
        for seq in (one_zero, f"{two} {one} {lowers[i]}", two_one, three_two_one, three_two):
            if seq in special:
                valence = special[seq]
                break
        n = len(lowers)
        if n - 1 > i:
            zero_one = f"{lowers[i]} {lowers[i + 1]}"
            if zero_one in special:
                valence = special[zero_one]
        if n - 1 > i + 1:
            zero_one_two = f"{lowers[i]} {lowers[i + 1]} {lowers[i + 2]}"
            if zero_one_two in special:
                valence = special[zero_one_two]
        for n_gram in (three_two_one, three_two, two_one):
            if n_gram in boosters:
                valence = valence + boosters[n_gram]
        return valence


def _but_check(but: int, sentiments: list[float]) -> None:
    """``SentimentIntensityAnalyzer._but_check`` in place: scores before the first "but"
    halved, after it times 1.5, each found by ``list.index`` as the package does."""
    for position in range(len(sentiments)):
        sentiment = sentiments[position]
        found = sentiments.index(sentiment)
        if found < but:
            sentiments[found] = sentiment * 0.5
        elif found > but:
            sentiments[found] = sentiment * 1.5


def _compound(sentiments: list[float], text: str) -> float:
    """``SentimentIntensityAnalyzer.score_valence``'s compound score."""
    total = float(sum(sentiments))
    exclaims = min(text.count("!"), 4) * 0.292
    questions = text.count("?")
    emphasis = exclaims + ((questions * 0.18 if questions <= 3 else 0.96) if questions > 1 else 0)
    if total > 0:
        total += emphasis
    elif total < 0:
        total -= emphasis
    score = total / math.sqrt(total * total + 15)
    return round(max(-1.0, min(1.0, score)), 4)


def block_class(chars: Iterable[str]) -> re.Pattern[str]:
    """A character class of the 256-code-point blocks holding ``chars``, adjacent blocks
    merged: a quick first test, since a class of a few ranges is much faster than one of
    many astral characters (which the regex engine tries one by one)."""
    blocks = sorted({ord(ch) >> 8 for ch in chars})
    ranges: list[list[int]] = []
    for block in blocks:
        if ranges and ranges[-1][1] == block - 1:
            ranges[-1][1] = block
        else:
            ranges.append([block, block])
    body = "".join(
        f"{re.escape(chr(first << 8))}-{re.escape(chr((last << 8) | 0xFF))}"
        for first, last in ranges
    )
    return re.compile(f"[{body}]" if body else "(?!)")
