"""Best k simple paths under a hop limit (Yen's algorithm) over a CSR graph with integer costs."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["GOAL", "CostGraph", "RankedPath", "hops_to_goals", "k_best_paths"]

IntArray = npt.NDArray[np.int32]
LongArray = npt.NDArray[np.int64]

# The virtual node every goal links to at zero cost (a "super-sink"): the search
# runs from one start to a set of goals as if to a single node.
GOAL = -1

# A path's rank key: total cost, then fewer hops, then the node sequence compared
# position by position (smaller node index first).  Every key is distinct, so
# the order of the k paths returned is fully determined by the graph.
_Key = tuple[int, int, tuple[int, ...]]


@dataclass(frozen=True, eq=False)
class CostGraph:
    """A directed graph in compressed sparse rows with non-negative integer edge costs.

    Row ``v`` holds the out-edges of ``v`` in ``indices[indptr[v]:indptr[v + 1]]``,
    sorted by head; ``slot`` maps each CSR position back to the caller's edge
    number.  Build with :meth:`from_edges`.
    """

    n: int
    indptr: list[int]
    indices: IntArray
    costs: LongArray
    slot: LongArray
    _reverse: list[CostGraph] = field(default_factory=list, repr=False)

    @classmethod
    def from_edges(
        cls, n: int, src: npt.ArrayLike, dst: npt.ArrayLike, costs: npt.ArrayLike
    ) -> CostGraph:
        """Build from parallel arrays of edges ``src[i] -> dst[i]`` costing ``costs[i]``.

        Raises ``ValueError`` for a negative cost, a node outside ``0..n-1`` or a
        repeated (src, dst) pair.
        """
        src_a = np.asarray(src, dtype=np.int64)
        dst_a = np.asarray(dst, dtype=np.int64)
        cost_a = np.asarray(costs, dtype=np.int64)
        if not src_a.shape == dst_a.shape == cost_a.shape:
            raise ValueError("src, dst and costs must have the same length")
        if cost_a.size and int(cost_a.min()) < 0:
            raise ValueError("edge costs must be non-negative")
        if src_a.size and (min(src_a.min(), dst_a.min()) < 0 or max(src_a.max(), dst_a.max()) >= n):
            raise ValueError(f"edge endpoints must lie in 0..{n - 1}")
        order = np.lexsort((dst_a, src_a))
        src_s, dst_s = src_a[order], dst_a[order]
        if src_s.size > 1 and bool(np.any((src_s[1:] == src_s[:-1]) & (dst_s[1:] == dst_s[:-1]))):
            raise ValueError("an edge (src, dst) appears more than once")
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src_s, minlength=n), out=indptr[1:])
        return cls(
            n=n,
            indptr=indptr.tolist(),
            indices=dst_s.astype(np.int32),
            costs=cost_a[order],
            slot=order.astype(np.int64),
        )

    def reverse(self) -> CostGraph:
        """The same graph with every edge turned around (built once, then kept)."""
        if not self._reverse:
            src = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.indptr))
            self._reverse.append(CostGraph.from_edges(self.n, self.indices, src, self.costs))
        return self._reverse[0]

    def edge(self, tail: int, head: int) -> int:
        """The CSR position of edge ``tail -> head``; ``KeyError`` if there is none."""
        lo, hi = self.indptr[tail], self.indptr[tail + 1]
        at = lo + int(np.searchsorted(self.indices[lo:hi], head))
        if at < hi and int(self.indices[at]) == head:
            return at
        raise KeyError((tail, head))


@dataclass(frozen=True, slots=True)
class RankedPath:
    """One path found: ``nodes`` from the start to the goal it reached, and its total cost."""

    cost: int
    nodes: tuple[int, ...]

    @property
    def hops(self) -> int:
        return len(self.nodes) - 1


def hops_to_goals(graph: CostGraph, goals: Iterable[int], max_hops: int) -> dict[int, int]:
    """Fewest hops from each node to its nearest goal, for nodes within ``max_hops``.

    A breadth-first search backwards from the goals, one numpy step per level.
    Nodes missing from the answer are farther than ``max_hops`` (or cut off).
    """
    reverse = graph.reverse()
    indptr = np.asarray(reverse.indptr, dtype=np.int64)
    depth = np.full(graph.n, -1, dtype=np.int64)
    frontier = np.unique(np.fromiter(goals, dtype=np.int64))
    depth[frontier] = 0
    for level in range(1, max_hops + 1):
        if frontier.size == 0:
            break
        starts, ends = indptr[frontier], indptr[frontier + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            break
        # Positions starts[i] .. ends[i]-1 for every frontier node, without a Python loop.
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        neighbours = reverse.indices[offsets + np.arange(total)]
        fresh = np.unique(neighbours[depth[neighbours] < 0]).astype(np.int64)
        depth[fresh] = level
        frontier = fresh
    reached = np.flatnonzero(depth >= 0)
    return dict(zip(reached.tolist(), depth[reached].tolist(), strict=True))


def k_best_paths(
    graph: CostGraph,
    start: int,
    goals: Collection[int],
    *,
    k: int,
    max_hops: int,
    hops_to_goal: Mapping[int, int] | None = None,
) -> list[RankedPath]:
    """The ``k`` cheapest simple paths of at most ``max_hops`` edges from ``start`` to any goal.

    Parameters
    ----------
    graph : CostGraph
        Directed graph with non-negative integer edge costs.
    start : int
        Node the paths begin at.
    goals : collection of int
        Nodes a path may end at (a path may pass through a goal and end at another).
    k : int
        How many paths to return at most (``k >= 1``).
    max_hops : int
        Longest path, in edges (``max_hops >= 1``).
    hops_to_goal : mapping, optional
        :func:`hops_to_goals` of the same graph, goals and ``max_hops`` when the
        caller keeps it between calls; computed here otherwise.

    Returns
    -------
    list of RankedPath
        Best first, by total cost, then fewer hops, then the node sequence
        compared position by position.  Fewer than ``k`` when no more exist.

    Raises
    ------
    ValueError
        For ``k < 1`` or ``max_hops < 1``.

    Notes
    -----
    Yen's algorithm [1]_ over a virtual super-sink joined to every goal at zero
    cost.  Each shortest-path search is a Dijkstra over (node, hops) states [2]_:
    a state is dropped when its node was already settled with no more hops
    (it cannot do better), or when the breadth-first hop distance to the nearest
    goal shows the hop budget cannot be met.  Because keys compare cost, then
    hops, then the node sequence, a cheapest walk is always a simple path and
    ties are broken the same way on every run.  Spur searches stop at the cost
    of the worst candidate that could still be needed (candidates beyond the
    ``k`` paths are never computed in full).

    References
    ----------
    .. [1] J. Y. Yen, "Finding the K Shortest Loopless Paths in a Network",
       Management Science 17(11), 712-716, 1971.
    .. [2] G. Y. Handler and I. Zang, "A dual algorithm for the constrained
       shortest path problem", Networks 10(4), 293-309, 1980.

    Examples
    --------
    >>> g = CostGraph.from_edges(4, [0, 0, 1, 2], [1, 2, 3, 3], [1, 2, 1, 1])
    >>> [(p.cost, p.nodes) for p in k_best_paths(g, 0, {3}, k=3, max_hops=3)]
    [(2, (0, 1, 3)), (3, (0, 2, 3))]
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if max_hops < 1:
        raise ValueError(f"max_hops must be at least 1, not {max_hops}")
    goal_set = frozenset(goals)
    near = hops_to_goal if hops_to_goal is not None else hops_to_goals(graph, goal_set, max_hops)
    search = _Search(graph, goal_set, near)
    first = search.run(start, max_hops, frozenset(), frozenset(), None)
    if first is None:
        return []
    found: list[_Key] = [first]
    candidates: list[_Key] = []
    seen = {first[2]}
    while len(found) < k:
        _, _, previous = found[-1]
        prefix_cost = search.prefix_costs(previous)
        for i in range(len(previous) - 1):
            root = previous[: i + 1]
            banned_edges = frozenset(
                (path[i], path[i + 1]) for _, _, path in found if path[: i + 1] == root
            )
            needed = k - len(found)
            bound = None
            if len(candidates) >= needed:
                bound = heapq.nsmallest(needed, candidates)[-1][0] - prefix_cost[i]
            spur = search.run(previous[i], max_hops - i, frozenset(root[:-1]), banned_edges, bound)
            if spur is None:
                continue
            nodes = root[:-1] + spur[2]
            if nodes not in seen:
                seen.add(nodes)
                heapq.heappush(candidates, (prefix_cost[i] + spur[0], len(nodes) - 2, nodes))
        if not candidates:
            break
        found.append(heapq.heappop(candidates))
    return [RankedPath(cost, nodes[:-1]) for cost, _, nodes in found]


class _Search:
    """Hop-limited Dijkstra from one node to the super-sink, with nodes and edges banned."""

    def __init__(self, graph: CostGraph, goals: frozenset[int], near: Mapping[int, int]) -> None:
        self.graph = graph
        self.goals = goals
        self.near = near

    def prefix_costs(self, nodes: tuple[int, ...]) -> list[int]:
        """Cost from the path's start to each of its nodes (the last edge, to GOAL, is free)."""
        graph, total, out = self.graph, 0, [0]
        for tail, head in itertools.pairwise(nodes[:-1]):
            total += int(graph.costs[graph.edge(tail, head)])
            out.append(total)
        out.append(total)
        return out

    def run(
        self,
        start: int,
        budget: int,
        banned_nodes: frozenset[int],
        banned_edges: frozenset[tuple[int, int]],
        bound: int | None,
    ) -> _Key | None:
        near, goals = self.near, self.goals
        indptr, indices, costs = self.graph.indptr, self.graph.indices, self.graph.costs
        reach = near.get(start)
        if reach is None or reach > budget:
            return None
        settled: dict[int, int] = {}
        heap: list[_Key] = [(0, 0, (start,))]
        pop, push = heapq.heappop, heapq.heappush
        while heap:
            entry = pop(heap)
            cost, hops, nodes = entry
            if bound is not None and cost > bound:
                return None
            node = nodes[-1]
            if node == GOAL:
                return entry
            if settled.get(node, budget + 1) <= hops:
                continue
            settled[node] = hops
            if node in goals and (node, GOAL) not in banned_edges:
                push(heap, (cost, hops, (*nodes, GOAL)))
            nxt_hops = hops + 1
            if nxt_hops > budget:
                continue
            lo, hi = indptr[node], indptr[node + 1]
            for head, step in zip(indices[lo:hi].tolist(), costs[lo:hi].tolist(), strict=True):
                remaining = near.get(head)
                if (
                    remaining is None
                    or nxt_hops + remaining > budget
                    or settled.get(head, budget + 1) <= nxt_hops
                    or head in banned_nodes
                    or (node, head) in banned_edges
                ):
                    continue
                push(heap, (cost + step, nxt_hops, (*nodes, head)))
        return None
