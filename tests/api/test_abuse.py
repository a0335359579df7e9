"""Abusive requests get a clear 4xx or GraphQL error, and the server stays healthy."""

from __future__ import annotations

import asyncio
import json

import pytest
from graphql import get_introspection_query

from graph import EmbeddedEngine
from resolvers.settings import ApiSettings
from tests.api import data
from tests.api.harness import GRAPHQL_RESPONSE, Api, api_on, codes

HEALTHY = "{ customers(first: 1) { totalCount } }"


async def assert_healthy(api: Api) -> None:
    assert (await api.client.get(f"{api.url}/healthz")).status_code == 200
    assert (await api.client.get(f"{api.url}/readyz")).status_code == 200
    assert (await api.data(HEALTHY))["customers"]["totalCount"] == 3


async def raw_post(api: Api, content: bytes, content_type: str = "application/json") -> dict:
    response = await api.client.post(
        f"{api.url}/graphql",
        content=content,
        headers={"content-type": content_type, "accept": GRAPHQL_RESPONSE},
    )
    return {"status": response.status_code, "body": response.json()}


def nested(depth: int) -> str:
    # customer { accounts { customer { accounts { ... } } } }: Customer and Account in turn.
    query = "graphId"
    for level in reversed(range(depth)):
        query = f"accounts {{ {query} }}" if level % 2 == 0 else f"customer {{ {query} }}"
    return f'{{ customer(id: "cust:ada") {{ {query} }} }}'


async def test_a_50_deep_query(api: Api) -> None:
    status, errors, body_data = await api.errors(nested(50))
    assert status == 400 and body_data is None
    assert codes(errors) == ["DEPTH_LIMIT_EXCEEDED"]
    assert "at most 12" in errors[0]["message"]
    await assert_healthy(api)


async def test_a_query_within_the_depth_limit_runs(api: Api) -> None:
    data_ = await api.data(nested(8))
    assert data_["customer"] is not None


async def test_a_thousand_aliases(api: Api) -> None:
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(1000)) + " }"
    status, errors, _ = await api.errors(query)
    assert status == 400 and codes(errors) == ["ALIAS_LIMIT_EXCEEDED"]
    await assert_healthy(api)


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ customers(first: 100000) { totalCount } }", None),
        ("query($n: Int) { posts(last: $n) { totalCount } }", {"n": 100000}),
        ("query($n: Int = 5000) { brands(first: $n) { totalCount } }", None),
        ('{ customer(id: "cust:ada") { accounts { posts(first: 101) { totalCount } } } }', None),
    ],
)
async def test_oversized_pages(api: Api, query: str, variables: dict | None) -> None:
    status, errors, body_data = await api.errors(query, variables)
    assert status == 400 and body_data is None
    assert codes(errors) == ["PAGE_SIZE_EXCEEDED"] and "at most 100" in errors[0]["message"]
    await assert_healthy(api)


async def test_a_query_too_costly_to_run(api: Api) -> None:
    query = (
        "{ customers(first: 100) { nodes { accounts { posts(first: 100) { nodes { graphId "
        "hashtags { tag } } } } } } }"
    )
    status, errors, _ = await api.errors(query)
    assert status == 400 and codes(errors) == ["COST_LIMIT_EXCEEDED"]
    assert "objects" in errors[0]["message"]


async def test_limits_hold_for_repeated_documents(api: Api) -> None:
    """Validation and cost are kept per document: the same document is refused every
    time, and page sizes from variables are checked against each request's values."""
    costly = (
        "{ customers(first: 100) { nodes { accounts { posts(first: 100) { nodes { graphId "
        "hashtags { tag } } } } } } }"
    )
    deep = nested(50)
    paged = "query($n: Int) { customers(first: $n) { nodes { accounts { posts(first: $n) { "
    paged += "nodes { graphId hashtags { tag } } } } } } }"
    for _ in range(3):
        assert codes((await api.errors(costly))[1]) == ["COST_LIMIT_EXCEEDED"]
        assert codes((await api.errors(deep))[1]) == ["DEPTH_LIMIT_EXCEEDED"]
        assert (await api.data(paged, {"n": 2}))["customers"]["nodes"]
        assert codes((await api.errors(paged, {"n": 100}))[1]) == ["COST_LIMIT_EXCEEDED"]
        assert codes((await api.errors(paged, {"n": 101}))[1]) == ["PAGE_SIZE_EXCEEDED"]
    await assert_healthy(api)


async def test_too_many_tokens(api: Api) -> None:
    query = "{ customers(first: 1) { " + "totalCount " * 6000 + "} }"
    status, errors, _ = await api.errors(query)
    assert status == 400 and codes(errors) == ["TOKEN_LIMIT_EXCEEDED"]


async def test_a_2_mb_body(api: Api) -> None:
    body = json.dumps({"query": HEALTHY, "variables": {"pad": "x" * 2_000_000}}).encode()
    result = await raw_post(api, body)
    assert result["status"] == 413
    assert result["body"]["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"
    await assert_healthy(api)


async def test_a_large_body_without_content_length_is_cut_off(api: Api) -> None:
    async def chunks():  # streamed: no Content-Length header
        yield b'{"query": "' + b" " * 10
        for _ in range(40):
            yield b" " * 65_536
        yield b'"}'

    response = await api.client.post(
        f"{api.url}/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    await assert_healthy(api)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"query": "{ graphStats { totalNodes } }"', "not valid JSON"),
        (b"\xff\xfe garbage", "not valid JSON"),
        (b'[{"query": "{ __typename }"}]', "JSON object"),
        (b'{"query": 5}', "'query'"),
        (b'{"query": "{ __typename }", "variables": [1]}', "'variables'"),
        (b"{}", "'query'"),
    ],
)
async def test_malformed_json(api: Api, content: bytes, message: str) -> None:
    result = await raw_post(api, content)
    assert result["status"] == 400
    (error,) = result["body"]["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST" and message in error["message"]
    await assert_healthy(api)


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "multipart/form-data",
    ],
)
async def test_wrong_content_type(api: Api, content_type: str) -> None:
    result = await raw_post(api, json.dumps({"query": HEALTHY}).encode(), content_type)
    assert result["status"] == 415
    assert result["body"]["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_a_syntax_error(api: Api) -> None:
    status, errors, body_data = await api.errors("{ customers(first: ) ")
    assert status == 400 and body_data is None and codes(errors) == ["GRAPHQL_PARSE_FAILED"]


async def test_introspection_flood(api: Api) -> None:
    # Many __schema fields in one document.
    query = "{ " + " ".join(f"s{i}: __schema {{ queryType {{ name }} }}" for i in range(20)) + " }"
    status, errors, _ = await api.errors(query)
    assert status == 400 and codes(errors) == ["INTROSPECTION_LIMIT_EXCEEDED"]

    # Introspection nested far deeper than any client needs.
    deep = "name"
    for _ in range(20):
        deep = f"fields {{ type {{ {deep} }} }}"
    status, errors, _ = await api.errors(f"{{ __schema {{ types {{ {deep} }} }} }}")
    assert status == 400 and set(codes(errors)) == {"INTROSPECTION_LIMIT_EXCEEDED"}

    # The full introspection GraphiQL sends, 100 times at once: all answered.
    full = get_introspection_query(descriptions=True)
    responses = await asyncio.gather(*(api.post(full) for _ in range(100)))
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert "queryType" in responses[0].json()["data"]["__schema"]
    await assert_healthy(api)


async def test_a_request_past_the_time_limit(engine: EmbeddedEngine) -> None:
    # The engine gives up on its own a little later (cypher_timeout): nothing keeps running.
    settings = ApiSettings(request_timeout=0.2, cypher_timeout=1.0)
    async with api_on(engine, data.load, settings=settings) as slow:
        query = (
            '{ cypher(query: "UNWIND range(1, 2000) AS x UNWIND range(1, 100000) AS y '
            'RETURN count(*)") { rows } }'
        )
        response = await slow.post(query)
        assert response.status_code == 504
        assert codes(response.json()["errors"]) == ["TIMEOUT"]
        await assert_healthy(slow)


async def test_not_acceptable_and_bad_get(api: Api) -> None:
    response = await api.client.get(
        f"{api.url}/graphql", params={"query": HEALTHY}, headers={"accept": "text/csv"}
    )
    assert response.status_code == 406
    response = await api.client.get(f"{api.url}/graphql", headers={"accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    response = await api.client.get(
        f"{api.url}/graphql",
        params={"query": HEALTHY, "variables": "{not json"},
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 400 and "variables" in response.json()["errors"][0]["message"]
    await assert_healthy(api)
