"""Order: a purchase in one of the brand's shops."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from resolvers import relations
from schema.node import Node, to_global_id
from schema.scalars import datetime_from_ms

__all__ = ["Order"]


@strawberry.type(description="A purchase.")
class Order(Node):
    total: float
    currency: str | None
    created_at: datetime | None
    platform: str | None

    customer = strawberry.field(resolver=relations.order_customer, description="Who PLACED it.")
    brands = strawberry.field(resolver=relations.order_brands, description="Brands it is OF_BRAND.")

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Order:
        return cls(
            id=to_global_id("Order", record["id"]),
            graph_id=record["id"],
            total=float(record.get("total") or 0.0),
            currency=record.get("currency"),
            created_at=datetime_from_ms(record.get("created_at")),
            platform=record.get("platform"),
        )
