"""Enrichment remembers scores and brand matches across batches and changes nothing by it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from graph.model import Account, Brand, BrandMention, Mention, Post, Record, Tagged
from loaders.base import LoadOptions
from loaders.brands import BrandMatcher
from loaders.enrich import Enricher, _replace
from loaders.pipeline import expand_sources
from loaders.registry import get_connector
from loaders.sentiment import DefaultSentiment, MemoSentiment, TextMemo, load_sentiment_model
from tests.loaders.native_support import DATA

CED = DATA / "weibo-ced-repost-cascades-sample"
TWARC = DATA / "twitter-v2-twarc-csv-testdata"
BRANDS = [
    Brand(id="weibo", name="Weibo", aliases=["微博", "#微博"]),
    Brand(id="xbrand", name="X", aliases=["@TwitterDev", "#kpop", "Twitter API"]),
]


class CountingSentiment:
    """A pluggable model (``SCRM_SENTIMENT=module:Class``): the length of the text,
    scaled, and every call remembered."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def score(self, text: str, lang: str | None) -> float | None:
        self.calls.append((text, lang))
        return None if lang == "und" else round(len(text) % 200 / 100 - 1, 4)


def _records(connector: str, folder: Path) -> list[Record]:
    spec = get_connector(connector)
    return [
        item
        for source in expand_sources(spec, [folder])
        for item in spec.parse(source, options=LoadOptions())
        if not hasattr(item, "reason")  # rejects are not the point here
    ]


def _batches(records: Sequence[Record], size: int) -> list[list[Record]]:
    return [list(records[i : i + size]) for i in range(0, len(records), size)]


def _state(records: Sequence[Record]) -> list[tuple[object, ...]]:
    """Everything of a record the writer can see, fields set included."""
    return [
        (type(r), r.__dict__, r.model_fields_set, r.__pydantic_extra__, r.__pydantic_private__)
        for r in records
    ]


def _enricher(*, memo: int) -> Enricher:
    enricher = Enricher(MemoSentiment(DefaultSentiment(), memo=TextMemo(max_entries=memo)))
    enricher.matcher = BrandMatcher(BRANDS, memo=TextMemo(max_entries=memo))
    enricher._handles = {"twitter:2244994945": "TwitterDev"}
    return enricher


def test_a_warm_enricher_gives_what_one_without_memo_gives_on_real_samples() -> None:
    records = _records("weibo", CED) + _records("twitter", TWARC)
    batches = _batches(records, 400)
    asked = [
        (r.text, r.lang) for r in records if isinstance(r, Post) and r.text and r.sentiment is None
    ]
    for options in (LoadOptions(), LoadOptions(brand="weibo")):
        warm, cold = _enricher(memo=50_000), _enricher(memo=0)
        for batch in batches:
            assert _state(warm.enrich(batch, options=options)) == _state(
                cold.enrich(batch, options=options)
            )
        assert isinstance(warm.scores, MemoSentiment) and isinstance(cold.scores, MemoSentiment)
        # Reposts and retweets repeat their text: each is scored once.
        assert warm.scores.hits == len(asked) - len(set(asked)) > 100
        assert len(warm.matcher.memo) > 0
        assert cold.scores.hits == 0 and len(cold.scores) == 0 and len(cold.matcher.memo) == 0
        assert warm.scores.misses + warm.scores.hits == cold.scores.misses


def test_enrich_fills_sentiment_and_about_like_a_copy_with_update() -> None:
    """The records built equal ``model_copy(update=...)``'s, down to the fields set."""
    posts = [
        Post(id="weibo:1", platform="weibo", text="微博真好"),
        Post(id="weibo:2", platform="weibo", text="微博真好", sentiment=None),  # set, as None
        Post(id="weibo:3", platform="weibo", text="微博真好", sentiment=-0.5),
        Post(id="weibo:4", platform="weibo", text=""),
    ]
    own = BrandMention(post="weibo:1", brand="weibo")
    out = _enricher(memo=10).enrich([*posts, own], options=LoadOptions(brand="xbrand"))
    score = DefaultSentiment().score("微博真好", None)
    assert score is not None and score > 0
    expected: list[Record] = [
        posts[0].model_copy(update={"sentiment": score}),
        posts[1].model_copy(update={"sentiment": score}),
        posts[2],
        posts[3],
        own.model_copy(update={"sentiment": score}),
        BrandMention(post="weibo:1", brand="xbrand").model_copy(update={"sentiment": score}),
        BrandMention(post="weibo:2", brand="weibo").model_copy(update={"sentiment": score}),
        BrandMention(post="weibo:2", brand="xbrand").model_copy(update={"sentiment": score}),
        BrandMention(post="weibo:3", brand="weibo").model_copy(update={"sentiment": -0.5}),
        BrandMention(post="weibo:3", brand="xbrand").model_copy(update={"sentiment": -0.5}),
        BrandMention(post="weibo:4", brand="xbrand"),
    ]
    assert _state(out) == _state(expected)
    assert out[1].model_fields_set == {"id", "platform", "text", "sentiment"}
    assert out[-1].model_fields_set == {"post", "brand"}


def test_replace_is_model_copy_with_update() -> None:
    post = Post(id="t:1", platform="twitter", text="hi", lang="en", likes=3, author="t:9")
    mention = BrandMention(post="t:1", brand="acme")
    copies: list[tuple[Record, Record]] = [
        (_replace(post, "sentiment", 0.25), post.model_copy(update={"sentiment": 0.25})),
        (_replace(mention, "sentiment", -1.0), mention.model_copy(update={"sentiment": -1.0})),
    ]
    for copy, expected in copies:
        assert _state([copy]) == _state([expected])
        assert "sentiment" in copy.model_fields_set
    assert post.sentiment is None and "sentiment" not in post.model_fields_set
    assert mention.sentiment is None and "sentiment" not in mention.model_fields_set


def test_the_batch_own_about_wins_and_the_last_of_equals() -> None:
    first = BrandMention(post="weibo:1", brand="weibo", sentiment=0.1)
    second = BrandMention(post="weibo:1", brand="weibo", sentiment=0.2)
    batch: list[Record] = [first, Post(id="weibo:1", platform="weibo", text="上微博"), second]
    out = _enricher(memo=10).enrich(batch, options=LoadOptions())
    assert [r for r in out if isinstance(r, BrandMention)] == [second]


def test_hashtags_and_mentioned_handles_still_match_with_remembered_texts() -> None:
    enricher = _enricher(memo=10)
    batch: list[Record] = [
        Account(id="twitter:2244994945", platform="twitter", handle="TwitterDev"),
        Post(id="twitter:1", platform="twitter", text="same text"),
        Post(id="twitter:2", platform="twitter", text="same text"),
        Post(id="twitter:3", platform="twitter", text="same text"),
        Tagged(post="twitter:2", hashtag="KPOP"),
        Mention(post="twitter:3", account="twitter:2244994945"),
    ]
    for _ in range(2):
        out = enricher.enrich(batch, options=LoadOptions())
        assert [(r.post, r.brand) for r in out if isinstance(r, BrandMention)] == [
            ("twitter:2", "xbrand"),
            ("twitter:3", "xbrand"),
        ]


def test_a_pluggable_model_is_asked_once_per_text_and_language() -> None:
    model = load_sentiment_model("tests.loaders.test_enrich:CountingSentiment")
    assert isinstance(model, CountingSentiment)
    enricher = Enricher(model)
    batch: list[Record] = [
        Post(id=f"twitter:{i}", platform="twitter", text=text, lang=lang)
        for i, (text, lang) in enumerate(
            [("a", "en"), ("a", "en"), ("a", "fr"), ("bb", None), ("c", "und"), ("c", "und")]
        )
    ]
    first = enricher.enrich(batch, options=LoadOptions())
    again = enricher.enrich(batch, options=LoadOptions())
    assert model.calls == [("a", "en"), ("a", "fr"), ("bb", None), ("c", "und")]
    assert _state(first) == _state(again)
    assert [r.sentiment for r in first if isinstance(r, Post)] == [
        -0.99,
        -0.99,
        -0.99,
        -0.98,
        None,
        None,
    ]


def test_the_sentiment_memo_stays_within_its_bounds() -> None:
    model = DefaultSentiment()
    memo = MemoSentiment(model, memo=TextMemo(max_entries=3, max_chars=40, max_text=15))
    texts = [f"good day number {i}" if i % 2 else f"bad {i}" for i in range(12)]
    for text in texts * 2:
        assert memo.score(text, "en") == model.score(text, "en")
        assert len(memo) <= 3 and memo.memo.chars <= 40
        assert all(len(t) <= 15 for t, _ in memo.memo.values)  # longer texts are not kept
    memo.score("bad 10", "en")
    assert memo.hits >= 1
    assert memo.hits + memo.misses == len(texts) * 2 + 1
    nothing = MemoSentiment(model, memo=TextMemo(max_entries=0))
    nothing.score("bad", "en")
    nothing.score("bad", "en")
    assert len(nothing) == 0 and nothing.hits == 0


def test_the_brand_memo_stays_within_its_bounds() -> None:
    matcher = BrandMatcher(BRANDS, memo=TextMemo(max_entries=2, max_chars=30, max_text=12))
    plain = BrandMatcher(BRANDS, memo=TextMemo(max_entries=0))
    texts = ["上微博", "Twitter API!", "nothing", "#微博# 好", "a" * 13 + " 微博", "twitter api"]
    for text in texts * 2:
        assert matcher.match(text) == plain.match(text)
        assert len(matcher.memo) <= 2 and matcher.memo.chars <= 30
        assert all(len(t) <= 12 for t in matcher.memo.values)
    assert len(plain.memo) == 0
    assert matcher.match("twitter api") == ["xbrand"]
