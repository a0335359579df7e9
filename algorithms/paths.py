"""Advocacy paths: the strongest chains of influence from a brand's advocates (or one source)
to a customer or account, each hop with its evidence."""

from __future__ import annotations

import itertools
import math
import weakref
from collections import OrderedDict

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from algorithms import attention
from algorithms.attention import AttentionGraph, attention_graph
from algorithms.errors import BadParameter, UnknownBrand, UnknownTarget
from algorithms.evidence import HopEvidence, hop_evidence
from algorithms.influence import influence
from algorithms.projection import Level, Projection, project
from algorithms.projection_queries import read_brand_ids
from algorithms.yen import k_best_paths
from graph.cypher import Statement
from graph.store import GraphStore

__all__ = [
    "AdvocacyPath",
    "Hop",
    "HopEvidence",
    "PathParams",
    "PathsResult",
    "clear_cache",
    "find_advocacy_paths",
]

# What each id names: a Customer (with its accounts) and/or an Account; and
# whether the brand exists (one round trip for every check a search needs).
NODE_KINDS = Statement(
    "paths.node_kinds",
    "OPTIONAL MATCH (b:Brand {id: $brand}) "
    "WITH b IS NOT NULL AS brand "
    "UNWIND $ids AS id "
    "OPTIONAL MATCH (c:Customer {id: id}) "
    "OPTIONAL MATCH (a:Account {id: id}) "
    "OPTIONAL MATCH (c)-[:HAS_ACCOUNT]->(owned:Account) "
    "RETURN id, brand, c IS NOT NULL AS customer, a IS NOT NULL AS account, "
    "collect(DISTINCT owned.id) AS accounts",
)

_ADVOCATE_CACHE = 16


class PathParams(BaseModel):
    """What to search: to ``target`` from ``source``, or from the advocates of ``brand``.

    With neither ``source`` nor ``brand`` the advocates are those of any brand.
    The level (account or customer graph) follows the target: a Customer target
    is searched in the customer-level projection.  ``advocates`` caps how many
    advocates become sources; ``platform``/``since``/``until`` scope the
    engagement graph as for every analysis.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    target: str
    source: str | None = None
    brand: str | None = None
    k: int = 3
    max_hops: int = 5
    advocates: int = 20
    platform: str | None = None
    since: int | None = None
    until: int | None = None
    follows_weight: float = 0.2

    @model_validator(mode="after")
    def _check(self) -> PathParams:
        for name in ("k", "max_hops", "advocates"):
            value = getattr(self, name)
            if value < 1:
                raise BadParameter(name, f"must be 1 or more, not {value}")
        if self.source is not None and self.brand is not None:
            raise BadParameter("source", "give a source or a brand, not both")
        if self.source is not None and self.source == self.target:
            raise BadParameter("source", "the source is the target itself")
        if not self.follows_weight >= 0:
            raise BadParameter("follows_weight", f"must be 0 or more, not {self.follows_weight}")
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise BadParameter("since", "the window is empty: since must be before until")
        return self


class Hop(BaseModel):
    """``to`` is influenced by ``from`` with ``probability`` (to's share of attention on from)."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    probability: float
    evidence: HopEvidence


class AdvocacyPath(BaseModel):
    """Nodes from source to target; ``strength`` is the product of the hop probabilities."""

    strength: float
    nodes: list[str]
    hops: list[Hop]


class PathsResult(BaseModel):
    """The best paths, strongest first; ``reason`` says why there are none when empty."""

    target: str
    level: Level
    sources: list[str]
    k: int
    max_hops: int
    paths: list[AdvocacyPath]
    reason: str | None = None
    graph_version: int


async def find_advocacy_paths(store: GraphStore, params: PathParams) -> PathsResult:
    """The ``k`` strongest advocacy paths of at most ``max_hops`` hops to ``params.target``.

    Parameters
    ----------
    store : GraphStore
        The graph.
    params : PathParams
        Target, source or brand, ``k``, ``max_hops`` and the projection scope.

    Returns
    -------
    PathsResult
        Paths strongest first; empty with a ``reason`` when the target has no
        engagement, there are no sources, or no source reaches it in time.

    Raises
    ------
    BadParameter
        The source stands for nothing but the target (a customer source whose
        only account is the target); the parameters themselves are checked
        when :class:`PathParams` is built.
    UnknownTarget
        The target or source is neither a Customer nor an Account.
    UnknownBrand
        No Brand has the given id.

    Notes
    -----
    A hop v→u means u is influenced by v, with probability u's share of
    attention on v: ``p(v→u) = w(u→v) / Σ_x w(u→x)`` over the projection's
    engagement weights.  A path's strength is the product of its hop
    probabilities — the chance that u's attention, followed hop by hop, traces
    the path back to its source — so the best paths are the shortest under
    ``−log p``.  Sources are the brand's advocates (the nodes with positive
    advocacy, influence × brand sentiment, from
    :func:`algorithms.influence.influence` on the brand-scoped projection) or
    the given source, joined by a virtual super-source; Yen's algorithm
    (:func:`algorithms.yen.k_best_paths`) finds the k best simple paths.  Equal
    strengths rank fewer hops first, then by node ids from the target outwards.
    See ``docs/advocacy-paths.md``.
    """
    kinds = await _node_kinds(store, params)
    target_kind = kinds[params.target]
    level: Level = "customer" if target_kind.customer else "account"
    projection = await _project(store, params, level, brand=None)
    graph = attention_graph(projection)

    def empty(reason: str, sources: list[str] | None = None) -> PathsResult:
        return PathsResult(
            target=params.target,
            level=level,
            sources=sources or [],
            k=params.k,
            max_hops=params.max_hops,
            paths=[],
            reason=reason,
            graph_version=projection.version,
        )

    target = projection.index.get(params.target)
    if target is None:
        return empty(f"{params.target} has no engagement in the graph: nobody can reach it")
    if params.source is not None:
        sources = _source_nodes(graph, params.source, kinds[params.source])
        if not sources:
            return empty(f"source {params.source} has no engagement in the graph")
        if sources == [target]:
            raise BadParameter("source", "the source is the target itself")
    else:
        sources = await _advocates(store, graph, params)
        if not sources:
            brand = f"brand {params.brand}" if params.brand else "any brand"
            return empty(f"{brand} has no advocates (nobody influential speaks well of it)")
    sources = [s for s in sources if s != target]
    source_ids = [projection.ids[s] for s in sources]
    if not sources:
        return empty("the only source is the target itself", source_ids)
    goals = tuple(sorted(int(graph.search[s]) for s in sources))
    near = graph.near(goals, params.max_hops)
    found = k_best_paths(
        graph.graph,
        int(graph.search[target]),
        goals,
        k=params.k,
        max_hops=params.max_hops,
        hops_to_goal=near,
    )
    if not found:
        return empty(f"no source reaches {params.target} within {params.max_hops} hops", source_ids)
    node_paths = [[int(graph.node[j]) for j in p.nodes] for p in found]
    hops = [[_edge(graph, u, v) for u, v in itertools.pairwise(nodes)] for nodes in node_paths]
    evidence = await hop_evidence(store, graph, itertools.chain.from_iterable(hops))
    paths = [
        _path(graph, nodes, edges, evidence) for nodes, edges in zip(node_paths, hops, strict=True)
    ]
    return PathsResult(
        target=params.target,
        level=level,
        sources=source_ids,
        k=params.k,
        max_hops=params.max_hops,
        paths=paths,
        graph_version=projection.version,
    )


async def _project(
    store: GraphStore, params: PathParams, level: Level, *, brand: str | None
) -> Projection:
    return await project(
        store,
        level=level,
        brand=brand,
        platform=params.platform,
        since=params.since,
        until=params.until,
        follows_weight=params.follows_weight,
        detail=False,
    )


def clear_cache() -> None:
    """Forget the attention graphs and advocates kept between searches."""
    attention.clear_cache()
    _ADVOCATES.clear()


class _Kind:
    __slots__ = ("account", "accounts", "customer")

    def __init__(self, customer: bool, account: bool, accounts: list[str]) -> None:
        self.customer = customer
        self.account = account
        self.accounts = accounts


async def _node_kinds(store: GraphStore, params: PathParams) -> dict[str, _Kind]:
    roles = {params.target: "target"}
    if params.source is not None:
        roles[params.source] = "source"
    rows = await store.read(NODE_KINDS, {"ids": list(roles), "brand": params.brand})
    if params.brand is not None and not (rows and rows[0]["brand"]):
        brands = await read_brand_ids(store)
        raise UnknownBrand(params.brand, brands[:20])
    kinds = {
        str(row["id"]): _Kind(
            bool(row["customer"]), bool(row["account"]), sorted(map(str, row["accounts"] or []))
        )
        for row in rows
    }
    for node, role in roles.items():
        kind = kinds.get(node)
        if kind is None or not (kind.customer or kind.account):
            raise UnknownTarget(node, role)
    return kinds


def _source_nodes(graph: AttentionGraph, source: str, kind: _Kind) -> list[int]:
    """Projection nodes standing for the source: itself, its customer, or its accounts."""
    projection = graph.projection
    direct = projection.index.get(source)
    if direct is not None:
        return [direct]
    members = [source] if kind.account else kind.accounts
    found = {graph.node_of_account(account) for account in members}
    return sorted(node for node in found if node is not None)


_AdvocateKey = tuple[int, str, str | None, str | None, int | None, int | None, float, int]
_ADVOCATES: weakref.WeakKeyDictionary[GraphStore, OrderedDict[_AdvocateKey, list[str]]] = (
    weakref.WeakKeyDictionary()
)


async def _advocates(store: GraphStore, graph: AttentionGraph, params: PathParams) -> list[int]:
    """The top advocates of the brand (any brand without one), as projection nodes.

    Advocacy is influence × confident brand sentiment on the brand-scoped
    projection; the ``params.advocates`` best with positive advocacy are kept.
    """
    projection = graph.projection
    level = projection.params.level
    key: _AdvocateKey = (
        projection.version,
        level,
        params.brand,
        params.platform,
        params.since,
        params.until,
        params.follows_weight,
        params.advocates,
    )
    slot = _ADVOCATES.setdefault(store, OrderedDict())
    ids = slot.get(key)
    if ids is None:
        scoped = await _project(store, params, level, brand=params.brand)
        ids = _top_advocates(scoped, params.advocates)
        slot[key] = ids
        while len(slot) > _ADVOCATE_CACHE:
            slot.popitem(last=False)
    nodes = (projection.index.get(node_id) for node_id in ids)
    return [node for node in nodes if node is not None]


def _top_advocates(projection: Projection, limit: int) -> list[str]:
    if projection.node_count == 0:
        return []
    scores = influence(projection)
    advocacy, score, ids = scores.advocacy, scores.score, projection.ids
    # The influence run's order: advocacy, then influence, then id.
    ranked = sorted(
        np.flatnonzero(advocacy > 0).tolist(),
        key=lambda i: (-float(advocacy[i]), -float(score[i]), ids[i]),
    )
    return [ids[i] for i in ranked[:limit]]


def _edge(graph: AttentionGraph, influenced: int, influencer: int) -> int:
    """The projection edge influenced→influencer ("attends to") behind a hop."""
    slot = graph.graph.edge(int(graph.search[influenced]), int(graph.search[influencer]))
    return int(graph.graph.slot[slot])


def _path(
    graph: AttentionGraph,
    search_path: list[int],
    edges: list[int],
    evidence: dict[int, HopEvidence],
) -> AdvocacyPath:
    """Turn a search path (target first, along u→v edges) into source→target hops."""
    ids = graph.projection.ids
    hops = [
        Hop.model_validate(
            {
                "from": ids[influencer],
                "to": ids[influenced],
                "probability": float(graph.probability[edge]),
                "evidence": evidence[edge],
            }
        )
        for (influenced, influencer), edge in zip(
            itertools.pairwise(search_path), edges, strict=True
        )
    ]
    hops.reverse()
    return AdvocacyPath(
        strength=math.prod(hop.probability for hop in hops),
        nodes=[ids[node] for node in reversed(search_path)],
        hops=hops,
    )
