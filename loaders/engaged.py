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
engine's aggregation is several times slower), and one write MERGEs the pairs.
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
    "ENGAGED_SOURCES",
    "WRITE_ENGAGED",
    "EngagementWeights",
    "recompute_accounts",
    "recompute_all",
]

_INTERACTIONS = """
  UNWIND $accounts AS uid
  MATCH (u:Account {id: uid})-[e:REPLIED|SHARED|QUOTED|LIKED]->(p)<-[:POSTED]-(v)
  RETURN u.id AS u, v.id AS v, type(e) AS t, e.at AS at, e.weight AS w
  UNION ALL
  UNWIND $accounts AS uid
  MATCH (u:Account {id: uid})-[:POSTED]->(q)-[m:MENTIONS]->(v)
  RETURN u.id AS u, v.id AS v, 'MENTIONS' AS t, q.created_at AS at, m.weight AS w
"""
_RETURN = " RETURN u, v, t, at, w"

ENGAGED_SOURCES = Statement(
    "engaged.interactions",
    "CALL {" + _INTERACTIONS + "}" + _RETURN,
    # Neo4j 5 deprecates a subquery without a scope clause; FalkorDB knows no other form.
    neo4j="CALL () {" + _INTERACTIONS + "}" + _RETURN,
)
"""Every interaction going out of ``$accounts``: (u, v, type, at, weight) rows."""

WRITE_ENGAGED = Statement(
    "engaged.write",
    "UNWIND $rows AS row "
    "MATCH (u:Account {id: row[0]}) MATCH (v:Account {id: row[1]}) "
    "MERGE (u)-[g:ENGAGED]->(v) "
    "SET g.replies = row[2], g.shares = row[3], g.quotes = row[4], g.likes = row[5], "
    "g.mentions = row[6], g.count = row[7], g.weight = row[8], g.last_at = row[9]",
)

ACCOUNT_IDS = Statement(
    "engaged.account_ids",
    "MATCH (a:Account) WHERE a.id > $after RETURN a.id AS id ORDER BY id LIMIT $limit",
)

# Which slot of a pair's tally each interaction type counts in.
_SLOT = {"REPLIED": 0, "SHARED": 1, "QUOTED": 2, "LIKED": 3, "MENTIONS": 4}


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


def aggregate(rows: Iterable[dict[str, Any]], weights: EngagementWeights) -> list[list[Any]]:
    """Sum interaction rows into ENGAGED rows ``[u, v, replies, shares, quotes, likes,
    mentions, count, weight, last_at]``, one per pair, self-pairs left out."""
    per_type = weights.by_type()
    tallies: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        u, v, kind = row["u"], row["v"], row["t"]
        if u == v:
            continue
        tally = tallies.get((u, v))
        if tally is None:
            tally = tallies[(u, v)] = [0, 0, 0, 0, 0, 0, 0.0, None]
        tally[_SLOT[kind]] += 1
        tally[5] += 1
        multiplier = row["w"]
        tally[6] += per_type[kind] * (1.0 if multiplier is None else float(multiplier))
        at = row["at"]
        if at is not None and (tally[7] is None or at > tally[7]):
            tally[7] = at
    return [[u, v, *tally] for (u, v), tally in tallies.items()]


T = TypeVar("T")
_WRITE_ROWS = 10_000  # pairs per MERGE statement


def _pages(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def recompute_accounts(
    store: GraphStore,
    accounts: Iterable[str],
    *,
    weights: EngagementWeights,
    page: int = 2000,
) -> int:
    """Recompute every ENGAGED going out of ``accounts``; return the pairs written.

    The engine reads the next page of interactions while this process sums the current
    one and writes its pairs (the reads touch no ENGAGED, so the order is free)."""
    written = 0
    pages = list(_pages(sorted(set(accounts)), page))
    if not pages:
        return 0
    reading = asyncio.ensure_future(store.read(ENGAGED_SOURCES, {"accounts": list(pages[0])}))
    try:
        for index in range(len(pages)):
            found = await reading
            if index + 1 < len(pages):
                params = {"accounts": list(pages[index + 1])}
                reading = asyncio.ensure_future(store.read(ENGAGED_SOURCES, params))
            rows = aggregate(found, weights)
            for chunk in _pages(rows, _WRITE_ROWS):
                await store.write(WRITE_ENGAGED, {"rows": list(chunk)})
            written += len(rows)
    finally:
        if not reading.done():
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reading
    return written


async def recompute_all(store: GraphStore, *, weights: EngagementWeights, page: int = 2000) -> int:
    """Recompute every ENGAGED in the graph (after a change of weights, say); return the
    pairs written.  Walks the accounts in pages of ``page`` ids."""
    after, written = "", 0
    while True:
        rows = await store.read(ACCOUNT_IDS, {"after": after, "limit": page})
        if not rows:
            return written
        ids = [str(row["id"]) for row in rows]
        written += await recompute_accounts(store, ids, weights=weights, page=page)
        after = ids[-1]
