"""GraphQL over HTTP conventions, GraphiQL, error masking, health and metrics."""

from __future__ import annotations

import json
import re

from graph.cypher import Statement
from tests.api.harness import GRAPHQL_RESPONSE, Api, codes

QUERY = "query Named($id: ID!) { customer(id: $id) { name } }"
EXTRA_RUN = Statement("test.api.extra_run", "CREATE (:AnalysisRun {id: 'extra'})")
BAD_ORDER = Statement(
    "test.api.bad_order", "CREATE (:Order {id: 'shopify:order:bad', total: 'not a number'})"
)


async def test_get_runs_queries_with_variables(api: Api) -> None:
    response = await api.client.get(
        f"{api.url}/graphql",
        params={
            "query": QUERY,
            "variables": json.dumps({"id": "cust:bob"}),
            "operationName": "Named",
        },
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json() == {"data": {"customer": {"name": "Bob Stone"}}}


async def test_media_type_negotiation(api: Api) -> None:
    cases = {
        None: "application/json",
        "*/*": "application/json",
        "application/json": "application/json",
        GRAPHQL_RESPONSE: GRAPHQL_RESPONSE,
        f"{GRAPHQL_RESPONSE}, application/json;q=0.9": GRAPHQL_RESPONSE,
        f"application/json, {GRAPHQL_RESPONSE};q=0.5": "application/json",
    }
    for accept, expected in cases.items():
        headers = {"accept": accept} if accept else {}
        response = await api.client.post(
            f"{api.url}/graphql", json={"query": "{ __typename }"}, headers=headers
        )
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == expected, accept


async def test_request_errors_are_4xx_only_with_the_new_media_type(api: Api) -> None:
    invalid = "{ customers { noSuchField } }"
    modern = await api.post(invalid, accept=GRAPHQL_RESPONSE)
    assert modern.status_code == 400
    assert "data" not in modern.json()
    assert codes(modern.json()["errors"]) == ["GRAPHQL_VALIDATION_FAILED"]
    legacy = await api.post(invalid, accept="application/json")
    assert legacy.status_code == 200 and "data" not in legacy.json()
    assert codes(legacy.json()["errors"]) == ["GRAPHQL_VALIDATION_FAILED"]
    variables = await api.post(QUERY, {"id": 5.5}, accept=GRAPHQL_RESPONSE)
    assert variables.status_code == 400


async def test_field_errors_keep_the_data(api: Api) -> None:
    response = await api.post(
        '{ ok: customer(id: "cust:ada") { name } bad: customer(id: "QnJhbmQ6YWNtZQ==") { name } }'
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"ok": {"name": "Ada Lovelace"}, "bad": None}
    assert body["errors"][0]["path"] == ["bad"]


async def test_several_operations_need_an_operation_name(api: Api) -> None:
    document = "query A { __typename } query B { __typename }"
    response = await api.post(document)
    assert response.status_code == 400 and "operationName" in response.text
    assert (await api.post(document, operation_name="B")).json() == {
        "data": {"__typename": "Query"}
    }


async def test_graphiql_for_a_browser(api: Api) -> None:
    response = await api.client.get(
        f"{api.url}/graphql", headers={"accept": "text/html,application/xhtml+xml"}
    )
    assert response.status_code == 200 and "graphiql" in response.text.lower()


async def test_unexpected_errors_are_masked(api: Api) -> None:
    await api.store.write(BAD_ORDER)
    response = await api.post(
        '{ node(id: "T3JkZXI6c2hvcGlmeTpvcmRlcjpiYWQ=") { ... on Order { total } } }'
    )
    body = response.json()
    assert body["data"] == {"node": None}
    assert body["errors"][0]["message"] == "Internal server error"
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL"}
    text = response.text
    assert "Traceback" not in text and "ValueError" not in text and ".py" not in text
    assert "MATCH" not in text


async def test_health_and_readiness(api: Api) -> None:
    health = await api.client.get(f"{api.url}/healthz")
    assert health.json() == {"status": "ok"}
    ready = await api.client.get(f"{api.url}/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "up", "engine": "falkordb"}


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text."""
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        match = re.match(r"^([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(3))
    raise AssertionError(f"no sample {name} {labels}")


async def test_metrics(api: Api) -> None:
    before = (await api.client.get(f"{api.url}/metrics")).text
    start_trips = metric(before, "scrm_db_round_trips_total")
    for customer in ("cust:ada", "cust:bob", "cust:li"):
        await api.data(QUERY, {"id": customer}, operation_name="Named")
    await api.post("{ nope }")
    response = await api.client.get(f"{api.url}/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        metric(text, "scrm_graphql_operations_total", operation="Named", type="query", outcome="ok")
        >= 3
    )
    assert (
        metric(text, "scrm_graphql_operations_total", operation="anonymous", outcome="refused") >= 1
    )
    assert metric(text, "scrm_graphql_operation_duration_seconds_count", operation="Named") >= 3
    assert (
        metric(text, "scrm_graphql_operation_duration_seconds_bucket", operation="Named", le="+Inf")
        >= 3
    )
    assert metric(text, "scrm_db_round_trips_total") >= start_trips + 3
    assert metric(text, "scrm_http_responses_total", route="/graphql", status="200") >= 3
    assert metric(text, "scrm_http_responses_total", route="/graphql", status="400") >= 1


async def test_repeated_queries_are_answered_again_until_the_graph_changes(api: Api) -> None:
    def cached(text: str) -> float:
        return metric(text, "scrm_graphql_cached_responses_total")

    async def metrics() -> str:
        return (await api.client.get(f"{api.url}/metrics")).text

    query = '{ customer(id: "cust:bob") { name tags } }'
    first = await api.data(query)
    start = cached(await metrics())
    assert await api.data(query) == first
    assert cached(await metrics()) == start + 1
    # A write bumps the graph version: the next answer is computed afresh.
    await api.data('mutation { tagCustomers(ids: ["cust:bob"], add: ["fresh"]) { graphId } }')
    after = await api.data(query)
    assert "fresh" in after["customer"]["tags"]
    assert cached(await metrics()) == start + 1


async def test_queries_on_unversioned_data_are_never_kept(api: Api) -> None:
    before = await api.data("{ graphStats { totalNodes } }")
    await api.store.write(EXTRA_RUN)
    after = await api.data("{ graphStats { totalNodes } }")
    assert after["graphStats"]["totalNodes"] == before["graphStats"]["totalNodes"] + 1
