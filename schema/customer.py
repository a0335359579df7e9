"""Customer: a person or organisation, one view across all their channel accounts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from resolvers import relations
from schema.node import Node, to_global_id
from schema.scalars import datetime_from_ms

__all__ = ["Customer"]


@strawberry.type(description="A person or organisation, across all their channel accounts.")
class Customer(Node):
    name: str | None
    tags: list[str]
    first_seen: datetime | None
    last_seen: datetime | None

    accounts = strawberry.field(
        resolver=relations.customer_accounts, description="The customer's channel accounts."
    )
    identity_links = strawberry.field(
        resolver=relations.customer_identity_links,
        description="Why each account belongs to this customer (HAS_ACCOUNT).",
    )
    orders = strawberry.field(
        resolver=relations.customer_orders, description="Orders placed, newest first."
    )

    social_capital = strawberry.field(
        resolver=relations.customer_social_capital,
        description="Trust, relationship strength, activity, contribution and advocacy stage.",
    )
    clusters = strawberry.field(
        resolver=relations.customer_clusters,
        description="Clusters of the latest community analyses this customer falls in.",
    )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Customer:
        return cls(
            id=to_global_id("Customer", record["id"]),
            graph_id=record["id"],
            name=record.get("name"),
            tags=list(record.get("tags") or []),
            first_seen=datetime_from_ms(record.get("first_seen")),
            last_seen=datetime_from_ms(record.get("last_seen")),
        )
