"""``search(text)``: nodes whose names, handles, aliases or post text contain the text.

Matching is case-insensitive ``CONTAINS`` (engine-neutral); exact matches rank
first, then prefixes, then matches anywhere inside.  Each kind contributes at
most ``_PER_KIND`` matches, which bounds the work a search on a large graph does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.cypher import Statement
from resolvers.context import Info
from resolvers.errors import BadInput
from resolvers.lists import PageArgs
from resolvers.loaders import NODE_TYPES
from resolvers.pagination import page_of_rows, selects
from schema.connection import Connection
from schema.enums import SearchKind
from schema.search_hit import SearchHit

__all__ = ["SEARCH", "SEARCH_COUNT", "resolve_search"]

_PER_KIND = 1000
_SCORE = (
    "CASE WHEN toLower(matched) = $q THEN 1.0 "
    "WHEN toLower(matched) STARTS WITH $q THEN 0.75 ELSE 0.5 END"
)
# (label, the value that matched, the condition) per kind.
_BRANCHES = (
    ("Customer", "n.name", "toLower(n.name) CONTAINS $q"),
    (
        "Account",
        "CASE WHEN toLower(n.handle) CONTAINS $q THEN n.handle ELSE n.name END",
        "(toLower(n.handle) CONTAINS $q OR toLower(n.name) CONTAINS $q)",
    ),
    ("Post", "n.text", "toLower(n.text) CONTAINS $q"),
    (
        "Brand",
        "CASE WHEN toLower(n.name) CONTAINS $q THEN n.name "
        "ELSE head([a IN n.aliases WHERE toLower(a) CONTAINS $q]) END",
        "(toLower(n.name) CONTAINS $q OR any(a IN n.aliases WHERE toLower(a) CONTAINS $q))",
    ),
    ("Community", "n.name", "toLower(n.name) CONTAINS $q"),
    ("Hashtag", "n.id", "n.id CONTAINS $q"),
)
_UNION = " UNION ALL ".join(
    f"MATCH (n:{label}) WHERE '{label}' IN $kinds AND {condition} "
    f"WITH n, {matched} AS matched LIMIT {_PER_KIND} "
    f"RETURN '{label}' AS kind, n AS node, matched"
    for label, matched, condition in _BRANCHES
)
_RANKED = (
    f"WITH kind, node, matched, {_SCORE} AS score "
    "RETURN kind, node, matched, score ORDER BY score DESC, kind, node.id "
    "SKIP $skip LIMIT $limit"
)
SEARCH = Statement(
    "api.search",
    f"CALL {{ {_UNION} }} {_RANKED}",
    neo4j=f"CALL () {{ {_UNION} }} {_RANKED}",
)
SEARCH_COUNT = Statement(
    "api.search.count",
    f"CALL {{ {_UNION} }} RETURN count(*) AS total",
    neo4j=f"CALL () {{ {_UNION} }} RETURN count(*) AS total",
)


async def resolve_search(
    info: Info,
    text: str,
    kinds: list[SearchKind] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[SearchHit]:
    """Nodes of ``kinds`` (all by default) whose name, handle, alias or text contains
    ``text`` (any case), best matches first."""
    query = text.strip().lower()
    if len(query) < 2:
        raise BadInput("text: search for at least 2 characters")
    if len(query) > 200:
        raise BadInput("text: search for at most 200 characters")
    span = PageArgs(first, after, last, before).window(info)
    params: dict[str, Any] = {
        "q": query,
        "kinds": [k.value for k in (kinds or list(SearchKind))],
    }
    total = None
    store = info.context.store
    if span.needs_total or selects(info, "totalCount"):
        total = int((await store.read(SEARCH_COUNT, params))[0]["total"])
    lo, hi = span.bounds(total)
    rows = await store.read(SEARCH, {**params, "skip": lo, "limit": max(0, hi - lo) + 1})
    return page_of_rows(rows, _hit, lo=lo, hi=hi, total=total)


def _hit(row: Mapping[str, Any]) -> SearchHit:
    kind = str(row["kind"])
    return SearchHit(
        node=NODE_TYPES[kind](row["node"]),
        kind=kind,
        matched=str(row["matched"] or ""),
        score=float(row["score"]),
    )
