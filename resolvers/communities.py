"""Resolvers for communities: the filtered, sorted, paged list."""

from __future__ import annotations

from resolvers.context import Info
from resolvers.ids import graph_id
from resolvers.lists import ListQuery, PageArgs
from schema.community import Community
from schema.connection import Connection
from schema.enums import CommunitySortField
from schema.inputs import CommunityFilter, CommunitySort

__all__ = ["COMMUNITIES", "resolve_communities"]

_WHERE = (
    "WHERE ($text IS NULL OR toLower(c.name) CONTAINS $text) "
    "AND ($platform IS NULL OR c.platform = $platform) "
    "AND ($kind IS NULL OR c.kind = $kind) "
    "AND ($brand IS NULL OR (c)-[:OF_BRAND]->(:Brand {id: $brand}))"
)
COMMUNITIES = ListQuery(
    name="api.communities",
    variants={
        "": f"MATCH (c:Community) {_WHERE}",
        "brand": f"MATCH (:Brand {{id: $brand}})<-[:OF_BRAND]-(c:Community) {_WHERE}",
    },
    returns="c AS node",
    sorts={field.value: f"c.{field.value}" for field in CommunitySortField},
    tiebreak="c.id",
)


async def resolve_communities(
    info: Info,
    filter: CommunityFilter | None = None,
    sort: CommunitySort | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Community]:
    """Communities matching ``filter``, sorted by ``sort``, a page at a time."""
    f = filter or CommunityFilter()
    s = sort or CommunitySort()
    brand = graph_id(f.brand, "Brand", "filter.brand") if f.brand else None
    params = {
        "text": f.text.lower() if f.text else None,
        "platform": f.platform.lower() if f.platform else None,
        "kind": f.kind,
        "brand": brand,
    }
    return await COMMUNITIES.page(
        info,
        params=params,
        sort=s.field.value,
        direction=s.direction,
        args=PageArgs(first, after, last, before),
        convert=lambda row: Community.from_record(row["node"]),
        variant="brand" if brand else "",
    )
