"""SentimentBucket: brand mentions and their sentiment within one time bucket."""

from __future__ import annotations

from datetime import datetime

import strawberry

__all__ = ["SentimentBucket"]


@strawberry.type(description="Mentions of a brand in one time bucket, by sentiment class.")
class SentimentBucket:
    start: datetime = strawberry.field(description="Start of the bucket (UTC, inclusive).")
    mentions: int
    positive: int = strawberry.field(description="Mentions with sentiment above 0.05.")
    neutral: int
    negative: int = strawberry.field(description="Mentions with sentiment below -0.05.")
    average_sentiment: float | None = strawberry.field(
        description="Mean sentiment of the mentions that have one."
    )
