"""ENGAGED aggregates: recomputed per source account from the interactions underneath.

``(u)-[:ENGAGED]->(v)`` means "u engaged with v's content": u
REPLIED/SHARED/QUOTED/LIKED a Post that v POSTED, or a Post u POSTED MENTIONS v.
Its properties are ``replies``, ``shares``, ``quotes``, ``likes``, ``mentions``
(how many of those relationships there are), ``count`` (their sum), ``weight``
(each interaction's type weight times the relationship's own ``weight``, 1 when
unset, summed) and ``last_at`` (the latest ``at`` of an engagement, or
``created_at`` of a mentioning post).  Engaging with one's own content makes no
ENGAGED self-loop.

The numbers are always recomputed from the relationships, never incremented,
so recomputing twice changes nothing.  The work is per source account: one read
returns every interaction of a page of accounts, Python sums them per pair (the
engine's aggregation is several times slower), and the writes set each pair's
properties whole: a CREATE for accounts with no ENGAGED yet (a first load's
case), a MERGE for the others.  Reads and writes name nodes by the engine's own
ids, not account ids: cheaper to send, to parse and to find.  ``bench/engaged.py``
measures it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from graph.cypher import Statement
from graph.store import GraphStore

__all__ = [
    "CREATE_ENGAGED",
    "ENGAGED_SOURCES",
    "ENGAGING",
    "WRITE_ENGAGED",
    "EngagementWeights",
    "recompute_accounts",
    "recompute_all",
]

# Node ids are FalkorDB's ``id()`` and Neo4j's ``elementId()``.
_INTERACTIONS = """
  UNWIND $accounts AS uid
  MATCH (u:Account {{id: uid}})-[e:REPLIED|SHARED|QUOTED|LIKED]->(p)<-[:POSTED]-(v)
  RETURN {id}(u) AS u, {id}(v) AS v, type(e) AS t, e.at AS at, e.weight AS w
  UNION ALL
  UNWIND $accounts AS uid
  MATCH (u:Account {{id: uid}})-[:POSTED]->(q)-[m:MENTIONS]->(v)
  RETURN {id}(u) AS u, {id}(v) AS v, 'MENTIONS' AS t, q.created_at AS at, m.weight AS w
"""
_RETURN = " RETURN u, v, t, at, w"

ENGAGED_SOURCES = Statement(
    "engaged.interactions",
    "CALL {" + _INTERACTIONS.format(id="id") + "}" + _RETURN,
    # Neo4j 5 deprecates a subquery without a scope clause; FalkorDB knows no other form.
    neo4j="CALL () {" + _INTERACTIONS.format(id="elementId") + "}" + _RETURN,
)
"""Every interaction going out of ``$accounts``: (u, v, type, at, weight) rows, u and v
node ids."""

# Expanding the ENGAGED themselves costs FalkorDB a third of a WHERE (u)-[:ENGAGED]->()
# pattern test.
_ENGAGING = (
    "UNWIND $accounts AS uid MATCH (u:Account {{id: uid}})-[:ENGAGED]->() "
    "RETURN DISTINCT {id}(u) AS u"
)
ENGAGING = Statement(
    "engaged.engaging",
    _ENGAGING.format(id="id"),
    neo4j=_ENGAGING.format(id="elementId"),
)
"""The node ids of those of ``$accounts`` with an ENGAGED already."""

# Rows to write: ``[u, [[v, replies, shares, quotes, likes, mentions, count, weight,
# last_at], ...]]``, one per source account, so the engine finds u once for all its
# pairs.  FalkorDB seeks a node by id only when the id is a variable, not ``row[0]``
# itself.  u is an Account (the read found it by label); v is checked to be one.
_SEEK = (
    "UNWIND $rows AS row WITH row[0] AS a, row[1] AS pairs "
    "MATCH (u) WHERE {id}(u) = a "
    "UNWIND pairs AS pair WITH u, pair, pair[0] AS b "
    "MATCH (v:Account) WHERE {id}(v) = b "
)
_PROPERTIES = (
    "{replies: pair[1], shares: pair[2], quotes: pair[3], likes: pair[4], "
    "mentions: pair[5], count: pair[6], weight: pair[7], last_at: pair[8]}"
)
# A CREATE with the properties inline costs the engine less than MERGE and eight SETs
# (a quarter less on the bench set); the NOT keeps a pair that a concurrent
# recompute created meanwhile single.
_CREATE = "AND NOT (u)-[:ENGAGED]->(v) CREATE (u)-[:ENGAGED " + _PROPERTIES + "]->(v)"
_UPDATE = (
    "MERGE (u)-[g:ENGAGED]->(v) "
    "SET g.replies = pair[1], g.shares = pair[2], g.quotes = pair[3], g.likes = pair[4], "
    "g.mentions = pair[5], g.count = pair[6], g.weight = pair[7], g.last_at = pair[8]"
)

CREATE_ENGAGED = Statement(
    "engaged.create",
    _SEEK.format(id="id") + _CREATE,
    neo4j=_SEEK.format(id="elementId") + _CREATE,
)
"""ENGAGED of ``$rows`` of source accounts that have none yet."""

WRITE_ENGAGED = Statement(
    "engaged.write",
    _SEEK.format(id="id") + _UPDATE,
    neo4j=_SEEK.format(id="elementId") + _UPDATE,
)
"""ENGAGED of ``$rows`` of source accounts that may have some already: merged."""

ACCOUNT_IDS = Statement(
    "engaged.account_ids",
    "MATCH (a:Account) WHERE a.id > $after RETURN a.id AS id ORDER BY id LIMIT $limit",
)

# Which slot of a pair's tally each interaction type counts in.
_SLOT = {"REPLIED": 1, "SHARED": 2, "QUOTED": 3, "LIKED": 4, "MENTIONS": 5}


@dataclass(frozen=True, slots=True)
class EngagementWeights:
    """How much one interaction of each type adds to ``ENGAGED.weight``."""

    reply: float = 3.0
    quote: float = 3.0
    share: float = 2.0
    mention: float = 2.0
    like: float = 1.0

    def by_type(self) -> dict[str, float]:
        """The weights keyed by relationship type (``REPLIED``, ..., ``MENTIONS``)."""
        return {
            "REPLIED": self.reply,
            "SHARED": self.share,
            "QUOTED": self.quote,
            "LIKED": self.like,
            "MENTIONS": self.mention,
        }

    def as_json(self) -> dict[str, float]:
        return asdict(self)


Tally = list[Any]
"""A pair's ``[v, replies, shares, quotes, likes, mentions, count, weight, last_at]``:
its ENGAGED as the write statements take it."""


def aggregate(
    rows: Iterable[dict[str, Any]], weights: EngagementWeights
) -> dict[Any, dict[Any, Tally]]:
    """Sum interaction rows (``u``, ``v``, ``t``, ``at``, ``w``) into one tally per
    pair, keyed by source then target, self-pairs left out."""
    per_type = weights.by_type()
    tallies: dict[Any, dict[Any, Tally]] = {}
    for row in rows:
        u, v, kind = row["u"], row["v"], row["t"]
        if u == v:
            continue
        targets = tallies.get(u)
        if targets is None:
            targets = tallies[u] = {}
        tally = targets.get(v)
        if tally is None:
            tally = targets[v] = [v, 0, 0, 0, 0, 0, 0, 0.0, None]
        tally[_SLOT[kind]] += 1
        tally[6] += 1
        multiplier = row["w"]
        tally[7] += per_type[kind] * (1.0 if multiplier is None else float(multiplier))
        at = row["at"]
        if at is not None and (tally[8] is None or at > tally[8]):
            tally[8] = at
    return tallies


T = TypeVar("T")
WRITE_PAIRS = 10_000  # ENGAGED pairs per write statement, by default


def _pages(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _read_page(
    store: GraphStore, accounts: Sequence[str]
) -> tuple[list[dict[str, Any]], set[Any]]:
    """A page's interaction rows, and which of its accounts have ENGAGED already."""
    params = {"accounts": list(accounts)}
    found, engaging = await asyncio.gather(
        store.read(ENGAGED_SOURCES, params), store.read(ENGAGING, params)
    )
    return found, {row["u"] for row in engaging}


def _write_rows(
    sources: Iterable[tuple[Any, dict[Any, Tally]]], per_write: int
) -> Iterator[list[Any]]:
    """``[u, [tally, ...]]`` rows in batches of about ``per_write`` pairs."""
    batch: list[Any] = []
    pairs = 0
    for u, targets in sources:
        batch.append([u, list(targets.values())])
        pairs += len(targets)
        if pairs >= per_write:
            yield batch
            batch, pairs = [], 0
    if batch:
        yield batch


async def _write_pairs(
    store: GraphStore,
    tallies: dict[Any, dict[Any, Tally]],
    engaging: set[Any],
    per_write: int,
) -> None:
    """CREATE the ENGAGED of accounts that have none yet, MERGE the others'.  (Which of
    an engaging account's pairs exist is not read: a row back per existing pair costs
    this process more than the CREATEs save the engine.)"""
    fresh = ((u, t) for u, t in tallies.items() if u not in engaging)
    known = ((u, t) for u, t in tallies.items() if u in engaging)
    for statement, sources in ((CREATE_ENGAGED, fresh), (WRITE_ENGAGED, known)):
        for rows in _write_rows(sources, per_write):
            await store.write(statement, {"rows": rows})


async def recompute_accounts(
    store: GraphStore,
    accounts: Iterable[str],
    *,
    weights: EngagementWeights,
    page: int = 2000,
    write_pairs: int = WRITE_PAIRS,
) -> int:
    """Recompute every ENGAGED going out of ``accounts``, reading them ``page`` accounts
    at a time and writing about ``write_pairs`` pairs a statement; return the pairs
    written.

    The engine reads the next page of interactions while this process sums the current
    one and writes its pairs (the reads touch no ENGAGED of another page, so the order
    is free)."""
    written = 0
    pages = list(_pages(sorted(set(accounts)), page))
    if not pages:
        return 0
    reading = asyncio.ensure_future(_read_page(store, pages[0]))
    try:
        for index in range(len(pages)):
            found, engaging = await reading
            if index + 1 < len(pages):
                reading = asyncio.ensure_future(_read_page(store, pages[index + 1]))
            tallies = aggregate(found, weights)
            await _write_pairs(store, tallies, engaging, write_pairs)
            written += sum(len(targets) for targets in tallies.values())
    finally:
        if not reading.done():
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reading
    return written


async def recompute_all(
    store: GraphStore,
    *,
    weights: EngagementWeights,
    page: int = 2000,
    write_pairs: int = WRITE_PAIRS,
) -> int:
    """Recompute every ENGAGED in the graph (after a change of weights, say); return the
    pairs written.  Lists the accounts in pages of ``page`` ids, then recomputes them
    as :func:`recompute_accounts` does, in pages of the same size."""
    ids: list[str] = []
    after = ""
    while True:
        rows = await store.read(ACCOUNT_IDS, {"after": after, "limit": page})
        if not rows:
            break
        ids.extend(str(row["id"]) for row in rows)
        after = ids[-1]
    return await recompute_accounts(store, ids, weights=weights, page=page, write_pairs=write_pairs)
