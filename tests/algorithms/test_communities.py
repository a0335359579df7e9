"""Community detection: quality against networkx Louvain, known results, ground truth."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from algorithms.communities import ALGORITHMS, communities, modularity
from algorithms.errors import BadParameter
from algorithms.evaluation import normalized_mutual_information
from algorithms.projection import Projection
from tests.algorithms.known_graphs import known_graph


def planted(seed: int) -> nx.Graph:
    return nx.relabel_nodes(
        nx.planted_partition_graph(8, 30, 0.3, 0.01, seed=seed), lambda n: f"n{n:03d}"
    )


GRAPHS = {
    "karate": lambda: known_graph("karate"),
    "football": lambda: known_graph("football"),
    "polbooks": lambda: known_graph("polbooks"),
    "planted": lambda: planted(7),
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_leiden_modularity_not_below_networkx_louvain(name: str) -> None:
    p = Projection.from_networkx(GRAPHS[name]())
    leiden = communities(p, algorithm="leiden")
    graph = p.to_networkx(directed=False)
    louvain = nx.community.louvain_communities(graph, weight="weight", seed=0)
    reference = nx.community.modularity(graph, louvain, weight="weight")
    assert leiden.modularity >= reference - 0.005


def test_karate_known_optimum() -> None:
    # The maximum modularity of Zachary's karate club is 0.4198 (= 1277/3042), with four
    # communities (Brandes et al., "On Modularity Clustering", IEEE TKDE 20(2), 2008).
    p = Projection.from_networkx(known_graph("karate"))
    part = communities(p, algorithm="leiden")
    assert part.cluster_count == 4
    assert part.modularity == pytest.approx(1277 / 3042, abs=1e-9)
    # Mr. Hi (node 0) and the officer (node 33) lead different communities.
    assert part.membership[p.index["0"]] != part.membership[p.index["33"]]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_modularity_agrees_with_networkx(algorithm: str) -> None:
    p = Projection.from_networkx(known_graph("football"))
    graph = p.to_networkx(directed=False)
    for resolution in (1.0, 1.7):
        part = communities(p, algorithm=algorithm, resolution=resolution)  # type: ignore[arg-type]
        groups = [{p.ids[i] for i in c} for c in part.clusters()]
        expected = nx.community.modularity(graph, groups, weight="weight", resolution=resolution)
        assert part.modularity == pytest.approx(expected, abs=1e-9)
        assert modularity(p, part.membership, resolution=resolution) == pytest.approx(expected)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_node_in_one_cluster_numbered_by_size(algorithm: str) -> None:
    p = Projection.from_networkx(known_graph("polbooks"))
    part = communities(p, algorithm=algorithm)  # type: ignore[arg-type]
    assert part.membership.shape == (p.node_count,)
    sizes = np.bincount(part.membership)
    assert sizes.min() > 0 and list(sizes) == sorted(sizes, reverse=True)
    assert sorted(i for c in part.clusters() for i in c) == list(range(p.node_count))


def test_seeded_runs_repeat_and_resolution_moves_granularity() -> None:
    p = Projection.from_networkx(known_graph("football"))
    first = communities(p, seed=3)
    assert np.array_equal(first.membership, communities(p, seed=3).membership)
    coarse = communities(p, resolution=0.3).cluster_count
    fine = communities(p, resolution=3.0).cluster_count
    assert coarse < first.cluster_count < fine


def test_planted_communities_are_recovered() -> None:
    graph = planted(11)
    p = Projection.from_networkx(graph)
    truth = [int(node[1:]) // 30 for node in p.ids]
    for algorithm in ALGORITHMS:
        part = communities(p, algorithm=algorithm)  # type: ignore[arg-type]
        assert normalized_mutual_information(truth, part.membership.tolist()) > 0.9


@pytest.mark.parametrize(
    ("name", "floor"), [("karate", 0.5), ("football", 0.85), ("polbooks", 0.5)]
)
def test_ground_truth_agreement(name: str, floor: float) -> None:
    graph = known_graph(name)
    p = Projection.from_networkx(graph)
    part = communities(p)
    truth = [graph.nodes[node]["truth"] for node in p.ids]
    # Leiden at resolution 1 measured here: karate 0.588, football 0.890, polbooks 0.560.
    assert normalized_mutual_information(truth, part.membership.tolist()) >= floor


def test_networkx_implementation_is_available_for_reference() -> None:
    p = Projection.from_networkx(known_graph("karate"))
    part = communities(p, algorithm="louvain", implementation="networkx")
    assert part.modularity > 0.38
    with pytest.raises(BadParameter, match="Leiden"):
        communities(p, algorithm="leiden", implementation="networkx")


def test_empty_graph_and_bad_arguments() -> None:
    empty = communities(Projection.from_networkx(nx.Graph()))
    assert empty.cluster_count == 0 and empty.modularity == 0.0
    lonely = nx.Graph()
    lonely.add_nodes_from(["a", "b"])
    no_edges = communities(Projection.from_networkx(lonely))
    assert no_edges.cluster_count == 2 and no_edges.modularity == 0.0
    p = Projection.from_networkx(known_graph("karate"))
    for resolution in (0.0, -1.0):
        with pytest.raises(BadParameter, match="resolution"):
            communities(p, resolution=resolution)
    with pytest.raises(BadParameter, match="algorithm"):
        communities(p, algorithm="girvan-newman")  # type: ignore[arg-type]
