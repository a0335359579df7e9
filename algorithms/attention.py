"""The attention graph: who is influenced by whom, as hop probabilities and path-search costs.

A hop v→u ("u is influenced by v") has probability p(v→u), u's share of
attention on v: the weight of u's engagement with v over the weight of all of
u's engagement.  Path search runs from the influenced person outwards, along the
projection's own edges u→v, with cost −log p quantised to integers so that equal
products give exactly equal costs.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from algorithms.projection import FloatArray, IntArray, Projection
from algorithms.yen import CostGraph, hops_to_goals

__all__ = ["COST_SCALE", "AttentionGraph", "attention_graph", "clear_cache"]

# Cost units per nat of −log p.  At 1e9 a 5-hop path of probabilities down to
# 1e-9 costs ~1e11 units (far inside int64), and two costs differ only where the
# products differ by more than about one part in a billion.
COST_SCALE = 1e9
_NEAR_CACHE = 8


@dataclass(frozen=True, eq=False)
class AttentionGraph:
    """Hop probabilities of one projection, and its search graph.

    ``probability[e]`` belongs to projection edge ``e`` (u→v): u's share of
    attention on v.  Search nodes are the projection's nodes renumbered in id
    order (``search[i]`` is node ``i``'s number, ``node[j]`` the inverse), so
    ties between equal-strength paths fall to node ids, whatever order the
    projection was read in.  ``graph`` edges are projection edges with positive
    weight; their ``slot`` is the projection edge number.
    """

    projection: Projection
    probability: FloatArray
    attention: FloatArray
    search: IntArray
    node: IntArray
    graph: CostGraph
    _near: OrderedDict[tuple[tuple[int, ...], int], dict[int, int]] = field(
        default_factory=OrderedDict, repr=False
    )
    _account_node: dict[str, int] = field(default_factory=dict, repr=False)

    def near(self, goals: tuple[int, ...], max_hops: int) -> dict[int, int]:
        """Hops from each search node to the nearest goal (search numbers), kept per goal set."""
        key = (goals, max_hops)
        found = self._near.get(key)
        if found is None:
            found = self._near[key] = hops_to_goals(self.graph, goals, max_hops)
            while len(self._near) > _NEAR_CACHE:
                self._near.popitem(last=False)
        else:
            self._near.move_to_end(key)
        return found

    def node_of_account(self, account: str) -> int | None:
        """The projection node an account belongs to (itself, or its customer)."""
        if not self._account_node:
            for node, accounts in enumerate(self.projection.accounts):
                for member in accounts:
                    self._account_node[member] = node
        return self._account_node.get(account)


def attention_graph(projection: Projection) -> AttentionGraph:
    """The attention graph of a projection (built once per projection, then kept).

    ``attention[u]`` is u's total outgoing engagement weight, the denominator
    of its shares.  Edges of zero weight carry no attention and are left out.
    """
    cached = _CACHE.get(projection)
    if cached is None:
        cached = _CACHE[projection] = _build(projection)
    return cached


_CACHE: weakref.WeakKeyDictionary[Projection, AttentionGraph] = weakref.WeakKeyDictionary()


def clear_cache() -> None:
    """Forget every attention graph built so far."""
    _CACHE.clear()


def _build(projection: Projection) -> AttentionGraph:
    n = projection.node_count
    src, dst, weight = projection.src, projection.dst, projection.weight
    attention = np.bincount(src, weights=weight, minlength=n).astype(np.float64)
    positive = weight > 0
    probability = np.zeros(weight.shape[0], dtype=np.float64)
    np.divide(weight, attention[src], out=probability, where=positive)
    node = np.array(sorted(range(n), key=projection.ids.__getitem__), dtype=np.int32)
    search = np.empty(n, dtype=np.int32)
    search[node] = np.arange(n, dtype=np.int32)
    edges = np.flatnonzero(positive)
    costs = np.rint(-np.log(probability[edges]) * COST_SCALE).astype(np.int64)
    # Rounding can make a share of exactly 1 cost -0: clip to keep costs non-negative.
    np.maximum(costs, 0, out=costs)
    graph = CostGraph.from_edges(n, search[src[edges]], search[dst[edges]], costs)
    # from_edges numbers slots 0..m-1 over the kept edges; map back to projection edges.
    graph = CostGraph(
        n=graph.n,
        indptr=graph.indptr,
        indices=graph.indices,
        costs=graph.costs,
        slot=edges[graph.slot],
    )
    return AttentionGraph(
        projection=projection,
        probability=probability,
        attention=attention,
        search=search,
        node=node,
        graph=graph,
    )
