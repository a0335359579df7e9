"""Every mutation over real HTTP, and ``POST /ingest/{connector}``; each checked by reading
the graph back through the API."""

from __future__ import annotations

import json
from typing import Any

from graph.version import graph_version
from tests.api.harness import GRAPHQL_RESPONSE, Api, codes

TAG = (
    "mutation($ids: [ID!]!, $add: [String!], $remove: [String!]) { "
    "tagCustomers(ids: $ids, add: $add, remove: $remove) { graphId tags } }"
)


def twitter_page(post_id: str, text: str) -> dict[str, Any]:
    """An X API v2 page: one good tweet by @zed and one record without an id."""
    return {
        "data": [
            {
                "id": post_id,
                "text": text,
                "author_id": "77",
                "created_at": "2024-03-07T10:00:00.000Z",
                "public_metrics": {
                    "like_count": 3,
                    "retweet_count": 1,
                    "reply_count": 0,
                    "quote_count": 0,
                },
            },
            {"text": "no id here", "author_id": "77"},
        ],
        "includes": {"users": [{"id": "77", "username": "zed", "name": "Zed"}]},
    }


async def test_tag_customers_adds_and_removes(api: Api) -> None:
    before = await graph_version(api.store)
    data = await api.data(TAG, {"ids": ["cust:ada", "cust:bob"], "add": ["churn-risk", "vip"]})
    assert data["tagCustomers"] == [
        {"graphId": "cust:ada", "tags": ["vip", "churn-risk"]},
        {"graphId": "cust:bob", "tags": ["churn-risk", "vip"]},
    ]
    data = await api.data(TAG, {"ids": ["cust:bob"], "remove": ["vip"]})
    assert data["tagCustomers"] == [{"graphId": "cust:bob", "tags": ["churn-risk"]}]
    tagged = await api.data('{ customers(filter: {tag: "churn-risk"}) { totalCount } }')
    assert tagged["customers"]["totalCount"] == 2
    assert await graph_version(api.store) > before


async def test_tag_customers_refuses_unknown_ids_and_empty_changes(api: Api) -> None:
    _, errors, _ = await api.errors(TAG, {"ids": ["cust:ghost"], "add": ["x"]})
    assert codes(errors) == ["NOT_FOUND"] and "cust:ghost" in errors[0]["message"]
    _, errors, _ = await api.errors(TAG, {"ids": ["cust:ada"]})
    assert codes(errors) == ["BAD_USER_INPUT"]
    _, errors, _ = await api.errors(TAG, {"ids": ["cust:ada"], "add": [" "]})
    assert codes(errors) == ["BAD_USER_INPUT"]


async def test_link_and_unlink_identity(api: Api) -> None:
    link = (
        'mutation { linkIdentity(customer: "cust:bob", account: "reddit:t2_bob", '
        'evidence: "same person at the meetup") { customer { graphId } accounts { graphId } '
        "restoredTo { graphId } } }"
    )
    linked = await api.data(link)
    assert linked["linkIdentity"] == {
        "customer": {"graphId": "cust:bob"},
        "accounts": [{"graphId": "reddit:t2_bob"}],
        "restoredTo": None,
    }
    bob = await api.data(
        '{ customer(id: "cust:bob") { identityLinks { method evidence account { graphId } } } }'
    )
    assert {
        "method": "manual",
        "evidence": "same person at the meetup",
        "account": {"graphId": "reddit:t2_bob"},
    } in bob["customer"]["identityLinks"]

    unlink = (
        'mutation { unlinkIdentity(customer: "cust:bob", account: "reddit:t2_bob") '
        "{ customer { graphId } accounts { graphId } restoredTo { graphId } } }"
    )
    unlinked = await api.data(unlink)
    assert unlinked["unlinkIdentity"]["accounts"] == [{"graphId": "reddit:t2_bob"}]
    assert unlinked["unlinkIdentity"]["restoredTo"] is None
    account = await api.data(
        '{ node(id: "QWNjb3VudDpyZWRkaXQ6dDJfYm9i") { ... on Account '
        "{ graphId customer { graphId } } } }"
    )
    assert account["node"] == {"graphId": "reddit:t2_bob", "customer": None}
    _, errors, _ = await api.errors(unlink)
    assert codes(errors) == ["NOT_LINKED"] and "reddit:t2_bob" in errors[0]["message"]


async def test_link_identity_to_an_unknown_customer(api: Api) -> None:
    _, errors, _ = await api.errors(
        'mutation { linkIdentity(customer: "cust:ghost", account: "twitter:5") '
        "{ customer { graphId } } }"
    )
    assert codes(errors) == ["UNKNOWN_CUSTOMER"]


async def test_add_brand_matches_loaded_posts(api: Api) -> None:
    data = await api.data(
        'mutation { addBrand(id: "rocketco", name: "Rocket Co", aliases: ["rockets"]) '
        "{ matchedPosts brand { graphId name aliases mentionCount } } }"
    )
    assert data["addBrand"] == {
        "matchedPosts": 1,
        "brand": {
            "graphId": "rocketco",
            "name": "Rocket Co",
            "aliases": ["rockets"],
            "mentionCount": 1,
        },
    }
    posts = await api.data('{ posts(filter: {brand: "rocketco"}) { nodes { graphId } } }')
    assert posts["posts"]["nodes"] == [{"graphId": "twitter:t1"}]
    _, errors, _ = await api.errors(
        'mutation { addBrand(id: "has space", name: "X") { matchedPosts } }'
    )
    assert codes(errors) == ["BAD_BRAND_ID"]


INGEST = (
    "mutation($connector: String!, $payload: String!, $brand: ID) { ingest(connector: "
    "$connector, payload: $payload, brand: $brand) { connector read rejected "
    "written { name count } rejects { location reason raw } } }"
)


async def test_ingest_mutation_loads_good_records_and_lists_rejects(api: Api) -> None:
    payload = json.dumps(twitter_page("9001", "Loving @acme today #acme"))
    data = await api.data(INGEST, {"connector": "twitter", "payload": payload})
    summary = data["ingest"]
    assert summary["connector"] == "twitter" and summary["rejected"] == 1
    assert summary["rejects"] == [
        {
            "location": "document $.data[1]",
            "reason": "id: Field required",
            "raw": {"text": "no id here", "author_id": "77"},
        }
    ]
    written = {w["name"]: w["count"] for w in summary["written"]}
    assert written["Post"] == 1 and written["Account"] == 1 and written["ABOUT"] == 1
    post = await api.data(
        '{ node(id: "UG9zdDp0d2l0dGVyOjkwMDE=") { ... on Post { text author { handle } '
        "brands { brand { graphId } } } } }"
    )
    assert post["node"] == {
        "text": "Loving @acme today #acme",
        "author": {"handle": "zed"},
        "brands": [{"brand": {"graphId": "acme"}}],
    }


async def test_ingest_refuses_unknown_connectors_brands_and_empty_payloads(api: Api) -> None:
    _, errors, _ = await api.errors(INGEST, {"connector": "myspace", "payload": "{}"})
    assert codes(errors) == ["BAD_USER_INPUT"] and "twitter" in errors[0]["message"]
    _, errors, _ = await api.errors(INGEST, {"connector": "twitter", "payload": "  "})
    assert codes(errors) == ["BAD_USER_INPUT"]
    payload = json.dumps(twitter_page("9002", "hello"))
    _, errors, _ = await api.errors(
        INGEST, {"connector": "twitter", "payload": payload, "brand": "nope"}
    )
    assert codes(errors) == ["UNKNOWN_BRAND"]


async def test_ingest_endpoint(api: Api) -> None:
    body = json.dumps(twitter_page("9003", "Globex rules")).encode()
    response = await api.client.post(
        f"{api.url}/ingest/twitter?brand=globex",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["connector"] == "twitter" and summary["read"] == 3
    assert summary["rejected"] == 1 and summary["rejects"][0]["reason"] == "id: Field required"
    assert summary["written"]["Post"] == 1
    mentions = await api.data('{ mentions(brand: "globex") { nodes { post { graphId } } } }')
    assert {"post": {"graphId": "twitter:9003"}} in mentions["mentions"]["nodes"]

    unknown = await api.client.post(f"{api.url}/ingest/myspace", content=b"{}")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_mutations_are_refused_over_get(api: Api) -> None:
    response = await api.client.get(
        f"{api.url}/graphql",
        params={"query": 'mutation { tagCustomers(ids: ["cust:ada"], add: ["x"]) { graphId } }'},
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
