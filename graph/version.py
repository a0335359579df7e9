"""The graph version: a counter the writer bumps on every committed load batch.

Analyses cache projections and stored runs per version, so anything that
changes the graph's content bumps it.
"""

from __future__ import annotations

from graph.cypher import Statement
from graph.store import GraphStore

__all__ = ["BUMP_VERSION", "GRAPH_VERSION", "bump_version", "graph_version"]

GRAPH_VERSION = Statement(
    "graph.version",
    "MATCH (m:GraphMeta {id: 'graph'}) RETURN m.version AS version",
)
BUMP_VERSION = Statement(
    "graph.bump_version",
    "MERGE (m:GraphMeta {id: 'graph'}) "
    "ON CREATE SET m.version = 0 "
    "SET m.version = m.version + 1 "
    "RETURN m.version AS version",
)


async def graph_version(store: GraphStore) -> int:
    rows = await store.read(GRAPH_VERSION)
    return int(rows[0]["version"]) if rows else 0


async def bump_version(store: GraphStore) -> int:
    rows = await store.write(BUMP_VERSION)
    return int(rows[0]["version"])
