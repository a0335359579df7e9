"""Advocacy paths against the embedded FalkorDB: hand-computed graphs, networkx, bad parameters."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import random
from fractions import Fraction

import networkx as nx
import pytest

from algorithms.errors import BadParameter, UnknownBrand, UnknownTarget
from algorithms.paths import PathParams, PathsResult, find_advocacy_paths
from graph import GraphSettings
from graph.store import GraphStore
from tests.algorithms.builders import GraphBuilder
from tests.support.procs import run_scrm, scrm_env

DAY = 86_400_000


def attention_graph() -> GraphBuilder:
    """adv speaks well of acme; attention (share of each person's engagement weight):

    t: m1 3/4 (reply), x 1/4 (like)     m1: adv 3/4 (reply), m2 1/4 (like)
    m2: adv 1 (share)                   x: adv 1/2 (like), m2 1/2 (like)
    """
    g = GraphBuilder()
    for name in ("adv", "m1", "m2", "t", "x", "lonely"):
        g.account(f"tw:{name}", followers=10)
    g.brand("acme")
    g.post("adv-1", "tw:adv", at=10 * DAY, sentiment=0.8, brand="acme")
    g.post("m1-1", "tw:m1", at=11 * DAY)
    g.post("m2-1", "tw:m2", at=12 * DAY)
    g.post("x-1", "tw:x", at=13 * DAY)
    g.interact("tw:t", "REPLIED", "m1-1", at=20 * DAY)
    g.interact("tw:t", "LIKED", "x-1", at=21 * DAY)
    g.interact("tw:m1", "REPLIED", "adv-1", at=22 * DAY)
    g.interact("tw:m1", "LIKED", "m2-1", at=23 * DAY)
    g.interact("tw:m2", "SHARED", "adv-1", at=24 * DAY)
    g.interact("tw:x", "LIKED", "adv-1", at=25 * DAY)
    g.interact("tw:x", "LIKED", "m2-1", at=26 * DAY)
    return g


@pytest.fixture
async def graph(falkordb_store: GraphStore) -> GraphStore:
    await attention_graph().write(falkordb_store)
    return falkordb_store


def summary(result: PathsResult) -> list[tuple[float, list[str]]]:
    return [(round(p.strength, 12), p.nodes) for p in result.paths]


async def test_best_paths_from_brand_advocates(graph: GraphStore) -> None:
    result = await find_advocacy_paths(graph, PathParams(target="tw:t", brand="acme", k=4))
    assert result.sources == ["tw:adv"]
    assert result.level == "account"
    assert summary(result) == [
        (0.5625, ["tw:adv", "tw:m1", "tw:t"]),  # 3/4 · 3/4
        (0.1875, ["tw:adv", "tw:m2", "tw:m1", "tw:t"]),  # 1 · 1/4 · 3/4
        # 1/2 · 1/4 ties with 1 · 1/2 · 1/4: fewer hops first
        (0.125, ["tw:adv", "tw:x", "tw:t"]),
        (0.125, ["tw:adv", "tw:m2", "tw:x", "tw:t"]),
    ]
    assert result.reason is None


async def test_hops_carry_their_evidence(graph: GraphStore) -> None:
    result = await find_advocacy_paths(graph, PathParams(target="tw:t", brand="acme", k=1))
    dumped = result.model_dump()
    first = dumped["paths"][0]["hops"][0]
    assert first == {
        "from": "tw:adv",
        "to": "tw:m1",
        "probability": 0.75,
        "evidence": {
            "replies": 1,
            "shares": 0,
            "quotes": 0,
            "likes": 0,
            "mentions": 0,
            "interactions": 1,
            "follows": False,
            "weight": 3.0,
            "attention": 4.0,
            "last_contact": 22 * DAY,
        },
    }
    assert [h["to"] for h in dumped["paths"][0]["hops"]] == ["tw:m1", "tw:t"]


async def test_explicit_source_and_hop_limit(graph: GraphStore) -> None:
    result = await find_advocacy_paths(graph, PathParams(target="tw:t", source="tw:m2"))
    assert result.sources == ["tw:m2"]
    assert summary(result) == [
        (0.1875, ["tw:m2", "tw:m1", "tw:t"]),
        (0.125, ["tw:m2", "tw:x", "tw:t"]),
    ]
    short = await find_advocacy_paths(graph, PathParams(target="tw:t", brand="acme", max_hops=2))
    assert [p.nodes for p in short.paths] == [
        ["tw:adv", "tw:m1", "tw:t"],
        ["tw:adv", "tw:x", "tw:t"],
    ]


async def test_unreachable_target_is_an_empty_result_with_a_reason(graph: GraphStore) -> None:
    result = await find_advocacy_paths(graph, PathParams(target="tw:t", brand="acme", max_hops=1))
    assert result.paths == []
    assert result.reason == "no source reaches tw:t within 1 hops"
    lonely = await find_advocacy_paths(graph, PathParams(target="tw:lonely", brand="acme"))
    assert lonely.paths == [] and lonely.reason is not None and "no engagement" in lonely.reason
    # adv engages with nobody: no path leads from t to it the other way round.
    backwards = await find_advocacy_paths(graph, PathParams(target="tw:adv", source="tw:t"))
    assert backwards.paths == [] and backwards.sources == ["tw:t"]


async def test_a_brand_without_advocates(graph: GraphStore) -> None:
    await GraphBuilder(brands=[{"id": "meh", "name": "meh"}]).write(graph)
    result = await find_advocacy_paths(graph, PathParams(target="tw:t", brand="meh"))
    assert result.paths == [] and result.reason is not None and "no advocates" in result.reason


@pytest.mark.parametrize(
    ("params", "code", "named"),
    [
        ({"target": "tw:nobody", "brand": "acme"}, "UNKNOWN_TARGET", "unknown target 'tw:nobody'"),
        ({"target": "tw:t", "source": "tw:nobody"}, "UNKNOWN_TARGET", "unknown source 'tw:nobody'"),
        ({"target": "tw:t", "brand": "nope"}, "UNKNOWN_BRAND", "unknown brand 'nope'"),
    ],
)
async def test_unknown_nodes_and_brands(
    graph: GraphStore, params: dict[str, str], code: str, named: str
) -> None:
    with pytest.raises((UnknownTarget, UnknownBrand)) as raised:
        await find_advocacy_paths(graph, PathParams(**params))
    assert raised.value.code == code
    assert str(raised.value).startswith(named)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"k": 0}, "k"),
        ({"k": -2}, "k"),
        ({"max_hops": 0}, "max_hops"),
        ({"advocates": 0}, "advocates"),
        ({"source": "tw:m1", "brand": "acme"}, "source"),
        ({"source": "tw:t"}, "source"),
        ({"follows_weight": -1.0}, "follows_weight"),
        ({"since": 5, "until": 5}, "since"),
    ],
)
def test_bad_parameters(params: dict[str, object], parameter: str) -> None:
    with pytest.raises(BadParameter) as raised:
        PathParams(target="tw:t", **params)  # type: ignore[arg-type]
    assert raised.value.code == "BAD_PARAMETER"
    assert raised.value.parameter == parameter
    assert str(raised.value).startswith(f"{parameter}: ")


async def test_a_customer_source_that_is_only_the_target(falkordb_store: GraphStore) -> None:
    g = attention_graph()
    g.customer("cust:t", "tw:t")
    await g.write(falkordb_store)
    with pytest.raises(BadParameter, match="the source is the target itself"):
        await find_advocacy_paths(falkordb_store, PathParams(target="tw:t", source="cust:t"))


async def test_customer_target_folds_accounts(falkordb_store: GraphStore) -> None:
    g = attention_graph()
    g.account("rd:t2", platform="reddit")
    g.interact("rd:t2", "LIKED", "m2-1", at=30 * DAY)
    g.customer("cust:t", "tw:t", "rd:t2")
    g.customer("cust:m", "tw:m1")
    await g.write(falkordb_store)
    result = await find_advocacy_paths(falkordb_store, PathParams(target="cust:t", brand="acme"))
    assert result.level == "customer"
    # The customer's attention: m1 (now cust:m) 3/5, x 1/5, m2 1/5.
    assert summary(result) == [
        (0.45, ["tw:adv", "cust:m", "cust:t"]),
        (0.2, ["tw:adv", "tw:m2", "cust:t"]),
        (0.15, ["tw:adv", "tw:m2", "cust:m", "cust:t"]),
    ]
    # An account source at customer level stands for its customer.
    from_account = await find_advocacy_paths(
        falkordb_store, PathParams(target="cust:t", source="tw:m1", k=1)
    )
    assert from_account.sources == ["cust:m"]
    assert summary(from_account) == [(0.6, ["cust:m", "cust:t"])]


async def test_customer_source_at_account_level_is_all_its_accounts(
    falkordb_store: GraphStore,
) -> None:
    g = attention_graph()
    g.customer("cust:fans", "tw:adv", "tw:m2")
    await g.write(falkordb_store)
    result = await find_advocacy_paths(
        falkordb_store, PathParams(target="tw:t", source="cust:fans", k=5)
    )
    assert result.sources == ["tw:adv", "tw:m2"]
    assert summary(result) == [
        (0.5625, ["tw:adv", "tw:m1", "tw:t"]),
        (0.1875, ["tw:m2", "tw:m1", "tw:t"]),
        (0.1875, ["tw:adv", "tw:m2", "tw:m1", "tw:t"]),
        (0.125, ["tw:adv", "tw:x", "tw:t"]),
        (0.125, ["tw:m2", "tw:x", "tw:t"]),
    ]


def reference_paths(
    g: GraphBuilder, target: str, sources: set[str], k: int, max_hops: int
) -> list[tuple[Fraction, list[str]]]:
    """Brute force from the builder's own ENGAGED rows, with exact fractions."""
    rows = g.engaged_rows()
    total: dict[str, Fraction] = {}
    for r in rows:
        total[r["u"]] = total.get(r["u"], Fraction(0)) + Fraction(r["weight"]).limit_denominator()
    share = {
        (r["u"], r["v"]): Fraction(r["weight"]).limit_denominator() / total[r["u"]] for r in rows
    }
    graph = nx.DiGraph(list(share))
    graph.add_edges_from((s, "*") for s in sources if s in graph)
    if target not in graph or "*" not in graph:
        return []
    found = []
    for path in nx.all_simple_paths(graph, target, "*", cutoff=max_hops + 1):
        real = path[:-1]
        strength = math.prod((share[u, v] for u, v in itertools.pairwise(real)), start=Fraction(1))
        found.append((-strength, len(real), real))
    found.sort(key=lambda f: (f[0], f[1]))
    return [(-s, list(reversed(real))) for s, _, real in found[:k]]


@pytest.mark.parametrize("seed", range(4))
async def test_equals_networkx_on_random_graphs(falkordb_store: GraphStore, seed: int) -> None:
    rng = random.Random(seed)
    g = GraphBuilder()
    names = [f"tw:n{i:02d}" for i in range(14)]
    for name in names:
        g.account(name)
        for j in range(2):
            g.post(f"{name}/{j}", name, at=DAY)
    for u, v in itertools.permutations(names, 2):
        if rng.random() < 0.2:
            for _ in range(rng.randint(1, 3)):
                kind = rng.choice(["REPLIED", "SHARED", "QUOTED", "LIKED"])
                g.interact(u, kind, f"{v}/{rng.randint(0, 1)}", at=2 * DAY)
    for name in names[3::3]:  # the source draws some attention in every graph
        g.interact(name, "LIKED", f"{names[0]}/0", at=3 * DAY)
    await g.write(falkordb_store, engaged=True)
    checked = 0
    for target in names[5:9]:
        result = await find_advocacy_paths(
            falkordb_store,
            PathParams(target=target, source=names[0], k=5, max_hops=4, follows_weight=0.0),
        )
        single = reference_paths(g, target, {names[0]}, 5, 4)
        assert [p.strength for p in result.paths] == pytest.approx([float(s) for s, _ in single])
        # Equal strengths may swap; the paths of every group strictly above the last must match.
        if single:
            last = single[-1][0]
            assert sorted(
                p.nodes for p in result.paths if p.strength > float(last) * (1 + 1e-9)
            ) == (sorted(nodes for s, nodes in single if s > last))
        checked += len(single)
    assert checked >= 5  # the graphs are dense enough for paths to exist


async def test_cli_json_shape_and_errors(
    graph: GraphStore, falkordb_settings: GraphSettings
) -> None:
    env = scrm_env(falkordb_settings.data_dir, SCRM_GRAPH_NAME=falkordb_settings.graph)
    args = ("analyze", "paths", "--target", "tw:t", "--brand", "acme", "--k", "2")
    done = await asyncio.to_thread(run_scrm, *args, "--json", env=env)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [(round(p["strength"], 6), p["nodes"]) for p in out["paths"]] == [
        (0.5625, ["tw:adv", "tw:m1", "tw:t"]),
        (0.1875, ["tw:adv", "tw:m2", "tw:m1", "tw:t"]),
    ]
    assert out["paths"][0]["hops"][1]["from"] == "tw:m1"
    assert set(out["paths"][0]["hops"][1]) == {"from", "to", "probability", "evidence"}
    table = await asyncio.to_thread(run_scrm, *args, env=env)
    assert table.returncode == 0 and "tw:adv → tw:m1 → tw:t" in table.stdout
    # A bad parameter and an unknown node: one line each, no traceback.
    failed = await asyncio.to_thread(
        run_scrm, "analyze", "paths", "--target", "tw:zz", "--k", "0", env=env
    )
    assert failed.returncode == 1, failed.stderr
    assert failed.stderr == "scrm: k: must be 1 or more, not 0\n"
    unknown = await asyncio.to_thread(
        run_scrm, "analyze", "paths", "--target", "tw:zz", "--json", env=env
    )
    assert unknown.returncode == 1 and unknown.stderr.startswith("scrm: unknown target 'tw:zz'")


@pytest.mark.parametrize("since", [None, 15 * DAY])
async def test_customer_hop_evidence_sums_its_accounts(
    falkordb_store: GraphStore, since: int | None
) -> None:
    # Read from ENGAGED for the returned hops (no window), or from the windowed
    # projection's own edge detail: the same evidence either way.
    g = attention_graph()
    g.account("rd:t2", platform="reddit")
    g.interact("rd:t2", "LIKED", "m1-1", at=30 * DAY)
    g.customer("cust:t", "tw:t", "rd:t2")
    await g.write(falkordb_store)
    result = await find_advocacy_paths(
        falkordb_store, PathParams(target="cust:t", source="tw:m1", k=1, since=since)
    )
    (path,) = result.paths
    assert path.nodes == ["tw:m1", "cust:t"] and path.strength == pytest.approx(4 / 5)
    assert path.hops[0].evidence.model_dump() == {
        "replies": 1,
        "shares": 0,
        "quotes": 0,
        "likes": 1,
        "mentions": 0,
        "interactions": 2,
        "follows": False,
        "weight": 4.0,
        "attention": 5.0,
        "last_contact": 30 * DAY,
    }
