"""Known graphs with ground truth (tests/data, see each SOURCE.md) and small generated ones."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

DATA = Path(__file__).resolve().parents[1] / "data"

# name -> (file, ground-truth node attribute)
GROUND_TRUTH = {
    "karate": ("zachary-karate-club/karate_club.gml", "club"),
    "football": ("newman-football/football.gml", "value"),
    "polbooks": ("newman-polbooks/polbooks.gml", "value"),
}


def known_graph(name: str) -> nx.Graph:
    """The named ground-truth graph with node ids as strings and its labels as ``truth``."""
    path, attribute = GROUND_TRUTH[name]
    raw = nx.read_gml(DATA / path, label="id")
    graph = nx.Graph()
    for node, data in raw.nodes(data=True):
        graph.add_node(str(node), truth=data[attribute])
    graph.add_edges_from((str(u), str(v)) for u, v in raw.edges())
    return graph


def langville_meyer() -> nx.DiGraph:
    """The 6-page web of Langville & Meyer, "Google's PageRank and Beyond" (2006), §4.5,
    also networkx's PageRank test graph (node 2 dangles)."""
    graph = nx.DiGraph()
    graph.add_edges_from(
        [(1, 2), (1, 3), (3, 1), (3, 2), (3, 5), (4, 5), (4, 6), (5, 4), (5, 6), (6, 4)]
    )
    return graph


# Their PageRank with alpha = 0.9, as printed in the book and used by networkx's tests.
LANGVILLE_MEYER_PAGERANK = {
    "1": 0.03721197,
    "2": 0.05395735,
    "3": 0.04150565,
    "4": 0.37508082,
    "5": 0.20599833,
    "6": 0.28624589,
}
