"""Test graphs for the analyses, written straight into a store with test statements.

:class:`GraphBuilder` records accounts, posts, interactions, follows and
identities, derives ENGAGED the way the loader does (u engaged with v's content:
interactions on v's posts and mentions of v, weighted reply 3, quote 3, share 2,
mention 2, like 1), writes everything and bumps the graph version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from algorithms.projection import ENGAGEMENT_WEIGHTS
from graph.cypher import Statement
from graph.store import GraphStore
from graph.version import bump_version

_TYPE_COLUMN = {
    "REPLIED": "replies",
    "SHARED": "shares",
    "QUOTED": "quotes",
    "LIKED": "likes",
    "MENTIONS": "mentions",
}

ACCOUNTS = Statement(
    "test.algorithms.accounts",
    "UNWIND $rows AS r CREATE (:Account {id: r.id, platform: r.platform, followers: r.followers})",
)
BRANDS = Statement(
    "test.algorithms.brands",
    "UNWIND $rows AS r CREATE (:Brand {id: r.id, name: r.name, aliases: []})",
)
CUSTOMERS = Statement(
    "test.algorithms.customers",
    "UNWIND $rows AS r MERGE (c:Customer {id: r.customer}) WITH c, r "
    "MATCH (a:Account {id: r.account}) "
    "CREATE (c)-[:HAS_ACCOUNT {method: 'test', evidence: 'test', confidence: r.confidence}]->(a)",
)
POSTS = Statement(
    "test.algorithms.posts",
    "UNWIND $rows AS r MATCH (a:Account {id: r.author}) "
    "CREATE (a)-[:POSTED]->(:Post {id: r.id, platform: a.platform, created_at: r.created_at, "
    "sentiment: r.sentiment})",
)
ABOUT = Statement(
    "test.algorithms.about",
    "UNWIND $rows AS r MATCH (p:Post {id: r.post}), (b:Brand {id: r.brand}) "
    "CREATE (p)-[:ABOUT {sentiment: r.sentiment}]->(b)",
)
HASHTAGS = Statement(
    "test.algorithms.hashtags",
    "UNWIND $rows AS r MATCH (p:Post {id: r.post}) MERGE (h:Hashtag {id: r.tag}) "
    "CREATE (p)-[:TAGGED]->(h)",
)
INTERACTION = {
    "REPLIED": Statement(
        "test.algorithms.replied",
        "UNWIND $rows AS r MATCH (a:Account {id: r.account}), (p:Post {id: r.post}) "
        "CREATE (a)-[:REPLIED {at: r.at}]->(p)",
    ),
    "SHARED": Statement(
        "test.algorithms.shared",
        "UNWIND $rows AS r MATCH (a:Account {id: r.account}), (p:Post {id: r.post}) "
        "CREATE (a)-[:SHARED {at: r.at}]->(p)",
    ),
    "QUOTED": Statement(
        "test.algorithms.quoted",
        "UNWIND $rows AS r MATCH (a:Account {id: r.account}), (p:Post {id: r.post}) "
        "CREATE (a)-[:QUOTED {at: r.at}]->(p)",
    ),
    "LIKED": Statement(
        "test.algorithms.liked",
        "UNWIND $rows AS r MATCH (a:Account {id: r.account}), (p:Post {id: r.post}) "
        "CREATE (a)-[:LIKED {at: r.at}]->(p)",
    ),
}
MENTIONS = Statement(
    "test.algorithms.mentions",
    "UNWIND $rows AS r MATCH (p:Post {id: r.post}), (a:Account {id: r.account}) "
    "CREATE (p)-[:MENTIONS]->(a)",
)
FOLLOWS = Statement(
    "test.algorithms.follows",
    "UNWIND $rows AS r MATCH (u:Account {id: r.u}), (v:Account {id: r.v}) "
    "CREATE (u)-[:FOLLOWS {at: r.at}]->(v)",
)
ENGAGED = Statement(
    "test.algorithms.engaged",
    "UNWIND $rows AS r MATCH (u:Account {id: r.u}), (v:Account {id: r.v}) "
    "CREATE (u)-[:ENGAGED {weight: r.weight, count: r.count, last_at: r.last_at, "
    "replies: r.replies, shares: r.shares, quotes: r.quotes, likes: r.likes, "
    "mentions: r.mentions}]->(v)",
)

_CHUNK = 2000


@dataclass
class GraphBuilder:
    """Collects a small social graph and writes it in a few UNWIND statements."""

    accounts: list[dict[str, Any]] = field(default_factory=list)
    brands: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)
    about: list[dict[str, Any]] = field(default_factory=list)
    hashtags: list[dict[str, Any]] = field(default_factory=list)
    interactions: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    mentions: list[dict[str, Any]] = field(default_factory=list)
    follows: list[dict[str, Any]] = field(default_factory=list)
    _author: dict[str, str] = field(default_factory=dict)
    _post_time: dict[str, int | None] = field(default_factory=dict)

    def account(self, id: str, *, platform: str = "twitter", followers: int = 0) -> str:
        self.accounts.append({"id": id, "platform": platform, "followers": followers})
        return id

    def brand(self, id: str, name: str | None = None) -> str:
        self.brands.append({"id": id, "name": name or id})
        return id

    def customer(self, id: str, *accounts: str, confidence: float = 1.0) -> str:
        for account in accounts:
            self.customers.append({"customer": id, "account": account, "confidence": confidence})
        return id

    def post(
        self,
        id: str,
        author: str,
        *,
        at: int | None = None,
        sentiment: float | None = None,
        brand: str | None = None,
        tags: tuple[str, ...] = (),
    ) -> str:
        self.posts.append({"id": id, "author": author, "created_at": at, "sentiment": sentiment})
        self._author[id] = author
        self._post_time[id] = at
        if brand is not None:
            self.about.append({"post": id, "brand": brand, "sentiment": sentiment})
        for tag in tags:
            self.hashtags.append({"post": id, "tag": tag})
        return id

    def interact(self, account: str, kind: str, post: str, *, at: int | None = None) -> None:
        self.interactions[kind].append({"account": account, "post": post, "at": at})

    def mention(self, post: str, account: str) -> None:
        self.mentions.append({"post": post, "account": account})

    def follow(self, u: str, v: str, *, at: int | None = None) -> None:
        self.follows.append({"u": u, "v": v, "at": at})

    def engaged_rows(self) -> list[dict[str, Any]]:
        """ENGAGED as the loader derives it from the interactions and mentions."""
        agg: dict[tuple[str, str], dict[str, Any]] = {}

        def add(u: str, v: str, column: str, at: int | None) -> None:
            if u == v:
                return
            row = agg.setdefault(
                (u, v),
                {"u": u, "v": v, "weight": 0.0, "count": 0, "last_at": 0}
                | {c: 0 for c in _TYPE_COLUMN.values()},
            )
            row[column] += 1
            row["count"] += 1
            row["weight"] += ENGAGEMENT_WEIGHTS[column]
            row["last_at"] = max(row["last_at"], at or 0)

        for kind, rows in self.interactions.items():
            for r in rows:
                at = r["at"] if r["at"] is not None else self._post_time[r["post"]]
                add(r["account"], self._author[r["post"]], _TYPE_COLUMN[kind], at)
        for r in self.mentions:
            add(self._author[r["post"]], r["account"], "mentions", self._post_time[r["post"]])
        return list(agg.values())

    async def write(self, store: GraphStore, *, engaged: bool = True) -> int:
        """Write the graph (ENGAGED too unless ``engaged=False``); returns the new version."""
        plan: list[tuple[Statement, list[dict[str, Any]]]] = [
            (ACCOUNTS, self.accounts),
            (BRANDS, self.brands),
            (CUSTOMERS, self.customers),
            (POSTS, self.posts),
            (ABOUT, self.about),
            (HASHTAGS, self.hashtags),
            *((INTERACTION[kind], rows) for kind, rows in self.interactions.items()),
            (MENTIONS, self.mentions),
            (FOLLOWS, self.follows),
        ]
        if engaged:
            plan.append((ENGAGED, self.engaged_rows()))
        for statement, rows in plan:
            for start in range(0, len(rows), _CHUNK):
                await store.write(statement, {"rows": rows[start : start + _CHUNK]})
        return await bump_version(store)
