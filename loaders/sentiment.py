"""Sentiment of post text in [-1, 1] behind one pluggable interface, offline by default.

:class:`SentimentModel` is the interface: ``score(text, lang) -> float | None``
(None: no opinion, e.g. a language the model does not read).  The default,
:class:`DefaultSentiment`, needs no download and no network:

- English (and other Latin-script text when ``lang`` is unknown or ``en``):
  VADER (``vaderSentiment``, MIT licence, lexicon shipped in the wheel), computed
  by :class:`loaders.vader.Vader`: the package's scores, several times faster;
- Chinese (Han script; ``lang`` unknown or ``zh*``): a curated lexicon with
  negation, degree adverbs and contrast clauses (:mod:`loaders.sentiment_lexicon`),
  matched by forward maximum matching, so no word segmenter is needed;
- emoji and bracketed emoticons (``[赞]``, ``[怒]``) in any language.

Mixed text is split by script; the parts' raw valences add up and the sum is
squashed into (-1, 1) the way VADER does (``x / sqrt(x² + 15)``).  Text with no
sentiment word scores 0.0.

Each pattern runs only on text that can match it; the plain path, every pattern
on every text and the package itself for English, is kept as
:class:`loaders.sentiment_reference.ReferenceSentiment`, and the tests hold the two
to the same scores.  :meth:`DefaultSentiment.score_many` scores a batch, each
repeated text once; :class:`MemoSentiment` remembers any model's scores across
batches (retweets and copied posts repeat texts verbatim on every platform).

``SCRM_SENTIMENT`` picks the model: ``default`` (or unset), ``none`` (no scores),
or ``package.module:Class`` for any class with that ``score`` method (built with
no arguments).
"""

from __future__ import annotations

import importlib
import math
import os
import re
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from graph.errors import ConfigError
from loaders.scripts import CJK, KANA_OR_HANGUL
from loaders.sentiment_lexicon import CONTRAST, DEGREE, EMOJI, NEGATORS, ZH_WORDS
from loaders.vader import Vader, block_class

__all__ = [
    "ChineseLexiconSentiment",
    "DefaultSentiment",
    "EmojiTaker",
    "MemoSentiment",
    "NoSentiment",
    "SentimentModel",
    "TextMemo",
    "load_sentiment_model",
    "squash",
]

_ALPHA = 15.0  # VADER's normalisation constant
_NEGATION_FLIP = -0.75  # VADER's factor for a negated word
_NEGATION_REACH = 3  # characters between a negator and the word it negates
_DEGREE_REACH = 2
_CLAUSE_BREAKS = frozenset("，,；;。.！!？?\n、：:～~…")
_EXCLAIM = frozenset("!！")
_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@[\w.\-]+")
_BRACKET = re.compile(r"\[[^\[\]\s]{1,8}\]")
# Variation selectors, skin tones and the zero-width joiner do not change an emoji's mood.
_EMOJI_NOISE_CHARS = "\ufe0e\ufe0f\u200d" + "".join(map(chr, range(0x1F3FB, 0x1F400)))
_EMOJI_NOISE_SET = frozenset(_EMOJI_NOISE_CHARS)
_EMOJI_NOISE = re.compile(f"[{_EMOJI_NOISE_CHARS}]")
_LATIN = re.compile(r"[A-Za-z]")
_NOT_CJK = re.compile(CJK.pattern[0] + "^" + CJK.pattern[1:] + "+")
_EMOJI_CHAR_SET = frozenset(e for e in EMOJI if len(e) == 1)
_EMOJI_CHARS = re.compile("[" + "".join(re.escape(e) for e in sorted(_EMOJI_CHAR_SET)) + "]")
# Whether an ASCII text can hold a single-character emoji (it cannot with today's list).
_ASCII_EMOJI = any(e.isascii() for e in _EMOJI_CHAR_SET)
# The blocks of those emoji and of the noise, but for the zero-width joiner's (general
# punctuation, as in ’ “ – …: far too common), which is looked for on its own.
_ZWJ = "\u200d"
_EMOJI_BLOCKS = block_class((_EMOJI_CHAR_SET | _EMOJI_NOISE_SET) - {_ZWJ})
_NON_CHINESE_LANGS = ("ja", "ko")


@runtime_checkable
class SentimentModel(Protocol):
    """Scores text in [-1, 1] (negative to positive); None when it has no opinion.

    A score must be a pure function of ``(text, lang)``: the same arguments give the
    same score however often and in whatever order they come.  The load relies on it
    and scores each text once (:class:`MemoSentiment`).
    """

    def score(self, text: str, lang: str | None) -> float | None: ...


def squash(raw: float) -> float:
    """Map a raw valence sum into (-1, 1) like VADER's compound score."""
    return round(raw / math.sqrt(raw * raw + _ALPHA), 4)


def _unsquash(compound: float) -> float:
    c = max(-0.9999, min(0.9999, compound))
    return c * math.sqrt(_ALPHA) / math.sqrt(1.0 - c * c)


class NoSentiment:
    """``SCRM_SENTIMENT=none``: never scores."""

    def score(self, text: str, lang: str | None) -> float | None:
        return None


_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")
_MISSING: Any = object()


class TextMemo(Generic[_K, _V]):
    """What was computed from a text, remembered within bounds (sentiment scores here,
    brand matches in :mod:`loaders.brands`): texts repeat verbatim across batches.

    Past ``max_entries`` texts or ``max_chars`` characters of them the memo starts
    afresh; a text longer than ``max_text`` (rarely repeated, costly to keep) is not
    kept.  Look up in :attr:`values`.
    """

    def __init__(
        self, *, max_entries: int = 50_000, max_chars: int = 4_000_000, max_text: int = 2_000
    ) -> None:
        self.max_entries, self.max_chars = max_entries, max_chars
        # The longest text kept (-1: none), so the memo never holds more than its bounds.
        self._longest = min(max_text, max_chars) if max_entries > 0 else -1
        self.values: dict[_K, _V] = {}
        self.chars = 0

    def __len__(self) -> int:
        return len(self.values)

    def keep(self, key: _K, size: int, value: _V) -> None:
        """Remember ``value`` for ``key``, whose text is ``size`` characters long."""
        if size > self._longest:
            return
        if len(self.values) >= self.max_entries or self.chars + size > self.max_chars:
            self.values.clear()
            self.chars = 0
        self.values[key] = value
        self.chars += size


class MemoSentiment:
    """Any :class:`SentimentModel` with its scores remembered by ``(text, lang)``.

    Scores are pure functions of their arguments (the interface's contract), so a
    remembered score is the score.  ``memo`` is a :class:`TextMemo` (one with the
    default bounds when None); ``hits`` and ``misses`` count how often it answered.
    """

    def __init__(
        self,
        model: SentimentModel,
        *,
        memo: TextMemo[tuple[str, str | None], float | None] | None = None,
    ) -> None:
        self.model = model
        self.memo = memo if memo is not None else TextMemo()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self.memo)

    def score(self, text: str, lang: str | None) -> float | None:
        """``model.score(text, lang)``, from the memo when it was asked before."""
        key = (text, lang)
        found = self.memo.values.get(key, _MISSING)
        if found is not _MISSING:
            self.hits += 1
            return found
        self.misses += 1
        value = self.model.score(text, lang)
        self.memo.keep(key, len(text), value)
        return value


class ChineseLexiconSentiment:
    """Raw valence of the Chinese words in a text (see :mod:`loaders.sentiment_lexicon`)."""

    def __init__(self) -> None:
        kinds: dict[str, set[str]] = {}
        for group, words in (
            ("word", ZH_WORDS),
            ("neg", NEGATORS),
            ("deg", DEGREE),
            ("contrast", CONTRAST),
        ):
            for word in words:
                kinds.setdefault(word, set()).add(group)
        for mark in _CLAUSE_BREAKS:
            kinds.setdefault(mark, set()).add("break")
        self._kinds = {w: frozenset(k) for w, k in kinds.items()}
        # First character -> the lengths of the words starting with it, longest first.
        lengths: dict[str, set[int]] = {}
        for word in kinds:
            lengths.setdefault(word[0], set()).add(len(word))
        self._starts = {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}

    def raw(self, text: str) -> tuple[float, int]:
        """``(valence sum, number of sentiment words)``."""
        tokens = self._tokens(text)
        kinds_of = self._kinds
        last = len(tokens) - 1
        total = 0.0
        before_contrast = 0.0
        found = 0
        negations = 0
        negation_end = -10
        degree = 1.0
        degree_end = -10
        exclaims = 0
        for index, (start, end, token) in enumerate(tokens):
            kinds = kinds_of[token]
            if "break" in kinds:
                negations, degree = 0, 1.0
                exclaims += token in _EXCLAIM
                continue
            following = tokens[index + 1][2] if index < last else ""
            modifies = bool(ZH_WORDS.get(following))
            if "contrast" in kinds:
                before_contrast += total
                total = 0.0
                continue
            if "neg" in kinds and (modifies or "word" not in kinds):
                negations = negations + 1 if start - negation_end <= _NEGATION_REACH else 1
                negation_end = end
                continue
            if "deg" in kinds and modifies:
                degree, degree_end = DEGREE[token], end
                continue
            valence = ZH_WORDS.get(token, 0.0)
            if not valence:
                continue
            found += 1
            if start - degree_end <= _DEGREE_REACH:
                valence *= degree
            if negations and start - negation_end <= _NEGATION_REACH:
                valence *= _NEGATION_FLIP**negations
            negations, degree = 0, 1.0
            total += valence
        # After "but" the writer's real opinion: VADER weighs the parts 0.5 / 1.5.
        if before_contrast:
            total = before_contrast * 0.5 + total * 1.5
        if total and exclaims:
            total += math.copysign(0.292 * min(exclaims, 4), total)
        return total, found

    def _tokens(self, text: str) -> list[tuple[int, int, str]]:
        """Forward maximum matching: at each position the longest known word, else skip."""
        tokens: list[tuple[int, int, str]] = []
        kinds, starts = self._kinds, self._starts.get
        i, n = 0, len(text)
        while i < n:
            lengths = starts(text[i])
            if lengths is None:  # most characters start no word
                i += 1
                continue
            for length in lengths:
                word = text[i : i + length]
                if word in kinds:
                    # (A word cut short by the end of the text ends past it: no word follows.)
                    tokens.append((i, i + length, word))
                    i += length
                    break
            else:
                i += 1
        return tokens


class DefaultSentiment:
    """VADER for English, the Chinese lexicon for Chinese, emoji for all (see above)."""

    def __init__(self) -> None:
        self._chinese = ChineseLexiconSentiment()
        self._vader: Vader | None = None

    def score(self, text: str, lang: str | None) -> float | None:
        """``text``'s sentiment in [-1, 1]; None when no part of it could be read."""
        if not text or not text.strip():
            return None
        lang = (lang or "").lower().replace("_", "-")
        # Each pattern only runs when the text has what it looks for: most posts have
        # no link, no mention, no emoji and (when English) no character past ASCII.
        if "http" in text or "www." in text:
            text = _URL.sub(" ", text)
        if "@" in text:
            text = _MENTION.sub(" ", text)
        plain = text.isascii() and not _ASCII_EMOJI
        emoji_raw, emoji_found, text = self._emoji(text, plain)
        raw, analysed = emoji_raw, emoji_found > 0
        cjk = not plain and CJK.search(text) is not None
        if cjk:
            chinese = not lang.startswith(_NON_CHINESE_LANGS) and not (
                not lang and KANA_OR_HANGUL.search(text)
            )
            if chinese:
                zh_raw, _ = self._chinese.raw(_NOT_CJK.sub("，", text))
                raw += zh_raw
                analysed = True
        if _LATIN.search(text) and (not lang or lang.startswith(("en", "und", "zh"))):
            if self._vader is None:  # built on first English text: loading takes ~40 ms
                self._vader = Vader()
            raw += _unsquash(self._vader.compound(CJK.sub(" ", text) if cjk else text))
            analysed = True
        return squash(raw) if analysed else None

    def score_many(
        self, texts: Sequence[str | None], langs: Sequence[str | None]
    ) -> list[float | None]:
        """``[score(text, lang) ...]`` for a batch; a text repeated in the batch with the
        same language (retweets, copied posts) is scored once."""
        if len(texts) != len(langs):
            raise ValueError(f"score_many: {len(texts)} texts but {len(langs)} languages")
        done: dict[tuple[str, str | None], float | None] = {}
        scores: list[float | None] = []
        for text, lang in zip(texts, langs, strict=True):
            if not text:
                scores.append(None)
                continue
            key = (text, lang)
            if key not in done:
                done[key] = self.score(text, lang)
            scores.append(done[key])
        return scores

    def _emoji(self, text: str, plain: bool) -> tuple[float, int, str]:
        """Sum emoji/emoticon valences (each distinct one at most 3 times) and return the
        text without them (``plain``: the text is ASCII and no single-character emoji is)."""
        if plain and "[" not in text:
            return 0, 0, text
        take = EmojiTaker()
        if "[" in text:
            text = _BRACKET.sub(take, text)
        if not plain and (_ZWJ in text or _EMOJI_BLOCKS.search(text)):
            # Each character of those blocks in turn: an emoji is taken, the rest kept.
            if any(ch in text for ch in _EMOJI_NOISE_CHARS):
                text = _EMOJI_NOISE.sub("", text)
            text = _EMOJI_BLOCKS.sub(take, text)
        return *take.valence(), text


class EmojiTaker:
    """``re.sub`` callback: an emoji or emoticon of the lexicon becomes a space and is
    counted; any other match stays as it is."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def __call__(self, match: re.Match[str]) -> str:
        token = match.group(0)
        if token in EMOJI:
            self.counts[token] = self.counts.get(token, 0) + 1
            return " "
        return token

    def valence(self) -> tuple[float, int]:
        """``(valence sum, number taken)``, each distinct emoji counted at most 3 times."""
        counts = self.counts
        return sum(EMOJI[e] * min(n, 3) for e, n in counts.items()), sum(counts.values())


def load_sentiment_model(
    spec: str | None = None, env: Mapping[str, str] | None = None
) -> SentimentModel:
    """The model ``spec`` (default: ``SCRM_SENTIMENT``) names; raises :class:`ConfigError`."""
    if spec is None:
        spec = (os.environ if env is None else env).get("SCRM_SENTIMENT", "")
    spec = spec.strip()
    if spec in ("", "default"):
        return DefaultSentiment()
    if spec == "none":
        return NoSentiment()
    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name:
        raise ConfigError(
            "SCRM_SENTIMENT", f"{spec!r}: expected 'default', 'none' or 'package.module:Class'"
        )
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise ConfigError("SCRM_SENTIMENT", f"cannot load {spec!r}: {exc}") from None
    model = cls()
    if not isinstance(model, SentimentModel):
        raise ConfigError("SCRM_SENTIMENT", f"{spec!r} has no score(text, lang) method")
    return model
