"""Community: a group, subreddit, server, channel, WeChat group or page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from resolvers import relations
from schema.node import Node, to_global_id
from schema.scalars import datetime_from_ms

__all__ = ["Community"]


@strawberry.type(description="A place where accounts gather on a channel.")
class Community(Node):
    platform: str
    name: str | None
    kind: str | None = strawberry.field(
        description="group, subreddit, server, channel, wechat_group or page."
    )
    description: str | None
    created_at: datetime | None

    brands = strawberry.field(
        resolver=relations.community_brands, description="Brands this community is OF_BRAND."
    )
    member_count = strawberry.field(resolver=relations.community_member_count)
    members = strawberry.field(
        resolver=relations.community_members, description="Member accounts (MEMBER_OF)."
    )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Community:
        return cls(
            id=to_global_id("Community", record["id"]),
            graph_id=record["id"],
            platform=record.get("platform") or "",
            name=record.get("name"),
            kind=record.get("community_kind") or record.get("kind"),
            description=record.get("description"),
            created_at=datetime_from_ms(record.get("created_at")),
        )
