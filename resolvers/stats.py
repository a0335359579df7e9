"""Resolvers for graph-wide statistics."""

from __future__ import annotations

from resolvers.context import Info
from schema.stats import GraphStats

__all__ = ["resolve_graph_stats"]


async def resolve_graph_stats(info: Info) -> GraphStats:
    """Node counts per label and relationship counts per type."""
    return GraphStats.from_record(await info.context.store.stats())
