"""Stored influence and community runs against the embedded FalkorDB."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import numpy as np
import pytest

from algorithms.errors import BadParameter, UnknownBrand
from algorithms.evaluation import normalized_mutual_information
from algorithms.influence_run import LISTED
from algorithms.pagerank import pagerank
from algorithms.projection import project
from algorithms.runs import CommunityParams, InfluenceParams, run_communities, run_influence
from graph.store import GraphStore
from graph.version import bump_version
from tests.algorithms.builders import GraphBuilder
from tests.algorithms.known_graphs import known_graph
from tests.algorithms.test_projection import small_graph

KINDS = ("REPLIED", "SHARED", "QUOTED", "LIKED")


def close(a: object, b: object) -> bool:
    """Equal, with floats to 1e-12 relative (the engine returns 15 significant digits)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return a == pytest.approx(b, rel=1e-12, abs=1e-15)
    return a == b


def random_social(seed: int, accounts: int = 60, posts: int = 120, acts: int = 700) -> GraphBuilder:
    rng = random.Random(seed)
    g = GraphBuilder()
    g.brand("acme")
    ids = [
        g.account(f"twitter:{i}", followers=rng.choice([0, 5, 50, 5000])) for i in range(accounts)
    ]
    for i in range(posts):
        g.post(
            f"p{i}",
            rng.choice(ids),
            at=1000 + i,
            sentiment=rng.uniform(-1, 1),
            brand="acme" if i % 2 else None,
            tags=(rng.choice(["acme", "deal", "fail"]),),
        )
    for _ in range(acts):
        g.interact(rng.choice(ids), rng.choice(KINDS), f"p{rng.randrange(posts)}")
    for _ in range(40):
        g.mention(f"p{rng.randrange(posts)}", rng.choice(ids))
    for _ in range(150):
        u, v = rng.sample(ids, 2)
        g.follow(u, v)
    return g


def groups(sizes: dict[str, int], *, bridges: int = 1) -> GraphBuilder:
    """Dense follower groups (accounts ``<group>:<i>``) joined by a few bridge follows,
    each member posting with its group's hashtag."""
    g = GraphBuilder()
    for name, size in sizes.items():
        members = [g.account(f"{name}:{i}", followers=i) for i in range(size)]
        for i, u in enumerate(members):
            g.post(f"post:{u}", u, tags=(name,))
            for v in members[i + 1 :]:
                g.follow(u, v)
                g.follow(v, u)
    names = list(sizes)
    for a, b in itertools.pairwise(names):
        for i in range(bridges):
            g.follow(f"{a}:{i}", f"{b}:{i}")
    return g


async def test_influence_run_is_stored_and_reused(falkordb_store: GraphStore) -> None:
    store = falkordb_store
    await small_graph().write(store)
    first = await run_influence(store, InfluenceParams(top=3))
    assert not first.reused and first.run_id and len(first.results) == 3
    stats = await store.stats()
    assert stats.nodes["AnalysisRun"] == 1
    assert stats.relationships["SCORED"] == first.node_count == 5
    before = store.round_trips
    again = await run_influence(store, InfluenceParams(top=2))
    # Version, run lookup and three reads of stored rows: no projection, no compute.
    assert store.round_trips - before <= 5
    assert again.reused and again.run_id == first.run_id
    assert again.timings == first.timings
    assert [(r.id, r.rank) for r in again.results] == [(r.id, r.rank) for r in first.results[:2]]
    for fresh, stored in zip(first.results, again.results, strict=False):
        assert close(stored.model_dump(), fresh.model_dump())


@pytest.mark.parametrize("odd_id", [False, True], ids=["packed", "rows"])
async def test_scores_read_back_exactly_from_scored(
    falkordb_store: GraphStore, odd_id: bool
) -> None:
    g = random_social(3)
    if odd_id:  # an id holding the packing separators: its chunk is sent as rows
        odd = g.account("slack:odd\x1e\x1fname")
        g.follow(odd, "twitter:1")
        g.follow("twitter:2", odd)
    await g.write(falkordb_store)
    fresh = await run_influence(falkordb_store, InfluenceParams(top=LISTED + 1))
    # Past the lists kept on the run node, a repeat reads the SCORED relationships.
    stored = await run_influence(falkordb_store, InfluenceParams(top=LISTED + 1))
    assert stored.reused and len(stored.results) == fresh.node_count == 60 + odd_id
    assert close(stored.model_dump(exclude={"reused"}), fresh.model_dump(exclude={"reused"}))
    assert any(r.breakdown.brand_sentiment is None for r in stored.results)
    assert all(r.breakdown.channels == ["twitter"] for r in stored.results if r.id[0] == "t")


async def test_a_new_graph_version_makes_a_new_run_and_old_runs_retire(
    falkordb_store: GraphStore,
) -> None:
    store = falkordb_store
    await small_graph().write(store)
    ids = [(await run_influence(store, InfluenceParams())).run_id]
    for _ in range(3):
        await bump_version(store)
        run = await run_influence(store, InfluenceParams())
        assert not run.reused
        ids.append(run.run_id)
    assert len(set(ids)) == 4
    stats = await store.stats()
    assert stats.nodes["AnalysisRun"] == 2  # the newest and the one before it
    assert stats.relationships["SCORED"] == 2 * 5


async def test_pagerank_through_falkordb_matches_networkx(falkordb_store: GraphStore) -> None:
    builder = random_social(5)
    await builder.write(falkordb_store)
    # The reference graph is derived independently from what was written.
    reference = nx.DiGraph()
    for row in builder.engaged_rows():
        reference.add_edge(row["u"], row["v"], weight=row["weight"])
    for f in builder.follows:
        w = reference.get_edge_data(f["u"], f["v"], {"weight": 0.0})["weight"]
        reference.add_edge(f["u"], f["v"], weight=w + 0.2)
    expected = nx.pagerank(reference, weight="weight", tol=1e-13, max_iter=10_000)
    p = await project(falkordb_store)
    assert set(p.ids) == set(expected)
    ranks = pagerank(p)
    assert float(np.abs(ranks - [expected[n] for n in p.ids]).sum()) < 1e-6
    run = await run_influence(falkordb_store, InfluenceParams(top=10_000))
    stored = await run_influence(falkordb_store, InfluenceParams(top=10_000))
    assert stored.reused and len(stored.results) == p.node_count
    l1 = sum(abs(r.breakdown.pagerank - expected[r.id]) for r in stored.results)
    assert l1 < 1e-6
    assert [r.id for r in stored.results] == [r.id for r in run.results]


async def test_brand_advocates_and_detractors(falkordb_store: GraphStore) -> None:
    g = GraphBuilder()
    g.brand("acme")
    for name in ("fan", "critic", "bystander"):
        g.account(f"twitter:{name}", followers=100)
    crowd = [g.account(f"twitter:c{i}") for i in range(12)]
    g.post("love", "twitter:fan", sentiment=0.9, brand="acme")
    g.post("love2", "twitter:fan", sentiment=0.7, brand="acme")
    g.post("hate", "twitter:critic", sentiment=-0.8, brand="acme")
    g.post("chat", "twitter:bystander", sentiment=-1.0)  # not about the brand
    for i, c in enumerate(crowd):
        g.interact(c, "SHARED", "love")
        if i % 2:
            g.interact(c, "REPLIED", "hate")
        g.interact(c, "LIKED", "chat")
    await g.write(falkordb_store)
    run = await run_influence(falkordb_store, InfluenceParams(brand="acme", top=5))
    assert [r.id for r in run.advocates] == ["twitter:fan"]
    assert [r.id for r in run.detractors] == ["twitter:critic"]
    assert "twitter:bystander" not in {r.id for r in run.results}
    fan = run.advocates[0].breakdown
    assert fan.engagement_received.shares == 12
    assert fan.brand_sentiment == pytest.approx(0.8)
    assert fan.sentiment_posts == 2
    assert fan.advocacy == pytest.approx(run.advocates[0].score * 0.8 * 2 / 3)
    stored = await run_influence(falkordb_store, InfluenceParams(brand="acme", top=5))
    assert stored.reused
    assert [r.id for r in stored.advocates] == ["twitter:fan"]
    assert [r.id for r in stored.detractors] == ["twitter:critic"]


async def test_customer_level_scores_customers(falkordb_store: GraphStore) -> None:
    await small_graph().write(falkordb_store)
    run = await run_influence(falkordb_store, InfluenceParams(level="customer"))
    top = run.results[0]
    assert (top.id, top.kind) == ("c1", "customer")
    assert top.breakdown.channels == ["reddit", "twitter"]
    # a2's reply and a3's like count; c1's own reddit account liking its tweet does not.
    received = top.breakdown.engagement_received
    assert received is not None
    assert received.model_dump() == {
        "replies": 1,
        "shares": 0,
        "quotes": 0,
        "likes": 1,
        "mentions": 0,
    }
    accounts = await run_influence(falkordb_store, InfluenceParams())
    a1 = next(r for r in accounts.results if r.id == "twitter:a1").breakdown
    assert a1.engagement_received is not None and a1.engagement_received.likes == 2
    stored = await run_influence(falkordb_store, InfluenceParams(level="customer"))
    assert stored.reused and (stored.results[0].id, stored.results[0].kind) == ("c1", "customer")


async def test_bad_parameters_and_empty_graph(falkordb_store: GraphStore) -> None:
    empty = await run_influence(falkordb_store, InfluenceParams())
    assert empty.run_id is None and empty.results == [] and empty.note
    clusters = await run_communities(falkordb_store, CommunityParams())
    assert clusters.run_id is None and clusters.clusters == [] and clusters.note
    assert "AnalysisRun" not in (await falkordb_store.stats()).nodes
    await small_graph().write(falkordb_store)
    with pytest.raises(UnknownBrand):
        await run_influence(falkordb_store, InfluenceParams(brand="nope"))
    with pytest.raises(UnknownBrand):
        await run_communities(falkordb_store, CommunityParams(brand="nope"))
    for bad in ({"top": 0}, {"alpha": 1.0}, {"level": "x"}, {"since": 5, "until": 5}):
        with pytest.raises(BadParameter):
            InfluenceParams(**bad)  # type: ignore[arg-type]
    for bad in ({"resolution": 0}, {"algorithm": "x"}, {"min_size": 0}):
        with pytest.raises(BadParameter):
            CommunityParams(**bad)  # type: ignore[arg-type]


async def test_community_run_is_stored_and_reused(falkordb_store: GraphStore) -> None:
    await groups({"red": 8, "blue": 6, "solo": 2}, bridges=1).write(falkordb_store)
    run = await run_communities(falkordb_store, CommunityParams())
    assert not run.reused and run.modularity > 0.3
    members = [m for c in run.clusters for m in c.members]
    assert sorted(members) == sorted(set(members)) and len(members) == run.node_count == 16
    by_group = {c.members[0].split(":")[0]: c for c in run.clusters}
    assert {c.id for c in run.clusters} == {"c1", "c2", "c3"}
    assert by_group["red"].size == 8 and by_group["red"].top_hashtags[0].tag == "red"
    # Inside a clique engagement ranks all alike, so reach (followers = i) decides.
    assert by_group["red"].leaders[:2] == ["red:7", "red:6"]
    assert by_group["red"].density == pytest.approx(1.0, abs=0.01)
    stored = await run_communities(falkordb_store, CommunityParams(min_size=3))
    assert stored.reused and stored.run_id == run.run_id
    assert stored.modularity == pytest.approx(run.modularity)
    assert [c.id for c in stored.clusters] == [c.id for c in run.clusters if c.size >= 3]
    for c in stored.clusters:
        fresh = next(f for f in run.clusters if f.id == c.id)
        assert close(c.model_dump(), fresh.model_dump())


async def test_cluster_ids_survive_a_new_graph_version(falkordb_store: GraphStore) -> None:
    await groups({"red": 8, "blue": 7, "green": 6}).write(falkordb_store)
    first = await run_communities(falkordb_store, CommunityParams())
    id_of = {c.members[0].split(":")[0]: c.id for c in first.clusters}
    assert len(id_of) == 3
    # New members join blue and a whole new group appears.
    more = groups({"gold": 5})
    for i in range(3):
        more.account(f"blue:new{i}")
        for j in range(7):
            more.follow(f"blue:new{i}", f"blue:{j}")
    await more.write(falkordb_store)
    second = await run_communities(falkordb_store, CommunityParams())
    assert second.previous_run_id == first.run_id and second.run_id != first.run_id
    again = {c.members[0].split(":")[0]: c.id for c in second.clusters}
    assert {k: again[k] for k in id_of} == id_of
    assert again["gold"] == "c4"
    blue = next(c for c in second.clusters if c.id == id_of["blue"])
    assert blue.size == 10


async def test_karate_through_falkordb(falkordb_store: GraphStore) -> None:
    karate = known_graph("karate")
    g = GraphBuilder()
    for node in karate.nodes:
        g.account(f"karate:{node}")
    for u, v in karate.edges:
        g.follow(f"karate:{u}", f"karate:{v}")
        g.follow(f"karate:{v}", f"karate:{u}")
    await g.write(falkordb_store)
    run = await run_communities(falkordb_store, CommunityParams())
    assert run.modularity == pytest.approx(1277 / 3042, abs=1e-9)
    cluster_of = {m: c.id for c in run.clusters for m in c.members}
    truth = [karate.nodes[n]["truth"] for n in karate.nodes]
    found = [cluster_of[f"karate:{n}"] for n in karate.nodes]
    assert normalized_mutual_information(truth, found) > 0.5
