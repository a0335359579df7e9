"""Per-request DataLoaders: every related-node lookup of a page batched into one query.

A resolver asks ``info.context.loaders.<name>.load(key)``; the loads of one
execution tick go to the database together (``UNWIND $keys``), so a page of
100 customers with their accounts costs one query for the accounts, not 100.
Batch functions return one result per key, in key order (``None`` or an empty
list for a missing key).  A fresh :class:`Loaders` is made for every request.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from graph.cypher import Statement
from graph.store import GraphStore, Row
from graph.version import graph_version
from resolvers.cache import ResultCache
from resolvers.pagination import Window, connection
from resolvers.services import social_capital
from schema.account import Account
from schema.analysis_run import AnalysisRun
from schema.brand import Brand
from schema.brand_mention import BrandMention
from schema.capital import SocialCapital
from schema.cluster import Cluster
from schema.cluster_membership import ClusterMembership
from schema.community import Community
from schema.connection import Connection
from schema.customer import Customer
from schema.hashtag import Hashtag
from schema.identity_link import IdentityLink
from schema.node import Node
from schema.order import Order
from schema.post import Post

__all__ = ["NODE_TYPES", "Loaders", "VersionReads"]

T = TypeVar("T")

# The node types `node(id:)` can fetch, by label.
NODE_TYPES: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "Customer": Customer.from_record,
    "Account": Account.from_record,
    "Post": Post.from_record,
    "Brand": Brand.from_record,
    "Community": Community.from_record,
    "Hashtag": Hashtag.from_record,
    "Order": Order.from_record,
    "AnalysisRun": AnalysisRun.from_record,
    "Cluster": Cluster.from_record,
}

NODES_BY_ID = {
    label: Statement(f"api.nodes.{label}", f"MATCH (n:{label}) WHERE n.id IN $keys RETURN n")
    for label in NODE_TYPES
}

ACCOUNTS_OF_CUSTOMERS = Statement(
    "api.customer.accounts",
    "UNWIND $keys AS key MATCH (:Customer {id: key})-[h:HAS_ACCOUNT]->(a:Account) "
    "RETURN key, h AS link, a AS node ORDER BY a.platform, a.id",
)
ORDERS_OF_CUSTOMERS = Statement(
    "api.customer.orders",
    "UNWIND $keys AS key MATCH (:Customer {id: key})-[:PLACED]->(o:Order) "
    "RETURN key, o AS node ORDER BY o.created_at DESC, o.id",
)
CUSTOMER_OF_ACCOUNTS = Statement(
    "api.account.customer",
    "UNWIND $keys AS key MATCH (c:Customer)-[:HAS_ACCOUNT]->(:Account {id: key}) "
    "RETURN key, c AS node ORDER BY c.id",
)
COMMUNITIES_OF_ACCOUNTS = Statement(
    "api.account.communities",
    "UNWIND $keys AS key MATCH (:Account {id: key})-[:MEMBER_OF]->(c:Community) "
    "RETURN key, c AS node ORDER BY c.name, c.id",
)
AUTHOR_OF_POSTS = Statement(
    "api.post.author",
    "UNWIND $keys AS key MATCH (a:Account)-[:POSTED]->(:Post {id: key}) RETURN key, a AS node",
)
BRANDS_OF_POSTS = Statement(
    "api.post.brands",
    "UNWIND $keys AS key MATCH (p:Post {id: key})-[r:ABOUT]->(b:Brand) "
    "RETURN key, p AS post, b AS brand, r.sentiment AS sentiment ORDER BY b.name, b.id",
)
HASHTAGS_OF_POSTS = Statement(
    "api.post.hashtags",
    "UNWIND $keys AS key MATCH (:Post {id: key})-[:TAGGED]->(h:Hashtag) "
    "RETURN key, h AS node ORDER BY h.id",
)
MENTIONS_OF_POSTS = Statement(
    "api.post.mentions",
    "UNWIND $keys AS key MATCH (:Post {id: key})-[:MENTIONS]->(a:Account) "
    "RETURN key, a AS node ORDER BY a.id",
)
COMMUNITIES_OF_BRANDS = Statement(
    "api.brand.communities",
    "UNWIND $keys AS key MATCH (c:Community)-[:OF_BRAND]->(:Brand {id: key}) "
    "RETURN key, c AS node ORDER BY c.name, c.id",
)
MENTION_COUNTS_OF_BRANDS = Statement(
    "api.brand.mention_counts",
    "UNWIND $keys AS key MATCH (b:Brand {id: key}) OPTIONAL MATCH (b)<-[:ABOUT]-(p:Post) "
    "RETURN key, count(p) AS n",
)
BRANDS_OF_COMMUNITIES = Statement(
    "api.community.brands",
    "UNWIND $keys AS key MATCH (:Community {id: key})-[:OF_BRAND]->(b:Brand) "
    "RETURN key, b AS node ORDER BY b.name, b.id",
)
MEMBER_COUNTS_OF_COMMUNITIES = Statement(
    "api.community.member_counts",
    "UNWIND $keys AS key MATCH (c:Community {id: key}) OPTIONAL MATCH (c)<-[:MEMBER_OF]-(a) "
    "RETURN key, count(a) AS n",
)
POST_COUNTS_OF_HASHTAGS = Statement(
    "api.hashtag.post_counts",
    "UNWIND $keys AS key MATCH (h:Hashtag {id: key}) OPTIONAL MATCH (h)<-[:TAGGED]-(p) "
    "RETURN key, count(p) AS n",
)
CUSTOMER_OF_ORDERS = Statement(
    "api.order.customer",
    "UNWIND $keys AS key MATCH (c:Customer)-[:PLACED]->(:Order {id: key}) "
    "RETURN key, c AS node ORDER BY c.id",
)
BRANDS_OF_ORDERS = Statement(
    "api.order.brands",
    "UNWIND $keys AS key MATCH (:Order {id: key})-[:OF_BRAND]->(b:Brand) "
    "RETURN key, b AS node ORDER BY b.name, b.id",
)


def _slice(collected: str) -> str:
    """A per-parent page, sliced in Cypher with the Relay window (see pagination.Window)."""
    return (
        f"WITH key, collect({collected}) AS items "
        "WITH key, items, size(items) AS total "
        "WITH key, items, total, "
        "CASE WHEN $before IS NULL OR $before > total THEN total ELSE $before END AS hi0 "
        "WITH key, items, total, "
        "CASE WHEN $first IS NULL OR $start + $first > hi0 THEN hi0 ELSE $start + $first END AS hi "
        "WITH key, items, total, hi, "
        "CASE WHEN $last IS NULL OR hi - $last < $start THEN $start ELSE hi - $last END AS lo "
        "RETURN key, total, lo, hi, items[lo..hi] AS page"
    )


POSTS_OF_ACCOUNTS = Statement(
    "api.account.posts",
    "UNWIND $keys AS key MATCH (:Account {id: key})-[:POSTED]->(x:Post) "
    "WITH key, x ORDER BY x.created_at DESC, x.id DESC " + _slice("x"),
)
MEMBERS_OF_COMMUNITIES = Statement(
    "api.community.members",
    "UNWIND $keys AS key MATCH (:Community {id: key})<-[:MEMBER_OF]-(x:Account) "
    "WITH key, x ORDER BY x.followers DESC, x.id " + _slice("x"),
)
MEMBERS_OF_CLUSTERS = Statement(
    "api.cluster.members",
    "UNWIND $keys AS key MATCH (:Cluster {id: key})<-[:IN_CLUSTER]-(x) "
    "WITH key, x ORDER BY x.id " + _slice("[labels(x)[0], x]"),
)
CLUSTERS_OF_RUNS = Statement(
    "api.run.clusters",
    "UNWIND $keys AS key MATCH (:AnalysisRun {id: key})-[:HAS_CLUSTER]->(x:Cluster) "
    "WHERE x.size >= $min_size WITH key, x ORDER BY x.position, x.id " + _slice("x"),
)
PEOPLE = Statement(
    "api.people",
    "UNWIND $keys AS key "
    "OPTIONAL MATCH (c:Customer {id: key}) OPTIONAL MATCH (a:Account {id: key}) "
    "RETURN key, c AS customer, a AS account",
)
CLUSTERS_OF_CUSTOMERS = Statement(
    "api.customer.clusters",
    "UNWIND $keys AS key MATCH (c:Customer {id: key}) "
    "RETURN key, "
    "[(c)-[:IN_CLUSTER]->(x:Cluster)<-[:HAS_CLUSTER]-(r:AnalysisRun) | [x, r, null]] + "
    "[(c)-[:HAS_ACCOUNT]->(a:Account)-[:IN_CLUSTER]->(x:Cluster)<-[:HAS_CLUSTER]-(r:AnalysisRun) "
    "| [x, r, a]] AS memberships",
)


class VersionReads:
    """Reads of the graph version, one for all the requests that ask in the same turn of
    the event loop.  A read is sent only after every request sharing it has asked, so
    each still sees a version read after it started (a write that finished before it
    is seen), as with a read of its own."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._next: asyncio.Future[int] | None = None

    def read(self) -> asyncio.Future[int]:
        """The version, from a read sent once this turn's requests have asked."""
        if self._next is None:
            loop = asyncio.get_running_loop()
            self._next = loop.create_future()
            loop.call_soon(self._send, self._next)
        return self._next

    def _send(self, answer: asyncio.Future[int]) -> None:
        self._next = None  # who asks from now on gets a later read
        read = asyncio.ensure_future(graph_version(self.store))

        def settle(done: asyncio.Future[int]) -> None:
            if answer.done():  # every request sharing it was cancelled
                return
            if done.cancelled():
                answer.cancel()
            elif done.exception() is not None:
                answer.set_exception(done.exception())  # type: ignore[arg-type]
            else:
                answer.set_result(done.result())

        read.add_done_callback(settle)


class Loaders:
    """The DataLoaders of one request (each made on first use)."""

    def __init__(
        self,
        store: GraphStore,
        cache: ResultCache | None = None,
        *,
        version: int = -1,
        versions: VersionReads | None = None,
    ) -> None:
        self.store = store
        self.cache = cache or ResultCache()
        self.versions = versions
        self._version: asyncio.Future[int] | None = None
        if version >= 0:  # the request already read it
            self._version = asyncio.get_running_loop().create_future()
            self._version.set_result(version)
        self._nodes: dict[str, DataLoader[str, Any]] = {}
        self._capital: DataLoader[tuple[str, str | None], SocialCapital | None] | None = None
        self._clusters_of_run: dict[int, DataLoader[tuple[str, Window], Connection[Cluster]]] = {}

    async def graph_version(self) -> int:
        """The graph version, read once per request (the key of cached results)."""
        if self.versions is None:
            if self._version is None:
                self._version = asyncio.ensure_future(graph_version(self.store))
            return await self._version
        if self._version is None:
            self._version = self.versions.read()
        # Shared with other requests: one cancelled while waiting must not cancel it.
        return await asyncio.shield(self._version)

    def node(self, label: str) -> DataLoader[str, Any]:
        """Nodes of ``label`` by graph id (None when missing)."""
        loader = self._nodes.get(label)
        if loader is None:
            convert = NODE_TYPES[label]
            statement = NODES_BY_ID[label]

            async def load(keys: list[str]) -> list[Any]:
                rows = await self.store.read(statement, {"keys": keys})
                found = {row["n"]["id"]: convert(row["n"]) for row in rows}
                return [found.get(key) for key in keys]

            loader = self._nodes[label] = DataLoader(load)
        return loader

    def _many(self, statement: Statement, convert: Callable[[Row], T]) -> DataLoader[str, list[T]]:
        async def load(keys: list[str]) -> list[list[T]]:
            rows = await self.store.read(statement, {"keys": _unique(keys)})
            grouped: dict[str, list[T]] = defaultdict(list)
            for row in rows:
                grouped[row["key"]].append(convert(row))
            return [grouped.get(key, []) for key in keys]

        return DataLoader(load)

    def _one(self, statement: Statement, convert: Callable[[Row], T]) -> DataLoader[str, T | None]:
        async def load(keys: list[str]) -> list[T | None]:
            rows = await self.store.read(statement, {"keys": _unique(keys)})
            found: dict[str, T] = {}
            for row in rows:
                if row["key"] not in found:
                    found[row["key"]] = convert(row)
            return [found.get(key) for key in keys]

        return DataLoader(load)

    def _count(self, statement: Statement) -> DataLoader[str, int]:
        async def load(keys: list[str]) -> list[int]:
            rows = await self.store.read(statement, {"keys": _unique(keys)})
            counts = {row["key"]: int(row["n"]) for row in rows}
            return [counts.get(key, 0) for key in keys]

        return DataLoader(load)

    def _pages(
        self,
        statement: Statement,
        convert: Callable[[Any], T],
        **extra: object,
    ) -> DataLoader[tuple[str, Window], Connection[T]]:
        async def load(keys: list[tuple[str, Window]]) -> list[Connection[T]]:
            by_window: dict[Window, list[str]] = defaultdict(list)
            for parent, window in keys:
                by_window[window].append(parent)
            pages: dict[tuple[str, Window], Connection[T]] = {}
            for window, parents in by_window.items():
                params = {"keys": _unique(parents), **window.as_params(), **extra}
                for row in await self.store.read(statement, params):
                    pages[(row["key"], window)] = connection(
                        [convert(item) for item in row["page"]],
                        lo=int(row["lo"]),
                        has_next=int(row["hi"]) < int(row["total"]),
                        total=int(row["total"]),
                    )
            empty: Connection[T] = connection([], lo=0, has_next=False, total=0)
            return [pages.get(key, empty) for key in keys]

        return DataLoader(load)

    # --- Customer -------------------------------------------------------------------

    @cached_property
    def identity_links_of_customer(self) -> DataLoader[str, list[IdentityLink]]:
        return self._many(
            ACCOUNTS_OF_CUSTOMERS,
            lambda row: IdentityLink.from_record(
                row["link"] or {}, Account.from_record(row["node"])
            ),
        )

    @cached_property
    def orders_of_customer(self) -> DataLoader[str, list[Order]]:
        return self._many(ORDERS_OF_CUSTOMERS, lambda row: Order.from_record(row["node"]))

    # --- Account --------------------------------------------------------------------

    @cached_property
    def customer_of_account(self) -> DataLoader[str, Customer | None]:
        return self._one(CUSTOMER_OF_ACCOUNTS, lambda row: Customer.from_record(row["node"]))

    @cached_property
    def communities_of_account(self) -> DataLoader[str, list[Community]]:
        return self._many(COMMUNITIES_OF_ACCOUNTS, lambda row: Community.from_record(row["node"]))

    @cached_property
    def posts_of_account(self) -> DataLoader[tuple[str, Window], Connection[Post]]:
        return self._pages(POSTS_OF_ACCOUNTS, Post.from_record)

    # --- Post -----------------------------------------------------------------------

    @cached_property
    def author_of_post(self) -> DataLoader[str, Account | None]:
        return self._one(AUTHOR_OF_POSTS, lambda row: Account.from_record(row["node"]))

    @cached_property
    def brands_of_post(self) -> DataLoader[str, list[BrandMention]]:
        return self._many(BRANDS_OF_POSTS, BrandMention.from_record)

    @cached_property
    def hashtags_of_post(self) -> DataLoader[str, list[Hashtag]]:
        return self._many(HASHTAGS_OF_POSTS, lambda row: Hashtag.from_record(row["node"]))

    @cached_property
    def mentions_of_post(self) -> DataLoader[str, list[Account]]:
        return self._many(MENTIONS_OF_POSTS, lambda row: Account.from_record(row["node"]))

    # --- Brand, Community, Hashtag, Order -----------------------------------------------

    @cached_property
    def communities_of_brand(self) -> DataLoader[str, list[Community]]:
        return self._many(COMMUNITIES_OF_BRANDS, lambda row: Community.from_record(row["node"]))

    @cached_property
    def mention_count_of_brand(self) -> DataLoader[str, int]:
        return self._count(MENTION_COUNTS_OF_BRANDS)

    @cached_property
    def brands_of_community(self) -> DataLoader[str, list[Brand]]:
        return self._many(BRANDS_OF_COMMUNITIES, lambda row: Brand.from_record(row["node"]))

    @cached_property
    def member_count_of_community(self) -> DataLoader[str, int]:
        return self._count(MEMBER_COUNTS_OF_COMMUNITIES)

    @cached_property
    def members_of_community(self) -> DataLoader[tuple[str, Window], Connection[Account]]:
        return self._pages(MEMBERS_OF_COMMUNITIES, Account.from_record)

    @cached_property
    def post_count_of_hashtag(self) -> DataLoader[str, int]:
        return self._count(POST_COUNTS_OF_HASHTAGS)

    @cached_property
    def customer_of_order(self) -> DataLoader[str, Customer | None]:
        return self._one(CUSTOMER_OF_ORDERS, lambda row: Customer.from_record(row["node"]))

    @cached_property
    def brands_of_order(self) -> DataLoader[str, list[Brand]]:
        return self._many(BRANDS_OF_ORDERS, lambda row: Brand.from_record(row["node"]))

    # --- analyses -------------------------------------------------------------------------

    @cached_property
    def person(self) -> DataLoader[str, Node | None]:
        """A Customer or Account by id (an analysis node; Customer when both exist)."""

        def convert(row: Row) -> Node | None:
            if row["customer"] is not None:
                return Customer.from_record(row["customer"])
            if row["account"] is not None:
                return Account.from_record(row["account"])
            return None

        return self._one(PEOPLE, convert)

    @cached_property
    def members_of_cluster(self) -> DataLoader[tuple[str, Window], Connection[Node]]:
        return self._pages(MEMBERS_OF_CLUSTERS, lambda item: NODE_TYPES[item[0]](item[1]))

    def clusters_of_run(self, min_size: int) -> DataLoader[tuple[str, Window], Connection[Cluster]]:
        loader = self._clusters_of_run.get(min_size)
        if loader is None:
            loader = self._clusters_of_run[min_size] = self._pages(
                CLUSTERS_OF_RUNS, Cluster.from_record, min_size=min_size
            )
        return loader

    @cached_property
    def clusters_of_customer(self) -> DataLoader[str, list[ClusterMembership]]:
        async def load(keys: list[str]) -> list[list[ClusterMembership]]:
            rows = await self.store.read(CLUSTERS_OF_CUSTOMERS, {"keys": _unique(keys)})
            found = {row["key"]: _latest_memberships(row["memberships"]) for row in rows}
            return [found.get(key, []) for key in keys]

        return DataLoader(load)

    @property
    def capital(self) -> DataLoader[tuple[str, str | None], SocialCapital | None]:
        """Social capital by (customer id, brand id or None), one computation per brand."""
        if self._capital is None:

            async def load(keys: list[tuple[str, str | None]]) -> list[SocialCapital | None]:
                version = await self.graph_version()
                found = {key: self.cache.get(version, ("capital", *key)) for key in keys}
                by_brand: dict[str | None, list[str]] = defaultdict(list)
                for (customer, brand), known in found.items():
                    if known is None:
                        by_brand[brand].append(customer)
                for brand, customers in by_brand.items():
                    for capital in await social_capital(
                        self.store, customer_ids=_unique(customers), brand=brand
                    ):
                        key = (capital.customer, brand)
                        found[key] = SocialCapital.from_record(capital.model_dump())
                        self.cache.put(version, ("capital", *key), found[key])
                return [found.get(key) for key in keys]

            self._capital = DataLoader(load)
        return self._capital


def _latest_memberships(rows: list[list[Any]]) -> list[ClusterMembership]:
    """Memberships in the newest run of each parameter set, newest first."""
    newest: dict[str, int] = {}
    for _, run, _ in rows:
        key = str(run.get("params_key") or run["id"])
        newest[key] = max(newest.get(key, 0), int(run.get("created_at") or 0))
    out = [
        ClusterMembership(
            cluster=Cluster.from_record(cluster),
            run=AnalysisRun.from_record(run),
            via=Account.from_record(account) if account else None,
        )
        for cluster, run, account in rows
        if int(run.get("created_at") or 0) == newest[str(run.get("params_key") or run["id"])]
    ]
    out.sort(
        key=lambda m: (
            -(m.run.created_at.timestamp() if m.run.created_at else 0),
            m.cluster.graph_id,
        )
    )
    return out


def _unique(keys: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(keys))
