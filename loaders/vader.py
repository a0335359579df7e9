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
# Words whose properties are kept (about 300 bytes each); past this many the store starts
# afresh, so a long load's memory stays bounded (about 30 MB).
_MAX_WORDS = 100_000

# A word's properties: lower case, all caps, in the lexicon, scored, valence when scored
# (None: not in the lexicon, or a booster word, which VADER never scores),
# booster value (None: not a booster), negation.
_Word = tuple[str, bool, bool, bool, "float | None", "float | None", bool]
_LOWER = itemgetter(0)
_CAPS = itemgetter(1)
_SCORED = itemgetter(3)
# 256-code-point blocks of characters common in text: Latin-1, general punctuation, CJK
# symbols and punctuation.
_BUSY_BLOCKS = frozenset({0x00, 0x20, 0x30})


class Vader:
    """VADER's compound score in [-1, 1], identical to the ``vaderSentiment`` package's."""

    def __init__(self, *, max_words: int = _MAX_WORDS) -> None:
        """``max_words``: how many words' properties are kept before the store starts
        afresh."""
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
        self._inert: set[str] = set()  # the tokens of self._words that VADER never scores
        self._max_words = max_words

    def compound(self, text: str) -> float:
        """``polarity_scores(text)["compound"]`` of the ``vaderSentiment`` package."""
        if not text.isascii() and (
            self._emoji_blocks.search(text) or any(e in text for e in self._emoji_singles)
        ):
            text = text.translate(self._emoji_table)
        tokens = text.split()
        if self._inert.issuperset(tokens):
            return 0.0  # no word with a valence: what VADER's sum of zeros gives
        words = self._words
        if len(words) > self._max_words:
            words.clear()
            self._inert.clear()
        known = list(map(words.get, tokens))
        if None in known:
            known = [props or self._word(t) for props, t in zip(known, tokens, strict=True)]
        props = cast("list[_Word]", known)
        n = len(tokens)
        positions = list(compress(range(n), map(_SCORED, props)))
        if not positions:
            return 0.0  # what VADER's sum of zeros gives
        all_caps = sum(map(_CAPS, props))
        cap_diff = 0 < n - all_caps < n
        scores = {
            i: self._valence(props, i, n, cap_diff)
            for i in positions
            if not (props[i][0] == "kind" and i < n - 1 and props[i + 1][0] == "of")
        }
        lowers = list(map(_LOWER, props))
        if "but" not in lowers:
            # The package sums one score per word, zeros included, in word order; adding
            # a zero changes no float sum, so the scored words alone give the same total.
            total = float(sum(scores.values()))
        else:
            sentiments: list[float] = [0] * n
            for i, score in scores.items():
                sentiments[i] = score
            _but_check(lowers.index("but"), sentiments)
            total = float(sum(sentiments))
        return _compound(total, text)

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
        if valence is None:
            self._inert.add(token)
        return props

    def _valence(self, words: list[_Word], i: int, n: int, cap_diff: bool) -> float:
        """The score of lexicon word ``i`` after VADER's modifier, negation and idiom rules
        (``SentimentIntensityAnalyzer.sentiment_valence`` with ``_negation_check`` and
        ``_least_check``, in the same order and with the same arithmetic)."""
        c_incr, n_scalar = self._c_incr, self._n_scalar
        lower, caps, _, _, base, _, _ = words[i]
        assert base is not None
        # The three words before, lower case ("" before the first word).
        one = words[i - 1][0] if i > 0 else ""
        two = words[i - 2][0] if i > 1 else ""
        three = words[i - 3][0] if i > 2 else ""
        valence = base
        if lower == "no" and i != n - 1 and words[i + 1][2]:
            valence = 0.0  # "no" negates the next word instead
        if one == "no" or two == "no" or (three == "no" and one in ("or", "nor")):
            valence = base * n_scalar
        if caps and cap_diff:
            if valence > 0:
                valence += c_incr
            else:
                valence -= c_incr
        for start in (0, 1, 2):
            if i <= start:
                break
            _, before_caps, before_in_lexicon, _, _, booster, negation = words[i - start - 1]
            if before_in_lexicon:
                continue
            scalar = 0.0
            if booster is not None:
                scalar = booster
                if valence < 0:
                    scalar *= -1
                if before_caps and cap_diff:
                    if valence > 0:
                        scalar += c_incr
                    else:
                        scalar -= c_incr
            if start == 1 and scalar != 0:
                scalar = scalar * 0.95
            if start == 2 and scalar != 0:
                scalar = scalar * 0.9
            valence = valence + scalar
            if start == 0:
                if negation:
                    valence = valence * n_scalar
            elif start == 1:
                if two == "never" and (one == "so" or one == "this"):
                    valence = valence * 1.25
                elif two == "without" and one == "doubt":
                    pass
                elif negation:
                    valence = valence * n_scalar
            else:
                # As in the package, "so"/"this" right before the word counts without "never".
                if (three == "never" and (two == "so" or two == "this")) or (
                    one == "so" or one == "this"
                ):
                    valence = valence * 1.25
                elif three == "without" and (two == "doubt" or one == "doubt"):
                    pass
                elif negation:
                    valence = valence * n_scalar
                valence = self._idioms_check(valence, words, i, n)
        # "least" negates, except in "at least" and "very least".
        if i > 1 and not words[i - 1][2] and one == "least":
            if two != "at" and two != "very":
                valence = valence * n_scalar
        elif i > 0 and not words[i - 1][2] and one == "least":
            valence = valence * n_scalar
        return valence

    def _idioms_check(self, valence: float, words: list[_Word], i: int, n: int) -> float:
        """``SentimentIntensityAnalyzer._special_idioms_check`` (only called with i > 2)."""
        special, boosters = self._special, self._boosters
        zero, one, two, three = words[i][0], words[i - 1][0], words[i - 2][0], words[i - 3][0]
        one_zero = f"{one} {zero}"
        two_one = f"{two} {one}"
        three_two_one = f"{three} {two} {one}"
        three_two = f"{three} {two}"
        for seq in (one_zero, f"{two} {one} {zero}", two_one, three_two_one, three_two):
            if seq in special:
                valence = special[seq]
                break
        if n - 1 > i:
            zero_one = f"{zero} {words[i + 1][0]}"
            if zero_one in special:
                valence = special[zero_one]
        if n - 1 > i + 1:
            zero_one_two = f"{zero} {words[i + 1][0]} {words[i + 2][0]}"
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


def _compound(total: float, text: str) -> float:
    """``SentimentIntensityAnalyzer.score_valence``'s compound score from the words' sum."""
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
