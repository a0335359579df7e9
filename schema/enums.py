"""The enums of the API: sort fields and directions, analysis choices, roles, intervals."""

from __future__ import annotations

from enum import Enum

import strawberry

__all__ = [
    "AccountSortField",
    "AnalysisKind",
    "BrandSortField",
    "ClusterAlgorithm",
    "CommunitySortField",
    "CustomerSortField",
    "InfluenceOrder",
    "Interval",
    "Level",
    "Polarity",
    "PostSortField",
    "SearchKind",
    "SortDirection",
]


@strawberry.enum(description="Sort order.")
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum(description="What customers can be sorted by.")
class CustomerSortField(Enum):
    ID = "id"
    NAME = "name"
    FIRST_SEEN = "first_seen"
    LAST_SEEN = "last_seen"


@strawberry.enum(description="What accounts can be sorted by.")
class AccountSortField(Enum):
    ID = "id"
    HANDLE = "handle"
    FOLLOWERS = "followers"
    CREATED_AT = "created_at"


@strawberry.enum(description="What posts can be sorted by.")
class PostSortField(Enum):
    ID = "id"
    CREATED_AT = "created_at"
    SENTIMENT = "sentiment"
    LIKES = "likes"
    SHARES = "shares"


@strawberry.enum(description="What brands can be sorted by.")
class BrandSortField(Enum):
    ID = "id"
    NAME = "name"


@strawberry.enum(description="What communities can be sorted by.")
class CommunitySortField(Enum):
    ID = "id"
    NAME = "name"
    CREATED_AT = "created_at"


@strawberry.enum(description="Sentiment classes: positive above 0.05, negative below -0.05.")
class Polarity(Enum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


@strawberry.enum(description="Bucket width of a timeline (UTC; weeks start on Monday).")
class Interval(Enum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@strawberry.enum(description="Analyse accounts one by one, or customers (their accounts folded).")
class Level(Enum):
    ACCOUNT = "account"
    CUSTOMER = "customer"


@strawberry.enum(description="Community detection algorithm.")
class ClusterAlgorithm(Enum):
    LEIDEN = "leiden"
    LOUVAIN = "louvain"
    LABEL_PROPAGATION = "label-propagation"


@strawberry.enum(description="An analysis `runAnalysis` can start.")
class AnalysisKind(Enum):
    INFLUENCE = "influence"
    COMMUNITIES = "communities"


@strawberry.enum(description="Kinds of node `search` looks through.")
class SearchKind(Enum):
    CUSTOMER = "Customer"
    ACCOUNT = "Account"
    POST = "Post"
    BRAND = "Brand"
    COMMUNITY = "Community"
    HASHTAG = "Hashtag"


@strawberry.enum(description="How an influence ranking is listed.")
class InfluenceOrder(Enum):
    RANK = "rank"
    ADVOCACY = "advocacy"
    DETRACTION = "detraction"
