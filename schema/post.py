"""Post: a piece of content on a channel (a tweet, a comment, a message)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from resolvers import relations
from schema.node import Node, to_global_id
from schema.scalars import datetime_from_ms, int32

__all__ = ["Post"]


@strawberry.type(description="A piece of content on a channel.")
class Post(Node):
    platform: str
    text: str
    lang: str | None
    created_at: datetime | None
    sentiment: float | None = strawberry.field(description="-1 (negative) .. 1 (positive).")
    likes: int | None
    shares: int | None
    replies: int | None
    quotes: int | None
    views: int | None
    url: str | None
    ingested_at: datetime | None = strawberry.field(description="When scrm-graph first stored it.")

    author = strawberry.field(resolver=relations.post_author, description="Who posted it.")
    brands = strawberry.field(
        resolver=relations.post_brands, description="Brands it is ABOUT, with the sentiment."
    )
    hashtags = strawberry.field(resolver=relations.post_hashtags)
    mentions = strawberry.field(
        resolver=relations.post_mentions, description="Accounts it mentions."
    )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Post:
        return cls(
            id=to_global_id("Post", record["id"]),
            graph_id=record["id"],
            platform=record.get("platform") or "",
            text=record.get("text") or "",
            lang=record.get("lang"),
            created_at=datetime_from_ms(record.get("created_at")),
            sentiment=record.get("sentiment"),
            likes=int32(record.get("likes")),
            shares=int32(record.get("shares")),
            replies=int32(record.get("replies")),
            quotes=int32(record.get("quotes")),
            views=int32(record.get("views")),
            url=record.get("url"),
            ingested_at=datetime_from_ms(record.get("ingested_at")),
        )
