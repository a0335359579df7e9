"""Stable cluster ids and cluster summaries."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from algorithms.clusters import stable_cluster_ids, summarize_clusters
from algorithms.communities import Partition
from algorithms.projection import Projection


def members(text: str) -> set[str]:
    return set(text.split())


def test_first_run_numbers_clusters_in_order() -> None:
    ids, nxt = stable_cluster_ids([members("a b c"), members("d e")], {})
    assert ids == ["c1", "c2"] and nxt == 3


def test_a_cluster_that_kept_most_members_keeps_its_id() -> None:
    previous = {"c1": members("a b c d"), "c2": members("e f g")}
    # c2 lost one member to a new cluster and gained one; c1 is unchanged but listed second.
    ids, nxt = stable_cluster_ids(
        [members("e f x"), members("a b c d"), members("g y z")], previous, next_number=3
    )
    assert ids == ["c2", "c1", "c3"] and nxt == 4


def test_an_even_split_gets_new_ids_and_ids_are_never_reused() -> None:
    previous = {"c1": members("a b c d"), "c5": members("e f")}
    ids, nxt = stable_cluster_ids(
        [members("a b"), members("c d"), members("e f")], previous, next_number=6
    )
    assert ids == ["c6", "c7", "c5"] and nxt == 8


def test_a_merge_keeps_the_id_it_shares_most_members_with() -> None:
    previous = {"c1": members("a b c"), "c2": members("d e f g h")}
    ids, _ = stable_cluster_ids([members("a b c d e f g h")], previous, next_number=3)
    assert ids == ["c2"]


def test_summaries() -> None:
    graph = nx.DiGraph()
    graph.add_node("a", followers=10, platform="twitter", sentiment=0.5)
    graph.add_node("b", followers=0, platform="twitter", sentiment=-1.0)
    graph.add_node("c", followers=0, platform="reddit")
    graph.add_node("d", followers=0, platform="reddit")
    graph.add_edges_from([("b", "a"), ("c", "a"), ("a", "b"), ("d", "c")])
    p = Projection.from_networkx(graph)
    partition = Partition(np.array([0, 0, 0, 1], dtype=np.int32), 0.1, "leiden", 1.0)
    scores = np.array([0.9, 0.1, 0.5, 0.2])
    tags = {0: {"acme": 3, "sale": 1}, 1: {"acme": 1}, 3: {"other": 2}}
    first, second = summarize_clusters(p, partition, scores, leaders=2, hashtags=tags)
    assert first.members == [0, 1, 2]
    assert first.leaders == [0, 2]
    # Pairs a-b and a-c are joined (a⇄b counts once) out of 3 pairs.
    assert first.density == pytest.approx(2 / 3)
    assert first.sentiment == pytest.approx(-0.25)
    assert first.sentiment_posts == 2
    assert first.channels == {"twitter": 2, "reddit": 1}
    assert first.hashtags == [("acme", 4), ("sale", 1)]
    assert second.members == [3] and second.density == 0.0 and second.sentiment is None
    assert second.hashtags == [("other", 2)]
