"""The whole graph as comparable Python values, for "loading again changes nothing" tests."""

from __future__ import annotations

from typing import Any

from graph.cypher import Statement
from graph.store import GraphStore

NODES = Statement(
    "test.loaders.snapshot_nodes",
    "MATCH (n) WHERE NOT n:GraphMeta RETURN labels(n)[0] AS label, n AS node",
)
RELATIONSHIPS = Statement(
    "test.loaders.snapshot_relationships",
    "MATCH (a)-[r]->(b) RETURN a.id AS source, type(r) AS type, b.id AS target, r AS props",
)
ENGAGED = Statement(
    "test.loaders.engaged",
    "MATCH (u:Account)-[g:ENGAGED]->(v:Account) RETURN u.id AS source, v.id AS target, g AS props",
)


def _key(value: Any) -> str:
    return repr(value)


async def snapshot(store: GraphStore) -> tuple[list[Any], list[Any]]:
    """Every node (label, properties) and relationship (source, type, target, properties),
    sorted, the graph-version bookkeeping node left out."""
    nodes = sorted(
        ((row["label"], sorted(row["node"].items())) for row in await store.read(NODES)), key=_key
    )
    rels = sorted(
        (
            (row["source"], row["type"], row["target"], sorted(row["props"].items()))
            for row in await store.read(RELATIONSHIPS)
        ),
        key=_key,
    )
    return nodes, rels


async def engaged(store: GraphStore) -> dict[tuple[str, str], dict[str, Any]]:
    """ENGAGED relationships: (source, target) -> properties."""
    return {(r["source"], r["target"]): r["props"] for r in await store.read(ENGAGED)}
