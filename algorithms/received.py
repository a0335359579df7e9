"""Engagement each node received, by type, for the nodes whose breakdown is shown.

A projection read with detail knows it already; an unscoped projection read
without detail (the fast path for ranking) asks the graph for just these
nodes' incoming ENGAGED, so ranking a million edges never pays for reading
five counters on each of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from algorithms.projection import ENGAGEMENT_COLUMNS, Projection
from graph.cypher import Statement
from graph.store import GraphStore

__all__ = ["engagement_received"]

_SUMS = ", ".join(f"sum(coalesce(e.{c}, 0)) AS {c}" for c in ENGAGEMENT_COLUMNS)
# row = [account id, its customer's id or null]; engagement from the customer's
# own other accounts is not engagement received.  ``WITH ... v`` pins the plan to
# the id index: with a pattern predicate instead, FalkorDB scans every account.
RECEIVED = Statement(
    "influence.received",
    "UNWIND $rows AS row MATCH (v:Account {id: row[0]}) WITH row[1] AS customer, v "
    "MATCH (v)<-[e:ENGAGED]-(u:Account) "
    "WHERE $platform IS NULL OR (u.platform = $platform AND v.platform = $platform) "
    "OPTIONAL MATCH (c:Customer {id: customer})-[:HAS_ACCOUNT]->(u) "
    f"WITH v, e, c WHERE c IS NULL RETURN v.id AS account, {_SUMS}",
)


async def engagement_received(
    store: GraphStore, projection: Projection, nodes: Iterable[int]
) -> dict[int, list[int]]:
    """Node index -> interactions received per ENGAGEMENT_COLUMNS, for ``nodes``."""
    wanted = sorted(set(nodes))
    if projection.detail:
        counts = projection.received_counts
        return {node: [int(counts[c][node]) for c in ENGAGEMENT_COLUMNS] for node in wanted}
    rows = []
    node_of: dict[str, int] = {}
    for node in wanted:
        customer = projection.ids[node] if projection.kinds[node] == "customer" else None
        for account in projection.accounts[node]:
            rows.append([account, customer])
            node_of[account] = node
    out = {node: [0] * len(ENGAGEMENT_COLUMNS) for node in wanted}
    if not rows:
        return out
    found = await store.read(RECEIVED, {"rows": rows, "platform": projection.params.platform})
    for row in found:
        totals = out[node_of[str(row["account"])]]
        for i, column in enumerate(ENGAGEMENT_COLUMNS):
            totals[i] += int(row[column] or 0)
    return out
