"""The reads the web explorer adds to the API, over HTTP on the known graph: the community
map, a person's timeline of interactions, the request's role and the channel list."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from algorithms.models import CommunityParams
from algorithms.projection import project
from algorithms.runs import run_communities
from graph import EmbeddedEngine
from resolvers.keys import create_key
from resolvers.settings import ApiSettings
from schema.node import to_global_id
from tests.api.harness import Api, api_on, codes

MAP = (
    "query($maxEdges: Int!, $platform: String) { communityMap(maxEdges: $maxEdges, "
    "platform: $platform) { level edgeCount nodeIds labels platforms clusters influence "
    "edgeSources edgeTargets edgeWeights run { graphId clusterCount } } }"
)
TIMELINE = (
    "query($person: ID!, $kinds: [InteractionKind!], $first: Int, $after: String) "
    "{ interactions(person: $person, kinds: $kinds, first: $first, after: $after) "
    "{ totalCount pageInfo { hasNextPage endCursor } nodes { at kind account { graphId } "
    "post { graphId } target { graphId } order { graphId } community { graphId } } } }"
)


async def test_community_map_is_the_clustered_graph_in_columns(api: Api) -> None:
    body = (await api.data(MAP, {"maxEdges": 1000}))["communityMap"]
    run = await run_communities(api.store, CommunityParams())
    assert run.reused and body["run"]["graphId"] == run.run_id
    projection = await project(api.store, level="account", detail=False)
    ids = body["nodeIds"]
    assert ids == projection.ids and body["level"] == "account"
    n = len(ids)
    assert len(body["labels"]) == len(body["platforms"]) == len(body["clusters"]) == n
    assert len(body["influence"]) == n
    # Each node sits in the cluster the stored run put it in.
    cluster_of = {m: c.id for c in run.clusters for m in c.members}
    assert dict(zip(ids, body["clusters"], strict=True)) == cluster_of
    labels = dict(zip(ids, body["labels"], strict=True))
    assert labels["twitter:3"] == "li_tw" and labels["twitter:1"] == "ada_tw"
    assert body["platforms"] == [i.split(":")[0] for i in ids]
    # The most engaged-with, most followed account is the most influential.
    assert ids[max(range(n), key=body["influence"].__getitem__)] == "twitter:3"
    # Edges: unordered pairs, both directions' weights summed, strongest first.
    pairs = list(zip(body["edgeSources"], body["edgeTargets"], strict=True))
    assert all(0 <= s < t < n for s, t in pairs) and len(set(pairs)) == len(pairs)
    assert body["edgeCount"] == len(pairs)
    weights = body["edgeWeights"]
    assert weights == sorted(weights, reverse=True)
    assert sum(weights) == pytest.approx(float(projection.weight.sum()), abs=1e-3)
    both = {
        (projection.ids[s], projection.ids[t])
        for s, t in zip(projection.src, projection.dst, strict=True)
    }
    for s, t in pairs:
        assert (ids[s], ids[t]) in both or (ids[t], ids[s]) in both


async def test_community_map_caps_edges_and_scopes_by_channel(api: Api) -> None:
    full = (await api.data(MAP, {"maxEdges": 1000}))["communityMap"]
    capped = (await api.data(MAP, {"maxEdges": 2}))["communityMap"]
    assert capped["edgeCount"] == full["edgeCount"] > 2
    assert capped["edgeWeights"] == full["edgeWeights"][:2]
    assert capped["nodeIds"] == full["nodeIds"]
    twitter = (await api.data(MAP, {"maxEdges": 1000, "platform": "Twitter"}))["communityMap"]
    assert twitter["nodeIds"] and set(twitter["platforms"]) == {"twitter"}
    _, errors, _ = await api.errors(MAP, {"maxEdges": -1})
    assert codes(errors) == ["BAD_USER_INPUT"] and "maxEdges" in errors[0]["message"]


async def test_a_customer_timeline_spans_accounts_and_orders(api: Api) -> None:
    body = (await api.data(TIMELINE, {"person": "cust:ada"}))["interactions"]
    events = [
        (
            e["kind"],
            (e["account"] or {}).get("graphId"),
            next((e[k]["graphId"] for k in ("post", "order", "community") if e[k]), None),
            (e["target"] or {}).get("graphId"),
        )
        for e in body["nodes"]
    ]
    assert events == [
        ("ORDER", None, "shopify:order:2", None),  # day 10
        ("POST", "reddit:t2_ada", "reddit:t3_x", None),  # day 5
        ("ORDER", None, "shopify:order:1", None),  # day 4
        ("POST", "twitter:1", "twitter:t2", None),  # day 2
        ("REPLY", "twitter:1", None, "twitter:t1"),  # day 1, 13:00: an interaction only
        ("JOINED", "reddit:t2_ada", "reddit:r/acme", None),  # no date: last
    ]
    assert body["totalCount"] == 6
    assert body["nodes"][0]["at"].startswith("2024-03-10")
    assert body["nodes"][-1]["at"] is None

    # Pages follow on from the cursor; the global id works as well as the graph id.
    person = to_global_id("Customer", "cust:ada")
    first = (await api.data(TIMELINE, {"person": person, "first": 4}))["interactions"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (
        await api.data(
            TIMELINE, {"person": person, "first": 4, "after": first["pageInfo"]["endCursor"]}
        )
    )["interactions"]
    assert first["nodes"] + rest["nodes"] == body["nodes"]
    assert rest["pageInfo"]["hasNextPage"] is False

    orders = await api.data(TIMELINE, {"person": "cust:ada", "kinds": ["ORDER"]})
    assert [e["order"]["graphId"] for e in orders["interactions"]["nodes"]] == [
        "shopify:order:2",
        "shopify:order:1",
    ]
    assert orders["interactions"]["totalCount"] == 2


async def test_an_account_timeline_has_likes_and_mentions(api: Api) -> None:
    body = (await api.data(TIMELINE, {"person": "twitter:3"}))["interactions"]
    assert [(e["kind"], (e["post"] or {}).get("graphId")) for e in body["nodes"]] == [
        ("LIKE", "twitter:t4"),  # liked on day 4
        ("MENTIONED", "twitter:t4"),  # t4 (day 3) mentions it
        ("POST", "twitter:t1"),  # day 1
    ]
    assert body["totalCount"] == 3
    assert {e["account"]["graphId"] for e in body["nodes"]} == {"twitter:3"}


async def test_timeline_of_something_that_is_not_a_person(api: Api) -> None:
    _, errors, _ = await api.errors(TIMELINE, {"person": to_global_id("Post", "twitter:t1")})
    assert codes(errors) == ["BAD_USER_INPUT"]
    _, errors, _ = await api.errors(TIMELINE, {"person": "nobody:1"})
    assert codes(errors) == ["NOT_FOUND"] and "nobody:1" in errors[0]["message"]


async def test_channels_count_accounts_per_platform(api: Api) -> None:
    channels = (await api.data("{ channels { platform count } }"))["channels"]
    assert channels == [
        {"platform": "twitter", "count": 5},
        {"platform": "reddit", "count": 2},
        {"platform": "weibo", "count": 1},
    ]


@pytest.fixture
async def keyed_api(engine: EmbeddedEngine) -> AsyncIterator[Api]:
    async with api_on(engine, settings=ApiSettings(key_refresh_seconds=0.05)) as served:
        yield served


async def test_access_tells_the_role_of_the_key(keyed_api: Api) -> None:
    query = "{ access { role keyId } }"
    assert (await keyed_api.data(query))["access"] == {"role": "admin", "keyId": None}
    key, token = await create_key(keyed_api.store, "viewer", "explorer test")
    await asyncio.sleep(0.1)  # keys made elsewhere take effect within the refresh
    assert (await keyed_api.data(query, key=token))["access"] == {
        "role": "viewer",
        "keyId": key.id,
    }
    assert (await keyed_api.post(query)).status_code == 401
