"""API keys and roles over real HTTP: each role against each operation class, missing,
malformed, wrong and revoked keys, open mode, and refusing to start unprotected."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import websockets

from graph import ConfigError, EmbeddedEngine, GraphSettings
from resolvers.keys import LIST_KEYS, create_key, list_keys, revoke_key
from resolvers.settings import ApiSettings, is_loopback
from server import create_app
from tests.api import data
from tests.api.harness import GRAPHQL_RESPONSE, Api, api_on

REFRESH = 0.2

READ = "{ customers(first: 1) { totalCount } }"
CYPHER = '{ cypher(query: "MATCH (c:Customer) RETURN count(c) AS n") { rows } }'
MUTATION = 'mutation { tagCustomers(ids: ["cust:ada"], add: ["x"]) { graphId } }'


@dataclass
class Keys:
    viewer: str
    analyst: str
    admin: str


@pytest.fixture(scope="module")
async def api(engine: EmbeddedEngine) -> AsyncIterator[Api]:
    settings = ApiSettings(key_refresh_seconds=REFRESH)
    async with api_on(engine, data.load, settings=settings) as served:
        yield served


@pytest.fixture(scope="module")
async def keys(api: Api) -> Keys:
    # No key yet: the API is open on loopback, mutations included.
    assert (await api.post(MUTATION)).status_code == 200
    made = {}
    for role in ("viewer", "analyst", "admin"):
        _, made[role] = await create_key(api.store, role, f"test {role}")
    await asyncio.sleep(REFRESH * 1.5)  # keys made elsewhere take effect within the refresh
    return Keys(**made)


async def ingest(api: Api, key: str | None) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if key is not None:
        headers["authorization"] = f"Bearer {key}"
    payload = {"data": [{"id": "555", "text": "hi", "author_id": "5"}]}
    return await api.client.post(
        f"{api.url}/ingest/twitter", content=json.dumps(payload), headers=headers
    )


async def subscribe(api: Api, payload: dict[str, Any]) -> dict[str, Any] | int:
    """The first message of a subscription, or the close code when the connection is refused."""
    url = api.url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        try:
            ack = json.loads(await asyncio.wait_for(ws.recv(), 5))
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else -1
        assert ack["type"] == "connection_ack"
        return dict(ack)


def role_key(keys: Keys, role: str) -> str:
    return str(getattr(keys, role))


@pytest.mark.parametrize(
    ("role", "cypher_ok", "mutation_ok"),
    [("viewer", False, False), ("analyst", True, False), ("admin", True, True)],
)
async def test_role_matrix(
    api: Api, keys: Keys, role: str, cypher_ok: bool, mutation_ok: bool
) -> None:
    key = role_key(keys, role)
    read = await api.post(READ, key=key)
    assert read.status_code == 200 and "errors" not in read.json()

    cypher = (await api.post(CYPHER, key=key)).json()
    if cypher_ok:
        assert "errors" not in cypher and cypher["data"]["cypher"]["rows"] == [[3]]
    else:
        assert cypher["data"] is None
        assert cypher["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "analyst" in cypher["errors"][0]["message"]

    mutation = await api.post(MUTATION, key=key)
    if mutation_ok:
        assert mutation.status_code == 200 and "errors" not in mutation.json()
    else:
        assert mutation.status_code == 403
        body = mutation.json()
        assert "data" not in body and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    ingested = await ingest(api, key)
    assert ingested.status_code == (200 if mutation_ok else 403), ingested.text

    ack = await subscribe(api, {"Authorization": f"Bearer {key}"})
    assert isinstance(ack, dict) and ack["type"] == "connection_ack"

    metrics = await api.client.get(f"{api.url}/metrics", headers={"authorization": f"Bearer {key}"})
    assert metrics.status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer scrm_000000000000_notasecret",
        "Bearer not-even-our-format",
    ],
)
async def test_missing_and_wrong_keys_get_401_everywhere(
    api: Api, keys: Keys, authorization: str | None
) -> None:
    headers = {"accept": GRAPHQL_RESPONSE}
    if authorization is not None:
        headers["authorization"] = authorization
    for query in (READ, CYPHER, MUTATION):
        response = await api.client.post(
            f"{api.url}/graphql", json={"query": query}, headers=headers
        )
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    get = await api.client.get(f"{api.url}/graphql", params={"query": READ}, headers=headers)
    assert get.status_code == 401
    assert (await api.client.get(f"{api.url}/metrics", headers=headers)).status_code == 401
    ingest_headers = {k: v for k, v in headers.items() if k == "authorization"}
    response = await api.client.post(
        f"{api.url}/ingest/twitter", content=b"{}", headers=ingest_headers
    )
    assert response.status_code == 401
    payload = {"Authorization": authorization} if authorization else {}
    assert await subscribe(api, payload) == 4403
    # Health checks stay open for the orchestrator.
    assert (await api.client.get(f"{api.url}/healthz")).status_code == 200
    assert (await api.client.get(f"{api.url}/readyz")).status_code == 200


async def test_a_real_key_id_with_a_wrong_secret_is_refused(api: Api, keys: Keys) -> None:
    prefix = keys.admin.rsplit("_", 1)[0]
    response = await api.post(READ, key=f"{prefix}_{'A' * 43}")
    assert response.status_code == 401


async def test_revoked_key_is_refused(api: Api, keys: Keys) -> None:
    key, token = await create_key(api.store, "viewer", "short-lived")
    await asyncio.sleep(0.15)  # an unknown key id re-reads the keys (at most every 0.1 s)
    assert (await api.post(READ, key=token)).status_code == 200
    assert await revoke_key(api.store, key.id)
    await asyncio.sleep(REFRESH * 1.5)
    assert (await api.post(READ, key=token)).status_code == 401
    assert not await revoke_key(api.store, key.id)


async def test_only_hashes_are_stored(api: Api, keys: Keys) -> None:
    stored = await list_keys(api.store)
    tokens = {keys.viewer, keys.analyst, keys.admin}
    rows = await api.store.read(LIST_KEYS)
    for row in rows:
        assert not any(token in json.dumps(row) for token in tokens)
        assert not any(token.split("_", 2)[2] in json.dumps(row) for token in tokens)
    assert {k.role for k in stored} >= {"viewer", "analyst", "admin"}
    # ApiKey nodes are bookkeeping: graph statistics leave them out.
    stats = await api.data("{ graphStats { nodes { label } } }", key=keys.viewer)
    assert "ApiKey" not in {n["label"] for n in stats["graphStats"]["nodes"]}


async def test_refuses_to_start_without_keys_when_keys_are_required(
    engine: EmbeddedEngine,
) -> None:
    settings = GraphSettings(data_dir=engine.data_dir, graph="api_required_keys")
    app = create_app(settings, engine=engine, api=ApiSettings(require_keys=True))
    with pytest.raises(ConfigError, match="API key"):
        async with app.router.lifespan_context(app):
            pass


def test_loopback_addresses() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.5", "example.com"))
