"""Analysis-backed fields: influencers, clusters, advocacy paths and ``runAnalysis``.

Stored runs serve reads: the run for a parameter set on the current graph
version is found by its ``params_key`` (one query that also reads the page);
only when there is none does the analysis run (and store itself).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from graph.cypher import Statement
from resolvers.context import Info
from resolvers.errors import BadInput
from resolvers.ids import graph_id
from resolvers.lists import PageArgs
from resolvers.loaders import NODE_TYPES
from resolvers.pagination import page_of_rows, selects
from resolvers.services import (
    CommunityParams,
    InfluenceParams,
    PathParams,
    find_advocacy_paths,
    run_communities,
    run_influence,
)
from schema.advocacy_path import AdvocacyPaths
from schema.analysis_run import AnalysisRun
from schema.enums import AnalysisKind, ClusterAlgorithm, InfluenceOrder, Level
from schema.influence import InfluencerConnection, InfluenceScore
from schema.inputs import AnalysisInput
from schema.node import Node, from_global_id
from schema.run_analysis_payload import RunAnalysisPayload
from schema.scalars import ms_from_datetime

__all__ = [
    "analysis_scope",
    "community_params",
    "resolve_advocacy_paths",
    "resolve_clusters",
    "resolve_influencers",
    "resolve_run_analysis",
]

# The newest stored run for a parameter set on the current graph version.
_CURRENT_RUN = (
    "OPTIONAL MATCH (m:GraphMeta {id: 'graph'}) WITH coalesce(m.version, 0) AS version "
    "MATCH (r:AnalysisRun {params_key: $key}) WHERE r.graph_version = version "
    "WITH r ORDER BY r.created_at DESC LIMIT 1 "
)
CURRENT_RUN = Statement("api.analysis.current_run", _CURRENT_RUN + "RETURN r AS run")

# (filter, order, paging) per listing.  Ranks run 1..n, so a page in rank order is a
# range of ranks and needs no sort of the whole run.
_PAGING = "SKIP $skip LIMIT $limit"
_ORDERS: dict[InfluenceOrder, tuple[str, str, str]] = {
    InfluenceOrder.RANK: ("WHERE s.rank > $skip AND s.rank <= $skip + $limit ", "s.rank", ""),
    InfluenceOrder.ADVOCACY: ("WHERE s.advocacy > 0 ", "s.advocacy DESC, s.rank", _PAGING),
    InfluenceOrder.DETRACTION: ("WHERE s.advocacy < 0 ", "s.advocacy, s.rank", _PAGING),
}
INFLUENCE_PAGE = {
    order: Statement(
        f"api.influencers.page.{order.value}",
        _CURRENT_RUN + f"MATCH (r)-[s:SCORED]->(n) {where}"
        f"RETURN r AS run, s, n, labels(n)[0] AS label ORDER BY {by} {paging}",
    )
    for order, (where, by, paging) in _ORDERS.items()
}
# In rank order the whole run counts: its node_count.
INFLUENCE_COUNT = {
    order: Statement(
        f"api.influencers.count.{order.value}",
        _CURRENT_RUN
        + (
            "RETURN r.node_count AS total"
            if order is InfluenceOrder.RANK
            else f"MATCH (r)-[s:SCORED]->(n) {where}RETURN count(s) AS total"
        ),
    )
    for order, (where, _, _) in _ORDERS.items()
}


async def _current_run(info: Info, key: str) -> AnalysisRun | None:
    rows = await info.context.store.read(CURRENT_RUN, {"key": key})
    return AnalysisRun.from_record(rows[0]["run"]) if rows else None


def analysis_scope(
    level: Level,
    brand: strawberry.ID | None,
    platform: str | None,
    since: datetime | None,
    until: datetime | None,
    *,
    brand_argument: str = "brand",
) -> dict[str, Any]:
    """The scope arguments every analysis takes, as its parameters name them."""
    return {
        "level": level.value,
        "brand": graph_id(brand, "Brand", brand_argument) if brand else None,
        "platform": platform.lower() if platform else None,
        "since": ms_from_datetime(since),
        "until": ms_from_datetime(until),
    }


def community_params(
    algorithm: ClusterAlgorithm,
    resolution: float,
    level: Level,
    brand: strawberry.ID | None,
    platform: str | None,
    since: datetime | None,
    until: datetime | None,
) -> CommunityParams:
    """The community analysis a ``clusters`` or ``communityMap`` request asks for."""
    return CommunityParams(
        **analysis_scope(level, brand, platform, since, until),
        algorithm=algorithm.value,
        resolution=resolution,
    )


async def resolve_influencers(
    info: Info,
    brand: strawberry.ID | None = None,
    platform: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    level: Level = Level.ACCOUNT,
    order: InfluenceOrder = InfluenceOrder.RANK,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> InfluencerConnection:
    """The influence ranking of accounts or customers (brand-, channel- and window-scoped),
    each score with its breakdown; ``order`` ranks by influence, or lists advocates or
    detractors (influence × brand sentiment)."""
    params = InfluenceParams(**analysis_scope(level, brand, platform, since, until))
    store = info.context.store
    key = params.run_key()
    span = PageArgs(first, after, last, before).window(info)
    wants_total = span.needs_total or selects(info, "totalCount")
    version = await info.context.loaders.graph_version()
    cached_as = ("influencers", key, order.value, span, wants_total)
    cached: InfluencerConnection | None = info.context.cache.get(version, cached_as)
    if cached is not None:
        return cached
    total: int | None = None
    if wants_total:
        if await _current_run(info, key) is None:
            await run_influence(store, params)
        counted = await store.read(INFLUENCE_COUNT[order], {"key": key})
        total = int(counted[0]["total"]) if counted else 0
    lo, hi = span.bounds(total)
    page = {"key": key, "skip": lo, "limit": max(0, hi - lo) + 1}
    rows = await store.read(INFLUENCE_PAGE[order], page)
    run = AnalysisRun.from_record(rows[0]["run"]) if rows else await _current_run(info, key)
    if run is None and (await run_influence(store, params)).run_id is not None:
        rows = await store.read(INFLUENCE_PAGE[order], page)
        run = await _current_run(info, key)
    scores = page_of_rows(
        rows, lambda row: InfluenceScore.from_record(row, _node), lo=lo, hi=hi, total=total
    )
    result = InfluencerConnection(
        edges=scores.edges, page_info=scores.page_info, total_count=scores.total_count, run=run
    )
    if run is not None:  # a stored run does not change while the graph does not
        info.context.cache.put(version, cached_as, result)
    return result


def _node(label: str, record: Mapping[str, Any]) -> Node:
    node: Node = NODE_TYPES[label](record)
    return node


async def resolve_clusters(
    info: Info,
    algorithm: ClusterAlgorithm = ClusterAlgorithm.LEIDEN,
    resolution: float = 1.0,
    level: Level = Level.ACCOUNT,
    brand: strawberry.ID | None = None,
    platform: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_size: int | None = None,
) -> AnalysisRun | None:
    """The community analysis for these parameters (run now if none is stored for the
    current graph): modularity and the clusters with leaders and members.  Null when
    the scope holds nothing to cluster."""
    if min_size is not None and min_size < 1:
        raise BadInput(f"minSize: must be 1 or more (got {min_size})")
    params = community_params(algorithm, resolution, level, brand, platform, since, until)
    run = await _current_run(info, params.run_key())
    if run is None:
        outcome = await run_communities(info.context.store, params)
        if outcome.run_id is None:
            return None
        run = await info.context.loaders.node("AnalysisRun").load(outcome.run_id)
    if run is not None and min_size is not None:
        run.default_min_size = min_size
    return run


def _person_id(value: str, argument: str) -> str:
    decoded = from_global_id(value.strip())
    if decoded is None:
        return value.strip()
    if decoded[0] not in ("Customer", "Account"):
        raise BadInput(f"{argument}: {value!r} is the id of a {decoded[0]}, not of a person")
    return decoded[1]


async def resolve_advocacy_paths(
    info: Info,
    target: strawberry.ID,
    source: strawberry.ID | None = None,
    brand: strawberry.ID | None = None,
    k: int = 3,
    max_hops: int = 5,
    platform: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AdvocacyPaths:
    """The ``k`` strongest paths of at most ``maxHops`` hops through which advocacy reaches
    ``target`` (a Customer or Account), from ``source`` or from ``brand``'s advocates."""
    if k > 20:
        raise BadInput(f"k: at most 20 paths (got {k})")
    if max_hops > 10:
        raise BadInput(f"maxHops: at most 10 (got {max_hops})")
    params = PathParams(
        target=_person_id(target, "target"),
        source=_person_id(source, "source") if source else None,
        brand=graph_id(brand, "Brand", "brand") if brand else None,
        k=k,
        max_hops=max_hops,
        platform=platform.lower() if platform else None,
        since=ms_from_datetime(since),
        until=ms_from_datetime(until),
    )
    version = await info.context.loaders.graph_version()
    cached_as = ("paths", params.model_dump_json())
    cached: AdvocacyPaths | None = info.context.cache.get(version, cached_as)
    if cached is not None:
        return cached
    result = (await find_advocacy_paths(info.context.store, params)).model_dump(by_alias=True)
    ids = list(dict.fromkeys(i for path in result["paths"] for i in path["nodes"]))
    label = "Customer" if result["level"] == "customer" else "Account"
    found = dict(zip(ids, await info.context.loaders.node(label).load_many(ids), strict=True))
    paths = AdvocacyPaths.from_record(result, lambda path: [found.get(i) for i in path])
    info.context.cache.put(version, cached_as, paths)
    return paths


async def resolve_run_analysis(
    info: Info, kind: AnalysisKind, input: AnalysisInput
) -> RunAnalysisPayload:
    """Run (or reuse) an influence or community analysis and store it."""
    scope = analysis_scope(
        input.level,
        input.brand,
        input.platform,
        input.since,
        input.until,
        brand_argument="input.brand",
    )
    scope["follows_weight"] = input.follows_weight
    store = info.context.store
    if kind is AnalysisKind.INFLUENCE:
        outcome: Any = await run_influence(
            store, InfluenceParams(**scope, alpha=input.alpha, reach_weight=input.reach_weight)
        )
    else:
        outcome = await run_communities(
            store,
            CommunityParams(
                **scope,
                algorithm=input.algorithm.value,
                resolution=input.resolution,
                seed=input.seed,
            ),
        )
    run = (
        await info.context.loaders.node("AnalysisRun").load(outcome.run_id)
        if outcome.run_id
        else None
    )
    return RunAnalysisPayload(run=run, reused=bool(outcome.reused), note=outcome.note)
