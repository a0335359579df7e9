"""BrandMention: a post ABOUT a brand, with the sentiment toward it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from schema.brand import Brand
from schema.post import Post

__all__ = ["BrandMention"]


@strawberry.type(description="A post ABOUT a brand and its sentiment toward the brand.")
class BrandMention:
    post: Post
    brand: Brand
    sentiment: float | None = strawberry.field(
        description="Toward the brand when known (ABOUT.sentiment), else the post's own."
    )
    created_at: datetime | None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> BrandMention:
        """From a row with ``post`` and ``brand`` nodes and the ABOUT ``sentiment``."""
        post = Post.from_record(record["post"])
        sentiment = record.get("sentiment")
        return cls(
            post=post,
            brand=Brand.from_record(record["brand"]),
            sentiment=sentiment if sentiment is not None else post.sentiment,
            created_at=post.created_at,
        )
