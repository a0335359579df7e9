"""The analyst `cypher` field: read-only by the engine itself, capped, timed, masked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph import EmbeddedEngine
from resolvers.settings import ApiSettings
from tests.api import data
from tests.api.harness import Api, api_on, codes

CYPHER = (
    "query($q: String!, $p: JSON, $limit: Int) { cypher(query: $q, params: $p, limit: $limit) "
    "{ columns rows truncated rowCount } }"
)
# Everything in the graph, to compare before and after.
SNAPSHOT = (
    "MATCH (n) OPTIONAL MATCH (n)-[r]->(m) "
    "RETURN labels(n)[0] AS label, n.id AS id, properties(n) AS props, type(r) AS type, "
    "m.id AS target, properties(r) AS rprops ORDER BY label, id, type, target"
)


@pytest.fixture(scope="module")
async def api(engine: EmbeddedEngine) -> AsyncIterator[Api]:
    settings = ApiSettings(cypher_timeout=0.3, cypher_max_rows=50)
    async with api_on(engine, data.load, settings=settings) as served:
        yield served


async def run(api: Api, query: str, params: Any = None, limit: int | None = None) -> Any:
    return await api.post(CYPHER, {"q": query, "p": params, "limit": limit})


async def snapshot(api: Api) -> Any:
    return (await api.data(CYPHER, {"q": SNAPSHOT, "limit": 50}))["cypher"]


async def test_a_read_returns_columns_and_json_rows(api: Api) -> None:
    result = (
        await api.data(
            CYPHER,
            {
                "q": "MATCH (c:Customer {id: $id})-[:HAS_ACCOUNT]->(a) "
                "RETURN c.name AS name, a AS account, a.followers * 1.5 AS weighted "
                "ORDER BY a.id",
                "p": {"id": "cust:li"},
            },
        )
    )["cypher"]
    assert result["columns"] == ["name", "account", "weighted"]
    assert result["rowCount"] == 2 and result["truncated"] is False
    (first, second) = result["rows"]
    assert first[0] == "李雷" and first[1]["handle"] == "li_tw" and first[2] == 7500.0
    assert second[1] == {"id": "weibo:9", "platform": "weibo", "handle": "李雷", "followers": 800}


async def test_the_row_cap(api: Api) -> None:
    capped = (await api.data(CYPHER, {"q": "UNWIND range(1, 500) AS x RETURN x"}))["cypher"]
    assert capped["rowCount"] == 50 and capped["truncated"] is True
    limited = (await api.data(CYPHER, {"q": "UNWIND range(1, 500) AS x RETURN x", "limit": 3}))[
        "cypher"
    ]
    assert limited["rows"] == [[1], [2], [3]] and limited["truncated"] is True
    body = (await run(api, "RETURN 1", limit=51)).json()
    assert codes(body["errors"]) == ["BAD_USER_INPUT"] and "50" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (:Customer {id: 'intruder'})",
        "MERGE (c:Customer {id: 'cust:ada'}) SET c.name = 'pwned'",
        "MATCH (c:Customer {id: 'cust:ada'}) SET c.tags = ['pwned']",
        "MATCH (c:Customer {id: 'cust:bob'}) DETACH DELETE c",
        "MATCH ()-[r:HAS_ACCOUNT]->() DELETE r",
        "MATCH (p:Post) REMOVE p.text",
        "MATCH (a:Account), (b:Account) WITH a, b LIMIT 1 CREATE (a)-[:FOLLOWS]->(b)",
        "CALL db.idx.fulltext.createNodeIndex('Post', 'text')",
        "CALL db.idx.fulltext.drop('Customer')",
        "CREATE INDEX FOR (n:Post) ON (n.text)",
        "UNWIND [1, 2] AS x CREATE (:ApiKey {id: toString(x), role: 'admin'})",
    ],
)
async def test_writes_are_refused_by_the_engine_and_nothing_changes(api: Api, query: str) -> None:
    before = await snapshot(api)
    body = (await run(api, query)).json()
    assert body["data"] is None
    assert codes(body["errors"]) == ["READ_ONLY"], body
    assert "only read-only queries" in body["errors"][0]["message"]
    assert await snapshot(api) == before


@pytest.mark.parametrize(
    "query",
    ["CALL db.createLabel('Intruder')", "CALL db.createProperty('x')", "CALL dbms.killQueries([])"],
)
async def test_neo4j_write_procedures_are_refused_too(api: Api, query: str) -> None:
    before = await snapshot(api)
    body = (await run(api, query)).json()
    assert body["data"] is None
    assert codes(body["errors"])[0] in ("READ_ONLY", "CYPHER_ERROR")
    assert await snapshot(api) == before


async def test_load_csv_is_refused(api: Api) -> None:
    body = (await run(api, "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row")).json()
    assert codes(body["errors"]) == ["CYPHER_ERROR"] and "LOAD CSV" in body["errors"][0]["message"]


async def test_a_syntax_error_explains_without_leaking(api: Api) -> None:
    body = (await run(api, "MATCH (n RETURN n")).json()
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "CYPHER_ERROR"}
    assert "errCtx" not in error["message"] and "Traceback" not in error["message"]
    assert "/" not in error["message"].replace("n/a", "")


async def test_a_slow_query_times_out(api: Api) -> None:
    slow = "UNWIND range(1, 2000) AS x UNWIND range(1, 100000) AS y RETURN count(*)"
    body = (await run(api, slow)).json()
    assert codes(body["errors"]) == ["QUERY_TIMEOUT"]
    assert (await api.data('{ customer(id: "cust:ada") { name } }'))["customer"]["name"]


async def test_bad_params(api: Api) -> None:
    body = (await run(api, "RETURN $x AS x", params=[1, 2])).json()
    assert codes(body["errors"]) == ["BAD_USER_INPUT"]
    body = (await run(api, "RETURN 1", params={"bad name": 1})).json()
    assert codes(body["errors"]) == ["BAD_USER_INPUT"]
    ok = await api.data(CYPHER, {"q": "RETURN $x AS x", "p": {"x": [1, "two", None]}})
    assert ok["cypher"]["rows"] == [[[1, "two", None]]]
