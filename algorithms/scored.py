"""SCORED relationships: an influence run's score for every node, written and read back.

``(AnalysisRun)-[:SCORED {rank, score, pagerank, pagerank_part, reach_part,
followers, replies, shares, quotes, likes, mentions, channels, sentiment,
sentiment_posts, advocacy}]->(Account|Customer)``.

A hundred thousand rows of fifteen values would take longer to encode as
query parameters than to compute, so a chunk travels as one string: rows
joined by a record separator, each row's id, numbers (space-joined) and
channels (comma-joined) by a unit separator; the statement splits each row on
its own (splitting the whole chunk into one list and indexing it per row made
the engine copy that list for every row).  An id holding a separator (never
seen in practice) sends its chunk as plain rows instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from algorithms.influence import InfluenceScores
from algorithms.models import EngagementReceived, InfluenceBreakdown, InfluenceResult
from algorithms.projection import ENGAGEMENT_COLUMNS, Projection
from graph.cypher import Statement
from graph.store import Params

__all__ = ["ADVOCATES", "DETRACTORS", "TOP", "score_statements", "stored_result"]

CHUNK = 5000
_ROW = "\x1e"
_FIELD = "\x1f"
# Numbers per row, in this order.
_NUMBERS = (
    "rank",
    "score",
    "pagerank",
    "pagerank_part",
    "reach_part",
    "followers",
    *ENGAGEMENT_COLUMNS,
    "sentiment",
    "sentiment_posts",
    "advocacy",
)
_INTEGERS = {"rank", "followers", "sentiment_posts", *ENGAGEMENT_COLUMNS}


# Floats (all within [-1, 1]) travel as integers in units of 1e-15: FalkorDB's
# toFloat() parses text in single precision, toInteger() exactly.
_SCALE = 10**15


def _property(name: str, offset: int) -> str:
    value = f"x[{offset}]"
    if name in _INTEGERS:
        return f"{name}: toInteger({value})"
    number = f"toFloat(toInteger({value})) / {_SCALE}.0"
    if name == "sentiment":
        rated = f"x[{_NUMBERS.index('sentiment_posts')}]"
        return f"sentiment: CASE {rated} WHEN '0' THEN null ELSE {number} END"
    return f"{name}: {number}"


_PACKED_PROPS = ", ".join(_property(name, i) for i, name in enumerate(_NUMBERS))
_CHANNELS = "channels: CASE c WHEN '' THEN [] ELSE split(c, ',') END"


def _packed(label: str) -> Statement:
    return Statement(
        f"influence.score_{label.lower()}s",
        "MATCH (r:AnalysisRun {id: $run}) UNWIND split($rows, $row_sep) AS line "
        f"WITH r, split(line, $field_sep) AS f MATCH (n:{label} {{id: f[0]}}) "
        "WITH r, n, split(f[1], ' ') AS x, coalesce(f[2], '') AS c "
        f"CREATE (r)-[:SCORED {{{_PACKED_PROPS}, {_CHANNELS}}}]->(n)",
    )


def _listed(label: str) -> Statement:
    props = ", ".join(f"{name}: row[{i + 1}]" for i, name in enumerate((*_NUMBERS, "channels")))
    return Statement(
        f"influence.score_{label.lower()}s_listed",
        "MATCH (r:AnalysisRun {id: $run}) UNWIND $rows AS row "
        f"MATCH (n:{label} {{id: row[0]}}) CREATE (r)-[:SCORED {{{props}}}]->(n)",
    )


_SCORE = {label: (_packed(label), _listed(label)) for label in ("Account", "Customer")}

_RETURN = "RETURN n.id AS id, labels(n)[0] AS label, s AS s"
TOP = Statement(
    "influence.top",
    "MATCH (:AnalysisRun {id: $run})-[s:SCORED]->(n) WHERE s.rank <= $top "
    f"{_RETURN} ORDER BY s.rank",
)
ADVOCATES = Statement(
    "influence.advocates",
    "MATCH (:AnalysisRun {id: $run})-[s:SCORED]->(n) WHERE s.advocacy > 0 "
    f"{_RETURN} ORDER BY s.advocacy DESC, s.rank LIMIT $top",
)
DETRACTORS = Statement(
    "influence.detractors",
    "MATCH (:AnalysisRun {id: $run})-[s:SCORED]->(n) WHERE s.advocacy < 0 "
    f"{_RETURN} ORDER BY s.advocacy, s.rank LIMIT $top",
)


def score_statements(
    run_id: str, projection: Projection, scores: InfluenceScores
) -> list[tuple[Statement, Params]]:
    """The statements writing one SCORED relationship per node of the projection."""
    order = scores.order
    ids = [projection.ids[i] for i in order.tolist()]
    values: dict[str, npt.NDArray[Any]] = {
        "rank": np.arange(1, len(order) + 1),
        "score": scores.score[order],
        "pagerank": scores.pagerank[order],
        "pagerank_part": scores.pagerank_part[order],
        "reach_part": scores.reach_part[order],
        "followers": projection.followers[order],
        **{c: projection.received_counts[c][order] for c in ENGAGEMENT_COLUMNS},
        # Unrated (NaN) goes as 0; the statement reads it as null where no post was rated.
        "sentiment": np.nan_to_num(projection.sentiment[order], nan=0.0),
        "sentiment_posts": projection.sentiment_posts[order],
        "advocacy": scores.advocacy[order],
    }
    matrix = np.column_stack(
        [
            values[name] if name in _INTEGERS else np.round(values[name] * _SCALE)
            for name in _NUMBERS
        ]
    ).astype(np.int64)
    tokens = [" ".join(map(str, row)) for row in matrix.tolist()]
    columns = [values[name].tolist() for name in _NUMBERS]
    columns[_NUMBERS.index("sentiment")] = [
        None if np.isnan(x) else x for x in projection.sentiment[order].tolist()
    ]
    channels = [",".join(projection.platforms[i]) for i in order.tolist()]
    customer = [projection.kinds[i] == "customer" for i in order.tolist()]
    batch: list[tuple[Statement, Params]] = []
    for label, wanted in (("Account", False), ("Customer", True)):
        rows = [i for i, is_customer in enumerate(customer) if is_customer == wanted]
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            batch.append(_chunk(label, run_id, chunk, ids, tokens, channels, columns))
    return batch


def _chunk(
    label: str,
    run_id: str,
    rows: list[int],
    ids: list[str],
    tokens: list[str],
    channels: list[str],
    columns: list[list[Any]],
) -> tuple[Statement, Params]:
    packed, listed = _SCORE[label]
    names = [ids[i] for i in rows]
    if any(_ROW in name or _FIELD in name for name in names):
        plain = [
            [
                ids[i],
                *(column[i] for column in columns),
                channels[i].split(",") if channels[i] else [],
            ]
            for i in rows
        ]
        return listed, {"run": run_id, "rows": plain}
    lines = (_FIELD.join((ids[i], tokens[i], channels[i])) for i in rows)
    return packed, {
        "run": run_id,
        "row_sep": _ROW,
        "field_sep": _FIELD,
        "rows": _ROW.join(lines),
    }


def stored_result(row: dict[str, Any]) -> InfluenceResult:
    """An influence result from a SCORED row (``id``, ``label``, ``s``)."""
    s = row["s"]
    return InfluenceResult(
        rank=int(s["rank"]),
        id=str(row["id"]),
        kind=str(row["label"]).lower(),
        score=float(s["score"]),
        breakdown=InfluenceBreakdown(
            pagerank=float(s["pagerank"]),
            pagerank_part=float(s["pagerank_part"]),
            reach_part=float(s["reach_part"]),
            followers=int(s["followers"]),
            engagement_received=EngagementReceived(
                **{c: int(s.get(c) or 0) for c in ENGAGEMENT_COLUMNS}
            ),
            channels=[str(c) for c in s.get("channels") or []],
            brand_sentiment=None if s.get("sentiment") is None else float(s["sentiment"]),
            sentiment_posts=int(s.get("sentiment_posts") or 0),
            advocacy=float(s["advocacy"]),
        ),
    )
