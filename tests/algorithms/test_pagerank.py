"""PageRank: igraph PRPACK against the networkx reference and published values."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from algorithms.errors import BadParameter
from algorithms.pagerank import pagerank
from algorithms.projection import Projection
from tests.algorithms.known_graphs import LANGVILLE_MEYER_PAGERANK, known_graph, langville_meyer


def random_engagement(seed: int, nodes: int = 300, edges: int = 1500) -> nx.DiGraph:
    rng = random.Random(seed)
    graph = nx.DiGraph()
    graph.add_nodes_from(f"n{i}" for i in range(nodes))
    while graph.number_of_edges() < edges:
        u, v = rng.randrange(nodes), rng.randrange(nodes)
        if u != v:
            graph.add_edge(f"n{u}", f"n{v}", weight=rng.choice([0.2, 1, 2, 3, 7.5]))
    return graph


def reference(graph: nx.Graph, alpha: float) -> dict[str, float]:
    return nx.pagerank(graph, alpha=alpha, weight="weight", tol=1e-13, max_iter=100_000)


def test_langville_meyer_published_values() -> None:
    p = Projection.from_networkx(langville_meyer())
    for implementation in ("igraph", "networkx"):
        ranks = pagerank(p, alpha=0.9, implementation=implementation)  # type: ignore[arg-type]
        found = {node: ranks[p.index[node]] for node in p.ids}
        assert found == pytest.approx(LANGVILLE_MEYER_PAGERANK, abs=1e-7)


@pytest.mark.parametrize(
    "graph",
    [
        pytest.param(lambda: random_engagement(1), id="random-weighted-1"),
        pytest.param(lambda: random_engagement(2, nodes=500, edges=900), id="random-dangling"),
        pytest.param(lambda: known_graph("karate"), id="karate"),
        pytest.param(lambda: known_graph("football"), id="football"),
        pytest.param(lambda: known_graph("polbooks"), id="polbooks"),
    ],
)
@pytest.mark.parametrize("alpha", [0.85, 0.5])
def test_prpack_matches_networkx_within_1e6_l1(graph: object, alpha: float) -> None:
    nx_graph = graph()  # type: ignore[operator]
    p = Projection.from_networkx(nx_graph)
    ranks = pagerank(p, alpha=alpha)
    expected = reference(p.to_networkx(), alpha)
    l1 = float(np.abs(ranks - np.array([expected[node] for node in p.ids])).sum())
    assert l1 < 1e-6
    assert ranks.sum() == pytest.approx(1.0)


def test_weights_steer_the_rank() -> None:
    graph = nx.DiGraph()
    graph.add_edge("fan", "big", weight=9.0)
    graph.add_edge("fan", "small", weight=1.0)
    p = Projection.from_networkx(graph)
    ranks = pagerank(p)
    assert ranks[p.index["big"]] > ranks[p.index["small"]]


def test_empty_projection_and_bad_arguments() -> None:
    empty = Projection.from_networkx(nx.DiGraph())
    assert pagerank(empty).shape == (0,)
    p = Projection.from_networkx(langville_meyer())
    for alpha in (0.0, 1.0, -0.3, 1.5):
        with pytest.raises(BadParameter, match="alpha"):
            pagerank(p, alpha=alpha)
    with pytest.raises(BadParameter, match="implementation"):
        pagerank(p, implementation="scipy")  # type: ignore[arg-type]
