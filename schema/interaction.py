"""Interaction: one event of a person's timeline (a post, a like, an order, ...)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from schema.account import Account
from schema.community import Community
from schema.order import Order
from schema.post import Post

__all__ = ["Interaction", "InteractionKind"]


@strawberry.enum(description="What happened in a timeline event.")
class InteractionKind(Enum):
    POST = "post"
    REPLY = "reply"
    SHARE = "share"
    QUOTE = "quote"
    LIKE = "like"
    MENTIONED = "mentioned"
    ORDER = "order"
    JOINED = "joined"


@strawberry.type(
    description="One event of a person's timeline: what they posted, replied, shared, "
    "quoted or liked, where they were mentioned, what they ordered, which community they "
    "joined."
)
class Interaction:
    at: datetime | None
    kind: InteractionKind
    account: Account | None = strawberry.field(
        description="The person's account it happened on (null for orders)."
    )
    post: Post | None = strawberry.field(
        description="Their post (POST, REPLY, SHARE, QUOTE), the post they liked (LIKE), or "
        "the post that mentioned them (MENTIONED)."
    )
    target: Post | None = strawberry.field(
        description="REPLY, SHARE, QUOTE: the post replied to, shared or quoted."
    )
    order: Order | None
    community: Community | None = strawberry.field(description="JOINED: the community.")
