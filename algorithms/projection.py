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

import json
import weakref
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from algorithms import projection_queries as q
from algorithms.errors import BadParameter, UnknownBrand
from algorithms.projection_build import build
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
    ms of the latest interaction; read for brand- or window-scoped projections
    only, 0 otherwise — ENGAGED.last_at has it) and ``follows`` (u follows v);
    the interaction arrays are empty when ``detail`` is false.
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
    detail: bool = True
    # The engine's ref (internal id) of each account in the projection -> its node;
    # valid for this graph version, for reads that answer by ref.
    account_refs: dict[int, int] = field(default_factory=dict)
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
        """Interactions each node received, per type (``"replies"``, ``"likes"``, ...).

        Raises ``ValueError`` on a projection read without detail."""
        if not self.detail:
            raise ValueError("this projection was read without per-edge detail (detail=False)")
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

    def to_igraph(self, *, directed: bool = True, names: bool = True) -> igraph.Graph:
        """The projection as an igraph Graph: vertex ``i`` is ``ids[i]`` (attribute
        ``name``, unless ``names=False``), edge attribute ``weight``."""
        import igraph as ig

        if directed:
            src, dst, weight = self.src, self.dst, self.weight
        else:
            src, dst, weight = self.undirected
        # Pairs as tuples of Python ints: igraph reads these about three times
        # faster than the nested lists numpy's tolist() makes of a 2-D array.
        edges = list(zip(src.tolist(), dst.tolist(), strict=True))
        graph = ig.Graph(n=self.node_count, edges=edges, directed=directed)
        if names:
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
    detail: bool = True,
    cache: bool = True,
) -> Projection:
    """Read the engagement graph for these filters (cached per graph version and filters).

    ``detail=False`` skips the per-edge interaction counts and times of an
    unscoped projection (``interactions``, ``engaged_count`` and ``last_at`` are
    then empty and ``detail`` is false), which halves the read; brand- or
    window-scoped projections always carry them.

    Raises :class:`~algorithms.errors.UnknownBrand` for a brand id not in the graph
    and :class:`~algorithms.errors.BadParameter` for an unknown level, a negative
    ``follows_weight`` or an empty window.  A graph with nothing matching gives an
    empty projection (no nodes), not an error.
    """
    params = _check(level, brand, platform, since, until, follows_weight)
    version = await graph_version(store)
    slot = _CACHE.setdefault(store, OrderedDict())
    # A projection with detail serves a request without it.
    for key in ((version, params, True), (version, params, detail)):
        if cache and key in slot:
            slot.move_to_end(key)
            return slot[key]
    if params.brand is not None:
        brands = await q.read_brand_ids(store)
        if params.brand not in brands:
            raise UnknownBrand(params.brand, brands[:20])
    fields = await build(
        store,
        level=params.level,
        brand=params.brand,
        platform=params.platform,
        since=params.since,
        until=params.until,
        follows_weight=params.follows_weight,
        detail=detail,
    )
    projection = Projection(**fields, version=version, params=params)
    if cache:
        slot[(version, params, projection.detail)] = projection
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
_CACHE: weakref.WeakKeyDictionary[
    GraphStore, OrderedDict[tuple[int, ProjectionParams, bool], Projection]
]
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
