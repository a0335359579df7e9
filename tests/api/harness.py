"""Serving the app over real HTTP in the test process: uvicorn on a free loopback port,
sharing the session's event loop (so tests can hand the app their own store and read
its round-trip counter)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from graph import EmbeddedEngine, GraphSettings, open_store
from graph.store import GraphStore
from resolvers.settings import ApiSettings
from server import create_app

GRAPHQL_RESPONSE = "application/graphql-response+json"


@contextlib.asynccontextmanager
async def serving(app: Starlette) -> AsyncIterator[str]:
    """Serve ``app`` until the block ends; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="on", log_level="warning", ws="websockets-sansio")
    server = uvicorn.Server(config)
    # The test process keeps its own signal handlers (Ctrl-C stops pytest, not uvicorn).
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()  # startup failed: raise its error
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@dataclass
class Api:
    """A running API and a client for it."""

    url: str
    store: GraphStore
    client: httpx.AsyncClient
    headers: dict[str, str] = field(default_factory=dict)

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        accept: str = GRAPHQL_RESPONSE,
        operation_name: str | None = None,
    ) -> httpx.Response:
        headers = {"accept": accept, **self.headers}
        if key is not None:
            headers["authorization"] = f"Bearer {key}"
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if operation_name is not None:
            body["operationName"] = operation_name
        return await self.client.post(f"{self.url}/graphql", json=body, headers=headers)

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """The ``data`` of a query that must succeed without errors."""
        response = await self.post(query, variables, **kwargs)
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body["errors"]
        return dict(body["data"])

    async def errors(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> tuple[int, list[dict[str, Any]], Any]:
        """Status, errors and data of a query that must fail."""
        response = await self.post(query, variables, **kwargs)
        body = response.json()
        assert body.get("errors"), body
        return response.status_code, body["errors"], body.get("data")


def codes(errors: list[dict[str, Any]]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in errors]


@contextlib.asynccontextmanager
async def api_on(
    engine: EmbeddedEngine,
    populate: Callable[[GraphStore], Awaitable[None]] | None = None,
    *,
    settings: ApiSettings | None = None,
) -> AsyncIterator[Api]:
    """The app on a fresh graph of the session's engine (filled by ``populate``), over HTTP."""
    graph = GraphSettings(data_dir=engine.data_dir, graph=f"api_{uuid.uuid4().hex[:10]}")
    store = await open_store(graph, engine=engine)
    await store.ensure_schema()
    try:
        if populate is not None:
            await populate(store)
        app = create_app(graph, engine=engine, store=store, api=settings or ApiSettings())
        async with serving(app) as url, httpx.AsyncClient(timeout=30) as client:
            yield Api(url=url, store=store, client=client)
    finally:
        await store.drop()
        await store.close()
