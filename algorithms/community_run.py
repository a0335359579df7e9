"""The communities service: detect, summarise, name stably and store clusters — or reuse a run.

A run is stored as ``(AnalysisRun)-[:HAS_CLUSTER]->(Cluster {id, key, position,
size, leaders, hashtags, hashtag_counts, sentiment, sentiment_posts, channels,
channel_counts, density})`` with ``(Account|Customer)-[:IN_CLUSTER]->(Cluster)``
for every member.  ``key`` is the cluster's stable id (``"c7"``): it is matched
against the previous run with the same parameters (an older graph version) so
a cluster that kept most of its members keeps its key.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from typing import Any

import numpy as np

from algorithms import runstore
from algorithms.clusters import ClusterFacts, stable_cluster_ids, summarize_clusters
from algorithms.communities import Partition, communities
from algorithms.influence import influence
from algorithms.models import ClusterSummary, CommunityParams, CommunityRun, HashtagCount
from algorithms.projection import FloatArray, Projection
from algorithms.projection_queries import PAGES, unpack
from graph.cypher import Statement
from graph.store import GraphStore, Params

__all__ = ["run_communities"]

# Hashtags of the accounts' posts, one row per hashtag and page: the author's
# engine ref once per tagged post (counted here; the engine's grouping costs more
# than the transfer), packed into one string on FalkorDB as the projection does.
_AUTHORS = (
    "WHERE id(p) % $pages = $page "
    "AND ($since IS NULL OR p.created_at >= $since) AND ($until IS NULL OR p.created_at < $until) "
    "MATCH (a:Account)-[:POSTED]->(p) WHERE $platform IS NULL OR a.platform = $platform "
    "RETURN h.id AS tag, "
)
# ``WITH h`` starts from the (few) hashtags rather than from every post.
_ALL_TAGGED = "MATCH (h:Hashtag) WITH h MATCH (p:Post)-[:TAGGED]->(h) "
_BRAND_TAGGED = (
    "MATCH (b:Brand {id: $brand}) WITH b MATCH (b)<-[:ABOUT]-(p:Post)-[:TAGGED]->(h:Hashtag) "
)
HASHTAGS = Statement(
    "communities.hashtags",
    f"{_ALL_TAGGED}{_AUTHORS}collect(id(a)) AS rows",
    falkordb=f"{_ALL_TAGGED}{_AUTHORS}string.join(collect(toString(id(a))), ' ') AS rows",
)
BRAND_HASHTAGS = Statement(
    "communities.brand_hashtags",
    f"{_BRAND_TAGGED}{_AUTHORS}collect(id(a)) AS rows",
    falkordb=f"{_BRAND_TAGGED}{_AUTHORS}string.join(collect(toString(id(a))), ' ') AS rows",
)
CREATE_CLUSTERS = Statement(
    "communities.create_clusters",
    "MATCH (r:AnalysisRun {id: $run}) UNWIND $rows AS row "
    "CREATE (r)-[:HAS_CLUSTER]->(:Cluster {id: row[0], key: row[1], position: row[2], "
    "size: row[3], leaders: row[4], hashtags: row[5], hashtag_counts: row[6], "
    "sentiment: row[7], sentiment_posts: row[8], channels: row[9], channel_counts: row[10], "
    "density: row[11], run_id: $run})",
)
ACCOUNT_MEMBERS = Statement(
    "communities.account_members",
    "UNWIND $rows AS row MATCH (n:Account {id: row[0]}), (c:Cluster {id: row[1]}) "
    "CREATE (n)-[:IN_CLUSTER]->(c)",
)
CUSTOMER_MEMBERS = Statement(
    "communities.customer_members",
    "UNWIND $rows AS row MATCH (n:Customer {id: row[0]}), (c:Cluster {id: row[1]}) "
    "CREATE (n)-[:IN_CLUSTER]->(c)",
)
CLUSTERS = Statement(
    "communities.clusters",
    "MATCH (:AnalysisRun {id: $run})-[:HAS_CLUSTER]->(c:Cluster) "
    "WHERE c.size >= $min_size RETURN c AS cluster ORDER BY c.position",
)
MEMBERS = Statement(
    "communities.members",
    "MATCH (:AnalysisRun {id: $run})-[:HAS_CLUSTER]->(c:Cluster)<-[:IN_CLUSTER]-(n) "
    "WHERE c.size >= $min_size RETURN c.key AS key, collect(n.id) AS members",
)


async def run_communities(store: GraphStore, params: CommunityParams) -> CommunityRun:
    """Detect communities in the undirected projection, storing the run (or reusing it).

    Every node of the projection lands in exactly one cluster; ``min_size``
    only hides small clusters from the answer.  The same parameters on an
    unchanged graph version return the stored run (``reused=True``).  An empty
    projection gives an empty, unstored run with a ``note``.
    """

    async def reuse(stored: runstore.StoredRun) -> CommunityRun:
        return await _read_run(store, params, stored)

    async def compute(projection: Projection, run_id: str, timer: runstore.Timer) -> CommunityRun:
        hashtags = asyncio.create_task(_hashtags(store, params, projection))
        partition, scores = await asyncio.to_thread(_detect, projection, params)
        facts = summarize_clusters(
            projection, partition, scores, leaders=params.leaders, hashtags=await hashtags
        )
        timer.mark("compute")
        previous = await runstore.previous_run(store, params, run_id)
        keys, next_number = stable_cluster_ids(
            [[projection.ids[i] for i in f.members] for f in facts],
            await _previous_members(store, previous),
            next_number=int(previous.props.get("next_cluster") or 1) if previous else 1,
        )
        clusters = [_summary(projection, key, f) for key, f in zip(keys, facts, strict=True)]
        created_at = await _store(
            store, run_id, params, projection, partition, clusters, next_number, timer.timings
        )
        timer.mark("store")
        return CommunityRun(
            run_id=run_id,
            algorithm=params.algorithm,
            resolution=params.resolution,
            modularity=partition.modularity,
            graph_version=projection.version,
            created_at=created_at,
            reused=False,
            params=params,
            node_count=projection.node_count,
            edge_count=projection.edge_count,
            cluster_count=len(clusters),
            timings=timer.timings,
            clusters=[c for c in clusters if c.size >= (params.min_size or 1)],
            previous_run_id=previous.id if previous else None,
        )

    return await runstore.stored_or_new(
        store,
        params,
        detail=False,
        reuse=reuse,
        empty=lambda projection: _empty(params, projection),
        compute=compute,
    )


def _detect(projection: Projection, params: CommunityParams) -> tuple[Partition, FloatArray]:
    """The partition, and influence scores to pick each cluster's leaders by."""
    partition = communities(
        projection,
        algorithm=params.algorithm,  # type: ignore[arg-type]
        resolution=params.resolution,
        seed=params.seed,
    )
    return partition, influence(projection).score


async def _hashtags(
    store: GraphStore, params: CommunityParams, projection: Projection
) -> dict[int, dict[str, int]]:
    """Hashtag counts of each node's posts (about the brand, in the window)."""
    args: dict[str, Any] = {
        "platform": params.platform,
        "since": params.since,
        "until": params.until,
    }
    if params.brand is None:
        statement = HASHTAGS
    else:
        statement, args["brand"] = BRAND_HASHTAGS, params.brand
    pages = await asyncio.gather(
        *(store.read(statement, {**args, "pages": PAGES, "page": page}) for page in range(PAGES))
    )
    node_of = projection.account_refs
    tags: dict[int, dict[str, int]] = defaultdict(dict)
    for rows in pages:
        for row in rows:
            tag = str(row["tag"])
            refs, counts = np.unique(unpack(row["rows"], 1), return_counts=True)
            for ref, n in zip(refs.tolist(), counts.tolist(), strict=True):
                node = node_of.get(ref)
                if node is not None:
                    tags[node][tag] = tags[node].get(tag, 0) + n
    return tags


async def _previous_members(
    store: GraphStore, previous: runstore.StoredRun | None
) -> dict[str, list[str]]:
    if previous is None:
        return {}
    rows = await store.read(MEMBERS, {"run": previous.id, "min_size": 0})
    return {str(r["key"]): [str(m) for m in r["members"]] for r in rows}


def _summary(projection: Projection, key: str, facts: ClusterFacts) -> ClusterSummary:
    ids = projection.ids
    return ClusterSummary(
        id=key,
        size=len(facts.members),
        members=[ids[i] for i in facts.members],
        leaders=[ids[i] for i in facts.leaders],
        top_hashtags=[HashtagCount(tag=t, count=n) for t, n in facts.hashtags],
        brand_sentiment=facts.sentiment,
        sentiment_posts=facts.sentiment_posts,
        channels=facts.channels,
        density=facts.density,
    )


async def _store(
    store: GraphStore,
    run_id: str,
    params: CommunityParams,
    projection: Projection,
    partition: Partition,
    clusters: list[ClusterSummary],
    next_number: int,
    timings: dict[str, float],
) -> int:
    create, created_at = runstore.create_run(
        run_id,
        params,
        graph_version=projection.version,
        node_count=projection.node_count,
        edge_count=projection.edge_count,
        timings=timings,
        level=params.level,
        brand=params.brand,
        algorithm=params.algorithm,
        resolution=params.resolution,
        modularity=partition.modularity,
        cluster_count=len(clusters),
        next_cluster=next_number,
    )
    cluster_rows = [
        [
            f"{run_id}/{c.id}",
            c.id,
            position,
            c.size,
            c.leaders,
            [h.tag for h in c.top_hashtags],
            [h.count for h in c.top_hashtags],
            c.brand_sentiment,
            c.sentiment_posts,
            list(c.channels),
            list(c.channels.values()),
            c.density,
        ]
        for position, c in enumerate(clusters)
    ]
    kind = dict(zip(projection.ids, projection.kinds, strict=True))
    members: dict[str, list[list[str]]] = {"account": [], "customer": []}
    for c in clusters:
        for member in c.members:
            members[kind[member]].append([member, f"{run_id}/{c.id}"])
    batch: list[tuple[Statement, Params]] = [*runstore.delete_run(run_id), create]
    batch += runstore.chunked(CREATE_CLUSTERS, cluster_rows, run=run_id)
    batch += runstore.chunked(ACCOUNT_MEMBERS, members["account"])
    batch += runstore.chunked(CUSTOMER_MEMBERS, members["customer"])
    await store.write_batch(batch)
    return created_at


async def _read_run(
    store: GraphStore, params: CommunityParams, stored: runstore.StoredRun
) -> CommunityRun:
    args = {"run": stored.id, "min_size": params.min_size or 1}
    cluster_rows, member_rows = await asyncio.gather(
        store.read(CLUSTERS, args), store.read(MEMBERS, args)
    )
    members = {str(r["key"]): sorted(str(m) for m in r["members"]) for r in member_rows}
    clusters = []
    for row in cluster_rows:
        c = row["cluster"]
        key = str(c["key"])
        clusters.append(
            ClusterSummary(
                id=key,
                size=int(c["size"]),
                members=members.get(key, []),
                leaders=[str(x) for x in c.get("leaders") or []][: params.leaders],
                top_hashtags=[
                    HashtagCount(tag=str(t), count=int(n))
                    for t, n in zip(
                        c.get("hashtags") or [], c.get("hashtag_counts") or [], strict=True
                    )
                ],
                brand_sentiment=None if c.get("sentiment") is None else float(c["sentiment"]),
                sentiment_posts=int(c.get("sentiment_posts") or 0),
                channels={
                    str(k): int(v)
                    for k, v in zip(
                        c.get("channels") or [], c.get("channel_counts") or [], strict=True
                    )
                },
                density=float(c["density"]),
            )
        )
    props = stored.props
    return CommunityRun(
        run_id=stored.id,
        algorithm=str(props.get("algorithm", params.algorithm)),
        resolution=float(props.get("resolution", params.resolution)),
        modularity=float(props.get("modularity") or 0.0),
        graph_version=stored.graph_version,
        created_at=stored.created_at,
        reused=True,
        params=params,
        node_count=stored.node_count,
        edge_count=stored.edge_count,
        cluster_count=int(props.get("cluster_count") or 0),
        timings=stored.timings,
        clusters=clusters,
    )


def _empty(params: CommunityParams, projection: Projection) -> CommunityRun:
    return CommunityRun(
        run_id=None,
        algorithm=params.algorithm,
        resolution=params.resolution,
        modularity=0.0,
        graph_version=projection.version,
        created_at=int(time.time() * 1000),
        reused=False,
        params=params,
        node_count=0,
        edge_count=0,
        cluster_count=0,
        timings={},
        clusters=[],
        note="nothing to cluster: no engagement or follows match these filters",
    )
