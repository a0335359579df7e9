"""The influence service: compute or reuse a stored influence run for given parameters.

Scores are stored as SCORED relationships (:mod:`algorithms.scored`) for every
node of the projection, so the API can answer "how influential is X" and list
any part of the ranking without recomputing.  The first ``LISTED`` results,
advocates and detractors are also kept on the AnalysisRun as JSON
(``top_json``, ``advocates_json``, ``detractors_json``): a repeated request
is then answered from the run node alone.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import numpy as np

from algorithms import runstore
from algorithms.influence import InfluenceScores, influence
from algorithms.models import (
    EngagementReceived,
    InfluenceBreakdown,
    InfluenceParams,
    InfluenceResult,
    InfluenceRun,
)
from algorithms.projection import ENGAGEMENT_COLUMNS, Projection
from algorithms.scored import ADVOCATES, DETRACTORS, TOP, score_statements, stored_result
from graph.cypher import Statement
from graph.store import GraphStore, Params

__all__ = ["LISTED", "run_influence"]

LISTED = 500

_LISTS = ("top_json", "advocates_json", "detractors_json")


async def run_influence(store: GraphStore, params: InfluenceParams) -> InfluenceRun:
    """Rank the projection's nodes by influence, storing the run (or reusing the stored one).

    The same parameters on an unchanged graph version return the stored run
    (``reused=True``) without reading the projection.  An empty projection
    gives an empty, unstored run with a ``note``.  Raises
    :class:`~algorithms.errors.UnknownBrand` for a brand not in the graph.
    """

    async def reuse(stored: runstore.StoredRun) -> InfluenceRun:
        return await _read_run(store, params, stored)

    async def compute(projection: Projection, run_id: str, timer: runstore.Timer) -> InfluenceRun:
        scores = await asyncio.to_thread(
            influence, projection, alpha=params.alpha, reach_weight=params.reach_weight
        )
        lists = _Lists(projection, scores)
        timer.mark("compute")
        created_at = await _store(store, run_id, params, projection, scores, lists, timer.timings)
        timer.mark("store")
        return InfluenceRun(
            run_id=run_id,
            graph_version=projection.version,
            created_at=created_at,
            reused=False,
            params=params,
            node_count=projection.node_count,
            edge_count=projection.edge_count,
            timings=timer.timings,
            results=lists.top[: params.top],
            advocates=lists.advocates[: params.top],
            detractors=lists.detractors[: params.top],
        )

    return await runstore.stored_or_new(
        store,
        params,
        detail=True,
        reuse=reuse,
        empty=lambda projection: _empty(params, projection),
        compute=compute,
    )


class _Lists:
    """The first ``LISTED`` nodes by score, by advocacy and by detraction, as results."""

    def __init__(self, projection: Projection, scores: InfluenceScores) -> None:
        n = scores.score.shape[0]
        rank = np.empty(n, dtype=np.int64)
        rank[scores.order] = np.arange(1, n + 1)
        by_advocacy = np.lexsort((rank, -scores.advocacy))
        by_detraction = np.lexsort((rank, scores.advocacy))

        def results(nodes: Any) -> list[InfluenceResult]:
            return [_result(projection, scores, int(node), int(rank[node])) for node in nodes]

        self.top = results(scores.order[:LISTED])
        self.advocates = results(by_advocacy[scores.advocacy[by_advocacy] > 0][:LISTED])
        self.detractors = results(by_detraction[scores.advocacy[by_detraction] < 0][:LISTED])

    def as_json(self) -> dict[str, str]:
        def dump(results: list[InfluenceResult]) -> str:
            return json.dumps([r.model_dump() for r in results])

        return dict(
            zip(_LISTS, map(dump, (self.top, self.advocates, self.detractors)), strict=True)
        )


def _result(
    projection: Projection, scores: InfluenceScores, node: int, rank: int
) -> InfluenceResult:
    received = {c: int(projection.received_counts[c][node]) for c in ENGAGEMENT_COLUMNS}
    sentiment = float(projection.sentiment[node])
    return InfluenceResult(
        rank=rank,
        id=projection.ids[node],
        kind=projection.kinds[node],
        score=float(scores.score[node]),
        breakdown=InfluenceBreakdown(
            pagerank=float(scores.pagerank[node]),
            pagerank_part=float(scores.pagerank_part[node]),
            reach_part=float(scores.reach_part[node]),
            followers=int(projection.followers[node]),
            engagement_received=EngagementReceived(**received),
            channels=list(projection.platforms[node]),
            brand_sentiment=None if np.isnan(sentiment) else sentiment,
            sentiment_posts=int(projection.sentiment_posts[node]),
            advocacy=float(scores.advocacy[node]),
        ),
    )


async def _store(
    store: GraphStore,
    run_id: str,
    params: InfluenceParams,
    projection: Projection,
    scores: InfluenceScores,
    lists: _Lists,
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
        **lists.as_json(),
    )
    batch: list[tuple[Statement, Params]] = [*runstore.delete_run(run_id), create]
    batch += score_statements(run_id, projection, scores)
    await store.write_batch(batch)
    return created_at


async def _read_run(
    store: GraphStore, params: InfluenceParams, stored: runstore.StoredRun
) -> InfluenceRun:
    lists = [stored.props.get(name) for name in _LISTS]
    if params.top <= LISTED and all(isinstance(x, str) for x in lists):
        top, advocates, detractors = (
            [InfluenceResult.model_validate(r) for r in json.loads(str(x))[: params.top]]
            for x in lists
        )
    else:
        args = {"run": stored.id, "top": params.top}
        rows = await asyncio.gather(
            store.read(TOP, args), store.read(ADVOCATES, args), store.read(DETRACTORS, args)
        )
        top, advocates, detractors = ([stored_result(row) for row in part] for part in rows)
    return InfluenceRun(
        run_id=stored.id,
        graph_version=stored.graph_version,
        created_at=stored.created_at,
        reused=True,
        params=params,
        node_count=stored.node_count,
        edge_count=stored.edge_count,
        timings=stored.timings,
        results=top,
        advocates=advocates,
        detractors=detractors,
    )


def _empty(params: InfluenceParams, projection: Projection) -> InfluenceRun:
    return InfluenceRun(
        run_id=None,
        graph_version=projection.version,
        created_at=int(time.time() * 1000),
        reused=False,
        params=params,
        node_count=0,
        edge_count=0,
        timings={},
        results=[],
        advocates=[],
        detractors=[],
        note="nothing to rank: no engagement or follows match these filters",
    )
