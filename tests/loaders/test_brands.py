"""Brands, alias matching and the enrichment step (ABOUT records, post sentiment)."""

from __future__ import annotations

import pytest

from graph.cypher import Statement
from graph.model import Account, Brand, BrandMention, Hashtag, Mention, Post, Record, Tagged
from graph.store import GraphStore
from loaders.base import LoadOptions
from loaders.brands import (
    BrandError,
    BrandMatcher,
    add_brand,
    list_brands,
    match_existing_posts,
    remove_brand,
)
from loaders.enrich import Enricher
from loaders.sentiment import DefaultSentiment
from loaders.writer import GraphWriter

ABOUT_ROWS = Statement(
    "test.brands.about",
    "MATCH (p:Post)-[r:ABOUT]->(b:Brand) "
    "RETURN p.id AS post, b.id AS brand, r.sentiment AS sentiment ORDER BY post, brand",
)
BRAND_NODE = Statement("test.brands.node", "MATCH (b:Brand {id: $id}) RETURN b AS brand")

ACME = Brand(id="acme", name="Acme", aliases=["@acme", "#acme", "acme", "Acme Corp", "艾克米"])
GLOBEX = Brand(id="globex", name="Globex", aliases=["globex", "#环球"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I love ACME shoes", ["acme"]),
        ("acme.", ["acme"]),
        ("Acme Corp rocks", ["acme"]),
        ("thanks @Acme for the quick reply", ["acme"]),
        ("#acme #sale", ["acme"]),
        ("我买了acme的鞋", ["acme"]),  # Latin word inside Chinese text
        ("艾克米的客服很好", ["acme"]),  # CJK substring
        ("#环球#新品上市", ["globex"]),  # Weibo hashtag
        ("ＡＣＭＥ full-width", ["acme"]),  # NFKC
        ("acme and globex compared", ["acme", "globex"]),
        ("acmeology is a word", []),
        ("mail me at info@acme.com", []),
        ("@acme_fans club", []),
        ("nothing here", []),
        ("", []),
    ],
)
def test_alias_matching(text: str, expected: list[str]) -> None:
    assert BrandMatcher([ACME, GLOBEX]).match(text) == expected


def test_hashtags_and_mentions_match_without_text() -> None:
    matcher = BrandMatcher([ACME, GLOBEX])
    assert matcher.match("", hashtags=["acme"]) == ["acme"]
    assert matcher.match("", hashtags=["环球"]) == ["globex"]
    assert matcher.match("", mentioned_handles=["ACME"]) == ["acme"]
    assert matcher.match("", hashtags=["acmefans"], mentioned_handles=["globex"]) == []


def batch() -> list[Record]:
    return [
        Account(id="twitter:1", platform="twitter", handle="acme"),
        Post(
            id="twitter:p1",
            platform="twitter",
            text="Love my new acme shoes 😍",
            author="twitter:2",
        ),
        Post(id="twitter:p2", platform="twitter", text="@acme worst support ever", sentiment=0.5),
        Post(id="twitter:p3", platform="twitter", text="thanks for the help"),
        Mention(post="twitter:p3", account="twitter:1"),
        Post(id="weibo:p4", platform="weibo", text="新品不错", lang="zh"),
        Hashtag(id="环球"),
        Tagged(post="weibo:p4", hashtag="环球"),
        Post(id="weibo:p5", platform="weibo", text="今天天气不错"),
        BrandMention(post="weibo:p5", brand="globex", sentiment=-0.2),
    ]


def enricher() -> Enricher:
    enricher = Enricher(DefaultSentiment())
    enricher.matcher = BrandMatcher([ACME, GLOBEX])
    return enricher


def test_enrich_adds_about_and_fills_missing_sentiment_only() -> None:
    out = enricher().enrich(batch(), options=LoadOptions())
    posts = {r.id: r for r in out if isinstance(r, Post)}
    assert posts["twitter:p1"].sentiment is not None and posts["twitter:p1"].sentiment > 0.5
    assert posts["twitter:p2"].sentiment == 0.5  # the channel's value wins
    assert posts["weibo:p4"].sentiment is not None and posts["weibo:p4"].sentiment > 0
    about = {(r.post, r.brand): r.sentiment for r in out if isinstance(r, BrandMention)}
    assert about == {
        ("twitter:p1", "acme"): posts["twitter:p1"].sentiment,  # keyword
        ("twitter:p2", "acme"): 0.5,  # handle in text
        ("twitter:p3", "acme"): posts["twitter:p3"].sentiment,  # mentions the @acme account
        ("weibo:p4", "globex"): posts["weibo:p4"].sentiment,  # hashtag
        ("weibo:p5", "globex"): -0.2,  # the connector's own mention, kept as given
    }
    assert len(out) == len(batch()) - 1 + len(about)


def test_enrich_tags_every_post_with_the_load_brand() -> None:
    out = enricher().enrich(batch(), options=LoadOptions(brand="globex"))
    about = {(r.post, r.brand) for r in out if isinstance(r, BrandMention)}
    posts = {r.id for r in out if isinstance(r, Post)}
    assert {p for p, b in about if b == "globex"} == posts


def test_enrich_refuses_an_unknown_load_brand() -> None:
    with pytest.raises(BrandError, match="unknown brand 'nope'") as caught:
        enricher().enrich(batch(), options=LoadOptions(brand="nope"))
    assert caught.value.code == "UNKNOWN_BRAND"


async def test_brand_add_list_match_existing_remove(store: GraphStore) -> None:
    await GraphWriter(store).write(
        [r for r in batch() if not isinstance(r, BrandMention)]
        + [Post(id="twitter:p9", platform="twitter", text="#Acme", sentiment=-0.4)]
    )
    brand = await add_brand(store, "acme", " Acme ", ["@acme", " acme ", "acme", "艾克米"])
    assert brand.aliases == ["@acme", "acme", "艾克米"]
    assert await store.read(BRAND_NODE, {"id": "acme"}) == [
        {"brand": {"id": "acme", "name": "Acme", "aliases": ["@acme", "acme", "艾克米"]}}
    ]
    assert await match_existing_posts(store, brand, page=2) == 4
    assert await store.read(ABOUT_ROWS) == [
        {"post": "twitter:p1", "brand": "acme", "sentiment": None},
        {"post": "twitter:p2", "brand": "acme", "sentiment": 0.5},
        {"post": "twitter:p3", "brand": "acme", "sentiment": None},
        {"post": "twitter:p9", "brand": "acme", "sentiment": -0.4},
    ]
    assert await match_existing_posts(store, brand) == 4  # idempotent
    assert len(await store.read(ABOUT_ROWS)) == 4
    assert await list_brands(store) == [
        {"id": "acme", "name": "Acme", "aliases": ["@acme", "acme", "艾克米"], "posts": 4}
    ]
    # An upsert replaces name and aliases.
    await add_brand(store, "acme", "ACME Inc", ["#acme"])
    assert (await list_brands(store))[0]["aliases"] == ["#acme"]
    assert await remove_brand(store, "acme") == 4
    assert await list_brands(store) == []
    with pytest.raises(BrandError, match="no brand"):
        await remove_brand(store, "acme")


async def test_brand_add_rejects_bad_input(store: GraphStore) -> None:
    for brand_id, name, aliases, code in [
        ("", "X", [], "BAD_BRAND_ID"),
        ("a b", "X", [], "BAD_BRAND_ID"),
        ("x", " ", [], "BAD_BRAND_NAME"),
        ("x", "X", ["@"], "BAD_ALIAS"),
        ("x", "X", ["  "], "BAD_ALIAS"),
    ]:
        with pytest.raises(BrandError) as caught:
            await add_brand(store, brand_id, name, aliases)
        assert caught.value.code == code


async def test_prepare_reads_brands_and_handle_accounts(store: GraphStore) -> None:
    await add_brand(store, "acme", "Acme", ["@acme"])
    await GraphWriter(store).write([Account(id="twitter:1", platform="twitter", handle="ACME")])
    enricher = Enricher(DefaultSentiment())
    await enricher.prepare(store)
    records: list[Record] = [
        Post(id="twitter:p3", platform="twitter", text="thanks!"),
        Mention(post="twitter:p3", account="twitter:1"),
    ]
    out = enricher.enrich(records, options=LoadOptions(brand="acme"))
    assert [(r.post, r.brand) for r in out if isinstance(r, BrandMention)] == [
        ("twitter:p3", "acme")
    ]
    enricher.check_brand("acme")
