"""InfluenceScore: one node's place in an influence ranking, with the breakdown of its score."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import strawberry

from schema.account import Account
from schema.analysis_run import AnalysisRun
from schema.connection import Connection
from schema.customer import Customer
from schema.node import Node

__all__ = ["EngagementReceived", "InfluenceBreakdown", "InfluenceScore", "InfluencerConnection"]


@strawberry.type(description="Interactions a node's content received, by type.")
class EngagementReceived:
    replies: int
    shares: int
    quotes: int
    likes: int
    mentions: int


@strawberry.type(description="Why a node ranks where it does: score = pagerankPart + reachPart.")
class InfluenceBreakdown:
    pagerank: float = strawberry.field(description="Weighted PageRank on engagement and follows.")
    pagerank_part: float
    reach_part: float = strawberry.field(description="From followers, log-scaled.")
    followers: int
    engagement_received: EngagementReceived
    channels: list[str]
    brand_sentiment: float | None = strawberry.field(
        description="Mean sentiment of its posts about the brand."
    )
    sentiment_posts: int
    advocacy: float = strawberry.field(
        description="Influence × brand sentiment: above 0 an advocate, below 0 a detractor."
    )


@strawberry.type(description="One node of an influence ranking.")
class InfluenceScore:
    rank: int
    score: float
    kind: str = strawberry.field(description="account or customer.")
    node: Node = strawberry.field(description="The Account or Customer.")
    account: Account | None = strawberry.field(description="The node, at account level.")
    customer: Customer | None = strawberry.field(description="The node, at customer level.")
    breakdown: InfluenceBreakdown

    @classmethod
    def from_record(
        cls, record: Mapping[str, Any], node: Callable[[str, Mapping[str, Any]], Node]
    ) -> InfluenceScore:
        """From a row with the SCORED relationship ``s``, the node ``n`` and its ``label``;
        ``node(label, properties)`` builds the node."""
        s = record["s"]
        label = str(record["label"])
        sentiment = s.get("sentiment")
        person = node(label, record["n"])
        return cls(
            rank=int(s["rank"]),
            score=float(s["score"]),
            kind=label.lower(),
            node=person,
            account=person if isinstance(person, Account) else None,
            customer=person if isinstance(person, Customer) else None,
            breakdown=InfluenceBreakdown(
                pagerank=float(s.get("pagerank") or 0.0),
                pagerank_part=float(s.get("pagerank_part") or 0.0),
                reach_part=float(s.get("reach_part") or 0.0),
                followers=int(s.get("followers") or 0),
                engagement_received=EngagementReceived(
                    replies=int(s.get("replies") or 0),
                    shares=int(s.get("shares") or 0),
                    quotes=int(s.get("quotes") or 0),
                    likes=int(s.get("likes") or 0),
                    mentions=int(s.get("mentions") or 0),
                ),
                channels=[str(c) for c in s.get("channels") or []],
                brand_sentiment=None if sentiment is None else float(sentiment),
                sentiment_posts=int(s.get("sentiment_posts") or 0),
                advocacy=float(s.get("advocacy") or 0.0),
            ),
        )


@strawberry.type(description="A page of an influence ranking and the run it comes from.")
class InfluencerConnection(Connection[InfluenceScore]):
    run: AnalysisRun | None = strawberry.field(
        description="The stored run (null when the scope holds nothing to rank)."
    )
