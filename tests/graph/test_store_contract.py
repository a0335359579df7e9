"""The store contract: the same tests on every backend (see conftest.BACKENDS)."""

from __future__ import annotations

import asyncio

import pytest

from graph import (
    EmbeddedEngine,
    GraphSettings,
    GraphStore,
    QueryError,
    QueryTimeout,
    ReadOnlyViolation,
    open_store,
)
from graph.cypher import Statement
from graph.model import LABELS
from graph.version import bump_version, graph_version

UPSERT = Statement(
    "test.upsert_customers",
    "UNWIND $rows AS row MERGE (c:Customer {id: row.id}) SET c.name = row.name, c.tags = row.tags "
    "RETURN count(c) AS n",
)
FOLLOW = Statement(
    "test.follow",
    "UNWIND $rows AS row "
    "MERGE (a:Account {id: row.a}) MERGE (b:Account {id: row.b}) MERGE (a)-[:FOLLOWS]->(b)",
)
ALL_CUSTOMERS = Statement(
    "test.all_customers",
    "MATCH (c:Customer) RETURN c.id AS id, c.name AS name, c.tags AS tags ORDER BY id",
)
CUSTOMER_NODE = Statement("test.customer_node", "MATCH (c:Customer {id: $id}) RETURN c")
CREATE_CUSTOMER = Statement("test.create_customer", "CREATE (c:Customer {id: $id})")


async def test_write_then_read_round_trip(store: GraphStore) -> None:
    rows = [
        {"id": "c1", "name": "Ada", "tags": ["vip", "beta"]},
        {"id": "c2", "name": "李雷 🎉 שלום", "tags": []},
    ]
    written = await store.write(UPSERT, {"rows": rows})
    assert written == [{"n": 2}]
    found = await store.read(ALL_CUSTOMERS)
    assert found == [
        {"id": "c1", "name": "Ada", "tags": ["vip", "beta"]},
        {"id": "c2", "name": "李雷 🎉 שלום", "tags": []},
    ]


async def test_nodes_come_back_as_property_dicts(store: GraphStore) -> None:
    await store.write(UPSERT, {"rows": [{"id": "c1", "name": "Ada", "tags": ["x"]}]})
    assert await store.read(CUSTOMER_NODE, {"id": "c1"}) == [
        {"c": {"id": "c1", "name": "Ada", "tags": ["x"]}}
    ]


VALUES = Statement(
    "test.values",
    "RETURN null AS nothing, 'é 李' AS text, -7 AS whole, 2.5 AS real, true AS yes, "
    "false AS no, [1, 'a', [null, 0.5, false]] AS nested, [] AS empty",
)
STRUCTURED = Statement(
    "test.structured",
    "MATCH (c:Customer {id: $id}) RETURN c.id AS id, [c] AS nodes, {n: 1, c: c} AS map",
)


async def test_every_value_type_comes_back_as_python(store: GraphStore) -> None:
    assert await store.read(VALUES) == [
        {
            "nothing": None,
            "text": "é 李",
            "whole": -7,
            "real": 2.5,
            "yes": True,
            "no": False,
            "nested": [1, "a", [None, 0.5, False]],
            "empty": [],
        }
    ]
    (row,) = await store.read(VALUES)
    assert [type(row[k]) for k in ("whole", "real", "yes")] == [int, float, bool]


async def test_nodes_inside_lists_and_maps_are_property_dicts(store: GraphStore) -> None:
    await store.write(UPSERT, {"rows": [{"id": "c1", "name": "Ada", "tags": []}]})
    node = {"id": "c1", "name": "Ada", "tags": []}
    assert await store.read(STRUCTURED, {"id": "c1"}) == [
        {"id": "c1", "nodes": [node], "map": {"n": 1, "c": node}}
    ]


async def test_awkward_strings_travel_as_values_not_cypher(store: GraphStore) -> None:
    nasty = "a\"b\\c\n'}) DETACH DELETE n //\x00 end"
    big = "x" * 1_000_000
    await store.write(UPSERT, {"rows": [{"id": "c1", "name": nasty, "tags": [big]}]})
    (row,) = await store.read(ALL_CUSTOMERS)
    assert row["name"] == nasty.replace("\x00", "")
    assert row["tags"] == [big]


async def test_merge_is_idempotent(store: GraphStore) -> None:
    rows = [{"id": f"c{i}", "name": str(i), "tags": []} for i in range(50)]
    await store.write(UPSERT, {"rows": rows})
    await store.write(UPSERT, {"rows": rows})
    assert (await store.stats()).nodes == {"Customer": 50}


async def test_unique_constraint_on_id(store: GraphStore) -> None:
    await store.write(CREATE_CUSTOMER, {"id": "dup"})
    with pytest.raises(QueryError):
        await store.write(CREATE_CUSTOMER, {"id": "dup"})
    assert (await store.stats()).nodes == {"Customer": 1}


async def test_ensure_schema_is_idempotent(store: GraphStore) -> None:
    await store.ensure_schema()
    await store.ensure_schema()
    await store.write(CREATE_CUSTOMER, {"id": "a"})
    with pytest.raises(QueryError):
        await store.write(CREATE_CUSTOMER, {"id": "a"})
    assert len(LABELS) >= 9


async def test_write_batch_applies_every_statement(store: GraphStore) -> None:
    await store.write_batch(
        [
            (UPSERT, {"rows": [{"id": "c1", "name": "a", "tags": []}]}),
            (FOLLOW, {"rows": [{"a": "x:1", "b": "x:2"}, {"a": "x:2", "b": "x:1"}]}),
        ]
    )
    stats = await store.stats()
    assert stats.nodes == {"Account": 2, "Customer": 1}
    assert stats.relationships == {"FOLLOWS": 2}
    assert stats.as_json() == {
        "nodes": {"Account": 2, "Customer": 1},
        "relationships": {"FOLLOWS": 2},
    }


async def test_stats_of_empty_graph(store: GraphStore) -> None:
    stats = await store.stats()
    assert stats.nodes == {} and stats.relationships == {}


async def test_graph_version_bumps(store: GraphStore) -> None:
    assert await graph_version(store) == 0
    assert await bump_version(store) == 1
    assert await bump_version(store) == 2
    assert await graph_version(store) == 2
    # Bookkeeping nodes stay out of the statistics.
    assert (await store.stats()).nodes == {}


async def test_drop_removes_everything(store: GraphStore) -> None:
    await store.write(UPSERT, {"rows": [{"id": "c1", "name": "a", "tags": []}]})
    await store.drop()
    assert (await store.stats()).nodes == {}
    assert await store.read(ALL_CUSTOMERS) == []


async def test_analyst_query_returns_columns_and_rows(store: GraphStore) -> None:
    rows = [{"id": f"c{i:02d}", "name": f"n{i}", "tags": []} for i in range(5)]
    await store.write(UPSERT, {"rows": rows})
    result = await store.analyst_query(
        "MATCH (c:Customer) WHERE c.id >= $from RETURN c.id AS id, c ORDER BY id",
        {"from": "c02"},
    )
    assert result.columns == ["id", "c"]
    assert result.rows[0] == ["c02", {"id": "c02", "name": "n2", "tags": []}]
    assert len(result.rows) == 3 and not result.truncated


async def test_analyst_query_row_cap(store: GraphStore) -> None:
    rows = [{"id": f"c{i}", "name": "x", "tags": []} for i in range(30)]
    await store.write(UPSERT, {"rows": rows})
    result = await store.analyst_query("MATCH (c:Customer) RETURN c.id AS id", limit=10)
    assert len(result.rows) == 10 and result.truncated


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n:Customer {id: 'evil'})",
        "MERGE (n:Customer {id: 'evil'})",
        "MATCH (n:Customer) DETACH DELETE n",
        "MATCH (n:Customer) SET n.name = 'evil'",
        "MATCH (n:Customer) REMOVE n.name",
    ],
)
async def test_analyst_query_refuses_writes(store: GraphStore, query: str) -> None:
    await store.write(UPSERT, {"rows": [{"id": "c1", "name": "a", "tags": []}]})
    with pytest.raises(ReadOnlyViolation):
        await store.analyst_query(query)
    assert await store.read(ALL_CUSTOMERS) == [{"id": "c1", "name": "a", "tags": []}]


async def test_analyst_query_timeout(store: GraphStore) -> None:
    await store.write(
        UPSERT, {"rows": [{"id": f"c{i}", "name": "x", "tags": []} for i in range(200)]}
    )
    with pytest.raises(QueryTimeout):
        await store.analyst_query(
            "MATCH (a:Customer), (b:Customer), (c:Customer), (d:Customer) RETURN count(*) AS n",
            timeout=0.05,
        )


async def test_bad_cypher_is_a_query_error(store: GraphStore) -> None:
    with pytest.raises(QueryError) as caught:
        await store.analyst_query("MATCH (n RETURN n")
    assert not isinstance(caught.value, ReadOnlyViolation)


async def test_graphs_are_isolated(store: GraphStore, engine: EmbeddedEngine) -> None:
    if store.engine != "falkordb":
        pytest.skip("Neo4j Community Edition serves a single database")
    settings = GraphSettings(data_dir=engine.data_dir, graph=store.graph + "_b")
    other = await open_store(settings, engine=engine)
    try:
        await store.write(UPSERT, {"rows": [{"id": "c1", "name": "a", "tags": []}]})
        assert (await other.stats()).nodes == {}
    finally:
        await other.drop()
        await other.close()


async def test_concurrent_reads_share_the_store(store: GraphStore) -> None:
    await store.write(UPSERT, {"rows": [{"id": "c1", "name": "a", "tags": []}]})
    results = await asyncio.gather(*(store.read(ALL_CUSTOMERS) for _ in range(20)))
    assert all(r == results[0] for r in results)


async def test_round_trips_are_counted(store: GraphStore) -> None:
    before = store.round_trips
    await store.read(ALL_CUSTOMERS)
    await store.write(UPSERT, {"rows": []})
    assert store.round_trips == before + 2
