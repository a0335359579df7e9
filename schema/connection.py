"""Cursor connections (Relay): a page of items with cursors, page info and the total."""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry

__all__ = ["Connection", "Edge", "PageInfo"]

T = TypeVar("T")


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="One item of a page and the cursor that points at it.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(
    description="A page of a list: `first`/`after` pages forward, `last`/`before` backward; "
    "at most 100 items per page."
)
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many items the whole list holds (with the same filters)."
    )

    @strawberry.field(description="The page's items without their cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]
