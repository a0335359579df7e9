"""Projection: what is read, how it is folded and filtered — against the embedded FalkorDB."""

from __future__ import annotations

import math

import pytest

from algorithms.errors import BadParameter, UnknownBrand
from algorithms.projection import Projection, project
from graph.store import GraphStore
from graph.version import bump_version
from tests.algorithms.builders import ENGAGED, GraphBuilder


def small_graph() -> GraphBuilder:
    g = GraphBuilder()
    for name, followers in (("a1", 1000), ("a2", 10), ("a3", 5), ("a4", 0)):
        g.account(f"twitter:{name}", followers=followers)
    g.account("reddit:b1", platform="reddit", followers=7)
    g.brand("acme")
    g.brand("other")
    g.post("p1", "twitter:a1", at=1000, sentiment=0.8, brand="acme")
    g.post("p2", "twitter:a2", at=2000, sentiment=-0.5, brand="other")
    g.post("p3", "twitter:a3", at=3000)
    g.interact("twitter:a2", "REPLIED", "p1", at=1500)
    g.interact("twitter:a3", "LIKED", "p1", at=2500)
    g.interact("twitter:a4", "SHARED", "p2", at=2100)
    g.interact("twitter:a1", "LIKED", "p3", at=3100)
    g.interact("reddit:b1", "LIKED", "p1", at=1600)
    g.mention("p1", "twitter:a4")
    g.follow("twitter:a4", "twitter:a1", at=500)
    g.customer("c1", "twitter:a1", "reddit:b1")
    return g


def edges(p: Projection) -> dict[tuple[str, str], float]:
    return {
        (p.ids[s], p.ids[d]): round(w, 6)
        for s, d, w in zip(p.src.tolist(), p.dst.tolist(), p.weight.tolist(), strict=True)
    }


@pytest.fixture
async def graph(falkordb_store: GraphStore) -> GraphStore:
    await small_graph().write(falkordb_store)
    return falkordb_store


async def test_account_level_reads_engaged_and_follows(graph: GraphStore) -> None:
    p = await project(graph)
    assert edges(p) == {
        ("twitter:a2", "twitter:a1"): 3.0,
        ("twitter:a3", "twitter:a1"): 1.0,
        ("reddit:b1", "twitter:a1"): 1.0,
        ("twitter:a4", "twitter:a2"): 2.0,
        ("twitter:a1", "twitter:a3"): 1.0,
        ("twitter:a1", "twitter:a4"): 2.0,
        ("twitter:a4", "twitter:a1"): 0.2,
    }
    a1 = p.index["twitter:a1"]
    assert p.followers[a1] == 1000
    assert p.platforms[a1] == ("twitter",)
    assert p.kinds[a1] == "account"
    assert p.received("likes")[a1] == 2
    assert p.received("replies")[a1] == 1
    assert p.follows.sum() == 1
    assert p.version >= 1
    # Without a brand, sentiment is toward any brand.
    assert p.sentiment[a1] == pytest.approx(0.8)
    assert p.sentiment[p.index["twitter:a2"]] == pytest.approx(-0.5)
    assert math.isnan(p.sentiment[p.index["twitter:a3"]])


async def test_brand_scope_counts_only_interactions_on_posts_about_the_brand(
    graph: GraphStore,
) -> None:
    p = await project(graph, brand="acme")
    assert edges(p) == {
        ("twitter:a2", "twitter:a1"): 3.0,
        ("twitter:a3", "twitter:a1"): 1.0,
        ("reddit:b1", "twitter:a1"): 1.0,
        ("twitter:a1", "twitter:a4"): 2.0,
        # a4 and a1 are both in the acme conversation, so their follow counts.
        ("twitter:a4", "twitter:a1"): 0.2,
    }
    a1 = p.index["twitter:a1"]
    assert p.sentiment[a1] == pytest.approx(0.8)
    assert p.brand_posts[a1] == 1
    assert p.last_at[p.src == p.index["twitter:a2"]].tolist() == [1500]
    other = await project(graph, brand="other")
    assert edges(other) == {("twitter:a4", "twitter:a2"): 2.0}


async def test_platform_filter_keeps_edges_within_the_platform(graph: GraphStore) -> None:
    p = await project(graph, platform="twitter")
    assert "reddit:b1" not in p.index
    assert ("twitter:a2", "twitter:a1") in edges(p)
    reddit = await project(graph, platform="reddit")
    assert reddit.node_count == 0 and reddit.edge_count == 0


async def test_window_filters_on_interaction_time(graph: GraphStore) -> None:
    late = await project(graph, since=2000)
    assert edges(late) == {
        ("twitter:a3", "twitter:a1"): 1.0,
        ("twitter:a4", "twitter:a2"): 2.0,
        ("twitter:a1", "twitter:a3"): 1.0,
        ("twitter:a4", "twitter:a1"): 0.2,
    }
    early = await project(graph, until=2000, follows_weight=0.0)
    assert edges(early) == {
        ("twitter:a2", "twitter:a1"): 3.0,
        ("reddit:b1", "twitter:a1"): 1.0,
        ("twitter:a1", "twitter:a4"): 2.0,
    }
    before_follow = await project(graph, until=400)
    assert before_follow.node_count == 0


async def test_customer_level_folds_accounts_through_has_account(graph: GraphStore) -> None:
    p = await project(graph, level="customer")
    assert edges(p) == {
        ("twitter:a2", "c1"): 3.0,
        ("twitter:a3", "c1"): 1.0,
        ("twitter:a4", "twitter:a2"): 2.0,
        ("c1", "twitter:a3"): 1.0,
        ("c1", "twitter:a4"): 2.0,
        ("twitter:a4", "c1"): 0.2,
    }
    c1 = p.index["c1"]
    assert p.kinds[c1] == "customer"
    assert p.accounts[c1] == ("reddit:b1", "twitter:a1")
    assert p.platforms[c1] == ("reddit", "twitter")
    assert p.followers[c1] == 1007
    assert p.kinds[p.index["twitter:a2"]] == "account"


async def test_conversions_agree_with_the_arrays(graph: GraphStore) -> None:
    p = await project(graph)
    nxg = p.to_networkx()
    assert nxg.number_of_nodes() == p.node_count
    assert {(u, v): round(w, 6) for u, v, w in nxg.edges(data="weight")} == edges(p)
    ig = p.to_igraph(directed=False)
    assert ig.vcount() == p.node_count
    # a1⇄a4 and a1⇄a3 each merge into one undirected edge.
    assert ig.ecount() == p.edge_count - 2
    assert sum(ig.es["weight"]) == pytest.approx(float(p.weight.sum()))
    und = p.to_networkx(directed=False)
    assert und["twitter:a1"]["twitter:a4"]["weight"] == pytest.approx(2.2)


async def test_projection_is_cached_per_graph_version(graph: GraphStore) -> None:
    first = await project(graph, brand="acme")
    assert await project(graph, brand="acme") is first
    assert await project(graph) is not first
    await bump_version(graph)
    again = await project(graph, brand="acme")
    assert again is not first and again.version == first.version + 1
    assert edges(again) == edges(first)


async def test_bad_parameters_are_named(graph: GraphStore) -> None:
    with pytest.raises(UnknownBrand, match=r"unknown brand 'nope'.*acme"):
        await project(graph, brand="nope")
    with pytest.raises(BadParameter, match="level"):
        await project(graph, level="household")  # type: ignore[arg-type]
    with pytest.raises(BadParameter, match="window is empty"):
        await project(graph, since=10, until=10)
    with pytest.raises(BadParameter, match="follows_weight"):
        await project(graph, follows_weight=-1)


async def test_without_detail_the_edges_are_the_same(graph: GraphStore) -> None:
    full = await project(graph, level="customer", cache=False)
    lean = await project(graph, level="customer", detail=False, cache=False)
    assert not lean.detail and full.detail
    assert lean.ids == full.ids and edges(lean) == edges(full)
    assert lean.interactions["likes"].size == 0 and lean.last_at.size == 0
    with pytest.raises(ValueError, match="without per-edge detail"):
        lean.received("likes")
    # A cached projection with detail serves a request without it.
    cached = await project(graph, level="customer")
    assert await project(graph, level="customer", detail=False) is cached


async def test_counts_too_large_to_pack_are_read_exactly(falkordb_store: GraphStore) -> None:
    g = GraphBuilder()
    g.account("twitter:fan")
    g.account("twitter:star")
    g.account("twitter:other")
    g.post("hit", "twitter:star")
    g.post("meh", "twitter:other")
    g.interact("twitter:fan", "LIKED", "meh", at=7)
    await g.write(falkordb_store, engaged=False)
    busy = dict.fromkeys(("replies", "shares", "quotes", "mentions"), 0)
    rows = [
        {"u": "twitter:fan", "v": "twitter:star", "weight": 9000.0, "count": 9000, "last_at": 5}
        | busy
        | {"likes": 9000},
        {"u": "twitter:fan", "v": "twitter:other", "weight": 1.0, "count": 1, "last_at": 7}
        | busy
        | {"likes": 1},
    ]
    await falkordb_store.write(ENGAGED, {"rows": rows})
    await bump_version(falkordb_store)
    p = await project(falkordb_store)
    assert p.received("likes")[p.index["twitter:star"]] == 9000
    assert p.received("likes")[p.index["twitter:other"]] == 1
    assert p.engaged_count.tolist() == [1, 9000]  # fan→other, fan→star
    assert p.last_at.tolist() == [0, 0]  # not read for an unscoped projection


async def test_an_id_holding_the_separator_is_still_read(falkordb_store: GraphStore) -> None:
    odd = "slack:odd\x1fname"
    g = GraphBuilder()
    g.account(odd)
    g.account("slack:plain")
    g.follow(odd, "slack:plain")
    await g.write(falkordb_store)
    p = await project(falkordb_store)
    assert p.ids == [odd, "slack:plain"]


async def test_empty_graph_gives_an_empty_projection(falkordb_store: GraphStore) -> None:
    p = await project(falkordb_store)
    assert p.node_count == 0 and p.edge_count == 0
    assert p.to_igraph().vcount() == 0
    assert p.to_networkx().number_of_nodes() == 0
