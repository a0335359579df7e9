"""Stored analysis runs: AnalysisRun nodes, finding them again, retiring old ones,
and the find-or-compute path every stored analysis takes (:func:`stored_or_new`).

An AnalysisRun's ``id`` is derived from its parameters and the graph version
(:meth:`AnalysisParams.run_id`), so looking up "the run for these parameters on
this graph" is one indexed match.  Its properties are primitives: ``params``
and ``timings`` are JSON strings.  Result rows hang off the run
(``SCORED`` relationships for influence, ``HAS_CLUSTER`` → Cluster for
communities) and go with it when it is deleted.
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from algorithms.models import AnalysisParams
from algorithms.projection import Projection, project
from graph.cypher import Statement
from graph.store import GraphStore, Params
from graph.version import graph_version

__all__ = [
    "KEEP_RUNS",
    "StoredRun",
    "Timer",
    "chunked",
    "create_run",
    "delete_run",
    "find_run",
    "previous_run",
    "project_scope",
    "retire_runs",
    "run_lock",
    "set_timings",
    "stored_or_new",
]

# Runs kept per parameter set: the newest serves reads, the one before it
# anchors cluster ids; older ones only cost space.
KEEP_RUNS = 2
CHUNK = 5000

GET_RUN = Statement("runs.get", "MATCH (r:AnalysisRun {id: $id}) RETURN r AS run")
PREVIOUS_RUN = Statement(
    "runs.previous",
    "MATCH (r:AnalysisRun {params_key: $key}) WHERE r.id <> $id "
    "RETURN r AS run ORDER BY r.created_at DESC LIMIT 1",
)
STALE_RUNS = Statement(
    "runs.stale",
    "MATCH (r:AnalysisRun {params_key: $key}) "
    "RETURN r.id AS id ORDER BY r.created_at DESC SKIP $keep",
)
DELETE_CLUSTERS = Statement(
    "runs.delete_clusters",
    "MATCH (:AnalysisRun {id: $id})-[:HAS_CLUSTER]->(c:Cluster) DETACH DELETE c",
)
DELETE_RUN = Statement("runs.delete", "MATCH (r:AnalysisRun {id: $id}) DETACH DELETE r")
CREATE_RUN = Statement("runs.create", "CREATE (r:AnalysisRun {id: $id}) SET r += $props")
SET_TIMINGS = Statement(
    "runs.set_timings", "MATCH (r:AnalysisRun {id: $id}) SET r.timings = $timings"
)


@dataclass(frozen=True, slots=True)
class StoredRun:
    """An AnalysisRun as read back: its properties with ``params`` and ``timings`` decoded."""

    id: str
    graph_version: int
    created_at: int
    node_count: int
    edge_count: int
    timings: dict[str, float]
    props: dict[str, Any]

    @classmethod
    def from_row(cls, props: dict[str, Any]) -> StoredRun:
        return cls(
            id=str(props["id"]),
            graph_version=int(props.get("graph_version") or 0),
            created_at=int(props.get("created_at") or 0),
            node_count=int(props.get("node_count") or 0),
            edge_count=int(props.get("edge_count") or 0),
            timings=json.loads(props.get("timings") or "{}"),
            props=props,
        )


async def find_run(store: GraphStore, run_id: str) -> StoredRun | None:
    rows = await store.read(GET_RUN, {"id": run_id})
    return StoredRun.from_row(rows[0]["run"]) if rows else None


async def previous_run(store: GraphStore, params: AnalysisParams, run_id: str) -> StoredRun | None:
    """The newest other run with the same parameters (on an older graph version)."""
    rows = await store.read(PREVIOUS_RUN, {"key": params.run_key(), "id": run_id})
    return StoredRun.from_row(rows[0]["run"]) if rows else None


def create_run(
    run_id: str,
    params: AnalysisParams,
    *,
    graph_version: int,
    node_count: int,
    edge_count: int,
    timings: dict[str, float],
    **extra: str | int | float | bool | list[str] | None,
) -> tuple[tuple[Statement, Params], int]:
    """The statements that replace run ``run_id`` by a fresh AnalysisRun, and its created_at."""
    created_at = int(time.time() * 1000)
    props = {
        "kind": params.kind,
        "params": params.model_dump_json(),
        "params_key": params.run_key(),
        "graph_version": graph_version,
        "created_at": created_at,
        "node_count": node_count,
        "edge_count": edge_count,
        "timings": json.dumps(timings, sort_keys=True),
        **{k: v for k, v in extra.items() if v is not None},
    }
    return (CREATE_RUN, {"id": run_id, "props": props}), created_at


def delete_run(run_id: str) -> list[tuple[Statement, Params]]:
    """Statements removing a run with its clusters and result relationships."""
    return [(DELETE_CLUSTERS, {"id": run_id}), (DELETE_RUN, {"id": run_id})]


async def set_timings(store: GraphStore, run_id: str, timings: dict[str, float]) -> None:
    """Record a run's final timings (storing it is part of what they measure)."""
    await store.write(SET_TIMINGS, {"id": run_id, "timings": json.dumps(timings, sort_keys=True)})


async def retire_runs(store: GraphStore, params: AnalysisParams, *, keep: int = KEEP_RUNS) -> int:
    """Delete all but the ``keep`` newest runs with these parameters; returns how many went."""
    rows = await store.read(STALE_RUNS, {"key": params.run_key(), "keep": keep})
    batch = [step for row in rows for step in delete_run(str(row["id"]))]
    if batch:
        await store.write_batch(batch)
    return len(rows)


def chunked(
    statement: Statement, rows: Sequence[Any], **params: Any
) -> list[tuple[Statement, Params]]:
    """One statement per ``CHUNK`` rows (``$rows``), with the same other parameters."""
    return [
        (statement, {**params, "rows": list(rows[start : start + CHUNK])})
        for start in range(0, len(rows), CHUNK)
    ]


_LOCKS: weakref.WeakKeyDictionary[GraphStore, dict[str, asyncio.Lock]]
_LOCKS = weakref.WeakKeyDictionary()


def run_lock(store: GraphStore, run_id: str) -> asyncio.Lock:
    """One lock per run id and store, so concurrent requests compute a run once."""
    locks = _LOCKS.setdefault(store, {})
    return locks.setdefault(run_id, asyncio.Lock())


@dataclass
class Timer:
    """Seconds spent per phase of a run (``projection_s``, ``compute_s``, ...)."""

    timings: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def __post_init__(self) -> None:
        self._last = self.started

    def mark(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[f"{phase}_s"] = round(now - self._last, 4)
        self._last = now

    def total(self) -> dict[str, float]:
        self.timings["total_s"] = round(time.perf_counter() - self.started, 4)
        return self.timings


class _Run(Protocol):
    timings: dict[str, float]


R = TypeVar("R", bound=_Run)


async def project_scope(store: GraphStore, params: AnalysisParams, *, detail: bool) -> Projection:
    """The projection an analysis with ``params`` runs on (cached per graph version)."""
    return await project(
        store,
        level=params.level,  # type: ignore[arg-type]
        brand=params.brand,
        platform=params.platform,
        since=params.since,
        until=params.until,
        follows_weight=params.follows_weight,
        detail=detail,
    )


async def stored_or_new(
    store: GraphStore,
    params: AnalysisParams,
    *,
    detail: bool,
    reuse: Callable[[StoredRun], Awaitable[R]],
    empty: Callable[[Projection], R],
    compute: Callable[[Projection, str, Timer], Awaitable[R]],
) -> R:
    """The stored run for ``params`` on this graph version, or a new one.

    ``reuse`` answers from a stored run; otherwise the scope is projected and
    ``compute(projection, run_id, timer)`` computes and stores the run (marking
    its phases on ``timer``), unless the projection is empty (``empty``).  The
    run's final timings are recorded and older runs retired.
    """
    timer = Timer()
    run_id = params.run_id(await graph_version(store))
    async with run_lock(store, run_id):
        stored = await find_run(store, run_id)
        if stored is not None:
            return await reuse(stored)
        projection = await project_scope(store, params, detail=detail)
        timer.mark("projection")
        if projection.node_count == 0:
            return empty(projection)
        run_id = params.run_id(projection.version)
        result = await compute(projection, run_id, timer)
        result.timings = timer.total()
        await set_timings(store, run_id, result.timings)
    await retire_runs(store, params)
    return result
