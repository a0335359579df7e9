"""Evidence of advocacy hops: what the influenced person did toward the influencer.

Read for the hops of the returned paths only.  A projection read with per-edge
detail already holds it; otherwise one statement fetches the ENGAGED edges
between the accounts behind each hop (a customer-level node stands for all its
accounts) and sums them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from pydantic import BaseModel

from algorithms.attention import AttentionGraph
from algorithms.projection import ENGAGEMENT_COLUMNS
from graph.cypher import Statement
from graph.store import GraphStore

__all__ = ["HopEvidence", "hop_evidence"]

HOP_ENGAGED = Statement(
    "paths.hop_engaged",
    "UNWIND $pairs AS pair "
    "MATCH (u:Account {id: pair.u})-[e:ENGAGED]->(v:Account {id: pair.v}) "
    "RETURN pair.u AS u, pair.v AS v, e.replies AS replies, e.shares AS shares, "
    "e.quotes AS quotes, e.likes AS likes, e.mentions AS mentions, e.count AS count, "
    "e.last_at AS last_at",
)


class HopEvidence(BaseModel):
    """Why a hop v→u holds: u's interactions with v's content, by type, and their recency.

    ``weight`` is u's engagement weight on v (``follows`` adds the follow
    weight), ``attention`` u's engagement weight on everyone; their ratio is the
    hop's probability.  ``last_contact`` is epoch ms, ``None`` when unknown.
    """

    replies: int
    shares: int
    quotes: int
    likes: int
    mentions: int
    interactions: int
    follows: bool
    weight: float
    attention: float
    last_contact: int | None


async def hop_evidence(
    store: GraphStore, graph: AttentionGraph, edges: Iterable[int]
) -> dict[int, HopEvidence]:
    """Evidence for each projection edge u→v given (u influenced by v), keyed by edge number."""
    projection = graph.projection
    wanted = sorted(set(edges))
    counts = {e: dict.fromkeys(ENGAGEMENT_COLUMNS, 0) for e in wanted}
    totals = dict.fromkeys(wanted, 0)
    last = dict.fromkeys(wanted, 0)
    if projection.detail:
        for e in wanted:
            for c in ENGAGEMENT_COLUMNS:
                counts[e][c] = int(projection.interactions[c][e])
            totals[e] = int(projection.engaged_count[e])
            last[e] = int(projection.last_at[e])
    else:
        owner: dict[tuple[str, str], int] = {}
        for e in wanted:
            tails = projection.accounts[int(projection.src[e])]
            heads = projection.accounts[int(projection.dst[e])]
            for pair in itertools.product(tails, heads):
                owner[pair] = e
        pairs = [{"u": u, "v": v} for u, v in sorted(owner)]
        for row in await store.read(HOP_ENGAGED, {"pairs": pairs}) if pairs else []:
            e = owner[(str(row["u"]), str(row["v"]))]
            for c in ENGAGEMENT_COLUMNS:
                counts[e][c] += int(row[c] or 0)
            totals[e] += int(row["count"] or 0)
            last[e] = max(last[e], int(row["last_at"] or 0))
    return {
        e: HopEvidence(
            **counts[e],
            interactions=totals[e],
            follows=bool(projection.follows[e]),
            weight=float(projection.weight[e]),
            attention=float(graph.attention[int(projection.src[e])]),
            last_contact=last[e] or None,
        )
        for e in wanted
    }
