"""Joined batches write what the batches write one after another, in fewer statements."""

from __future__ import annotations

from typing import Any

from graph.model import Account, Engagement, Post
from graph.store import GraphStore
from loaders.writer import GraphWriter, JoinedBatches, PreparedBatch, prepare_records
from tests.loaders.snapshot import snapshot

FIRST = [
    Account(id="x:1", platform="x", handle="ann", name="Ann"),
    Post(id="x:p1", platform="x", author="x:1", text="first", likes=3),
    Engagement(type="LIKED", account="x:2", post="x:p1", at=10),
]
THEN = [
    Account(id="x:1", platform="x", handle="ann_b"),  # no name: the first batch's stays
    Account(id="x:2", platform="x", handle="bob"),
    Post(id="x:p1", platform="x", likes=5),
    Engagement(type="LIKED", account="x:2", post="x:p1", at=20),
    Engagement(type="REPLIED", account="x:1", post="x:p1", at=30),
]


def _stored(graph: Any) -> Any:
    """The graph without load times (each write stamps its own)."""
    nodes, relationships = graph
    return [(label, [p for p in props if p[0] != "ingested_at"]) for label, props in nodes], (
        relationships
    )


def test_one_statement_per_kind_and_one_row_per_key() -> None:
    joined = JoinedBatches()
    joined.add(prepare_records(FIRST))
    joined.add(prepare_records(THEN))
    batch = joined.batch()
    names = [statement.name for statement, _ in batch.statements]
    assert len(names) == len(set(names))
    # Nodes before POSTED, POSTED before the other relationships.
    assert names.index("writer.node.Post") < names.index("writer.rel.POSTED")
    assert names.index("writer.rel.POSTED") < names.index("writer.rel.LIKED")
    rows = {statement.name: params["rows"] for statement, params in batch.statements}
    assert len(rows["writer.node.Account"]) == 2
    assert len(rows["writer.rel.LIKED"]) == 1 and rows["writer.rel.LIKED"][0][2] == 20
    assert joined.largest == 2
    assert batch.counts["Account"] == 3 and batch.counts["LIKED"] == 2
    assert batch.engaged_sources == {"x:1", "x:2"}


async def test_joined_batches_store_what_the_batches_store_in_turn(store: GraphStore) -> None:
    await GraphWriter(store).write(FIRST)
    await GraphWriter(store).write(THEN)
    one_after_another = await snapshot(store)
    await store.drop()
    await store.ensure_schema()
    joined = JoinedBatches()
    joined.add(prepare_records(FIRST))
    joined.add(prepare_records(THEN))
    await GraphWriter(store).commit(joined.batch())
    assert _stored(await snapshot(store)) == _stored(one_after_another)
    nodes = {props["id"]: props for props in (dict(p) for _, p in one_after_another[0])}
    assert nodes["x:1"]["name"] == "Ann" and nodes["x:1"]["handle"] == "ann_b"
    assert nodes["x:p1"]["likes"] == 5 and nodes["x:p1"]["text"] == "first"


def test_a_key_twice_in_one_batch_is_merged_column_by_column() -> None:
    first = prepare_records(FIRST)
    (statement, params) = next(
        (s, p) for s, p in first.statements if s.name == "writer.node.Account"
    )
    row = params["rows"][0]
    twice = PreparedBatch(
        [(statement, {**params, "rows": [row, [row[0], None, "ann_c"]]})], first.counts
    )
    joined = JoinedBatches()
    joined.add(first)
    joined.add(twice)
    rows = next(p["rows"] for s, p in joined.batch().statements if s is statement)
    assert len(rows) == 1
    assert rows[0][2] == "ann_c" and rows[0][1:2] == row[1:2] and rows[0][3] == row[3]
