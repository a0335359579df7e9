"""Every query over real HTTP against the known graph of tests.api.data."""

from __future__ import annotations

import base64

import pytest

from tests.api.data import iso
from tests.api.harness import Api, codes

CUSTOMER_FIELDS = "graphId name tags firstSeen lastSeen"


def gid(type_name: str, graph_id: str) -> str:
    return base64.b64encode(f"{type_name}:{graph_id}".encode()).decode()


async def test_node_and_nodes_resolve_global_ids(api: Api) -> None:
    data = await api.data(
        "query($id: ID!, $ids: [ID!]!) { node(id: $id) { __typename id graphId "
        "... on Customer { name } } nodes(ids: $ids) { __typename graphId } }",
        {
            "id": gid("Customer", "cust:ada"),
            "ids": [gid("Post", "twitter:t1"), gid("Brand", "nope"), gid("Hashtag", "acme")],
        },
    )
    assert data["node"] == {
        "__typename": "Customer",
        "id": gid("Customer", "cust:ada"),
        "graphId": "cust:ada",
        "name": "Ada Lovelace",
    }
    assert data["nodes"] == [
        {"__typename": "Post", "graphId": "twitter:t1"},
        None,
        {"__typename": "Hashtag", "graphId": "acme"},
    ]


async def test_node_with_a_malformed_id_is_a_clear_error(api: Api) -> None:
    status, errors, _ = await api.errors('{ node(id: "not-a-global-id") { id } }')
    assert status == 200  # execution started: a field error
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert "id:" in errors[0]["message"]


async def test_customer_by_graph_id_or_global_id_with_relations(api: Api) -> None:
    query = (
        "query($id: ID!) { customer(id: $id) { " + CUSTOMER_FIELDS + " "
        "accounts { graphId platform handle } "
        "identityLinks { method evidence confidence at account { graphId } } "
        "orders { graphId total currency createdAt brands { graphId } customer { graphId } } } }"
    )
    by_graph_id = await api.data(query, {"id": "cust:ada"})
    by_global_id = await api.data(query, {"id": gid("Customer", "cust:ada")})
    assert by_graph_id == by_global_id
    ada = by_graph_id["customer"]
    assert ada["name"] == "Ada Lovelace" and ada["tags"] == ["vip"]
    assert ada["firstSeen"] == iso(1) and ada["lastSeen"] == iso(5)
    assert ada["accounts"] == [
        {"graphId": "reddit:t2_ada", "platform": "reddit", "handle": "ada_r"},
        {"graphId": "twitter:1", "platform": "twitter", "handle": "ada_tw"},
    ]
    assert {link["method"] for link in ada["identityLinks"]} == {"unionid"}
    assert ada["identityLinks"][0]["at"] == iso(1)
    assert [o["graphId"] for o in ada["orders"]] == ["shopify:order:2", "shopify:order:1"]
    assert ada["orders"][1]["total"] == 120.5 and ada["orders"][1]["brands"] == [
        {"graphId": "acme"}
    ]
    assert ada["orders"][0]["customer"] == {"graphId": "cust:ada"}
    assert (await api.data('{ customer(id: "cust:nobody") { graphId } }'))["customer"] is None


async def test_customer_rejects_a_global_id_of_another_type(api: Api) -> None:
    _, errors, _ = await api.errors(
        "query($id: ID!) { customer(id: $id) { graphId } }", {"id": gid("Brand", "acme")}
    )
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert "Brand" in errors[0]["message"]


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({}, ["cust:ada", "cust:bob", "cust:li"]),
        ({"text": "LOVE"}, ["cust:ada"]),
        ({"tag": "beta"}, ["cust:li"]),
        ({"platform": "weibo"}, ["cust:li"]),
        ({"brand": "globex"}, ["cust:bob"]),
        ({"brand": "acme"}, ["cust:ada", "cust:li"]),
        ({"seenSince": iso(3)}, ["cust:ada", "cust:li"]),
        ({"seenUntil": iso(3)}, ["cust:bob"]),
    ],
)
async def test_customers_filters(api: Api, filter_: dict[str, str], expected: list[str]) -> None:
    data = await api.data(
        "query($f: CustomerFilter) { customers(filter: $f) { totalCount nodes { graphId } } }",
        {"f": filter_},
    )
    assert [n["graphId"] for n in data["customers"]["nodes"]] == expected
    assert data["customers"]["totalCount"] == len(expected)


async def test_customers_sort(api: Api) -> None:
    data = await api.data("{ customers(sort: {field: NAME, direction: DESC}) { nodes { name } } }")
    assert [n["name"] for n in data["customers"]["nodes"]] == ["李雷", "Bob Stone", "Ada Lovelace"]


async def test_cursor_pagination_forward_and_backward(api: Api) -> None:
    query = (
        "query($first: Int, $after: String, $last: Int, $before: String) { "
        "posts(first: $first, after: $after, last: $last, before: $before, "
        "sort: {field: ID, direction: ASC}) { totalCount edges { cursor node { graphId } } "
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"
    )
    all_ids = sorted(
        [
            "twitter:t1",
            "twitter:t2",
            "twitter:t3",
            "twitter:t4",
            "reddit:t3_x",
            "weibo:w1",
            "twitter:t7",
        ]
    )
    seen: list[str] = []
    after = None
    while True:
        page = (await api.data(query, {"first": 3, "after": after}))["posts"]
        seen += [e["node"]["graphId"] for e in page["edges"]]
        assert page["totalCount"] == 7
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == all_ids

    tail = (await api.data(query, {"last": 2}))["posts"]
    assert [e["node"]["graphId"] for e in tail["edges"]] == all_ids[-2:]
    assert tail["pageInfo"]["hasPreviousPage"] is True
    before = tail["pageInfo"]["startCursor"]
    previous = (await api.data(query, {"last": 3, "before": before}))["posts"]
    assert [e["node"]["graphId"] for e in previous["edges"]] == all_ids[2:5]


async def test_bad_cursor_and_negative_page_are_clear_errors(api: Api) -> None:
    status, errors, _ = await api.errors('{ customers(after: "bogus") { totalCount } }')
    assert status == 200 and codes(errors) == ["BAD_USER_INPUT"]
    assert "after" in errors[0]["message"]
    _, errors, _ = await api.errors("{ customers(first: -1) { totalCount } }")
    assert codes(errors) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("filter_", "sort", "expected"),
    [
        ({"platform": "reddit"}, None, ["reddit:t2_ada", "reddit:t2_bob"]),
        ({"community": "reddit:r/acme"}, None, ["reddit:t2_ada", "reddit:t2_bob"]),
        ({"verified": True}, None, ["twitter:3"]),
        (
            {"minFollowers": 500},
            {"field": "FOLLOWERS", "direction": "DESC"},
            ["twitter:3", "weibo:9", "twitter:1"],
        ),
        ({"text": "ADA"}, None, ["reddit:t2_ada", "twitter:1"]),
    ],
)
async def test_accounts_filters_and_sort(
    api: Api, filter_: dict[str, object], sort: dict[str, str] | None, expected: list[str]
) -> None:
    data = await api.data(
        "query($f: AccountFilter, $s: AccountSort) { accounts(filter: $f, sort: $s) "
        "{ totalCount nodes { graphId } } }",
        {"f": filter_, "s": sort},
    )
    assert [n["graphId"] for n in data["accounts"]["nodes"]] == expected
    assert data["accounts"]["totalCount"] == len(expected)


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({"platform": "twitter", "brand": "acme"}, ["twitter:t4", "twitter:t2", "twitter:t1"]),
        ({"community": "reddit:r/acme"}, ["reddit:t3_x"]),
        ({"minSentiment": 0.4, "maxSentiment": 0.85}, ["twitter:t4", "twitter:t1"]),
        ({"since": iso(2), "until": iso(4)}, ["twitter:t4", "twitter:t3", "twitter:t2"]),
        ({"tag": "#Support"}, ["twitter:t2"]),
        ({"author": "twitter:3"}, ["twitter:t1"]),
        ({"text": "acme", "brand": "acme", "tag": "acme"}, ["twitter:t2", "twitter:t1"]),
    ],
)
async def test_posts_filters(api: Api, filter_: dict[str, object], expected: list[str]) -> None:
    data = await api.data(
        "query($f: PostFilter) { posts(filter: $f) { totalCount nodes { graphId } } }",
        {"f": filter_},
    )
    # Newest first by default; ties (same day) by id, descending.
    assert [n["graphId"] for n in data["posts"]["nodes"]] == expected
    assert data["posts"]["totalCount"] == len(expected)


async def test_posts_sorted_by_sentiment_and_relations(api: Api) -> None:
    data = await api.data(
        '{ posts(filter: {brand: "acme"}, sort: {field: SENTIMENT, direction: ASC}, first: 2) '
        "{ nodes { graphId text sentiment likes createdAt ingestedAt author { handle } "
        "brands { sentiment brand { graphId } } hashtags { tag postCount } "
        "mentions { handle } } } }"
    )
    first, second = data["posts"]["nodes"]
    assert first["graphId"] == "twitter:t2" and first["sentiment"] == -0.6
    assert first["author"] == {"handle": "ada_tw"}
    assert first["brands"] == [{"sentiment": -0.6, "brand": {"graphId": "acme"}}]
    assert first["hashtags"] == [
        {"tag": "acme", "postCount": 2},
        {"tag": "support", "postCount": 1},
    ]
    assert first["createdAt"] == iso(2) and first["ingestedAt"] is not None
    assert second["graphId"] == "reddit:t3_x" and second["mentions"] == []


async def test_posts_sentiment_out_of_range_is_refused(api: Api) -> None:
    _, errors, _ = await api.errors("{ posts(filter: {minSentiment: 2}) { totalCount } }")
    assert codes(errors) == ["BAD_USER_INPUT"] and "minSentiment" in errors[0]["message"]


async def test_accounts_relations(api: Api) -> None:
    data = await api.data(
        '{ accounts(filter: {platform: "reddit"}) { nodes { graphId customer { graphId } '
        "communities { graphId name kind platform } "
        "posts(first: 5) { totalCount nodes { graphId } pageInfo { hasNextPage } } } } }"
    )
    ada, bob = data["accounts"]["nodes"]
    assert ada["customer"] == {"graphId": "cust:ada"} and bob["customer"] is None
    assert ada["communities"] == [
        {"graphId": "reddit:r/acme", "name": "r/acme", "kind": "subreddit", "platform": "reddit"}
    ]
    assert ada["posts"] == {
        "totalCount": 1,
        "nodes": [{"graphId": "reddit:t3_x"}],
        "pageInfo": {"hasNextPage": False},
    }
    assert bob["posts"]["totalCount"] == 0


async def test_brands_and_communities(api: Api) -> None:
    data = await api.data(
        "{ brands { totalCount nodes { graphId name aliases mentionCount "
        "communities { graphId } } } "
        'acmeish: brands(filter: {text: "@ACME"}) { nodes { graphId } } '
        'communities(filter: {brand: "acme"}) { nodes { graphId memberCount '
        "brands { graphId } members(first: 1) { totalCount nodes { handle } "
        "pageInfo { hasNextPage } } } } "
        'channels: communities(filter: {kind: "channel", platform: "SLACK"}) '
        "{ nodes { name } } }"
    )
    assert data["brands"]["totalCount"] == 2
    acme, globex = data["brands"]["nodes"]
    assert acme == {
        "graphId": "acme",
        "name": "Acme",
        "aliases": ["acme", "@acme"],
        "mentionCount": 5,
        "communities": [{"graphId": "reddit:r/acme"}],
    }
    assert globex["mentionCount"] == 1
    assert data["acmeish"]["nodes"] == [{"graphId": "acme"}]
    (community,) = data["communities"]["nodes"]
    assert community["memberCount"] == 2 and community["brands"] == [{"graphId": "acme"}]
    assert community["members"] == {
        "totalCount": 2,
        "nodes": [{"handle": "bob_r"}],  # most followers first
        "pageInfo": {"hasNextPage": True},
    }
    assert data["channels"]["nodes"] == [{"name": "Globex fans"}]


async def test_search_over_names_handles_text_and_aliases(api: Api) -> None:
    data = await api.data(
        '{ search(text: "li") { totalCount nodes { kind matched score node { graphId } } } '
        'posts: search(text: "MEGATHREAD", kinds: [POST]) { nodes { node { graphId } } } '
        'cjk: search(text: "李雷") { nodes { kind node { graphId } } } }'
    )
    hits = data["search"]["nodes"]
    assert data["search"]["totalCount"] == len(hits)
    # A prefix of a handle ranks above a match inside a post's text.
    assert hits == [
        {"kind": "Account", "matched": "li_tw", "score": 0.75, "node": {"graphId": "twitter:3"}},
        {
            "kind": "Post",
            "matched": "@li_tw great thread on Acme",
            "score": 0.5,
            "node": {"graphId": "twitter:t4"},
        },
    ]
    assert data["posts"]["nodes"] == [{"node": {"graphId": "reddit:t3_x"}}]
    assert {(h["kind"], h["node"]["graphId"]) for h in data["cjk"]["nodes"]} == {
        ("Customer", "cust:li"),
        ("Account", "weibo:9"),
    }


async def test_search_needs_two_characters(api: Api) -> None:
    _, errors, _ = await api.errors('{ search(text: " a ") { totalCount } }')
    assert codes(errors) == ["BAD_USER_INPUT"]


async def test_graph_stats(api: Api) -> None:
    data = await api.data(
        "{ graphStats { totalNodes nodes { label count } relationships { type count } } }"
    )
    nodes = {n["label"]: n["count"] for n in data["graphStats"]["nodes"]}
    assert nodes["Customer"] == 3 and nodes["Post"] == 7 and nodes["Account"] == 8
    rels = {r["type"]: r["count"] for r in data["graphStats"]["relationships"]}
    assert rels["ABOUT"] == 6 and rels["HAS_ACCOUNT"] == 5 and rels["FOLLOWS"] == 5


async def test_mentions_by_brand_sentiment_and_time(api: Api) -> None:
    query = (
        'query($s: Polarity, $since: DateTime) { mentions(brand: "acme", sentiment: $s, '
        "since: $since) { totalCount nodes { sentiment createdAt post { graphId } "
        "brand { name } } } }"
    )
    everything = (await api.data(query))["mentions"]
    assert everything["totalCount"] == 5
    assert [m["post"]["graphId"] for m in everything["nodes"]] == [
        "weibo:w1",
        "reddit:t3_x",
        "twitter:t4",
        "twitter:t2",
        "twitter:t1",
    ]
    assert everything["nodes"][0]["brand"] == {"name": "Acme"}
    negative = (await api.data(query, {"s": "NEGATIVE"}))["mentions"]
    assert [(m["post"]["graphId"], m["sentiment"]) for m in negative["nodes"]] == [
        ("twitter:t2", -0.6)
    ]
    recent_positive = (await api.data(query, {"s": "POSITIVE", "since": iso(4)}))["mentions"]
    assert [m["post"]["graphId"] for m in recent_positive["nodes"]] == ["weibo:w1", "reddit:t3_x"]


async def test_mentions_of_an_unknown_brand(api: Api) -> None:
    _, errors, data = await api.errors('{ mentions(brand: "nope") { totalCount } }')
    assert codes(errors) == ["NOT_FOUND"] and data is None


async def test_sentiment_timeline(api: Api) -> None:
    data = await api.data(
        '{ daily: sentimentTimeline(brand: "acme", interval: DAY) '
        "{ start mentions positive neutral negative averageSentiment } "
        'weekly: sentimentTimeline(brand: "acme", interval: WEEK) { start mentions } '
        'monthly: sentimentTimeline(brand: "acme", interval: MONTH) '
        "{ start mentions averageSentiment } }"
    )
    daily = data["daily"]
    assert [d["start"][:10] for d in daily] == [
        "2024-03-01",
        "2024-03-02",
        "2024-03-03",
        "2024-03-04",
        "2024-03-05",
    ]
    assert [d["mentions"] for d in daily] == [1, 1, 1, 0, 2]
    assert daily[1] == {
        "start": "2024-03-02T00:00:00+00:00",
        "mentions": 1,
        "positive": 0,
        "neutral": 0,
        "negative": 1,
        "averageSentiment": -0.6,
    }
    assert daily[3]["averageSentiment"] is None
    assert daily[4]["averageSentiment"] == pytest.approx(0.6)
    # 2024-03-01 is a Friday: its week starts on Monday 26 February.
    assert data["weekly"] == [
        {"start": "2024-02-26T00:00:00+00:00", "mentions": 3},
        {"start": "2024-03-04T00:00:00+00:00", "mentions": 2},
    ]
    assert data["monthly"] == [
        {
            "start": "2024-03-01T00:00:00+00:00",
            "mentions": 5,
            "averageSentiment": pytest.approx((0.8 - 0.6 + 0.5 + 0.3 + 0.9) / 5),
        }
    ]


async def test_sentiment_timeline_refuses_too_many_buckets(api: Api) -> None:
    _, errors, _ = await api.errors(
        '{ sentimentTimeline(brand: "acme", interval: HOUR, since: "2020-01-01T00:00:00Z", '
        'until: "2024-01-01T00:00:00Z") { mentions } }'
    )
    assert codes(errors) == ["BAD_USER_INPUT"] and "buckets" in errors[0]["message"]
