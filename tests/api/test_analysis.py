"""Analysis-backed fields over HTTP: influencers, clusters, advocacy paths, social capital,
runAnalysis.  The API must serve exactly what the analysis services compute."""

from __future__ import annotations

import pytest

from algorithms.capital import social_capital
from algorithms.models import CommunityParams, InfluenceParams
from algorithms.paths import PathParams, find_advocacy_paths
from algorithms.runs import run_communities, run_influence
from tests.api.harness import Api, codes

INFLUENCERS = (
    "query($brand: ID, $level: Level!, $order: InfluenceOrder!, $first: Int, $after: String) "
    "{ influencers(brand: $brand, level: $level, order: $order, first: $first, after: $after) "
    "{ totalCount pageInfo { hasNextPage endCursor } run { graphId kind level brandId "
    "graphVersion nodeCount } edges { node { rank score kind node { __typename graphId } "
    "breakdown { pagerank pagerankPart reachPart followers channels brandSentiment advocacy "
    "engagementReceived { replies shares quotes likes mentions } } } } } }"
)


async def test_influencers_are_the_stored_ranking_with_breakdowns(api: Api) -> None:
    data = await api.data(INFLUENCERS, {"level": "ACCOUNT", "order": "RANK", "first": 3})
    ranking = data["influencers"]
    expected = await run_influence(api.store, InfluenceParams(top=100))
    assert expected.reused  # the API stored the run; the service reads it back
    assert ranking["run"]["graphId"] == expected.run_id
    assert ranking["run"]["kind"] == "influence" and ranking["run"]["level"] == "account"
    assert ranking["totalCount"] == expected.node_count == ranking["run"]["nodeCount"]
    scores = [edge["node"] for edge in ranking["edges"]]
    assert [(s["rank"], s["node"]["graphId"]) for s in scores] == [
        (r.rank, r.id) for r in expected.results[:3]
    ]
    for got, want in zip(scores, expected.results, strict=False):
        assert got["score"] == pytest.approx(want.score)
        breakdown = got["breakdown"]
        assert breakdown["pagerankPart"] + breakdown["reachPart"] == pytest.approx(got["score"])
        assert breakdown["followers"] == want.breakdown.followers
        assert breakdown["engagementReceived"] == want.breakdown.engagement_received.model_dump()
    # The most engaged-with and most followed account leads.
    assert scores[0]["node"] == {"__typename": "Account", "graphId": "twitter:3"}
    assert ranking["pageInfo"]["hasNextPage"] is True

    rest = await api.data(
        INFLUENCERS,
        {
            "level": "ACCOUNT",
            "order": "RANK",
            "first": 100,
            "after": ranking["pageInfo"]["endCursor"],
        },
    )
    ranks = [e["node"]["rank"] for e in rest["influencers"]["edges"]]
    assert ranks == list(range(4, expected.node_count + 1))


async def test_influencers_advocates_and_detractors_for_a_brand(api: Api) -> None:
    advocates = await api.data(
        INFLUENCERS, {"brand": "acme", "level": "ACCOUNT", "order": "ADVOCACY"}
    )
    detractors = await api.data(
        INFLUENCERS, {"brand": "acme", "level": "ACCOUNT", "order": "DETRACTION"}
    )
    expected = await run_influence(api.store, InfluenceParams(brand="acme", top=100))
    assert [e["node"]["node"]["graphId"] for e in advocates["influencers"]["edges"]] == [
        r.id for r in expected.advocates
    ]
    assert [e["node"]["node"]["graphId"] for e in detractors["influencers"]["edges"]] == [
        r.id for r in expected.detractors
    ]
    assert all(e["node"]["breakdown"]["advocacy"] > 0 for e in advocates["influencers"]["edges"])
    assert advocates["influencers"]["run"]["brandId"] == "acme"
    assert detractors["influencers"]["totalCount"] == len(expected.detractors) > 0


async def test_influencers_at_customer_level(api: Api) -> None:
    data = await api.data(INFLUENCERS, {"level": "CUSTOMER", "order": "RANK"})
    kinds = {e["node"]["node"]["__typename"] for e in data["influencers"]["edges"]}
    assert "Customer" in kinds
    assert data["influencers"]["run"]["level"] == "customer"


async def test_influencers_for_an_unknown_brand(api: Api) -> None:
    _, errors, _ = await api.errors(
        INFLUENCERS, {"brand": "nope", "level": "ACCOUNT", "order": "RANK"}
    )
    assert codes(errors) == ["UNKNOWN_BRAND"] and "nope" in errors[0]["message"]


async def test_clusters_return_the_run_with_clusters(api: Api) -> None:
    data = await api.data(
        "{ clusters(algorithm: LEIDEN, resolution: 1.0) { graphId kind algorithm resolution "
        "modularity clusterCount nodeCount clusters(first: 50) { totalCount nodes { key size "
        "density leaderIds leaders { graphId } topHashtags { tag count } "
        "channels { platform count } members(first: 100) { totalCount nodes { graphId } } "
        "run { graphId } } } } }"
    )
    run = data["clusters"]
    expected = await run_communities(api.store, CommunityParams())
    assert expected.reused and run["graphId"] == expected.run_id
    assert run["algorithm"] == "leiden" and run["modularity"] == pytest.approx(expected.modularity)
    assert run["clusterCount"] == len(expected.clusters) == run["clusters"]["totalCount"]
    got = {
        c["key"]: sorted(m["graphId"] for m in c["members"]["nodes"])
        for c in run["clusters"]["nodes"]
    }
    assert got == {c.id: sorted(c.members) for c in expected.clusters}
    for cluster in run["clusters"]["nodes"]:
        assert cluster["size"] == cluster["members"]["totalCount"]
        assert [n["graphId"] for n in cluster["leaders"]] == cluster["leaderIds"]
        assert cluster["run"] == {"graphId": run["graphId"]}
    # Every node of the projection is in exactly one cluster.
    members = [m for ids in got.values() for m in ids]
    assert len(members) == len(set(members)) == run["nodeCount"]


async def test_clusters_min_size_and_bad_resolution(api: Api) -> None:
    data = await api.data("{ clusters(minSize: 1000) { clusterCount clusters { totalCount } } }")
    assert data["clusters"]["clusters"]["totalCount"] == 0
    assert data["clusters"]["clusterCount"] > 0
    _, errors, _ = await api.errors("{ clusters(resolution: 0) { graphId } }")
    assert codes(errors) == ["BAD_PARAMETER"] and "resolution" in errors[0]["message"]


async def test_customer_clusters_and_social_capital(api: Api) -> None:
    await api.data("{ clusters(level: CUSTOMER) { graphId } }")
    data = await api.data(
        '{ customer(id: "cust:ada") { clusters { cluster { key } run { level } via { graphId } } '
        "socialCapital { stage trust relationship activity contribution love reach gravity "
        "asOf breakdown { accounts orders orderValue lastOrder } } "
        'acme: socialCapital(brand: "acme") { brandId trust breakdown { brandPosts } } } }'
    )
    ada = data["customer"]
    levels = {
        (m["run"]["level"], m["via"]["graphId"] if m["via"] else None) for m in ada["clusters"]
    }
    assert ("customer", None) in levels
    (overall,) = await social_capital(api.store, customer_ids=["cust:ada"], brand=None)
    (acme,) = await social_capital(api.store, customer_ids=["cust:ada"], brand="acme")
    capital = ada["socialCapital"]
    assert capital["stage"] == overall.stage.upper()
    for name in ("trust", "relationship", "activity", "contribution", "love", "reach", "gravity"):
        assert capital[name] == pytest.approx(getattr(overall, name))
    assert capital["breakdown"]["orders"] == overall.breakdown.orders
    assert sorted(capital["breakdown"]["accounts"]) == ["reddit:t2_ada", "twitter:1"]
    assert ada["acme"]["brandId"] == "acme"
    assert ada["acme"]["trust"] == pytest.approx(acme.trust)
    assert ada["acme"]["breakdown"]["brandPosts"] == acme.breakdown.brand_posts


async def test_social_capital_for_a_page_of_customers(api: Api) -> None:
    data = await api.data(
        '{ customers { nodes { graphId socialCapital(brand: "acme") { stage } } } }'
    )
    assert all(n["socialCapital"] is not None for n in data["customers"]["nodes"])


async def test_advocacy_paths_with_hops_and_evidence(api: Api) -> None:
    query = (
        "query($target: ID!, $source: ID, $brand: ID) { advocacyPaths(target: $target, "
        "source: $source, brand: $brand, k: 3, maxHops: 4) { targetId level sourceIds k maxHops "
        "reason paths { strength nodeIds nodes { graphId } hops { fromId toId probability "
        "evidence { replies shares quotes likes mentions interactions follows weight attention "
        "lastContact } } } } }"
    )
    data = await api.data(query, {"target": "twitter:1", "source": "twitter:3"})
    result = data["advocacyPaths"]
    expected = await find_advocacy_paths(
        api.store, PathParams(target="twitter:1", source="twitter:3", k=3, max_hops=4)
    )
    assert result["level"] == expected.level == "account"
    assert [p["nodeIds"] for p in result["paths"]] == [p.nodes for p in expected.paths]
    assert result["paths"], "twitter:1 engaged with twitter:3's post: there is a path"
    for got, want in zip(result["paths"], expected.paths, strict=True):
        assert got["strength"] == pytest.approx(want.strength)
        assert [n["graphId"] for n in got["nodes"]] == got["nodeIds"]
        assert [(h["fromId"], h["toId"]) for h in got["hops"]] == [
            (h.from_, h.to) for h in want.hops
        ]
    hop = result["paths"][0]["hops"][0]
    assert hop["evidence"]["interactions"] >= 1 or hop["evidence"]["follows"]
    assert 0 < hop["probability"] <= 1


async def test_advocacy_paths_bad_parameters(api: Api) -> None:
    query = "query($t: ID!, $k: Int!) { advocacyPaths(target: $t, k: $k) { k } }"
    _, errors, _ = await api.errors(query, {"t": "twitter:1", "k": 0})
    assert codes(errors) == ["BAD_PARAMETER"]
    _, errors, _ = await api.errors(query, {"t": "twitter:nobody", "k": 3})
    assert codes(errors) == ["UNKNOWN_TARGET"]


async def test_run_analysis_mutation(api: Api) -> None:
    mutation = (
        "mutation($kind: AnalysisKind!, $input: AnalysisInput!) { runAnalysis(kind: $kind, "
        "input: $input) { reused note run { graphId kind algorithm level brandId "
        "modularity params timings } } }"
    )
    first = await api.data(
        mutation, {"kind": "COMMUNITIES", "input": {"algorithm": "LOUVAIN", "resolution": 0.5}}
    )
    again = await api.data(
        mutation, {"kind": "COMMUNITIES", "input": {"algorithm": "LOUVAIN", "resolution": 0.5}}
    )
    run = first["runAnalysis"]["run"]
    assert run["kind"] == "communities" and run["algorithm"] == "louvain"
    assert run["params"]["resolution"] == 0.5 and "total_s" in run["timings"]
    assert first["runAnalysis"]["reused"] is False
    assert again["runAnalysis"] == {**first["runAnalysis"], "reused": True}

    influence = await api.data(
        mutation, {"kind": "INFLUENCE", "input": {"brand": "globex", "level": "CUSTOMER"}}
    )
    assert influence["runAnalysis"]["run"]["brandId"] == "globex"
    assert influence["runAnalysis"]["run"]["level"] == "customer"

    empty = await api.data(mutation, {"kind": "INFLUENCE", "input": {"platform": "myspace"}})
    assert empty["runAnalysis"]["run"] is None and empty["runAnalysis"]["note"]
