"""Projection: the engagement graph an analysis needs, read once into compact numpy arrays.

A :class:`Projection` is a directed, weighted graph over accounts (or over
customers, with each customer's accounts folded together through HAS_ACCOUNT).
An edge u→v means "u engaged with v's content or follows v"; its weight is the
engagement weight (ENGAGED.weight, or the same weighting of the raw
interactions when the projection is brand- or window-scoped) plus
``follows_weight`` times the follow's own weight (1 unless a weighted network
set it) when u follows v.  Projections are cached per store, graph
version and parameters, so repeated analyses on an unchanged graph skip the read.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from algorithms import projection_queries as q
from algorithms.errors import BadParameter, UnknownBrand
from graph.store import GraphStore
from graph.version import graph_version

if TYPE_CHECKING:
    import igraph
    import networkx

__all__ = [
    "ENGAGEMENT_COLUMNS",
    "ENGAGEMENT_WEIGHTS",
    "Level",
    "Projection",
    "ProjectionParams",
    "clear_cache",
    "project",
]

ENGAGEMENT_COLUMNS = q.ENGAGEMENT_COLUMNS
ENGAGEMENT_WEIGHTS = q.ENGAGEMENT_WEIGHTS

Level = Literal["account", "customer"]
IntArray = npt.NDArray[np.int32]
LongArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_CACHE_SIZE = 4


@dataclass(frozen=True, slots=True)
class ProjectionParams:
    """What a projection was built from; ``key()`` is its canonical JSON."""

    level: Level = "account"
    brand: str | None = None
    platform: str | None = None
    since: int | None = None
    until: int | None = None
    follows_weight: float = 0.2

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@dataclass(frozen=True, eq=False)
class Projection:
    """A directed weighted graph in parallel arrays, with the node facts analyses need.

    ``ids`` are sorted (so node numbering, and any seeded algorithm run on it, is
    reproducible).  Edges are unique (src, dst) pairs sorted by src then dst,
    without self-loops.
    Per-edge: ``weight``, ``engaged_count`` (interactions), ``interactions``
    (counts per type: replies, shares, quotes, likes, mentions), ``last_at`` (epoch
    ms of the latest interaction, 0 when unknown) and ``follows`` (u follows v).
    Per-node: ``kinds`` ("account" or "customer"), ``accounts`` (the node's
    accounts), ``platforms``, ``followers`` (summed over accounts), ``sentiment``
    (mean sentiment of the node's posts about the brand — about any brand when the
    projection has none — NaN when none is rated), ``sentiment_posts`` (rated
    posts) and ``brand_posts`` (posts about the brand).
    """

    ids: list[str]
    index: dict[str, int]
    src: IntArray
    dst: IntArray
    weight: FloatArray
    engaged_count: LongArray
    interactions: dict[str, LongArray]
    last_at: LongArray
    follows: BoolArray
    kinds: list[str]
    accounts: list[tuple[str, ...]]
    platforms: list[tuple[str, ...]]
    followers: LongArray
    sentiment: FloatArray
    sentiment_posts: LongArray
    brand_posts: LongArray
    version: int
    params: ProjectionParams
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def node_count(self) -> int:
        return len(self.ids)

    @property
    def edge_count(self) -> int:
        return int(self.src.shape[0])

    @classmethod
    def from_networkx(cls, graph: networkx.Graph, *, weight: str = "weight") -> Projection:
        """A projection of an in-memory networkx graph (undirected edges go both ways),
        for the reference path and tests; node facts come from node attributes
        ``followers``, ``platform`` and ``sentiment`` where present."""
        ids = sorted(str(node) for node in graph.nodes)
        index = {node: i for i, node in enumerate(ids)}
        pairs: dict[tuple[int, int], float] = {}
        for u, v, data in graph.edges(data=True):
            ends = [(index[str(u)], index[str(v)])]
            if not graph.is_directed():
                ends.append(ends[0][::-1])
            for a, b in ends:
                if a != b:
                    pairs[(a, b)] = pairs.get((a, b), 0.0) + float(data.get(weight, 1.0))
        keys = sorted(pairs)
        m, n = len(keys), len(ids)
        attrs = [graph.nodes[node] for node in sorted(graph.nodes, key=str)]
        sentiment = np.array(
            [float(a["sentiment"]) if a.get("sentiment") is not None else np.nan for a in attrs]
        ).reshape(n)
        return cls(
            ids=ids,
            index=index,
            src=np.array([k[0] for k in keys], dtype=np.int32),
            dst=np.array([k[1] for k in keys], dtype=np.int32),
            weight=np.array([pairs[k] for k in keys], dtype=np.float64),
            engaged_count=np.zeros(m, dtype=np.int64),
            interactions={c: np.zeros(m, dtype=np.int64) for c in ENGAGEMENT_COLUMNS},
            last_at=np.zeros(m, dtype=np.int64),
            follows=np.zeros(m, dtype=np.bool_),
            kinds=["account"] * n,
            accounts=[(node,) for node in ids],
            platforms=[(str(a["platform"]),) if a.get("platform") else () for a in attrs],
            followers=np.array([int(a.get("followers", 0)) for a in attrs], dtype=np.int64),
            sentiment=sentiment,
            sentiment_posts=(~np.isnan(sentiment)).astype(np.int64),
            brand_posts=(~np.isnan(sentiment)).astype(np.int64),
            version=0,
            params=ProjectionParams(),
        )

    def received(self, column: str) -> LongArray:
        """Interactions of one type (``"likes"``, ...) each node received."""
        return self.received_counts[column]

    @cached_property
    def received_counts(self) -> dict[str, LongArray]:
        """Interactions each node received, per type (``"replies"``, ``"likes"``, ...)."""
        return {
            column: np.bincount(
                self.dst, weights=self.interactions[column], minlength=self.node_count
            ).astype(np.int64)
            for column in ENGAGEMENT_COLUMNS
        }

    @cached_property
    def undirected(self) -> tuple[IntArray, IntArray, FloatArray]:
        """Edges {a, b} with a < b, weights of u→v and v→u summed."""
        n = self.node_count
        low = np.minimum(self.src, self.dst).astype(np.int64)
        high = np.maximum(self.src, self.dst).astype(np.int64)
        pair, inverse = np.unique(low * n + high, return_inverse=True)
        weight = np.bincount(inverse, weights=self.weight, minlength=pair.shape[0]).astype(
            np.float64
        )
        return (pair // n).astype(np.int32), (pair % n).astype(np.int32), weight

    def to_networkx(self, *, directed: bool = True) -> networkx.Graph:
        """The projection as a networkx (Di)Graph on node ids, edge attribute ``weight``."""
        import networkx as nx

        graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
        graph.add_nodes_from(self.ids)
        ids = self.ids
        if directed:
            src, dst, weight = self.src, self.dst, self.weight
        else:
            src, dst, weight = self.undirected
        graph.add_weighted_edges_from(
            (ids[a], ids[b], w)
            for a, b, w in zip(src.tolist(), dst.tolist(), weight.tolist(), strict=True)
        )
        return graph

    def to_igraph(self, *, directed: bool = True) -> igraph.Graph:
        """The projection as an igraph Graph: vertex ``i`` is ``ids[i]`` (attribute
        ``name``), edge attribute ``weight``."""
        import igraph as ig

        if directed:
            src, dst, weight = self.src, self.dst, self.weight
        else:
            src, dst, weight = self.undirected
        edges = np.column_stack((src, dst)).tolist()
        graph = ig.Graph(n=self.node_count, edges=edges, directed=directed)
        graph.vs["name"] = self.ids
        graph.es["weight"] = weight.tolist()
        return graph


async def project(
    store: GraphStore,
    *,
    level: Level = "account",
    brand: str | None = None,
    platform: str | None = None,
    since: int | None = None,
    until: int | None = None,
    follows_weight: float = 0.2,
    cache: bool = True,
) -> Projection:
    """Read the engagement graph for these filters (cached per graph version and filters).

    Raises :class:`~algorithms.errors.UnknownBrand` for a brand id not in the graph
    and :class:`~algorithms.errors.BadParameter` for an unknown level, a negative
    ``follows_weight`` or an empty window.  A graph with nothing matching gives an
    empty projection (no nodes), not an error.
    """
    params = _check(level, brand, platform, since, until, follows_weight)
    version = await graph_version(store)
    slot = _CACHE.setdefault(store, OrderedDict())
    key = (version, params)
    if cache and key in slot:
        slot.move_to_end(key)
        return slot[key]
    if brand is not None:
        brands = await q.read_brand_ids(store)
        if brand not in brands:
            raise UnknownBrand(brand, brands[:20])
    projection = await _build(store, params, version)
    if cache:
        slot[key] = projection
        while len(slot) > _CACHE_SIZE:
            slot.popitem(last=False)
    return projection


def clear_cache(store: GraphStore | None = None) -> None:
    """Forget cached projections (of one store, or all)."""
    if store is None:
        _CACHE.clear()
    else:
        _CACHE.pop(store, None)


# Keyed weakly by store: a closed and dropped store takes its projections with it.
_CACHE: weakref.WeakKeyDictionary[GraphStore, OrderedDict[tuple[int, ProjectionParams], Projection]]
_CACHE = weakref.WeakKeyDictionary()


def _check(
    level: str,
    brand: str | None,
    platform: str | None,
    since: int | None,
    until: int | None,
    follows_weight: float,
) -> ProjectionParams:
    if level not in ("account", "customer"):
        raise BadParameter("level", f"must be 'account' or 'customer', not {level!r}")
    if not follows_weight >= 0.0:
        raise BadParameter("follows_weight", f"must be 0 or more, not {follows_weight!r}")
    if since is not None and until is not None and since >= until:
        raise BadParameter("since", f"the window is empty: since {since} is not before {until}")
    return ProjectionParams(
        level=level,  # type: ignore[arg-type]
        brand=brand or None,
        platform=platform.lower() if platform else None,
        since=since,
        until=until,
        follows_weight=float(follows_weight),
    )


async def _build(store: GraphStore, params: ProjectionParams, version: int) -> Projection:
    loop = asyncio.get_running_loop()
    started = loop.time()
    scoped = params.brand is not None or params.since is not None or params.until is not None
    engagement_read = (
        q.read_interactions(
            store,
            brand=params.brand,
            platform=params.platform,
            since=params.since,
            until=params.until,
        )
        if scoped
        else q.read_engaged(store, platform=params.platform)
    )
    follows_read = (
        q.read_follows(store, platform=params.platform, until=params.until)
        if params.follows_weight > 0
        else _no_follows()
    )
    identities_read = q.read_identities(store) if params.level == "customer" else _no_identities()
    accounts, edges, follow_rows, sentiment, identities = await asyncio.gather(
        q.read_accounts(store, platform=params.platform),
        engagement_read,
        follows_read,
        q.read_sentiment(
            store,
            brand=params.brand,
            platform=params.platform,
            since=params.since,
            until=params.until,
        ),
        identities_read,
    )
    read_done = loop.time()
    projection = _assemble(params, version, accounts, edges, follow_rows, sentiment, identities)
    projection.timings.update(
        read_s=round(read_done - started, 4), assemble_s=round(loop.time() - read_done, 4)
    )
    return projection


async def _no_follows() -> q.EdgeRows:
    return q.EdgeRows()


async def _no_identities() -> dict[str, str]:
    return {}


def _assemble(
    params: ProjectionParams,
    version: int,
    accounts: q.AccountRows,
    edges: q.EdgeRows,
    follow_rows: q.EdgeRows,
    sentiment: q.SentimentRows,
    identities: dict[str, str],
) -> Projection:
    # Fold accounts into nodes: at customer level an account with a customer
    # becomes that customer; everything else stays itself.
    def fold(account: str) -> str:
        return identities.get(account, account)

    known = set(accounts.ids)

    def inside(rows: q.EdgeRows) -> list[int]:
        return [
            i
            for i, (u, v) in enumerate(zip(rows.u, rows.v, strict=True))
            if u in known and v in known
        ]

    e_rows, f_rows = inside(edges), inside(follow_rows)
    # Nodes: every endpoint of an engagement; with a brand, also every author of
    # a post about it.  Follows add nodes only when the projection is not about a
    # brand — otherwise they only connect people already in its conversation.
    keys = {fold(edges.u[i]) for i in e_rows} | {fold(edges.v[i]) for i in e_rows}
    if params.brand is not None:
        keys.update(
            fold(a) for a, p in zip(sentiment.ids, sentiment.posts, strict=True) if p and a in known
        )
        f_rows = [
            i for i in f_rows if fold(follow_rows.u[i]) in keys and fold(follow_rows.v[i]) in keys
        ]
    else:
        keys.update(fold(follow_rows.u[i]) for i in f_rows)
        keys.update(fold(follow_rows.v[i]) for i in f_rows)
    # Sorted ids make node numbering (and so seeded algorithms) reproducible.
    ids = sorted(keys)
    index = {key: i for i, key in enumerate(ids)}
    n = len(ids)

    def numbered(column: list[str], rows: list[int]) -> LongArray:
        return np.fromiter((index[fold(column[i])] for i in rows), dtype=np.int64, count=len(rows))

    def picked(values: list[float] | list[int], rows: list[int], dtype: type) -> npt.NDArray[Any]:
        return np.asarray(values, dtype=dtype)[np.asarray(rows, dtype=np.int64)]

    n_e, n_f = len(e_rows), len(f_rows)
    all_src = np.concatenate((numbered(edges.u, e_rows), numbered(follow_rows.u, f_rows)))
    all_dst = np.concatenate((numbered(edges.v, e_rows), numbered(follow_rows.v, f_rows)))
    # Folding can turn an edge into a self-loop (a customer engaging with
    # their own other account); those carry no influence and are dropped.
    keep = all_src != all_dst
    unique_keys, inverse = np.unique((all_src * max(n, 1) + all_dst)[keep], return_inverse=True)
    m = unique_keys.shape[0]

    def summed(engaged: npt.NDArray[Any], followed: npt.NDArray[Any]) -> FloatArray:
        values = np.concatenate((engaged, followed)).astype(np.float64)[keep]
        return np.bincount(inverse, weights=values, minlength=m).astype(np.float64)

    no_follows = np.zeros(n_f)
    weight = summed(
        picked(edges.weight, e_rows, np.float64),
        params.follows_weight * picked(follow_rows.weight, f_rows, np.float64),
    )
    follows = summed(np.zeros(n_e), np.ones(n_f)) > 0
    interactions: dict[str, LongArray] = {}
    for column in ENGAGEMENT_COLUMNS:
        counts = summed(picked(edges.counts[column], e_rows, np.int64), no_follows)
        interactions[column] = counts.astype(np.int64)
    engaged_count = np.zeros(m, dtype=np.int64)
    for counts_of_type in interactions.values():
        engaged_count += counts_of_type
    last_at = np.zeros(m, dtype=np.int64)
    np.maximum.at(
        last_at,
        inverse,
        np.concatenate((picked(edges.last_at, e_rows, np.int64), np.zeros(n_f, np.int64)))[keep],
    )

    # Node facts, summed over each node's accounts.
    members: list[list[str]] = [[] for _ in range(n)]
    followers = np.zeros(n, dtype=np.int64)
    platform_sets: list[set[str]] = [set() for _ in range(n)]
    account_node: dict[str, int] = {}
    for account, platform, count in zip(
        accounts.ids, accounts.platforms, accounts.followers, strict=True
    ):
        node = index.get(fold(account))
        if node is None:
            continue
        account_node[account] = node
        members[node].append(account)
        followers[node] += count
        if platform:
            platform_sets[node].add(platform)
    total = np.zeros(n, dtype=np.float64)
    rated = np.zeros(n, dtype=np.int64)
    posts = np.zeros(n, dtype=np.int64)
    for account, t, r, p in zip(
        sentiment.ids, sentiment.total, sentiment.rated, sentiment.posts, strict=True
    ):
        node = account_node.get(account)
        if node is not None:
            total[node] += t
            rated[node] += r
            posts[node] += p
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_sentiment = np.where(rated > 0, total / np.maximum(rated, 1), np.nan)

    customers = set(identities.values())
    return Projection(
        ids=ids,
        index=index,
        src=(unique_keys // max(n, 1)).astype(np.int32),
        dst=(unique_keys % max(n, 1)).astype(np.int32),
        weight=weight,
        engaged_count=engaged_count,
        interactions=interactions,
        last_at=last_at,
        follows=follows,
        kinds=["customer" if node_id in customers else "account" for node_id in ids],
        accounts=[tuple(sorted(m_)) for m_ in members],
        platforms=[tuple(sorted(s)) for s in platform_sets],
        followers=followers,
        sentiment=mean_sentiment,
        sentiment_posts=rated,
        brand_posts=posts,
        version=version,
        params=params,
    )
