"""ENGAGED recomputation against a plain reading of the relationships underneath."""

from __future__ import annotations

import asyncio
import random
from typing import Any, Literal

from graph.cypher import Statement
from graph.model import Account, Engagement, Mention, Post, Record
from graph.store import GraphStore
from loaders.engaged import EngagementWeights, recompute_accounts, recompute_all
from loaders.writer import GraphWriter
from tests.loaders.snapshot import engaged, snapshot

INTERACTIONS = Statement(
    "test.engaged.interactions",
    "MATCH (u:Account)-[e:REPLIED|SHARED|QUOTED|LIKED]->(p:Post) "
    "RETURN u.id AS account, type(e) AS type, p.id AS post, e.at AS at, e.weight AS weight",
)
AUTHORS = Statement(
    "test.engaged.authors",
    "MATCH (a:Account)-[:POSTED]->(p:Post) RETURN a.id AS author, p.id AS post, "
    "p.created_at AS created_at",
)
MENTIONS = Statement(
    "test.engaged.mentions",
    "MATCH (p:Post)-[m:MENTIONS]->(a:Account) RETURN p.id AS post, a.id AS account, "
    "m.weight AS weight",
)
ENGAGED_COUNT = Statement(
    "test.engaged.count", "MATCH (:Account)-[g:ENGAGED]->(:Account) RETURN count(g) AS n"
)

T0 = 1_700_000_000_000
# Binary fractions: sums come out exact in any order.
MULTIPLIERS = [None, None, None, 0.5, 1.5, 2.25, 4.0]
TYPES: list[Literal["REPLIED", "SHARED", "QUOTED", "LIKED"]] = [
    "REPLIED",
    "SHARED",
    "QUOTED",
    "LIKED",
]


def network(seed: int = 7) -> list[Record]:
    """Twelve accounts and their posts (some without a known author), engagements of
    every type with and without a time and a weight (repeats and self-engagement
    included), and mentions (self-mentions included)."""
    rng = random.Random(seed)
    accounts = [f"t:{n}" for n in range(12)]
    records: list[Record] = [Account(id=a, platform="t") for a in accounts]
    posts = [f"t:p{n}" for n in range(40)]
    for n, post in enumerate(posts):
        author = None if n % 9 == 0 else rng.choice(accounts)
        created = None if n % 7 == 0 else T0 + rng.randrange(10_000)
        records.append(Post(id=post, platform="t", author=author, created_at=created))
    for _ in range(160):
        at = None if rng.random() < 0.15 else T0 + rng.randrange(10_000)
        records.append(
            Engagement(
                type=rng.choice(TYPES),
                account=rng.choice(accounts),
                post=rng.choice(posts),
                at=at,
                weight=rng.choice(MULTIPLIERS),
            )
        )
    for _ in range(40):
        records.append(
            Mention(
                post=rng.choice(posts), account=rng.choice(accounts), weight=rng.choice(MULTIPLIERS)
            )
        )
    rng.shuffle(records)
    return records


async def interactions(store: GraphStore) -> list[tuple[str, str, str, Any, Any]]:
    """Every (u, v, type, at, multiplier) interaction, read plainly from the graph."""
    authors = {row["post"]: row for row in await store.read(AUTHORS)}
    found: list[tuple[str, str, str, Any, Any]] = []
    for row in await store.read(INTERACTIONS):
        author = authors.get(row["post"])
        if author is not None:
            found.append((row["account"], author["author"], row["type"], row["at"], row["weight"]))
    for row in await store.read(MENTIONS):
        author = authors.get(row["post"])
        if author is not None:
            at = author["created_at"]
            found.append((author["author"], row["account"], "MENTIONS", at, row["weight"]))
    return found


async def expected(store: GraphStore, weights: EngagementWeights) -> dict[tuple[str, str], Any]:
    """ENGAGED as the module docstring defines it, from the relationships in the graph."""
    per_type = {
        "REPLIED": ("replies", weights.reply),
        "SHARED": ("shares", weights.share),
        "QUOTED": ("quotes", weights.quote),
        "LIKED": ("likes", weights.like),
        "MENTIONS": ("mentions", weights.mention),
    }
    result: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, kind, at, multiplier in await interactions(store):
        if u == v:
            continue
        props = result.setdefault(
            (u, v),
            {"replies": 0, "shares": 0, "quotes": 0, "likes": 0, "mentions": 0, "count": 0},
        )
        name, weight = per_type[kind]
        props[name] += 1
        props["count"] += 1
        props["weight"] = props.get("weight", 0.0) + weight * (
            1 if multiplier is None else multiplier
        )
        if at is not None:
            props["last_at"] = max(at, props.get("last_at", at))
    return result


async def engaged_count(store: GraphStore) -> int:
    return int((await store.read(ENGAGED_COUNT))[0]["n"])


async def test_engaged_matches_the_relationships_underneath(store: GraphStore) -> None:
    records = network()
    # Two loads: the second recomputes accounts that have ENGAGED already and some that
    # have none yet, in write statements of a few pairs each.
    await GraphWriter(store).write(records[: len(records) // 2])
    await GraphWriter(store, defer_engaged=True).write(records[len(records) // 2 :])
    accounts = [r.id for r in records if isinstance(r, Account)]
    await recompute_accounts(store, accounts, weights=EngagementWeights(), write_pairs=7)
    want = await expected(store, EngagementWeights())
    found = await interactions(store)
    assert {kind for _, _, kind, _, _ in found} == {*TYPES, "MENTIONS"}
    assert any(u == v and kind == "MENTIONS" for u, v, kind, _, _ in found)
    assert any(u == v and kind != "MENTIONS" for u, v, kind, _, _ in found)
    assert any(m is not None for *_, m in found) and any(at is None for *_, at, _ in found)
    assert len(want) > 40
    assert {p["mentions"] > 0 for p in want.values()} == {True, False}
    assert any(p["count"] > 2 for p in want.values())
    assert await engaged(store) == want
    assert await engaged_count(store) == len(want)

    # New weights: every pair's weight changes, in small pages.
    other = EngagementWeights(reply=0.5, quote=1.25, share=0, mention=8, like=0.75)
    assert await recompute_all(store, weights=other, page=3, write_pairs=7) == len(want)
    assert await engaged(store) == await expected(store, other)

    # Once more, unchanged: nothing moves, nothing doubles.
    before = await snapshot(store)
    assert await recompute_all(store, weights=other, page=5, write_pairs=7) == len(want)
    assert await snapshot(store) == before
    assert await engaged_count(store) == len(want)


async def test_engaged_recomputed_from_scratch_equals_the_loaded(store: GraphStore) -> None:
    records = network(seed=11)
    writer = GraphWriter(store, defer_engaged=True)
    await writer.write(records)
    assert await writer.flush() == len(await expected(store, EngagementWeights()))
    assert await engaged(store) == await expected(store, EngagementWeights())


async def test_concurrent_recomputes_create_each_pair_once(store: GraphStore) -> None:
    """Both recomputes find no ENGAGED and both create: each pair still ends up single."""
    writer = GraphWriter(store, defer_engaged=True)
    await writer.write(network(seed=3))
    accounts = [f"t:{n}" for n in range(12)]
    weights = EngagementWeights()
    await asyncio.gather(
        recompute_accounts(store, accounts, weights=weights, page=4, write_pairs=7),
        recompute_accounts(store, list(reversed(accounts)), weights=weights, page=4, write_pairs=7),
    )
    want = await expected(store, weights)
    assert await engaged(store) == want
    assert await engaged_count(store) == len(want)
