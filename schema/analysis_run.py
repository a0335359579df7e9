"""AnalysisRun: a stored influence or community analysis, with its parameters and graph version."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from resolvers import relations
from schema.node import Node, to_global_id
from schema.scalars import datetime_from_ms

__all__ = ["AnalysisRun"]


@strawberry.type(
    description="A stored analysis: the same parameters on an unchanged graph return it again."
)
class AnalysisRun(Node):
    kind: str = strawberry.field(description="influence or communities.")
    graph_version: int = strawberry.field(description="The graph version it was computed on.")
    created_at: datetime | None
    level: str | None = strawberry.field(description="account or customer.")
    brand_id: str | None
    node_count: int
    edge_count: int
    algorithm: str | None = strawberry.field(description="Community runs: the algorithm.")
    resolution: float | None
    modularity: float | None
    cluster_count: int | None
    params: JSON = strawberry.field(description="Every parameter of the run.")
    timings: JSON = strawberry.field(description="Seconds spent per step.")
    # The minimum cluster size a `clusters(minSize:)` query asked for.
    default_min_size: strawberry.Private[int] = 1

    clusters = strawberry.field(
        resolver=relations.run_clusters,
        description="Community runs: the clusters, largest first.",
    )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> AnalysisRun:
        """From an AnalysisRun node's properties (``params``/``timings`` are JSON text)."""
        return cls(
            id=to_global_id("AnalysisRun", record["id"]),
            graph_id=record["id"],
            kind=str(record.get("kind") or ""),
            graph_version=int(record.get("graph_version") or 0),
            created_at=datetime_from_ms(record.get("created_at")),
            level=record.get("level"),
            brand_id=record.get("brand"),
            node_count=int(record.get("node_count") or 0),
            edge_count=int(record.get("edge_count") or 0),
            algorithm=record.get("algorithm"),
            resolution=_float(record.get("resolution")),
            modularity=_float(record.get("modularity")),
            cluster_count=record.get("cluster_count"),
            params=_decoded(record.get("params")),
            timings=_decoded(record.get("timings")),
        )


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _decoded(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return {}
    return value or {}
