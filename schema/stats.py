"""GraphStats: how much of each kind the graph holds."""

from __future__ import annotations

import strawberry

from graph.store import GraphStats as StoreGraphStats

__all__ = ["GraphStats", "LabelCount", "TypeCount"]


@strawberry.type(description="Nodes carrying one label.")
class LabelCount:
    label: str
    count: int


@strawberry.type(description="Relationships of one type.")
class TypeCount:
    type: str
    count: int


@strawberry.type(description="Node counts per label and relationship counts per type.")
class GraphStats:
    nodes: list[LabelCount]
    relationships: list[TypeCount]
    total_nodes: int
    total_relationships: int

    @classmethod
    def from_record(cls, stats: StoreGraphStats) -> GraphStats:
        return cls(
            nodes=[LabelCount(label=k, count=v) for k, v in stats.nodes.items()],
            relationships=[TypeCount(type=k, count=v) for k, v in stats.relationships.items()],
            total_nodes=sum(stats.nodes.values()),
            total_relationships=sum(stats.relationships.values()),
        )
