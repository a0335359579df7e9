"""CommunityMap: the graph a community analysis partitioned, in columns, for drawing a map."""

from __future__ import annotations

import strawberry

from schema.analysis_run import AnalysisRun

__all__ = ["CommunityMap"]


@strawberry.type(
    description="The nodes and edges of a community analysis, as parallel lists: entry i of "
    "each node list describes node i, entry j of each edge list edge j (its ends are node "
    "indices).  Edges are undirected (both directions summed), strongest first."
)
class CommunityMap:
    run: AnalysisRun | None = strawberry.field(
        description="The community analysis (null when the scope holds nothing to cluster)."
    )
    level: str = strawberry.field(description="account or customer.")
    node_ids: list[str] = strawberry.field(description="Graph ids of the nodes.")
    labels: list[str] = strawberry.field(description="Handle or name to show.")
    platforms: list[str] = strawberry.field(description="The node's (first) channel.")
    clusters: list[str] = strawberry.field(description="The key of the node's cluster.")
    influence: list[float] = strawberry.field(
        description="Influence score (PageRank on engagement plus reach), as influencers ranks."
    )
    edge_sources: list[int]
    edge_targets: list[int]
    edge_weights: list[float] = strawberry.field(description="Engagement weight, both ways.")
    edge_count: int = strawberry.field(
        description="Undirected edges in the graph (before maxEdges)."
    )
