"""The Starlette app: GraphQL (+ GraphiQL), health and readiness; the uvicorn entry.

The app owns one store for its lifetime (opened in the lifespan, kept in
``app.state``).  With the embedded engine it also supervises the engine
process: if the engine dies, requests fail fast with a clear error while a
watcher restarts it, and service resumes with the data it had persisted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from graph import EmbeddedEngine, GraphSettings, GraphStore, ScrmError, embedded_engine, open_store
from resolvers.context import Context
from schema.root import build_schema

__all__ = ["create_app", "serve"]

log = logging.getLogger("scrm.server")

_WATCH_INTERVAL = 0.5
_READY_TIMEOUT = 2.0


class _GraphQLApp(GraphQL[Context, None]):
    def __init__(self, app: Starlette) -> None:
        super().__init__(build_schema(), graphql_ide="graphiql", allow_queries_via_get=True)
        self._app = app

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        return Context(store=self._app.state.store, request=request)


def create_app(
    settings: GraphSettings | None = None,
    *,
    engine: EmbeddedEngine | None = None,
    store: GraphStore | None = None,
) -> Starlette:
    """Build the app.  ``settings`` default to the environment; ``engine`` is an
    embedded engine already started by the caller (the app then stops it on
    shutdown if the caller's process started it); ``store`` is an open store
    the caller keeps ownership of (tests)."""
    settings = settings or GraphSettings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        nonlocal engine
        owns_store = store is None
        if engine is None:
            engine = embedded_engine(settings)
        if engine is not None and owns_store:
            await engine.ensure_running_async()
        app.state.engine = engine
        app.state.store = store or await open_store(settings, engine=engine)
        if owns_store:
            await app.state.store.ensure_schema()
        watcher = (
            asyncio.create_task(_watch_engine(engine))
            if engine is not None and owns_store
            else None
        )
        try:
            yield
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            if owns_store:
                await app.state.store.close()
                if engine is not None and engine.owned:
                    await asyncio.to_thread(engine.stop)

    app = Starlette(lifespan=lifespan)
    graphql = _GraphQLApp(app)
    app.router.routes.extend(
        [
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
        ]
    )
    return app


async def healthz(request: Request) -> Response:
    """The process is up (says nothing about the database)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """The database answers: 200, or 503 with the reason."""
    store: GraphStore = request.app.state.store
    try:
        await asyncio.wait_for(store.ping(), timeout=_READY_TIMEOUT)
    except TimeoutError:
        return JSONResponse(
            {
                "status": "unavailable",
                "database": "no answer in time",
                "code": "DATABASE_UNAVAILABLE",
            },
            status_code=503,
        )
    except ScrmError as exc:
        return JSONResponse(
            {"status": "unavailable", "database": str(exc).splitlines()[0], "code": exc.code},
            status_code=503,
        )
    return JSONResponse({"status": "ready", "database": "up", "engine": store.engine})


async def _watch_engine(engine: EmbeddedEngine) -> None:
    """Restart the embedded engine whenever its process is gone."""
    while True:
        await asyncio.sleep(_WATCH_INTERVAL)
        if engine.is_alive():
            continue
        log.warning("the embedded graph engine stopped; restarting it")
        try:
            await engine.ensure_running_async()
        except ScrmError as exc:
            log.error("could not restart the embedded graph engine: %s", exc)
        else:
            log.warning("the embedded graph engine is back")


def serve(
    settings: GraphSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    engine: EmbeddedEngine | None = None,
    log_level: str = "info",
) -> None:
    """Run the app under uvicorn (uvloop + httptools) until interrupted."""
    app = create_app(settings, engine=engine)
    uvicorn.run(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        log_level=log_level,
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
