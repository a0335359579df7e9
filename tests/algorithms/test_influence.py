"""Influence scores: the documented formula, its breakdown, and advocacy."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from algorithms.errors import BadParameter
from algorithms.influence import influence
from algorithms.pagerank import pagerank
from algorithms.projection import Projection
from tests.algorithms.known_graphs import known_graph


def fan_graph() -> nx.DiGraph:
    """A hub many engage with, a celebrity with followers but little engagement, fans."""
    graph = nx.DiGraph()
    graph.add_node("hub", followers=100, sentiment=0.9)
    graph.add_node("celebrity", followers=1_000_000, sentiment=-0.8)
    graph.add_node("quiet", followers=0)
    for i in range(8):
        graph.add_node(f"fan{i}", followers=10)
        graph.add_edge(f"fan{i}", "hub", weight=3.0)
    graph.add_edge("fan0", "celebrity", weight=1.0)
    graph.add_edge("quiet", "fan1", weight=1.0)
    return graph


def test_score_is_the_documented_formula() -> None:
    p = Projection.from_networkx(fan_graph())
    beta = 0.25
    s = influence(p, reach_weight=beta)
    pr = pagerank(p)
    logf = np.log1p(p.followers.astype(float))
    assert s.pagerank == pytest.approx(pr)
    assert s.pagerank_part == pytest.approx((1 - beta) * pr / pr.max())
    assert s.reach_part == pytest.approx(beta * logf / logf.max())
    assert s.score == pytest.approx(s.pagerank_part + s.reach_part)
    assert s.score.max() <= 1.0 + 1e-12
    # The engaged-with hub outranks the celebrity whose reach is only followers.
    order = [p.ids[i] for i in s.order]
    assert order[0] == "hub"
    assert order.index("celebrity") > order.index("hub")


def test_reach_weight_zero_ranks_by_pagerank_and_one_by_followers() -> None:
    p = Projection.from_networkx(fan_graph())
    by_pagerank = influence(p, reach_weight=0.0)
    assert list(by_pagerank.order) == list(np.argsort(-pagerank(p), kind="stable"))
    by_reach = influence(p, reach_weight=1.0)
    assert p.ids[by_reach.order[0]] == "celebrity"


def test_advocacy_is_influence_times_confident_sentiment() -> None:
    p = Projection.from_networkx(fan_graph())
    s = influence(p)
    hub, celebrity, quiet = (p.index[n] for n in ("hub", "celebrity", "quiet"))
    # One rated post each: the sentiment is shrunk by n / (n + 1) = 1/2.
    assert s.sentiment[hub] == pytest.approx(0.45)
    assert s.advocacy[hub] == pytest.approx(s.score[hub] * 0.45)
    assert s.advocacy[celebrity] == pytest.approx(s.score[celebrity] * -0.4)
    assert s.advocacy[quiet] == 0.0
    assert math.isnan(p.sentiment[quiet])


def test_ties_break_by_id() -> None:
    p = Projection.from_networkx(known_graph("karate"))
    s = influence(p, reach_weight=0.0)
    ordered = s.score[s.order]
    assert all(ordered[:-1] >= ordered[1:])
    for a, b in zip(s.order[:-1], s.order[1:], strict=True):
        if s.score[a] == s.score[b]:
            assert p.ids[a] < p.ids[b]


def test_nobody_with_followers_gives_no_reach() -> None:
    p = Projection.from_networkx(known_graph("karate"))
    s = influence(p)
    assert not s.reach_part.any()
    assert s.score.max() == pytest.approx(0.75)


def test_empty_and_bad_arguments() -> None:
    s = influence(Projection.from_networkx(nx.DiGraph()))
    assert s.score.shape == (0,) and s.order.shape == (0,)
    p = Projection.from_networkx(fan_graph())
    with pytest.raises(BadParameter, match="reach_weight"):
        influence(p, reach_weight=1.5)
    with pytest.raises(BadParameter, match="alpha"):
        influence(p, alpha=1.0)
