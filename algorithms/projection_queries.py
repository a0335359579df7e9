"""The reads behind a projection: named statements and their answers as numpy tables.

Speed matters here: a projection of a million edges has to arrive in a couple
of seconds.  Three choices make that possible on FalkorDB:

* nodes are referred to by the engine's internal id (``id(n)``), and account
  ids travel once, with the account table;
* each read is split into ``PAGES`` pages by ``id(u) % pages``, sent at once,
  so the engine works on them in parallel;
* the FalkorDB text of each read returns a page as one string of numbers
  (``string.join`` of ``toString`` values), which numpy parses in C, instead of
  millions of typed values the client would decode one by one.  Weights and
  sentiment sums travel as integers in units of 1e-9.  The portable text (the
  one Neo4j runs) returns the same numbers as lists.

Brand- or window-scoped engagement is read from the interaction edges
themselves (REPLIED, SHARED, QUOTED, LIKED on posts, MENTIONS from posts),
because the ENGAGED aggregate knows neither which brand a post was about nor
when each interaction happened.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from graph.cypher import Statement
from graph.store import GraphStore

__all__ = [
    "ENGAGEMENT_COLUMNS",
    "ENGAGEMENT_WEIGHTS",
    "PAGES",
    "AccountTable",
    "EdgeTable",
    "SentimentTable",
    "read_accounts",
    "read_brand_ids",
    "read_engaged",
    "read_follows",
    "read_identities",
    "read_interactions",
    "read_sentiment",
    "unpack",
]

LongArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Per-type columns of an engagement edge, in the order of ENGAGED's properties.
ENGAGEMENT_COLUMNS: tuple[str, ...] = ("replies", "shares", "quotes", "likes", "mentions")
# The loader's default weights for ENGAGED.weight; scoped projections weigh raw
# interactions the same way so scoped and unscoped scores stay comparable.
ENGAGEMENT_WEIGHTS: dict[str, float] = {
    "replies": 3.0,
    "shares": 2.0,
    "quotes": 3.0,
    "likes": 1.0,
    "mentions": 2.0,
}
# One page per core: the engine runs a query's page on one of its threads (as many
# as cores when embedded), and the reads of a projection already go out
# together, so more pages than cores only queue (measured on 2 cores: 4 pages
# read the bench set's detailed projection in 2.2-2.3 s, 2 pages in 1.8-1.9 s).
PAGES = max(2, os.cpu_count() or 2)
_NANO = 1e-9
# Per-type counts of an ENGAGED edge packed into one integer, 12 bits each; -1 when
# a count does not fit (the edge is then read again on its own).
_COUNT_BITS = 12


def _pack(*expressions: str) -> tuple[str, str]:
    """(portable, FalkorDB) return expressions for tuples of integers, one per row."""
    portable = "collect([" + ", ".join(expressions) + "])"
    strings = " + ' ' + ".join(f"toString({e})" for e in expressions)
    return portable, f"string.join(collect({strings}), ' ')"


def _statement(name: str, head: str, *tuple_of: str) -> Statement:
    portable, falkordb = _pack(*tuple_of)
    return Statement(
        name, f"{head} RETURN {portable} AS rows", falkordb=f"{head} RETURN {falkordb} AS rows"
    )


def _nano(expression: str) -> str:
    return f"toInteger(round({expression} * 1000000000))"


_PAGE = "id(u) % $pages = $page"
_BOTH_ON_PLATFORM = "($platform IS NULL OR (u.platform = $platform AND v.platform = $platform))"
_IN_WINDOW = "($since IS NULL OR at >= $since) AND ($until IS NULL OR at < $until)"
_POST_IN_WINDOW = (
    "($since IS NULL OR p.created_at >= $since) AND ($until IS NULL OR p.created_at < $until)"
)
_TYPE_CODE = "CASE type WHEN 'REPLIED' THEN 0 WHEN 'SHARED' THEN 1 WHEN 'QUOTED' THEN 2 ELSE 3 END"
# ENGAGED.count is the sum of the five, so under 4096 each fits in 12 bits.
_PACKED_COUNTS = (
    "CASE WHEN e.count < 4096 "
    "THEN e.replies + 4096 * (e.shares + 4096 * (e.quotes + 4096 * (e.likes + 4096 * e.mentions))) "
    "ELSE -1 END"
)

BRAND_IDS = Statement("projection.brand_ids", "MATCH (b:Brand) RETURN b.id AS id ORDER BY id")
# Accounts by platform; on FalkorDB the ids come joined by ``$sep`` (a control
# character no id contains — checked on arrival, with a list read to fall back on).
_ACCOUNTS_HEAD = (
    "MATCH (a:Account) WHERE id(a) % $pages = $page "
    "AND ($platform IS NULL OR a.platform = $platform) "
    "WITH coalesce(a.platform, '') AS platform, a"
)
ACCOUNTS = Statement(
    "projection.accounts",
    f"{_ACCOUNTS_HEAD} RETURN platform, collect(a.id) AS ids, "
    "collect([id(a), toInteger(coalesce(a.followers, 0))]) AS rows",
    falkordb=f"{_ACCOUNTS_HEAD} RETURN platform, string.join(collect(a.id), $sep) AS ids, "
    "string.join(collect(toString(id(a)) + ' ' + toString(toInteger(coalesce(a.followers, 0)))), "
    "' ') AS rows",
)
ACCOUNTS_LISTED = Statement(
    "projection.accounts_listed",
    f"{_ACCOUNTS_HEAD} RETURN platform, collect(a.id) AS ids, "
    "collect([id(a), toInteger(coalesce(a.followers, 0))]) AS rows",
)
_SEPARATOR = "\x1f"
IDENTITIES = Statement(
    "projection.identities",
    "MATCH (c:Customer)-[h:HAS_ACCOUNT]->(a:Account) "
    "RETURN c.id AS customer, collect(id(a)) AS accounts, "
    "collect(coalesce(h.confidence, 1.0)) AS confidence",
)
ENGAGED = _statement(
    "projection.engaged",
    f"MATCH (u:Account) WHERE {_PAGE} MATCH (u)-[e:ENGAGED]->(v) WHERE {_BOTH_ON_PLATFORM}",
    "id(u)",
    "id(v)",
    _nano("coalesce(e.weight, 1.0)"),
)
ENGAGED_DETAIL = _statement(
    "projection.engaged_detail",
    f"MATCH (u:Account) WHERE {_PAGE} MATCH (u)-[e:ENGAGED]->(v) WHERE {_BOTH_ON_PLATFORM}",
    "id(u)",
    "id(v)",
    _nano("coalesce(e.weight, 1.0)"),
    _PACKED_COUNTS,
)
ENGAGED_PAIRS = Statement(
    "projection.engaged_pairs",
    "UNWIND $pairs AS pair WITH pair[0] AS a, pair[1] AS b "
    "MATCH (u) WHERE id(u) = a MATCH (u)-[e:ENGAGED]->(v) WHERE id(v) = b "
    "RETURN id(u) AS u, id(v) AS v, e.replies AS replies, e.shares AS shares, "
    "e.quotes AS quotes, e.likes AS likes, e.mentions AS mentions",
)
_INTERACTION_TUPLE = ("u", "v", "code", "n", _nano("w"), "coalesce(t, 0)")
_GROUP = (
    f"WITH u, v, type(r) AS type, coalesce(r.at, p.created_at) AS at, coalesce(r.weight, 1.0) AS w "
    f"WHERE {_IN_WINDOW} "
    f"WITH id(u) AS u, id(v) AS v, {_TYPE_CODE} AS code, count(*) AS n, sum(w) AS w, max(at) AS t"
)
# Interactions on posts (any brand), time taken from the edge, else from the post.
INTERACTIONS = _statement(
    "projection.interactions",
    f"MATCH (u:Account) WHERE {_PAGE} "
    "MATCH (u)-[r:REPLIED|SHARED|QUOTED|LIKED]->(p:Post)<-[:POSTED]-(v:Account) "
    f"WHERE {_BOTH_ON_PLATFORM} {_GROUP}",
    *_INTERACTION_TUPLE,
)
# ``WITH b`` makes the engine start from the brand, not from every post.
# Scoped to a brand, pages split the brand's posts (a pair of accounts may then
# come back once per page; the projection sums them).
BRAND_INTERACTIONS = _statement(
    "projection.brand_interactions",
    "MATCH (b:Brand {id: $brand}) WITH b "
    "MATCH (b)<-[:ABOUT]-(p:Post) WHERE id(p) % $pages = $page "
    "MATCH (v:Account)-[:POSTED]->(p) "
    "MATCH (u:Account)-[r:REPLIED|SHARED|QUOTED|LIKED]->(p) "
    f"WHERE {_BOTH_ON_PLATFORM} {_GROUP}",
    *_INTERACTION_TUPLE,
)
_MENTION_GROUP = (
    "WITH id(u) AS u, id(v) AS v, 4 AS code, count(*) AS n, "
    "sum(coalesce(m.weight, 1.0)) AS w, max(p.created_at) AS t"
)
MENTIONS = _statement(
    "projection.mentions",
    f"MATCH (u:Account) WHERE {_PAGE} WITH u "
    "MATCH (u)-[:POSTED]->(p:Post)-[m:MENTIONS]->(v:Account) "
    f"WHERE {_BOTH_ON_PLATFORM} AND {_POST_IN_WINDOW} {_MENTION_GROUP}",
    *_INTERACTION_TUPLE,
)
BRAND_MENTIONS = _statement(
    "projection.brand_mentions",
    "MATCH (b:Brand {id: $brand}) WITH b MATCH (b)<-[:ABOUT]-(p:Post) "
    f"WHERE id(p) % $pages = $page AND {_POST_IN_WINDOW} "
    "MATCH (u:Account)-[:POSTED]->(p)-[m:MENTIONS]->(v:Account) "
    f"WHERE {_BOTH_ON_PLATFORM} {_MENTION_GROUP}",
    *_INTERACTION_TUPLE,
)
# A follow is a standing relation, so a window keeps those made before its end.
FOLLOWS = _statement(
    "projection.follows",
    f"MATCH (u:Account) WHERE {_PAGE} MATCH (u)-[f:FOLLOWS]->(v:Account) "
    f"WHERE {_BOTH_ON_PLATFORM} AND ($until IS NULL OR f.at IS NULL OR f.at < $until)",
    "id(u)",
    "id(v)",
    _nano("coalesce(f.weight, 1.0)"),
)
# Sentiment toward the brand, one tuple per post about it: the ABOUT edge's own
# score, else the post's, 2 (outside [-1, 1]) when neither is set.  Summed per
# account here rather than in the engine, whose grouping costs more than the
# transfer.  Pages split the posts.
_SENTIMENT_TAIL = (
    f"WHERE id(p) % $pages = $page AND {_POST_IN_WINDOW} "
    "MATCH (a:Account)-[:POSTED]->(p) WHERE $platform IS NULL OR a.platform = $platform"
)
_UNRATED = 2
BRAND_SENTIMENT = _statement(
    "projection.brand_sentiment",
    f"MATCH (b:Brand {{id: $brand}}) WITH b MATCH (b)<-[ab:ABOUT]-(p:Post) {_SENTIMENT_TAIL}",
    "id(a)",
    _nano("coalesce(ab.sentiment, p.sentiment, 2.0)"),
)
ANY_BRAND_SENTIMENT = _statement(
    "projection.any_brand_sentiment",
    f"MATCH (b:Brand) WITH b MATCH (b)<-[ab:ABOUT]-(p:Post) {_SENTIMENT_TAIL}",
    "id(a)",
    _nano("coalesce(ab.sentiment, p.sentiment, 2.0)"),
)


@dataclass(frozen=True, slots=True)
class AccountTable:
    """Every account in scope: engine ref, id, platform, followers (parallel)."""

    refs: LongArray
    ids: list[str]
    platforms: list[str]
    followers: LongArray


@dataclass(frozen=True, slots=True)
class EdgeTable:
    """Account-level edges by engine ref, one row per (u, v[, type]).

    ``counts`` (rows × ENGAGEMENT_COLUMNS) and ``last_at`` are ``None`` when
    the read did not ask for per-edge detail.
    """

    src: LongArray
    dst: LongArray
    weight: FloatArray
    counts: LongArray | None = None
    last_at: LongArray | None = None

    @classmethod
    def empty(cls, *, detail: bool) -> EdgeTable:
        none = np.zeros(0, dtype=np.int64)
        return cls(
            none,
            none,
            np.zeros(0, dtype=np.float64),
            np.zeros((0, len(ENGAGEMENT_COLUMNS)), dtype=np.int64) if detail else None,
            none if detail else None,
        )

    @property
    def detail(self) -> bool:
        return self.counts is not None


@dataclass(frozen=True, slots=True)
class SentimentTable:
    refs: LongArray
    total: FloatArray
    rated: LongArray
    posts: LongArray


async def read_brand_ids(store: GraphStore) -> list[str]:
    return [str(r["id"]) for r in await store.read(BRAND_IDS)]


async def read_accounts(store: GraphStore, *, platform: str | None) -> AccountTable:
    params = {"platform": platform, "sep": _SEPARATOR}
    try:
        return _account_table(await _pages(store, ACCOUNTS, params))
    except _Misread:
        return _account_table(await _pages(store, ACCOUNTS_LISTED, params))


class _Misread(Exception):
    """A packed answer did not split into as many items as it should have."""


def _account_table(pages: Sequence[Sequence[Mapping[str, Any]]]) -> AccountTable:
    ids: list[str] = []
    platforms: list[str] = []
    tables = []
    for rows in pages:
        for row in rows:
            table = unpack(row["rows"], 2)
            names = row["ids"]
            found = (names.split(_SEPARATOR) if names else []) if isinstance(names, str) else names
            if len(found) != table.shape[0]:
                raise _Misread
            ids.extend(str(i) for i in found)
            platforms.extend([str(row["platform"])] * table.shape[0])
            tables.append(table)
    table = np.concatenate(tables) if tables else np.zeros((0, 2), dtype=np.int64)
    return AccountTable(table[:, 0].copy(), ids, platforms, table[:, 1].copy())


async def read_identities(store: GraphStore) -> dict[int, str]:
    """Account ref -> customer id; an account claimed twice goes to the surest link."""
    best: dict[int, tuple[float, str]] = {}
    for row in await store.read(IDENTITIES):
        customer = str(row["customer"])
        for ref, confidence in zip(row["accounts"], row["confidence"], strict=True):
            known = best.get(int(ref))
            # Ties go to the smaller customer id so folding is deterministic.
            if known is None or (float(confidence), known[1]) > (known[0], customer):
                best[int(ref)] = (float(confidence), customer)
    return {ref: customer for ref, (_, customer) in best.items()}


async def read_engaged(store: GraphStore, *, platform: str | None, detail: bool) -> EdgeTable:
    """ENGAGED edges (u engaged with v's content), with per-type counts if ``detail``."""
    if not detail:
        table = _stack(await _pages(store, ENGAGED, {"platform": platform}), 3)
        return EdgeTable(table[:, 0], table[:, 1], _scaled(table[:, 2]))
    table = _stack(await _pages(store, ENGAGED_DETAIL, {"platform": platform}), 4)
    packed = table[:, 3]
    counts = np.zeros((table.shape[0], len(ENGAGEMENT_COLUMNS)), dtype=np.int64)
    mask = (1 << _COUNT_BITS) - 1
    for column in range(len(ENGAGEMENT_COLUMNS)):
        counts[:, column] = (packed >> (_COUNT_BITS * column)) & mask
    overflow = np.flatnonzero(packed < 0)
    if overflow.size:
        await _exact_counts(store, table, overflow, counts)
    # ENGAGED.last_at stays in the graph: reading it would cost a third more, and
    # only evidence for a few edges needs it.
    return EdgeTable(
        table[:, 0], table[:, 1], _scaled(table[:, 2]), counts, np.zeros(table.shape[0], np.int64)
    )


async def _exact_counts(
    store: GraphStore, table: LongArray, rows: LongArray, counts: LongArray
) -> None:
    """Counts too large to pack, read edge by edge (a rare, very busy pair)."""
    pairs = [[int(table[i, 0]), int(table[i, 1])] for i in rows]
    where = {(u, v): i for (u, v), i in zip(pairs, rows.tolist(), strict=True)}
    for row in await store.read(ENGAGED_PAIRS, {"pairs": pairs}):
        i = where[(int(row["u"]), int(row["v"]))]
        counts[i] = [int(row[c] or 0) for c in ENGAGEMENT_COLUMNS]


async def read_interactions(
    store: GraphStore,
    *,
    brand: str | None,
    platform: str | None,
    since: int | None,
    until: int | None,
) -> EdgeTable:
    """Interactions and mentions in scope, one row per (u, v, type), with counts and times."""
    params: dict[str, Any] = {"platform": platform, "since": since, "until": until}
    if brand is None:
        statements = (INTERACTIONS, MENTIONS)
    else:
        statements = (BRAND_INTERACTIONS, BRAND_MENTIONS)
        params["brand"] = brand
    found = await asyncio.gather(*(_pages(store, s, params) for s in statements))
    table = _stack([rows for pages in found for rows in pages], 6)
    counts = np.zeros((table.shape[0], len(ENGAGEMENT_COLUMNS)), dtype=np.int64)
    counts[np.arange(table.shape[0]), table[:, 2]] = table[:, 3]
    weights = np.array([ENGAGEMENT_WEIGHTS[c] for c in ENGAGEMENT_COLUMNS])
    # Each interaction may carry its own weight (a multiplier, 1 when unset).
    weight = weights[table[:, 2]] * _scaled(table[:, 4])
    return EdgeTable(table[:, 0], table[:, 1], weight, counts, table[:, 5])


async def read_follows(store: GraphStore, *, platform: str | None, until: int | None) -> EdgeTable:
    """FOLLOWS edges; ``weight`` is the follow's own weight (1 when unset)."""
    table = _stack(await _pages(store, FOLLOWS, {"platform": platform, "until": until}), 3)
    return EdgeTable(table[:, 0], table[:, 1], _scaled(table[:, 2]))


async def read_sentiment(
    store: GraphStore,
    *,
    brand: str | None,
    platform: str | None,
    since: int | None,
    until: int | None,
) -> SentimentTable:
    params: dict[str, Any] = {"platform": platform, "since": since, "until": until}
    if brand is None:
        pages = await _pages(store, ANY_BRAND_SENTIMENT, params)
    else:
        pages = await _pages(store, BRAND_SENTIMENT, {**params, "brand": brand})
    table = _stack(pages, 2)
    refs, inverse = np.unique(table[:, 0], return_inverse=True)
    score = _scaled(table[:, 1])
    rated = score < _UNRATED - 0.5
    return SentimentTable(
        refs,
        np.bincount(inverse, weights=np.where(rated, score, 0.0), minlength=refs.size).astype(
            np.float64
        ),
        np.bincount(inverse, weights=rated, minlength=refs.size).astype(np.int64),
        np.bincount(inverse, minlength=refs.size).astype(np.int64),
    )


async def _pages(
    store: GraphStore, statement: Statement, params: Mapping[str, Any]
) -> list[list[dict[str, Any]]]:
    return list(
        await asyncio.gather(
            *(
                store.read(statement, {**params, "pages": PAGES, "page": page})
                for page in range(PAGES)
            )
        )
    )


def _scaled(nano: LongArray) -> FloatArray:
    """Integers in units of 1e-9 back to floats."""
    return nano.astype(np.float64) * _NANO


def _stack(pages: Sequence[Sequence[Mapping[str, Any]]], width: int) -> LongArray:
    parts = [unpack(row["rows"], width) for rows in pages for row in rows]
    if not parts:
        return np.zeros((0, width), dtype=np.int64)
    return np.concatenate(parts)


def unpack(value: object, width: int) -> LongArray:
    """A packed answer (a string of integers, or a list of integer tuples) as rows × width."""
    if isinstance(value, str):
        flat = np.fromstring(value, dtype=np.int64, sep=" ")
    else:
        flat = np.asarray(value if value else [], dtype=np.int64).reshape(-1)
    return flat.reshape(-1, width)
