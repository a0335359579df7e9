"""Account: one channel identity (a Twitter user, a WeChat contact, a Reddit user...)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from resolvers import relations
from schema.node import Node, to_global_id
from schema.scalars import datetime_from_ms, int32

__all__ = ["Account"]


@strawberry.type(description="One identity on one channel.")
class Account(Node):
    platform: str
    handle: str | None
    name: str | None
    followers: int | None
    following: int | None
    verified: bool | None
    url: str | None
    created_at: datetime | None
    description: str | None
    lang: str | None
    location: str | None

    customer = strawberry.field(
        resolver=relations.account_customer, description="The customer this account belongs to."
    )
    posts = strawberry.field(resolver=relations.account_posts, description="Posts, newest first.")
    communities = strawberry.field(
        resolver=relations.account_communities, description="Communities it is a member of."
    )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Account:
        return cls(
            id=to_global_id("Account", record["id"]),
            graph_id=record["id"],
            platform=record.get("platform") or "",
            handle=record.get("handle"),
            name=record.get("name"),
            followers=int32(record.get("followers")),
            following=int32(record.get("following")),
            verified=record.get("verified"),
            url=record.get("url"),
            created_at=datetime_from_ms(record.get("created_at")),
            description=record.get("description"),
            lang=record.get("lang"),
            location=record.get("location"),
        )
