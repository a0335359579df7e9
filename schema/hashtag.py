"""Hashtag: a normalised tag (lowercase, no '#')."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from resolvers import relations
from schema.node import Node, to_global_id

__all__ = ["Hashtag"]


@strawberry.type(description="A hashtag, normalised: lowercase, without the '#'.")
class Hashtag(Node):
    tag: str

    post_count = strawberry.field(resolver=relations.hashtag_post_count)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Hashtag:
        return cls(
            id=to_global_id("Hashtag", record["id"]), graph_id=record["id"], tag=record["id"]
        )
