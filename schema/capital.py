"""SocialCapital: a customer's standing with a brand (trust, ties, activity, contribution)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from schema.scalars import datetime_from_ms

__all__ = ["AdvocacyStage", "CapitalBreakdown", "SocialCapital"]


@strawberry.enum(description="Where a customer stands on the way to advocacy.")
class AdvocacyStage(Enum):
    PROSPECT = "prospect"
    CUSTOMER = "customer"
    REPEAT_CUSTOMER = "repeat_customer"
    SUPPORTER = "supporter"
    ADVOCATE = "advocate"


@strawberry.type(description="The parts behind each social capital score.")
class CapitalBreakdown:
    accounts: list[str]
    brand_posts: int
    rated_posts: int
    trust_weight: float
    interactions_out: int
    interactions_in: int
    last_contact: datetime | None
    frequency: float
    recency: float
    reciprocity: float
    community: float
    communities: int
    member_since: datetime | None
    posts: int
    posts_window: int
    engagements_window: int
    endorsements: int
    followers: int
    engagers: int
    audience: int
    engagement_drawn: int
    orders: int
    order_value: float
    currencies: list[str]
    last_order: datetime | None


_TIMES = frozenset({"last_contact", "member_since", "last_order"})


@strawberry.type(description="Social capital of a customer toward a brand (or all brands).")
class SocialCapital:
    brand_id: str | None
    as_of: datetime | None
    stage: AdvocacyStage
    trust: float = strawberry.field(description="Time-decayed brand sentiment, -1..1.")
    relationship: float = strawberry.field(
        description="Relationship strength: frequency, recency, reciprocity, community."
    )
    activity: float
    contribution: float = strawberry.field(description="Content, engagement drawn, orders.")
    love: float = strawberry.field(description="Orbit-style love: weighted brand activity.")
    reach: float
    gravity: float = strawberry.field(description="love × reach.")
    breakdown: CapitalBreakdown

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> SocialCapital:
        """From ``CustomerCapital.model_dump()`` (the ``scrm analyze capital --json`` shape)."""
        parts: dict[str, Any] = {
            name: datetime_from_ms(value) if name in _TIMES else value
            for name, value in record["breakdown"].items()
            if name in CapitalBreakdown.__annotations__
        }
        return cls(
            brand_id=record.get("brand"),
            as_of=datetime_from_ms(record.get("as_of")),
            stage=AdvocacyStage(record["stage"]),
            trust=float(record["trust"]),
            relationship=float(record["relationship"]),
            activity=float(record["activity"]),
            contribution=float(record["contribution"]),
            love=float(record["love"]),
            reach=float(record["reach"]),
            gravity=float(record["gravity"]),
            breakdown=CapitalBreakdown(**parts),
        )
