"""No N+1: a page of related nodes costs the same number of database round trips whatever
its size, counted by the store's own ``round_trips``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from algorithms.models import CommunityParams
from algorithms.runs import run_communities
from graph import EmbeddedEngine
from graph.model import (
    Account,
    Brand,
    BrandMention,
    Customer,
    Engagement,
    Hashtag,
    IdentityLink,
    Post,
    Tagged,
)
from graph.store import GraphStore
from loaders.writer import GraphWriter
from resolvers.settings import ApiSettings
from tests.api.harness import Api, api_on

N = 120


async def populate(store: GraphStore) -> None:
    records: list[Any] = [Brand(id="acme", name="Acme", aliases=["acme"]), Hashtag(id="acme")]
    for i in range(N):
        cid, tw, rd = f"cust:n{i:03}", f"twitter:n{i:03}", f"reddit:n{i:03}"
        post = f"twitter:p{i:03}"
        records += [
            Customer(id=cid, name=f"Customer {i:03}", tags=["bulk"]),
            Account(id=tw, platform="twitter", handle=f"tw{i:03}", followers=i),
            Account(id=rd, platform="reddit", handle=f"rd{i:03}"),
            IdentityLink(customer=cid, account=tw, method="unionid", evidence="test"),
            IdentityLink(customer=cid, account=rd, method="unionid", evidence="test"),
            Post(
                id=post,
                platform="twitter",
                text=f"acme post {i}",
                author=tw,
                created_at=1_700_000_000_000 + i,
                sentiment=0.5,
            ),
            BrandMention(post=post, brand="acme", sentiment=0.5),
            Tagged(post=post, hashtag="acme"),
            # Each account engages with its neighbours' posts: one connected engagement graph.
            Engagement(type="LIKED", account=tw, post=f"twitter:p{(i + 1) % N:03}"),
            Engagement(type="REPLIED", account=tw, post=f"twitter:p{(i + 7) % N:03}"),
        ]
    writer = GraphWriter(store)
    await writer.write(records)
    await writer.flush()  # ENGAGED
    await run_communities(store, CommunityParams(level="customer"))


@pytest.fixture(scope="module")
async def api(engine: EmbeddedEngine) -> AsyncIterator[Api]:
    # Keys are read once at startup: no re-read falls between the counted requests.
    settings = ApiSettings(key_refresh_seconds=3600)
    async with api_on(engine, populate, settings=settings) as served:
        yield served


async def round_trips(api: Api, query: str, variables: dict[str, Any]) -> int:
    before = api.store.round_trips
    await api.data(query, variables)
    return api.store.round_trips - before


CUSTOMERS = (
    'query($n: Int!) { customers(first: $n, filter: {tag: "bulk"}) { totalCount nodes { '
    "name accounts { handle customer { graphId } } "
    'socialCapital(brand: "acme") { stage trust } '
    "clusters { cluster { key size } run { graphId } } } } }"
)
POSTS = (
    "query($n: Int!) { posts(first: $n) { nodes { text author { handle customer { name } } "
    "brands { sentiment brand { name mentionCount } } hashtags { tag postCount } "
    "mentions { handle } } } }"
)
ACCOUNTS = (
    'query($n: Int!) { accounts(first: $n, filter: {platform: "twitter"}) { nodes { handle '
    "customer { name } communities { name } posts(first: 3) { totalCount nodes { text } } } } }"
)


@pytest.mark.parametrize(
    "query", [CUSTOMERS, POSTS, ACCOUNTS], ids=["customers", "posts", "accounts"]
)
async def test_round_trips_do_not_grow_with_the_page(api: Api, query: str) -> None:
    await api.data(query, {"n": 2})  # warm: stored runs, projections, caches
    small = await round_trips(api, query, {"n": 10})
    large = await round_trips(api, query, {"n": 100})
    assert small == large, f"{small} round trips for 10 items, {large} for 100"
    assert large <= 15


async def test_a_page_of_100_customers_is_fully_resolved(api: Api) -> None:
    data = await api.data(CUSTOMERS, {"n": 100})
    nodes = data["customers"]["nodes"]
    assert len(nodes) == 100 and data["customers"]["totalCount"] == N
    for node in nodes:
        assert len(node["accounts"]) == 2
        assert node["socialCapital"] is not None
        assert len(node["clusters"]) == 1
    # The same customer's accounts point back to it.
    first = nodes[0]
    assert {a["customer"]["graphId"] for a in first["accounts"]} == {"cust:n000"}
