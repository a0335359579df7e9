"""Cluster bookkeeping: ids that stay stable across runs, and per-cluster summaries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from algorithms.communities import Partition
from algorithms.projection import FloatArray, Projection

__all__ = ["ClusterFacts", "stable_cluster_ids", "summarize_clusters"]


@dataclass(frozen=True, slots=True)
class ClusterFacts:
    """What a community team wants to know about one cluster (node indices, not ids)."""

    members: list[int]
    leaders: list[int]
    density: float
    sentiment: float | None
    sentiment_posts: int
    channels: dict[str, int]
    hashtags: list[tuple[str, int]]


def stable_cluster_ids(
    clusters: Sequence[Collection[str]],
    previous: Mapping[str, Collection[str]],
    *,
    next_number: int = 1,
) -> tuple[list[str], int]:
    """Name clusters so a cluster that kept most of its members keeps its id.

    Parameters
    ----------
    clusters : sequence of collections of str
        Members of each new cluster.
    previous : mapping of str to collections of str
        Id → members of each cluster of the previous run (empty for a first run).
    next_number : int, optional
        The next unused number; new ids are ``"c<number>"``.

    Returns
    -------
    (list of str, int)
        The id of each new cluster, and the next unused number afterwards.

    Notes
    -----
    A new cluster inherits the id of a previous cluster when it holds more
    than half of that cluster's members.  More than half can sit in only one
    new cluster, so no id is handed out twice; when a new cluster holds the
    majority of several previous ones (a merge), it keeps the id of the one
    it shares most members with and the others' ids retire.  Ids are never
    reused, so an id always means the same lineage of members.
    """
    owner = {member: key for key, members in previous.items() for member in members}
    claims: list[tuple[int, int, str]] = []
    for i, members in enumerate(clusters):
        shared = Counter(owner[m] for m in members if m in owner)
        for key, count in shared.items():
            if 2 * count > len(previous[key]):
                claims.append((count, i, key))
    names: list[str | None] = [None] * len(clusters)
    for _, i, key in sorted(claims, key=lambda c: (-c[0], c[1], c[2])):
        if names[i] is None:
            names[i] = key
    out: list[str] = []
    for name in names:
        if name is None:
            name = f"c{next_number}"
            next_number += 1
        out.append(name)
    return out, next_number


def summarize_clusters(
    projection: Projection,
    partition: Partition,
    scores: FloatArray,
    *,
    leaders: int = 5,
    hashtags: Mapping[int, Mapping[str, int]] | None = None,
    top_hashtags: int = 5,
) -> list[ClusterFacts]:
    """Size, leaders, density, sentiment, channel mix and hashtags of each cluster.

    ``scores`` ranks members for leadership (influence, aligned with the
    projection); ``hashtags`` maps a node index to its hashtag counts.
    Density is the share of member pairs joined by an edge (either
    direction); a one-member cluster has density 0.  Sentiment is the mean
    over the members' rated posts about the brand, ``None`` when none is rated.
    """
    membership = partition.membership
    src, dst, _ = projection.undirected
    same = membership[src] == membership[dst]
    internal_edges = np.bincount(membership[src[same]], minlength=partition.cluster_count)
    rated = projection.sentiment_posts
    sentiment_total = np.nan_to_num(projection.sentiment, nan=0.0) * rated
    out: list[ClusterFacts] = []
    for cluster, members in enumerate(partition.clusters()):
        size = len(members)
        pairs = size * (size - 1) / 2
        ranked = sorted(members, key=lambda node: (-scores[node], node))[:leaders]
        channels: Counter[str] = Counter()
        tags: Counter[str] = Counter()
        for node in members:
            channels.update(projection.platforms[node])
            if hashtags is not None and node in hashtags:
                tags.update(hashtags[node])
        n_rated = int(rated[members].sum())
        out.append(
            ClusterFacts(
                members=members,
                leaders=ranked,
                density=float(internal_edges[cluster] / pairs) if pairs else 0.0,
                sentiment=float(sentiment_total[members].sum() / n_rated) if n_rated else None,
                sentiment_posts=n_rated,
                channels=dict(sorted(channels.items(), key=lambda kv: (-kv[1], kv[0]))),
                hashtags=sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:top_hashtags],
            )
        )
    return out
