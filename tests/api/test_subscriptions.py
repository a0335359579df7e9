"""The brandMentions subscription over graphql-transport-ws: new mentions arrive as the
writer commits them, including writes made by another process."""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
from collections.abc import AsyncIterator
from typing import Any

import pytest
import websockets

from graph import EmbeddedEngine
from graph.model import BrandMention, Post
from loaders.writer import GraphWriter
from resolvers.settings import ApiSettings
from tests.api import data
from tests.api.harness import Api, api_on

SUBSCRIBE = (
    "subscription($brand: ID!, $sentiment: Polarity) { brandMentions(brand: $brand, "
    "sentiment: $sentiment) { sentiment createdAt post { graphId text author { handle } } "
    "brand { graphId } } }"
)


@pytest.fixture(scope="module")
async def api(engine: EmbeddedEngine) -> AsyncIterator[Api]:
    async with api_on(engine, data.load, settings=ApiSettings(mention_poll_seconds=0.1)) as served:
        yield served


class Client:
    """A graphql-transport-ws client."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:
        return dict(json.loads(await asyncio.wait_for(self.ws.recv(), timeout)))

    async def subscribe(self, op_id: str, variables: dict[str, Any]) -> None:
        await self.send(
            {
                "id": op_id,
                "type": "subscribe",
                "payload": {"query": SUBSCRIBE, "variables": variables},
            }
        )


async def connect(api: Api, payload: dict[str, Any] | None = None) -> Any:
    ws = await websockets.connect(
        api.url.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"]
    )
    client = Client(ws)
    await client.send({"type": "connection_init", "payload": payload or {}})
    return client


async def write_mention(api: Api, post_id: str, text: str, sentiment: float) -> None:
    await GraphWriter(api.store).write(
        [
            Post(
                id=post_id,
                platform="twitter",
                text=text,
                created_at=data.ms(7),
                sentiment=sentiment,
                author="twitter:4",
            ),
            BrandMention(post=post_id, brand="acme", sentiment=sentiment),
        ]
    )


async def test_new_mentions_arrive_with_their_sentiment(api: Api) -> None:
    client = await connect(api)
    try:
        assert await client.receive() == {"type": "connection_ack"}
        await client.subscribe("1", {"brand": "acme"})
        await asyncio.sleep(0.3)  # the feed starts from what is stored now
        await write_mention(api, "twitter:s1", "Acme again!", 0.7)
        message = await client.receive()
        assert message == {
            "id": "1",
            "type": "next",
            "payload": {
                "data": {
                    "brandMentions": {
                        "sentiment": 0.7,
                        "createdAt": data.iso(7),
                        "post": {
                            "graphId": "twitter:s1",
                            "text": "Acme again!",
                            "author": {"handle": "dan"},
                        },
                        "brand": {"graphId": "acme"},
                    }
                }
            },
        }
        await client.send({"id": "1", "type": "complete"})
    finally:
        await client.ws.close()


async def test_only_the_asked_polarity_is_sent(api: Api) -> None:
    client = await connect(api)
    try:
        await client.receive()
        await client.subscribe("neg", {"brand": "acme", "sentiment": "NEGATIVE"})
        await asyncio.sleep(0.3)
        await write_mention(api, "twitter:s2", "Acme is great", 0.9)
        await write_mention(api, "twitter:s3", "Acme broke again", -0.8)
        message = await client.receive()
        assert message["payload"]["data"]["brandMentions"]["post"]["graphId"] == "twitter:s3"
    finally:
        await client.ws.close()


async def test_mentions_written_by_another_process_arrive(api: Api, engine: EmbeddedEngine) -> None:
    client = await connect(api)
    try:
        await client.receive()
        await client.subscribe("x", {"brand": "acme"})
        await asyncio.sleep(0.3)
        script = textwrap.dedent(
            f"""
            import asyncio
            from graph import EmbeddedEngine, GraphSettings, open_store
            from graph.model import BrandMention, Post
            from loaders.writer import GraphWriter

            async def main():
                engine = EmbeddedEngine(__import__("pathlib").Path({str(engine.data_dir)!r}))
                settings = GraphSettings(data_dir=engine.data_dir, graph={api.store.graph!r})
                store = await open_store(settings, engine=engine)
                await GraphWriter(store).write([
                    Post(id="weibo:s4", platform="weibo", text="艾克米 好", created_at=1,
                         sentiment=0.4, author="weibo:9"),
                    BrandMention(post="weibo:s4", brand="acme", sentiment=0.4),
                ])
                await store.close()

            asyncio.run(main())
            """
        )
        writer = await asyncio.create_subprocess_exec(sys.executable, "-c", script)
        assert await writer.wait() == 0
        message = await client.receive()
        mention = message["payload"]["data"]["brandMentions"]
        assert mention["post"]["graphId"] == "weibo:s4" and mention["sentiment"] == 0.4
    finally:
        await client.ws.close()


async def test_subscribing_to_an_unknown_brand_is_an_error(api: Api) -> None:
    client = await connect(api)
    try:
        await client.receive()
        await client.subscribe("bad", {"brand": "nope"})
        message = await client.receive()
        assert message["type"] in ("next", "error")
        payload = message["payload"]
        errors = payload["errors"] if isinstance(payload, dict) else payload
        assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    finally:
        await client.ws.close()


async def test_subscriptions_over_http_point_to_websocket(api: Api) -> None:
    response = await api.post('subscription { brandMentions(brand: "acme") { sentiment } }')
    assert response.status_code == 400
    assert "WebSocket" in response.json()["errors"][0]["message"]
