"""The root types and the Schema object."""

from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from resolvers.errors import ErrorCodes
from resolvers.stats import resolve_graph_stats
from schema.stats import GraphStats

__all__ = ["Query", "build_schema"]


@strawberry.type
class Query:
    graph_stats: GraphStats = strawberry.field(
        resolver=resolve_graph_stats,
        description="Node counts per label and relationship counts per type.",
    )


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        extensions=[
            ErrorCodes,
            lambda: ParserCache(maxsize=1024),
            lambda: ValidationCache(maxsize=1024),
        ],
    )
