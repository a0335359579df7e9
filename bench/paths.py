"""Benchmark: advocacy paths on the bench graph, first call and warm, beside networkx.

Usage (from the checkout, with the virtualenv)::

    .venv/bin/python bench/paths.py --synthetic                  # build a bench-sized graph
    .venv/bin/python bench/paths.py --data-dir D --graph G --brand B   # a graph already loaded
    .venv/bin/python bench/paths.py --synthetic --json-out paths.json

The bench data set itself: ``scrm demo generate --size bench --out DIR``, then
``SCRM_DATA_DIR=D SCRM_GRAPH_NAME=G scrm load all DIR``; its brands are in
``DIR/brands.json``.

The synthetic graph has the bench set's shape (100k accounts, 1M interactions
folded into ENGAGED, communities, a brand whose advocates draw engagement on
their posts about it) and is written to a fresh graph of a temporary embedded
engine, dropped afterwards.  Measured: the first call (projection, attention
graph, advocates, search), then ``--targets`` calls on an unchanged graph
(k, max hops), and networkx's ``shortest_simple_paths`` on the same attention
graph (weights −log p, a super-source) for ``--baseline-targets`` of them.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from algorithms.attention import attention_graph  # noqa: E402
from algorithms.paths import PathParams, find_advocacy_paths  # noqa: E402
from algorithms.paths import clear_cache as clear_path_caches  # noqa: E402
from algorithms.projection import clear_cache as clear_projections  # noqa: E402
from algorithms.projection import project  # noqa: E402
from graph import EmbeddedEngine, GraphSettings, GraphStore, open_store  # noqa: E402
from graph.connect import embedded_engine  # noqa: E402
from graph.cypher import Statement  # noqa: E402
from graph.version import bump_version  # noqa: E402

DAY = 86_400_000
NOW = 1_700_000_000_000

ACCOUNTS = Statement(
    "bench.paths.accounts",
    "UNWIND $rows AS r CREATE (:Account {id: r.id, platform: 'twitter', followers: r.followers})",
    register=False,
)
BRAND = Statement(
    "bench.paths.brand",
    "CREATE (:Brand {id: $id, name: $id, aliases: []})",
    register=False,
)
ENGAGED = Statement(
    "bench.paths.engaged",
    "UNWIND $rows AS r MATCH (u:Account {id: r.u}), (v:Account {id: r.v}) "
    "CREATE (u)-[:ENGAGED {weight: r.weight, count: r.count, last_at: r.last_at, "
    "replies: r.replies, shares: r.shares, quotes: 0, likes: r.likes, mentions: 0}]->(v)",
    register=False,
)
BRAND_POSTS = Statement(
    "bench.paths.brand_posts",
    "UNWIND $rows AS r MATCH (a:Account {id: r.author}), (b:Brand {id: $brand}) "
    "CREATE (a)-[:POSTED]->(p:Post {id: r.id, platform: 'twitter', created_at: r.at, "
    "sentiment: r.sentiment})-[:ABOUT {sentiment: r.sentiment}]->(b)",
    register=False,
)
LIKES = Statement(
    "bench.paths.likes",
    "UNWIND $rows AS r MATCH (a:Account {id: r.account}), (p:Post {id: r.post}) "
    "CREATE (a)-[:LIKED {at: r.at}]->(p)",
    register=False,
)


async def write_synthetic(
    store: GraphStore, *, accounts: int, interactions: int, seed: int, brand: str
) -> dict[str, int]:
    """A bench-shaped engagement graph: communities, popular accounts, a brand's advocates."""
    rng = np.random.default_rng(seed)
    ids = [f"twitter:{i}" for i in range(accounts)]
    communities = 50
    community = rng.integers(0, communities, size=accounts)
    # Popularity within and across communities: heavy-tailed, like engagement on social media.
    popularity = rng.pareto(1.2, size=accounts) + 1.0
    followers = (popularity * 40).astype(np.int64)
    await _write(
        store,
        ACCOUNTS,
        [{"id": i, "followers": int(f)} for i, f in zip(ids, followers, strict=True)],
    )
    members = [np.flatnonzero(community == c) for c in range(communities)]
    weights = [popularity[m] / popularity[m].sum() for m in members]
    everyone = popularity / popularity.sum()
    u = rng.integers(0, accounts, size=interactions)
    inside = rng.random(interactions) < 0.8  # most engagement stays in one's community
    v = np.empty(interactions, dtype=np.int64)
    for c in range(communities):
        mask = inside & (community[u] == c)
        v[mask] = rng.choice(members[c], size=int(mask.sum()), p=weights[c])
    v[~inside] = rng.choice(accounts, size=int((~inside).sum()), p=everyone)
    kind = rng.choice(3, size=interactions, p=[0.2, 0.2, 0.6])  # reply, share, like
    keep = u != v
    pair = u[keep] * accounts + v[keep]
    order = np.argsort(pair, kind="stable")
    pair, kind = pair[order], kind[keep][order]
    unique, start = np.unique(pair, return_index=True)
    counts = np.add.reduceat(np.eye(3, dtype=np.int64)[kind], start, axis=0)
    rows = [
        {
            "u": ids[int(p // accounts)],
            "v": ids[int(p % accounts)],
            "replies": int(c[0]),
            "shares": int(c[1]),
            "likes": int(c[2]),
            "count": int(c.sum()),
            "weight": float(3 * c[0] + 2 * c[1] + c[2]),
            "last_at": NOW - int(rng.integers(0, 365)) * DAY,
        }
        for p, c in zip(unique.tolist(), counts, strict=True)
    ]
    await _write(store, ENGAGED, rows)
    # Advocates: the most popular account of each community speaks well of the brand,
    # and its posts about it draw likes from its community.
    await store.write(BRAND, {"id": brand})
    advocates = [int(m[np.argmax(popularity[m])]) for m in members]
    posts, likes = [], []
    for a in advocates:
        for j in range(3):
            post = f"twitter:post:{a}:{j}"
            posts.append({"id": post, "author": ids[a], "at": NOW - j * DAY, "sentiment": 0.8})
            fans = rng.choice(
                members[int(community[a])],
                size=min(40, len(members[int(community[a])])),
                replace=False,
            )
            likes += [{"account": ids[int(f)], "post": post, "at": NOW} for f in fans if f != a]
    await _write(store, BRAND_POSTS, posts, brand=brand)
    await _write(store, LIKES, likes)
    await bump_version(store)
    return {"accounts": accounts, "interactions": interactions, "engaged_edges": len(rows)}


async def _write(store: GraphStore, statement: Statement, rows: list[Any], **extra: Any) -> None:
    for at in range(0, len(rows), 5000):
        await store.write(statement, {"rows": rows[at : at + 5000], **extra})


async def bench_paths(
    store: GraphStore,
    *,
    brand: str,
    targets: int = 100,
    k: int = 3,
    max_hops: int = 5,
    baseline_targets: int = 10,
    seed: int = 7,
) -> dict[str, Any]:
    """Time advocacy paths on ``store``: first call, warm calls, and the networkx baseline."""
    projection = await project(store, level="account")
    graph = attention_graph(projection)
    rng = random.Random(seed)
    engaged = np.flatnonzero(graph.attention > 0).tolist()
    shape = {"nodes": projection.node_count, "edges": projection.edge_count}
    chosen = [projection.ids[i] for i in rng.sample(engaged, min(targets + 1, len(engaged)))]
    # The first call pays for everything that is cached afterwards; forget what we just built.
    del graph, projection
    clear_projections(store)
    clear_path_caches()
    started = time.perf_counter()
    first = await find_advocacy_paths(
        store, PathParams(target=chosen[0], brand=brand, k=k, max_hops=max_hops)
    )
    first_s = time.perf_counter() - started
    timings: list[float] = []
    found = hops = 0
    strengths: list[float] = []
    results = []
    for target in chosen[1:]:
        started = time.perf_counter()
        result = await find_advocacy_paths(
            store, PathParams(target=target, brand=brand, k=k, max_hops=max_hops)
        )
        timings.append(time.perf_counter() - started)
        results.append(result)
        if result.paths:
            found += 1
            hops += sum(len(p.hops) for p in result.paths)
            strengths.append(result.paths[0].strength)
    warm = np.array(timings) * 1000
    baseline = _networkx_baseline(store, results[:baseline_targets], first.sources, k, max_hops)
    n_paths = sum(len(r.paths) for r in results)
    return {
        "graph": shape,
        "advocates": len(first.sources),
        "k": k,
        "max_hops": max_hops,
        "first_call_s": round(first_s, 3),
        "warm": {
            "targets": len(timings),
            "p50_ms": round(float(np.percentile(warm, 50)), 2),
            "p95_ms": round(float(np.percentile(warm, 95)), 2),
            "p99_ms": round(float(np.percentile(warm, 99)), 2),
            "max_ms": round(float(warm.max()), 2),
            "targets_reached": found,
            "mean_hops": round(hops / n_paths, 2) if n_paths else None,
            "median_best_strength": float(np.median(strengths)) if strengths else None,
        },
        "networkx": await baseline,
    }


async def _networkx_baseline(
    store: GraphStore, results: list[Any], sources: list[str], k: int, max_hops: int
) -> dict[str, Any]:
    """networkx's shortest_simple_paths on the same attention graph, for the same targets.

    networkx knows no hop limit: its paths are taken in order, those over the
    limit skipped, until k are found (at most 50 paths looked at per target).
    """
    import networkx as nx

    projection = await project(store, level="account")
    graph = attention_graph(projection)
    started = time.perf_counter()
    reference = nx.DiGraph()
    cost = -np.log(np.where(graph.probability > 0, graph.probability, 1.0))
    ids = projection.ids
    reference.add_weighted_edges_from(
        (ids[u], ids[v], c)
        for u, v, c, p in zip(
            projection.src.tolist(),
            projection.dst.tolist(),
            cost.tolist(),
            graph.probability.tolist(),
            strict=True,
        )
        if p > 0
    )
    reference.add_weighted_edges_from(((s, "*", 0.0) for s in sources), weight="weight")
    build_s = time.perf_counter() - started
    timings, agree = [], 0
    compared = 0
    for result in results:
        started = time.perf_counter()
        theirs: list[float] = []
        if result.target in reference and nx.has_path(reference, result.target, "*"):
            for path in itertools.islice(
                nx.shortest_simple_paths(reference, result.target, "*", weight="weight"), 50
            ):
                if len(path) - 2 <= max_hops:
                    theirs.append(math.exp(-nx.path_weight(reference, path, "weight")))
                if len(theirs) == k:
                    break
        timings.append(time.perf_counter() - started)
        compared += 1
        ours = [p.strength for p in result.paths]
        if len(ours) == len(theirs) and all(
            math.isclose(a, b, rel_tol=1e-6) for a, b in zip(ours, theirs, strict=True)
        ):
            agree += 1
    ms = np.array(timings) * 1000 if timings else np.zeros(1)
    return {
        "targets": compared,
        "build_graph_s": round(build_s, 3),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "max_ms": round(float(ms.max()), 1),
        "same_strengths": agree,
    }


def _table(report: dict[str, Any]) -> str:
    w, nx_ = report["warm"], report["networkx"]
    lines = [
        f"advocacy paths on {report['graph']['nodes']:,} nodes / {report['graph']['edges']:,} "
        f"edges, {report['advocates']} advocates, k={report['k']}, max hops {report['max_hops']}",
        "",
        f"{'':28}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}",
        f"{'scrm-graph (warm)':28}{w['p50_ms']:>10}{w['p95_ms']:>10}{w['max_ms']:>10}",
        f"{'networkx simple paths':28}{nx_['p50_ms']:>10}{nx_['p95_ms']:>10}{nx_['max_ms']:>10}",
        "",
        f"first call (projection, advocates, search): {report['first_call_s']} s",
        f"warm calls: {w['targets']}, reached {w['targets_reached']}, mean hops {w['mean_hops']}",
        f"networkx: graph built in {nx_['build_graph_s']} s; same strengths on "
        f"{nx_['same_strengths']}/{nx_['targets']} targets",
        f"peak memory (RSS): {report['peak_rss_mb']} MB",
    ]
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", action="store_true", help="build a bench-sized graph")
    parser.add_argument("--graph", help="use this already loaded graph (kept)")
    parser.add_argument("--data-dir", type=Path, help="the embedded engine's data dir of --graph")
    parser.add_argument("--brand", default="acme")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--targets", type=int, default=100)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--max-hops", type=int, default=5)
    parser.add_argument("--baseline-targets", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    if args.synthetic == bool(args.graph):
        parser.error("give --synthetic or --graph NAME")
    options = {
        "brand": args.brand,
        "targets": args.targets,
        "k": args.k,
        "max_hops": args.max_hops,
        "baseline_targets": args.baseline_targets,
        "seed": args.seed,
    }
    if args.synthetic:
        with tempfile.TemporaryDirectory(prefix="scrm-bench-") as tmp:
            engine = EmbeddedEngine(Path(tmp))
            engine.ensure_running()
            try:
                store = await open_store(
                    GraphSettings(data_dir=engine.data_dir, graph="bench_paths"), engine=engine
                )
                await store.ensure_schema()
                started = time.perf_counter()
                shape: dict[str, float] = dict(
                    await write_synthetic(
                        store,
                        accounts=args.accounts,
                        interactions=args.interactions,
                        seed=args.seed,
                        brand=args.brand,
                    )
                )
                shape["write_s"] = round(time.perf_counter() - started, 1)
                report = {"data": shape, **await bench_paths(store, **options)}
                await store.drop()
                await store.close()
            finally:
                engine.stop()
    else:
        settings = GraphSettings.from_env().with_graph(args.graph)
        if args.data_dir is not None:
            settings = GraphSettings(data_dir=args.data_dir.resolve(), graph=args.graph)
        existing = embedded_engine(settings)
        if existing is not None:
            await existing.ensure_running_async()
        store = await open_store(settings, engine=existing)
        try:
            report = {"data": {"graph": args.graph}, **await bench_paths(store, **options)}
        finally:
            await store.close()
            if existing is not None and existing.owned:
                existing.stop()
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(_table(report))
    print(json.dumps(report))
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
