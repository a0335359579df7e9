"""The fast sentiment path gives the same scores as the vaderSentiment package and the plain path.

The texts are real posts (``tests/data/sentiment-corpus``, see its SOURCE.md) and the
demo generator's; the rule cases exercise each of VADER's special rules.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from bench.sentiment import demo_texts, load_corpus
from loaders.sentiment import DefaultSentiment
from loaders.sentiment_reference import ReferenceSentiment
from loaders.vader import Vader, block_class

TOLERANCE = 1e-12
CORPUS = load_corpus()
DEMO_EN = demo_texts("en", per_kind=60)
DEMO_ZH = demo_texts("zh", per_kind=60)

# One or more of VADER's rules in each: boosters near and far, ALL CAPS against mixed
# case, "no" before a word and as a word, "never so", "without doubt", "least",
# "kind of", idioms, "but" (with equal scores on both sides), "!" and "?".
RULE_CASES = [
    "VADER is smart, handsome, and funny.",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!",
    "On the other hand, VADER is quite bad ass",
    "Without a doubt, excellent idea.",
    "Without a doubt, an excellent idea.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "the very least helpful reply",
    "least helpful",
    "no good no bad no or nor happy",
    "No problem, no worries",
    "NO GOOD at all",
    "good great but good great but fine good",
    "good bad good but bad good bad",
    "it was to die for, a kiss of death, yeah right, the bomb",
    "just enough fun, sort of nice, kind of sad",
    "Is it good?? Really??? Are you sure????",
    "I can't stand it, I'm fed up",
    "KIND OF GREAT",
    "this is so so so good",
    "never so happy, never this sad",
    "😍😂👍🏽❤️©®‼ wow",
    "good😂bad",
    "good‼ nice©",
    "I say without doubt excellent work",
    "that was a kiss of death",
    "what a wonderful day to die for sure",
]

# What DefaultSentiment takes out before VADER: links, mentions, emoji and their joiners
# (a zero-width joiner inside a word, no emoji near), bracketed emoticons.
WRAPPER_CASES = [
    "the food was ba\u200dd",
    "[good] [good] [bad] service",
    "great, see https://example.com/??",
    "great, see www.example.com/!!!",
    "@happy_person @sad.person thanks",
    "我很喜欢 but the delivery was terrible 😡👎🏽",
    "Ceci est magnifique 😍, très bien",
    "❤️ it [赞][怒] ok",
    "today is great ™ © ‼",
]


@pytest.fixture(scope="module")
def package() -> Any:
    """The vaderSentiment package's analyzer, the reference for the compound score."""
    module: Any = importlib.import_module("vaderSentiment.vaderSentiment")
    return module.SentimentIntensityAnalyzer()


def _variants(text: str) -> list[str]:
    return [text, text.upper(), text.lower(), text.title(), f"{text} but {text.upper()}"]


def _assert_same_compound(package: Any, vader: Vader, texts: list[str]) -> None:
    differ = [
        (t, package.polarity_scores(t)["compound"], vader.compound(t))
        for t in texts
        if abs(package.polarity_scores(t)["compound"] - vader.compound(t)) > TOLERANCE
    ]
    assert not differ, differ[:5]


def test_corpus_is_large_and_real() -> None:
    assert len(CORPUS["en"]) >= 5000 and len(CORPUS["zh"]) >= 3000
    assert len(DEMO_EN) >= 300 and len(DEMO_ZH) >= 300


def test_compound_equals_package_on_real_and_demo_text(package: Any) -> None:
    texts = CORPUS["en"] + DEMO_EN + CORPUS["zh"][::10]
    _assert_same_compound(package, Vader(), texts)
    # Not all zero or one value: the texts exercise the lexicon.
    assert len({package.polarity_scores(t)["compound"] for t in texts[::7]}) > 100


def test_compound_equals_package_on_rule_cases(package: Any) -> None:
    cases = [v for text in RULE_CASES for v in _variants(text)]
    cases += [v for text in CORPUS["en"][::25] for v in _variants(text)]
    _assert_same_compound(package, Vader(), cases)


def test_rule_cases_are_not_plain_sums() -> None:
    """The rule cases reach the rules: their scores differ from the same words' plain sum."""
    vader = Vader()
    bare = [
        " ".join(w for w in text.split() if w.lower() not in {"but", "no", "not"})
        for text in RULE_CASES
    ]
    changed = sum(
        vader.compound(a) != vader.compound(b) for a, b in zip(RULE_CASES, bare, strict=True)
    )
    assert changed >= 8


def test_word_store_stays_bounded(package: Any) -> None:
    vader = Vader(max_words=100)
    texts = CORPUS["en"][:400]
    _assert_same_compound(package, vader, texts)
    longest = max(len(t.split()) for t in texts)
    assert len({w for t in texts for w in t.split()}) > 1000  # so the store was emptied
    assert len(vader._words) <= 100 + longest


@pytest.mark.parametrize("lang", [None, "en", "zh", "ja", "fr"])
def test_default_equals_plain_path(lang: str | None) -> None:
    fast, plain = DefaultSentiment(), ReferenceSentiment()
    step = 1 if lang is None else 7
    texts = (CORPUS["en"] + CORPUS["zh"] + DEMO_EN + DEMO_ZH)[::step]
    texts += RULE_CASES + WRAPPER_CASES
    differ = []
    for text in texts:
        a, b = fast.score(text, lang), plain.score(text, lang)
        if (a is None) != (b is None) or (
            a is not None and b is not None and abs(a - b) > TOLERANCE
        ):
            differ.append((text, a, b))
    assert not differ, differ[:5]


def test_score_many_scores_each_text() -> None:
    model = DefaultSentiment()
    texts: list[str | None] = ["I love it", "质量太差了", "I love it", None, "", "I love it"]
    langs: list[str | None] = ["en", None, "en", "en", None, "fr"]
    expected = [model.score(t, lang) if t else None for t, lang in zip(texts, langs, strict=True)]
    assert model.score_many(texts, langs) == expected
    assert expected[0] is not None and expected[0] > 0 and expected[-1] is None
    with pytest.raises(ValueError, match="2 texts but 1 languages"):
        model.score_many(["a", "b"], [None])


def test_block_class_holds_the_blocks_of_its_characters() -> None:
    emoji = block_class("😀✨")
    assert emoji.fullmatch("😀") and emoji.fullmatch("🙏") and emoji.fullmatch("✅")
    assert not emoji.search("plain text, é, ’ and 中文")
    assert not block_class("").search("anything 😀")
