"""``communityMap``: a community analysis with its nodes and edges, for the explorer's map.

The stored run gives each node's cluster; the projection it was computed on
(cached per graph version) gives the edges, folded to undirected pairs, and
the influence scores that size the nodes.  Answers are kept per graph version.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import numpy as np
import strawberry

from algorithms.influence import influence
from algorithms.projection import Projection
from algorithms.runstore import project_scope
from graph.cypher import Statement
from resolvers.analysis import community_params
from resolvers.context import Info
from resolvers.errors import BadInput
from resolvers.services import run_communities
from schema.community_map import CommunityMap
from schema.enums import ClusterAlgorithm, Level

__all__ = ["ACCOUNT_LABELS", "CUSTOMER_LABELS", "MAX_EDGES", "resolve_community_map"]

MAX_EDGES = 200_000
ACCOUNT_LABELS = Statement(
    "api.community_map.account_labels",
    "MATCH (n:Account) WHERE n.id IN $ids RETURN n.id AS id, coalesce(n.handle, n.name) AS label",
)
CUSTOMER_LABELS = Statement(
    "api.community_map.customer_labels",
    "MATCH (n:Customer) WHERE n.id IN $ids RETURN n.id AS id, n.name AS label",
)


async def resolve_community_map(
    info: Info,
    algorithm: ClusterAlgorithm = ClusterAlgorithm.LEIDEN,
    resolution: float = 1.0,
    level: Level = Level.ACCOUNT,
    brand: strawberry.ID | None = None,
    platform: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    max_edges: int = 50_000,
) -> CommunityMap:
    """Every node of the community analysis for these parameters (the same analysis as
    ``clusters``) with its cluster and influence, and the ``maxEdges`` strongest edges."""
    if not 0 <= max_edges <= MAX_EDGES:
        raise BadInput(f"maxEdges: must be 0..{MAX_EDGES} (got {max_edges})")
    params = community_params(algorithm, resolution, level, brand, platform, since, until)
    version = await info.context.loaders.graph_version()
    cached_as = ("community_map", params.run_key(), max_edges)
    cached: CommunityMap | None = info.context.cache.get(version, cached_as)
    if cached is not None:
        return cached
    store = info.context.store
    outcome = await run_communities(store, params)
    projection = await project_scope(store, params, detail=False)
    cluster_of = {member: c.id for c in outcome.clusters for member in c.members}
    labels_statement = CUSTOMER_LABELS if params.level == "customer" else ACCOUNT_LABELS
    rows = await store.read(labels_statement, {"ids": projection.ids})
    label_of = {str(r["id"]): str(r["label"]) for r in rows if r["label"] is not None}
    scores, (sources, targets, weights) = await asyncio.to_thread(
        lambda: (influence(projection).score, _undirected(projection))
    )
    order = np.argsort(-weights, kind="stable")[:max_edges]
    run = (
        await info.context.loaders.node("AnalysisRun").load(outcome.run_id)
        if outcome.run_id
        else None
    )
    result = CommunityMap(
        run=run,
        level=params.level,
        node_ids=list(projection.ids),
        labels=[label_of.get(i, i) for i in projection.ids],
        platforms=[p[0] if p else "" for p in projection.platforms],
        clusters=[cluster_of.get(i, "") for i in projection.ids],
        influence=[round(float(s), 6) for s in scores],
        edge_sources=sources[order].tolist(),
        edge_targets=targets[order].tolist(),
        edge_weights=np.round(weights[order], 4).tolist(),
        edge_count=int(weights.shape[0]),
    )
    info.context.cache.put(version, cached_as, result)
    return result


def _undirected(
    projection: Projection,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges as unordered pairs (lower index first) with both directions' weights summed."""
    low = np.minimum(projection.src, projection.dst).astype(np.int64)
    high = np.maximum(projection.src, projection.dst).astype(np.int64)
    keys = low * max(1, projection.node_count) + high
    unique, inverse = np.unique(keys, return_inverse=True)
    summed = np.bincount(inverse, weights=projection.weight, minlength=unique.shape[0])
    n = max(1, projection.node_count)
    return (unique // n).astype(np.int64), (unique % n).astype(np.int64), summed
