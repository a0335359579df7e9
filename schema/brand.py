"""Brand: a brand the community team listens for (name and aliases)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from resolvers import relations
from schema.node import Node, to_global_id

__all__ = ["Brand"]


@strawberry.type(description="A brand; posts are ABOUT it when they use one of its aliases.")
class Brand(Node):
    name: str
    aliases: list[str] = strawberry.field(
        description="Handles, keywords and hashtags that mean the brand."
    )

    communities = strawberry.field(
        resolver=relations.brand_communities, description="Communities OF_BRAND this brand."
    )
    mention_count = strawberry.field(
        resolver=relations.brand_mention_count, description="Posts ABOUT this brand."
    )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Brand:
        return cls(
            id=to_global_id("Brand", record["id"]),
            graph_id=record["id"],
            name=record.get("name") or record["id"],
            aliases=list(record.get("aliases") or []),
        )
