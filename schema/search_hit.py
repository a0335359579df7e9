"""SearchHit: one node whose name, handle, text or alias matched a search."""

from __future__ import annotations

import strawberry

from schema.node import Node

__all__ = ["SearchHit"]


@strawberry.type(description="A node whose name, handle, text or alias contains the search text.")
class SearchHit:
    node: Node
    kind: str = strawberry.field(description="The node's label: Customer, Account, Post, ...")
    matched: str = strawberry.field(description="The value that matched.")
    score: float = strawberry.field(
        description="1 for an exact match, 0.75 for a prefix, 0.5 for anywhere inside."
    )
