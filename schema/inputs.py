"""Input objects: the filter and sort arguments of every list."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.enums import (
    AccountSortField,
    BrandSortField,
    ClusterAlgorithm,
    CommunitySortField,
    CustomerSortField,
    Level,
    PostSortField,
    SortDirection,
)

__all__ = [
    "AccountFilter",
    "AccountSort",
    "AnalysisInput",
    "BrandFilter",
    "BrandSort",
    "CommunityFilter",
    "CommunitySort",
    "CustomerFilter",
    "CustomerSort",
    "PostFilter",
    "PostSort",
]


@strawberry.input(description="Customers matching all the given conditions.")
class CustomerFilter:
    text: str | None = strawberry.field(default=None, description="Name contains (any case).")
    tag: str | None = None
    platform: str | None = strawberry.field(
        default=None, description="Has an account on this platform."
    )
    brand: strawberry.ID | None = strawberry.field(
        default=None, description="Has an account that posted about this brand."
    )
    seen_since: datetime | None = strawberry.field(default=None, description="last_seen >= this.")
    seen_until: datetime | None = strawberry.field(default=None, description="last_seen < this.")


@strawberry.input
class CustomerSort:
    field: CustomerSortField = CustomerSortField.ID
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="Accounts matching all the given conditions.")
class AccountFilter:
    text: str | None = strawberry.field(
        default=None, description="Handle or name contains (any case)."
    )
    platform: str | None = None
    community: strawberry.ID | None = strawberry.field(
        default=None, description="Member of this community."
    )
    verified: bool | None = None
    min_followers: int | None = None


@strawberry.input
class AccountSort:
    field: AccountSortField = AccountSortField.ID
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="Posts matching all the given conditions.")
class PostFilter:
    text: str | None = strawberry.field(default=None, description="Text contains (any case).")
    platform: str | None = None
    brand: strawberry.ID | None = strawberry.field(default=None, description="ABOUT this brand.")
    community: strawberry.ID | None = strawberry.field(
        default=None, description="Written by a member of this community."
    )
    author: strawberry.ID | None = strawberry.field(
        default=None, description="Posted by this account."
    )
    tag: str | None = strawberry.field(default=None, description="Tagged with this hashtag.")
    min_sentiment: float | None = strawberry.field(default=None, description="sentiment >= this.")
    max_sentiment: float | None = strawberry.field(default=None, description="sentiment <= this.")
    since: datetime | None = strawberry.field(default=None, description="created_at >= this.")
    until: datetime | None = strawberry.field(default=None, description="created_at < this.")


@strawberry.input
class PostSort:
    field: PostSortField = PostSortField.CREATED_AT
    direction: SortDirection = SortDirection.DESC


@strawberry.input(description="Brands matching all the given conditions.")
class BrandFilter:
    text: str | None = strawberry.field(
        default=None, description="Name or an alias contains (any case)."
    )


@strawberry.input
class BrandSort:
    field: BrandSortField = BrandSortField.NAME
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="Communities matching all the given conditions.")
class CommunityFilter:
    text: str | None = strawberry.field(default=None, description="Name contains (any case).")
    platform: str | None = None
    kind: str | None = strawberry.field(
        default=None, description="group, subreddit, server, channel, wechat_group or page."
    )
    brand: strawberry.ID | None = strawberry.field(default=None, description="OF_BRAND this brand.")


@strawberry.input
class CommunitySort:
    field: CommunitySortField = CommunitySortField.NAME
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="What an analysis looks at and how (defaults as `scrm analyze`).")
class AnalysisInput:
    level: Level = Level.ACCOUNT
    brand: strawberry.ID | None = None
    platform: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    follows_weight: float = strawberry.field(
        default=0.2, description="Weight of a FOLLOWS edge next to engagement."
    )
    alpha: float = strawberry.field(default=0.85, description="Influence: PageRank damping.")
    reach_weight: float = strawberry.field(
        default=0.25, description="Influence: share of the score from reach."
    )
    algorithm: ClusterAlgorithm = ClusterAlgorithm.LEIDEN
    resolution: float = strawberry.field(default=1.0, description="Communities: resolution.")
    seed: int = 0
