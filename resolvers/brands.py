"""Resolvers for brands: the list, and adding one (``addBrand``)."""

from __future__ import annotations

from resolvers.context import Info
from resolvers.lists import ListQuery, PageArgs
from schema.brand import Brand
from schema.connection import Connection
from schema.enums import BrandSortField
from schema.inputs import BrandFilter, BrandSort

__all__ = ["BRANDS", "resolve_brands"]

BRANDS = ListQuery(
    name="api.brands",
    variants={
        "": "MATCH (b:Brand) "
        "WHERE $text IS NULL OR toLower(b.name) CONTAINS $text "
        "OR any(alias IN b.aliases WHERE toLower(alias) CONTAINS $text)",
    },
    returns="b AS node",
    sorts={field.value: f"b.{field.value}" for field in BrandSortField},
    tiebreak="b.id",
)


async def resolve_brands(
    info: Info,
    filter: BrandFilter | None = None,
    sort: BrandSort | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Brand]:
    """Brands whose name or an alias contains ``filter.text``, sorted by ``sort``."""
    f = filter or BrandFilter()
    s = sort or BrandSort()
    return await BRANDS.page(
        info,
        params={"text": f.text.lower() if f.text else None},
        sort=s.field.value,
        direction=s.direction,
        args=PageArgs(first, after, last, before),
        convert=lambda row: Brand.from_record(row["node"]),
    )
