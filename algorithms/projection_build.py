"""Building a projection: its reads in parallel, then folding and aggregating them with numpy.

Rows arrive keyed by the engine's node refs.  Accounts map to *groups* (an
account stands for itself, or, at customer level, for its customer); groups in
scope become the projection's nodes, numbered in the order of their ids.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import numpy as np
import numpy.typing as npt

from algorithms import projection_queries as q

__all__ = ["build"]

LongArray = npt.NDArray[np.int64]


async def build(
    store: Any,
    *,
    level: str,
    brand: str | None,
    platform: str | None,
    since: int | None,
    until: int | None,
    follows_weight: float,
    detail: bool,
) -> dict[str, Any]:
    """Read and assemble a projection; returns the :class:`Projection` fields that vary."""
    started = time.perf_counter()
    scoped = brand is not None or since is not None or until is not None
    engagement = (
        q.read_interactions(store, brand=brand, platform=platform, since=since, until=until)
        if scoped
        else q.read_engaged(store, platform=platform, detail=detail)
    )
    follows = (
        q.read_follows(store, platform=platform, until=until)
        if follows_weight > 0
        else _nothing(q.EdgeTable.empty(detail=False))
    )
    identities = q.read_identities(store) if level == "customer" else _nothing({})
    accounts, edges, follow_edges, sentiment, customer_of = await asyncio.gather(
        q.read_accounts(store, platform=platform),
        engagement,
        follows,
        q.read_sentiment(store, brand=brand, platform=platform, since=since, until=until),
        identities,
    )
    read = time.perf_counter()
    fields = assemble(
        accounts,
        edges,
        follow_edges,
        sentiment,
        customer_of,
        follows_weight=follows_weight,
        brand_scoped=brand is not None,
    )
    fields["timings"] = {
        "read_s": round(read - started, 4),
        "assemble_s": round(time.perf_counter() - read, 4),
    }
    return fields


async def _nothing(value: Any) -> Any:
    return value


def assemble(
    accounts: q.AccountTable,
    edges: q.EdgeTable,
    follows: q.EdgeTable,
    sentiment: q.SentimentTable,
    customer_of: dict[int, str],
    *,
    follows_weight: float,
    brand_scoped: bool,
) -> dict[str, Any]:
    """Fold account-level tables into projection fields (see :class:`Projection`)."""
    n_accounts = len(accounts.ids)
    lookup = _RefLookup(accounts.refs)
    # Groups: account i is group i, customer j is group n_accounts + j.
    customers = sorted(set(customer_of.values()))
    group = np.arange(n_accounts, dtype=np.int64)
    if customer_of:
        customer_index = {c: n_accounts + j for j, c in enumerate(customers)}
        for i, ref in enumerate(accounts.refs.tolist()):
            customer = customer_of.get(ref)
            if customer is not None:
                group[i] = customer_index[customer]
    names = accounts.ids + customers

    e_src, e_dst, e_rows = lookup.pairs(edges.src, edges.dst)
    f_src, f_dst, f_rows = lookup.pairs(follows.src, follows.dst)
    e_src, e_dst, f_src, f_dst = group[e_src], group[e_dst], group[f_src], group[f_dst]
    # Nodes: every endpoint of an engagement; with a brand, also every author of a
    # post about it.  Follows add nodes only when the projection is not about a
    # brand — otherwise they only connect people already in its conversation.
    in_scope = np.zeros(len(names), dtype=np.bool_)
    in_scope[e_src] = True
    in_scope[e_dst] = True
    if brand_scoped:
        authors, found = lookup.index(sentiment.refs[sentiment.posts > 0])
        in_scope[group[authors[found]]] = True
        kept = in_scope[f_src] & in_scope[f_dst]
        f_src, f_dst, f_rows = f_src[kept], f_dst[kept], f_rows[kept]
    else:
        in_scope[f_src] = True
        in_scope[f_dst] = True
    groups = np.flatnonzero(in_scope)
    # Sorted ids make node numbering (and so seeded algorithms) reproducible.
    by_name = sorted(range(len(groups)), key=lambda i: names[groups[i]])
    node_of = np.full(len(names), -1, dtype=np.int64)
    node_of[groups[by_name]] = np.arange(len(groups))
    ids = [names[groups[i]] for i in by_name]
    n = len(ids)

    fields: dict[str, Any] = {"ids": ids, "index": {node: i for i, node in enumerate(ids)}}
    fields.update(
        _edges(
            n,
            node_of[e_src],
            node_of[e_dst],
            node_of[f_src],
            node_of[f_dst],
            edges,
            e_rows,
            follows.weight[f_rows] * follows_weight,
        )
    )
    fields.update(_nodes(n, node_of[group], accounts, sentiment, lookup))
    fields["kinds"] = [
        "customer" if g >= n_accounts else "account" for g in groups[by_name].tolist()
    ]
    return fields


class _RefLookup:
    """Engine refs → account row numbers: a direct table when refs are small
    integers (FalkorDB's ids are dense), else a binary search."""

    _DIRECT_LIMIT = 64_000_000

    def __init__(self, refs: LongArray) -> None:
        self.size = refs.size
        top = int(refs.max()) if refs.size else -1
        self.table: LongArray | None = None
        if refs.size and int(refs.min()) >= 0 and top < self._DIRECT_LIMIT:
            self.table = np.full(top + 1, -1, dtype=np.int64)
            self.table[refs] = np.arange(refs.size)
        self.order = np.argsort(refs, kind="stable")
        self.sorted = refs[self.order]

    def index(self, refs: LongArray) -> tuple[LongArray, npt.NDArray[np.bool_]]:
        if self.size == 0:
            return np.zeros(refs.shape, dtype=np.int64), np.zeros(refs.shape, dtype=np.bool_)
        if self.table is not None:
            inside = (refs >= 0) & (refs < self.table.size)
            rows = np.where(inside, self.table[np.where(inside, refs, 0)], -1)
            return np.maximum(rows, 0), rows >= 0
        pos = np.minimum(np.searchsorted(self.sorted, refs), self.sorted.size - 1)
        return self.order[pos], self.sorted[pos] == refs

    def pairs(self, src: LongArray, dst: LongArray) -> tuple[LongArray, LongArray, LongArray]:
        """Row numbers of both ends and the kept edge rows (both ends are accounts in scope)."""
        s, s_ok = self.index(src)
        d, d_ok = self.index(dst)
        rows = np.flatnonzero(s_ok & d_ok)
        return s[rows], d[rows], rows


def _edges(
    n: int,
    e_src: LongArray,
    e_dst: LongArray,
    f_src: LongArray,
    f_dst: LongArray,
    edges: q.EdgeTable,
    e_rows: LongArray,
    follow_weight: npt.NDArray[np.float64],
) -> dict[str, Any]:
    src = np.concatenate((e_src, f_src))
    dst = np.concatenate((e_dst, f_dst))
    # Folding can turn an edge into a self-loop (a customer engaging with their
    # own other account); those carry no influence and are dropped.
    keep = src != dst
    pairs, inverse = np.unique((src * max(n, 1) + dst)[keep], return_inverse=True)
    m = pairs.shape[0]
    n_engaged = e_src.shape[0]

    def summed(engaged: npt.NDArray[Any], followed: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        values = np.concatenate((engaged, followed)).astype(np.float64)[keep]
        return np.bincount(inverse, weights=values, minlength=m).astype(np.float64)

    no_follows = np.zeros(f_src.shape[0])
    out: dict[str, Any] = {
        "src": (pairs // max(n, 1)).astype(np.int32),
        "dst": (pairs % max(n, 1)).astype(np.int32),
        "weight": summed(edges.weight[e_rows], follow_weight),
        "follows": summed(np.zeros(n_engaged), np.ones(f_src.shape[0])) > 0,
        "detail": edges.counts is not None,
    }
    if edges.counts is None or edges.last_at is None:
        out["interactions"] = {c: np.zeros(0, dtype=np.int64) for c in q.ENGAGEMENT_COLUMNS}
        out["engaged_count"] = np.zeros(0, dtype=np.int64)
        out["last_at"] = np.zeros(0, dtype=np.int64)
        return out
    counts = edges.counts[e_rows]
    out["interactions"] = {
        c: summed(counts[:, i], no_follows).astype(np.int64)
        for i, c in enumerate(q.ENGAGEMENT_COLUMNS)
    }
    out["engaged_count"] = summed(counts.sum(axis=1), no_follows).astype(np.int64)
    last_at = np.zeros(m, dtype=np.int64)
    times = np.concatenate((edges.last_at[e_rows], np.zeros(f_src.shape[0], dtype=np.int64)))
    np.maximum.at(last_at, inverse, times[keep])
    out["last_at"] = last_at
    return out


def _nodes(
    n: int,
    account_node: LongArray,
    accounts: q.AccountTable,
    sentiment: q.SentimentTable,
    lookup: _RefLookup,
) -> dict[str, Any]:
    """Per-node facts summed over each node's accounts."""
    inside = np.flatnonzero(account_node >= 0)
    # Each node's accounts, in id order: sort the accounts in scope by node.
    by_node = inside[np.argsort(account_node[inside], kind="stable")]
    starts = np.searchsorted(account_node[by_node], np.arange(n + 1))
    ids, names = accounts.ids, accounts.platforms
    members: list[tuple[str, ...]] = []
    platforms: list[tuple[str, ...]] = []
    for start, end in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True):
        if end - start == 1:
            i = int(by_node[start])
            members.append((ids[i],))
            platforms.append((names[i],) if names[i] else ())
        else:
            rows = by_node[start:end].tolist()
            members.append(tuple(sorted(ids[i] for i in rows)))
            platforms.append(tuple(sorted({names[i] for i in rows if names[i]})))
    followers = np.bincount(
        account_node[inside], weights=accounts.followers[inside], minlength=n
    ).astype(np.int64)
    rows, found = lookup.index(sentiment.refs)
    node = np.where(found, account_node[rows], -1)
    ok = node >= 0

    def per_node(values: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        return np.bincount(node[ok], weights=values[ok], minlength=n).astype(np.float64)

    total, rated, posts = (
        per_node(sentiment.total),
        per_node(sentiment.rated),
        per_node(sentiment.posts),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(rated > 0, total / np.maximum(rated, 1), np.nan)
    return {
        "account_refs": dict(
            zip(accounts.refs[inside].tolist(), account_node[inside].tolist(), strict=True)
        ),
        "accounts": members,
        "platforms": platforms,
        "followers": followers,
        "sentiment": mean,
        "sentiment_posts": rated.astype(np.int64),
        "brand_posts": posts.astype(np.int64),
    }
