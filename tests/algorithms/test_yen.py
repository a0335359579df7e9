"""Yen's k best paths against networkx and brute force on small seeded graphs."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import networkx as nx
import pytest

from algorithms.yen import GOAL, CostGraph, hops_to_goals, k_best_paths

Edge = tuple[int, int, int]


def random_graph(seed: int, n: int, p: float, costs: list[int]) -> list[Edge]:
    rng = random.Random(seed)
    return [
        (u, v, rng.choice(costs))
        for u, v in itertools.permutations(range(n), 2)
        if rng.random() < p
    ]


def build(n: int, edges: list[Edge]) -> CostGraph:
    src, dst, cost = zip(*edges, strict=True) if edges else ((), (), ())
    return CostGraph.from_edges(n, src, dst, cost)


def reference_graph(n: int, edges: list[Edge], goals: set[int]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(edges, weight="cost")
    graph.add_weighted_edges_from(((g, GOAL, 0) for g in goals), weight="cost")
    return graph


def path_cost(edges: list[Edge], nodes: tuple[int, ...]) -> int:
    cost = {(u, v): c for u, v, c in edges}
    return sum(cost[u, v] for u, v in itertools.pairwise(nodes))


def brute_force(
    n: int, edges: list[Edge], start: int, goals: set[int], k: int, max_hops: int
) -> list[tuple[int, tuple[int, ...]]]:
    """Every simple path within the hop limit, ranked by (cost, hops, node sequence)."""
    graph = reference_graph(n, edges, goals)
    paths: Iterator[list[int]] = nx.all_simple_paths(graph, start, GOAL, cutoff=max_hops + 1)
    ranked = sorted((path_cost(edges, tuple(p[:-1])), len(p) - 2, (*p[:-1], GOAL)) for p in paths)
    return [(cost, nodes[:-1]) for cost, _, nodes in ranked[:k]]


CASES = [(seed, n, p) for seed in range(12) for n, p in ((6, 0.5), (9, 0.3), (12, 0.22))]


@pytest.mark.parametrize(("seed", "n", "p"), CASES)
def test_equals_networkx_shortest_simple_paths(seed: int, n: int, p: float) -> None:
    # Distinct costs: networkx's order is then the only correct one.
    rng = random.Random(1000 + seed)
    edges = [(u, v, rng.randrange(1, 10**9)) for u, v, _ in random_graph(seed, n, p, [0])]
    goals = {n - 1, n - 2}
    start = 0
    reference = reference_graph(n, edges, goals)
    k = 6
    if nx.has_path(reference, start, GOAL):
        expected = [
            (path_cost(edges, tuple(path[:-1])), tuple(path[:-1]))
            for path in itertools.islice(
                nx.shortest_simple_paths(reference, start, GOAL, weight="cost"), k
            )
        ]
    else:
        expected = []
    found = k_best_paths(build(n, edges), start, goals, k=k, max_hops=n)
    assert [(p.cost, p.nodes) for p in found] == expected


@pytest.mark.parametrize(("seed", "n", "p"), CASES)
@pytest.mark.parametrize("max_hops", [1, 2, 3, 5])
def test_hop_limit_and_ties_equal_brute_force(seed: int, n: int, p: float, max_hops: int) -> None:
    # Few distinct costs (zero included): ties everywhere, broken by hops then node order.
    edges = random_graph(seed, n, p, [0, 1, 1, 2, 3])
    goals = {n - 1, n // 2}
    expected = brute_force(n, edges, 0, goals, 8, max_hops)
    found = k_best_paths(build(n, edges), 0, goals, k=8, max_hops=max_hops)
    assert [(path.cost, path.nodes) for path in found] == expected
    assert all(path.hops <= max_hops for path in found)


@pytest.mark.parametrize("seed", range(10))
def test_ties_keep_networkx_costs_and_groups(seed: int) -> None:
    # With ties networkx may order equal-cost paths differently; the costs and each
    # complete group of equal-cost paths must still agree.
    n = 10
    chain = {(i, i + 1) for i in range(n - 1)}  # so that a path always exists
    edges = [e for e in random_graph(seed, n, 0.3, [1, 2]) if e[:2] not in chain]
    edges += [(u, v, 2) for u, v in sorted(chain)]
    goals = {9}
    reference = reference_graph(n, edges, goals)
    k = 10
    theirs = [
        tuple(path[:-1])
        for path in itertools.islice(nx.shortest_simple_paths(reference, 0, GOAL, weight="cost"), k)
    ]
    ours = [path.nodes for path in k_best_paths(build(n, edges), 0, goals, k=k, max_hops=n)]
    assert [path_cost(edges, p) for p in ours] == [path_cost(edges, p) for p in theirs]
    last = path_cost(edges, ours[-1])
    assert {p for p in ours if path_cost(edges, p) < last} == {
        p for p in theirs if path_cost(edges, p) < last
    }


def test_tie_order_is_hops_then_node_order() -> None:
    # 0->1->4, 0->2->4 and 0->3 (a goal) all cost 2; 0->3 has fewer hops.
    edges = [(0, 1, 1), (1, 4, 1), (0, 2, 1), (2, 4, 1), (0, 3, 2)]
    found = k_best_paths(build(5, edges), 0, {3, 4}, k=5, max_hops=3)
    assert [p.nodes for p in found] == [(0, 3), (0, 1, 4), (0, 2, 4)]
    # Same answer whatever order the edges arrive in.
    again = k_best_paths(build(5, list(reversed(edges))), 0, {3, 4}, k=5, max_hops=3)
    assert again == found


def test_path_may_pass_through_a_goal() -> None:
    edges = [(0, 1, 1), (1, 2, 1)]
    found = k_best_paths(build(3, edges), 0, {1, 2}, k=3, max_hops=3)
    assert [(p.cost, p.nodes) for p in found] == [(1, (0, 1)), (2, (0, 1, 2))]


def test_unreachable_and_too_far_give_nothing() -> None:
    graph = build(4, [(0, 1, 1), (1, 2, 1), (3, 0, 1)])
    assert k_best_paths(graph, 0, {3}, k=3, max_hops=3) == []
    assert k_best_paths(graph, 0, {2}, k=3, max_hops=1) == []
    assert [p.nodes for p in k_best_paths(graph, 0, {2}, k=3, max_hops=2)] == [(0, 1, 2)]


def test_hops_to_goals_is_reverse_bfs() -> None:
    graph = build(5, [(0, 1, 5), (1, 2, 5), (2, 3, 5), (4, 3, 5)])
    assert hops_to_goals(graph, [3], 2) == {3: 0, 2: 1, 4: 1, 1: 2}


@pytest.mark.parametrize(("k", "max_hops"), [(0, 3), (-1, 3), (3, 0)])
def test_bad_arguments(k: int, max_hops: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        k_best_paths(build(2, [(0, 1, 1)]), 0, {1}, k=k, max_hops=max_hops)


@pytest.mark.parametrize(
    ("src", "dst", "cost", "message"),
    [([0], [1], [-1], "non-negative"), ([0], [5], [1], "0..2"), ([0, 0], [1, 1], [1, 2], "once")],
)
def test_bad_edges(src: list[int], dst: list[int], cost: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CostGraph.from_edges(3, src, dst, cost)
