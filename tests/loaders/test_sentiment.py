"""The default sentiment model on clear English, Chinese, mixed and emoji examples."""

from __future__ import annotations

import pytest

from graph.errors import ConfigError
from loaders.sentiment import (
    ChineseLexiconSentiment,
    DefaultSentiment,
    NoSentiment,
    SentimentModel,
    load_sentiment_model,
    squash,
)

MODEL = DefaultSentiment()

POSITIVE = [
    ("I love this brand, the delivery was quick!", "en"),
    ("Absolutely great service, thank you", None),
    ("这个产品非常好用，我很喜欢", "zh"),
    ("質量很好，非常滿意", None),  # Traditional
    ("物美价廉，强烈推荐！", None),
    ("没有问题，发货很快", None),  # negated problem
    ("东西一般，但是客服态度特别好", None),  # the clause after 但是 wins
    ("包装很精美 great job", None),  # mixed scripts
    ("😍😍", None),
    ("[赞][赞] 第二次回购了", None),
]
NEGATIVE = [
    ("This is terrible, never buying again", "en"),
    ("worst customer service ever, I want a refund", None),
    ("质量太差了，再也不买了", "zh"),
    ("不喜欢，颜色和图片不一样", None),  # negated like
    ("客服态度很差劲，等了三天没人回复", None),
    ("东西不错，但是物流太慢了", None),
    ("好贵啊，不值得", None),
    ("这个 app really sucks", None),
    ("😡👎", None),
    ("[怒] 假货", None),
]
NEUTRAL = [
    ("The store opens at 9 on Monday", "en"),
    ("今天下午三点开会", "zh"),
    ("订单号 12345 已发货", None),
    ("牛肉和牛奶在二楼", None),  # 牛 ("awesome") inside ordinary words
]


@pytest.mark.parametrize(("text", "lang"), POSITIVE)
def test_clearly_positive(text: str, lang: str | None) -> None:
    score = MODEL.score(text, lang)
    assert score is not None and score >= 0.3, score


@pytest.mark.parametrize(("text", "lang"), NEGATIVE)
def test_clearly_negative(text: str, lang: str | None) -> None:
    score = MODEL.score(text, lang)
    assert score is not None and score <= -0.3, score


@pytest.mark.parametrize(("text", "lang"), NEUTRAL)
def test_neutral(text: str, lang: str | None) -> None:
    score = MODEL.score(text, lang)
    assert score is not None and abs(score) < 0.1, score


def test_scores_stay_in_range_and_more_evidence_means_more() -> None:
    one = MODEL.score("喜欢", None)
    two = MODEL.score("非常喜欢！", None)
    assert one is not None and two is not None and 0 < one < two < 1
    flood = MODEL.score("😍" * 50 + "完美" * 50, None)
    assert flood is not None and flood < 1.0
    assert squash(0.0) == 0.0 and squash(1e9) <= 1.0 and squash(-1e9) >= -1.0


def test_emoji_variants_count_as_their_base() -> None:
    assert MODEL.score("❤️", None) == MODEL.score("❤", None)
    assert MODEL.score("👍🏽", None) == MODEL.score("👍", None)
    assert MODEL.score("I ❤️ it", "en") is not None and MODEL.score("I ❤️ it", "en") > 0.3  # type: ignore[operator]


def test_no_opinion_for_empty_or_unsupported_text() -> None:
    assert MODEL.score("", None) is None
    assert MODEL.score("   ", None) is None
    assert MODEL.score("https://example.com/a @happy_person", None) is None
    assert MODEL.score("今日はとても良い天気です", None) is None  # Japanese (kana)
    assert MODEL.score("Ceci est magnifique", "fr") is None
    assert MODEL.score("Ceci est magnifique 😍", "fr") is not None  # emoji are universal


def test_negation_and_degree_in_chinese() -> None:
    zh = ChineseLexiconSentiment()
    like, _ = zh.raw("喜欢")
    assert zh.raw("不喜欢")[0] == pytest.approx(like * -0.75)
    assert zh.raw("非常喜欢")[0] == pytest.approx(like * 1.8)
    assert zh.raw("我不是很喜欢")[0] < 0
    assert zh.raw("不错")[0] > 0  # a fixed phrase, not "not" + "wrong"


def test_models_selected_by_setting() -> None:
    assert isinstance(load_sentiment_model(env={}), DefaultSentiment)
    assert isinstance(load_sentiment_model("none"), NoSentiment)
    assert NoSentiment().score("great", "en") is None
    custom = load_sentiment_model("loaders.sentiment:NoSentiment")
    assert isinstance(custom, SentimentModel)
    for bad in ("nonsense", "no.such.module:X", "loaders.sentiment:Missing", "json:JSONDecoder"):
        with pytest.raises(ConfigError, match="SCRM_SENTIMENT"):
            load_sentiment_model(bad)
