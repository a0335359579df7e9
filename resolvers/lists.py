"""Filterable, sortable, paged lists: one count and one page statement per sort order.

A :class:`ListQuery` is declared once at module level by the resolver module
that owns it: a ``MATCH ... WHERE ...`` part whose filters are all parameters
(``$x IS NULL OR ...``), the columns to return, and the sort keys.  The sort
key and direction are identifiers, not values, so each (key, direction) gets
its own named statement, built here from the fixed declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graph.cypher import Statement
from graph.store import Params, Row
from resolvers.context import Info
from resolvers.pagination import Window, page_of_rows, selects, window
from schema.connection import Connection
from schema.enums import SortDirection

__all__ = ["ListQuery", "PageArgs"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageArgs:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def window(self, info: Info) -> Window:
        """The validated window, held to the API's page size limits."""
        settings = info.context.settings
        return window(
            first=self.first,
            after=self.after,
            last=self.last,
            before=self.before,
            max_page_size=settings.max_page_size,
            default_page_size=settings.default_page_size,
        )


@dataclass(frozen=True)
class ListQuery:
    """A list with variants (``MATCH`` parts anchored differently, picked by which
    filters are set), sort keys (enum value -> order expression) and one return.

    ``tiebreak`` is the expression that makes the order total (the node's id).
    """

    name: str
    variants: Mapping[str, str]
    returns: str
    sorts: Mapping[str, str]
    tiebreak: str
    _pages: dict[tuple[str, str, str], Statement] = field(init=False, repr=False)
    _counts: dict[str, Statement] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        pages, counts = {}, {}
        for variant, match in self.variants.items():
            suffix = f".{variant}" if variant else ""
            counts[variant] = Statement(
                f"{self.name}.count{suffix}", f"{match} RETURN count(*) AS total"
            )
            for key, expression in self.sorts.items():
                for direction in ("ASC", "DESC"):
                    pages[(variant, key, direction)] = Statement(
                        f"{self.name}.page{suffix}.{key}.{direction.lower()}",
                        f"{match} RETURN {self.returns} "
                        f"ORDER BY {expression} {direction}, {self.tiebreak} {direction} "
                        "SKIP $skip LIMIT $limit",
                    )
        object.__setattr__(self, "_pages", pages)
        object.__setattr__(self, "_counts", counts)

    async def page(
        self,
        info: Info,
        *,
        params: Params,
        sort: str,
        direction: SortDirection,
        args: PageArgs,
        convert: Callable[[Row], T],
        variant: str = "",
    ) -> Connection[T]:
        """One page of the list, with ``totalCount`` counted only when asked for."""
        store = info.context.store
        span = args.window(info)
        total: int | None = None
        if span.needs_total or selects(info, "totalCount"):
            rows = await store.read(self._counts[variant], params)
            total = int(rows[0]["total"]) if rows else 0
        lo, hi = span.bounds(total)
        if hi <= lo:
            return page_of_rows([], convert, lo=lo, hi=hi, total=total)
        statement = self._pages[(variant, sort, direction.value)]
        query_params: dict[str, Any] = {**params, "skip": lo, "limit": hi - lo + 1}
        rows = await store.read(statement, query_params)
        return page_of_rows(rows, convert, lo=lo, hi=hi, total=total)
