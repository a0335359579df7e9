"""Cluster: one group of a community analysis, with its leaders, hashtags and channel mix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from resolvers import relations
from schema.node import Node, to_global_id

__all__ = ["ChannelCount", "Cluster", "HashtagCount"]


@strawberry.type(description="A hashtag and how often a cluster's members used it.")
class HashtagCount:
    tag: str
    count: int


@strawberry.type(description="A channel and how many of a cluster's members are on it.")
class ChannelCount:
    platform: str
    count: int


@strawberry.type(
    description="A cluster; its key stays the same across runs while it keeps most members."
)
class Cluster(Node):
    key: str = strawberry.field(description="Stable across runs (c1, c2, ...).")
    run_id: str
    size: int
    density: float = strawberry.field(description="Internal edge density.")
    brand_sentiment: float | None
    sentiment_posts: int
    top_hashtags: list[HashtagCount]
    channels: list[ChannelCount]
    leader_ids: list[str]

    leaders = strawberry.field(
        resolver=relations.cluster_leaders, description="The most influential members."
    )
    members = strawberry.field(resolver=relations.cluster_members)
    run = strawberry.field(resolver=relations.cluster_run, description="The analysis it is from.")

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Cluster:
        """From a Cluster node's properties."""
        tags = record.get("hashtags") or []
        tag_counts = record.get("hashtag_counts") or []
        platforms = record.get("channels") or []
        platform_counts = record.get("channel_counts") or []
        sentiment = record.get("sentiment")
        return cls(
            id=to_global_id("Cluster", record["id"]),
            graph_id=record["id"],
            key=str(record.get("key") or ""),
            run_id=str(record.get("run_id") or ""),
            size=int(record.get("size") or 0),
            density=float(record.get("density") or 0.0),
            brand_sentiment=None if sentiment is None else float(sentiment),
            sentiment_posts=int(record.get("sentiment_posts") or 0),
            top_hashtags=[
                HashtagCount(tag=str(t), count=int(n))
                for t, n in zip(tags, tag_counts, strict=False)
            ],
            channels=[
                ChannelCount(platform=str(p), count=int(n))
                for p, n in zip(platforms, platform_counts, strict=False)
            ],
            leader_ids=[str(x) for x in record.get("leaders") or []],
        )
