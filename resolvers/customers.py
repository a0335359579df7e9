"""Resolvers for customers: one by id, and the filtered, sorted, paged list."""

from __future__ import annotations

import strawberry

from resolvers.context import Info
from resolvers.ids import graph_id
from resolvers.lists import ListQuery, PageArgs
from schema.connection import Connection
from schema.customer import Customer
from schema.enums import CustomerSortField
from schema.inputs import CustomerFilter, CustomerSort
from schema.scalars import ms_from_datetime

__all__ = ["CUSTOMERS", "resolve_customer", "resolve_customers"]

CUSTOMERS = ListQuery(
    name="api.customers",
    variants={
        "": "MATCH (c:Customer) "
        "WHERE ($text IS NULL OR toLower(c.name) CONTAINS $text) "
        "AND ($tag IS NULL OR $tag IN c.tags) "
        "AND ($since IS NULL OR c.last_seen >= $since) "
        "AND ($until IS NULL OR c.last_seen < $until) "
        "AND ($platform IS NULL OR (c)-[:HAS_ACCOUNT]->(:Account {platform: $platform})) "
        "AND ($brand IS NULL OR "
        "(c)-[:HAS_ACCOUNT]->(:Account)-[:POSTED]->(:Post)-[:ABOUT]->(:Brand {id: $brand}))",
    },
    returns="c AS node",
    sorts={field.value: f"c.{field.value}" for field in CustomerSortField},
    tiebreak="c.id",
)


async def resolve_customer(info: Info, id: strawberry.ID) -> Customer | None:
    """A customer by global id or graph id (None when there is none)."""
    customer: Customer | None = await info.context.loaders.node("Customer").load(
        graph_id(id, "Customer", "id")
    )
    return customer


async def resolve_customers(
    info: Info,
    filter: CustomerFilter | None = None,
    sort: CustomerSort | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Customer]:
    """Customers matching ``filter``, sorted by ``sort``, a page at a time."""
    f = filter or CustomerFilter()
    s = sort or CustomerSort()
    params = {
        "text": f.text.lower() if f.text else None,
        "tag": f.tag,
        "platform": f.platform.lower() if f.platform else None,
        "brand": graph_id(f.brand, "Brand", "filter.brand") if f.brand else None,
        "since": ms_from_datetime(f.seen_since),
        "until": ms_from_datetime(f.seen_until),
    }
    return await CUSTOMERS.page(
        info,
        params=params,
        sort=s.field.value,
        direction=s.direction,
        args=PageArgs(first, after, last, before),
        convert=lambda row: Customer.from_record(row["node"]),
    )
