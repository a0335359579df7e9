"""The Starlette app: GraphQL over HTTP and WebSocket, GraphiQL, ingest, health, metrics;
the uvicorn entry.

The app owns one store for its lifetime (opened in the lifespan, kept in
``app.state``).  With the embedded engine it also supervises the engine
process: if the engine dies, requests fail fast with a clear error while a
watcher restarts it, and service resumes with the data it had persisted.

Routes: ``/graphql`` (GET/POST per GraphQL over HTTP, GraphiQL for a browser,
graphql-transport-ws subscriptions), ``POST /ingest/{connector}``,
``/healthz``, ``/readyz``, ``/metrics``.  Every route but the health checks
needs an API key once one exists (or always, when bound beyond loopback).
The web explorer (``web/dist``, static files) is served at ``/``; it reaches
the data only through ``/graphql``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import logging
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from graph import (
    ConfigError,
    EmbeddedEngine,
    GraphSettings,
    GraphStore,
    ScrmError,
    embedded_engine,
    open_store,
)
from graph.version import graph_version
from resolvers.auth import KeyRing, Principal
from resolvers.cache import ResultCache
from resolvers.context import Context
from resolvers.errors import ApiError, Unauthenticated, public_message
from resolvers.graphiql_page import graphiql_page
from resolvers.http import (
    JSON_MEDIA,
    GraphQLRequest,
    HttpError,
    error_response,
    negotiate,
    parse_get,
    parse_post,
    read_body,
    result_response,
    wants_graphiql,
)
from resolvers.ingest import ingest_payload
from resolvers.listening import MentionFeeds
from resolvers.loaders import Loaders, VersionReads
from resolvers.metrics import CONTENT_TYPE, ApiMetrics
from resolvers.responses import ResponseCache
from resolvers.settings import ApiSettings, is_loopback
from schema.root import build_schema

__all__ = ["create_app", "serve"]

log = logging.getLogger("scrm.server")

_WATCH_INTERVAL = 0.5
_READY_TIMEOUT = 2.0
_ALLOWED = {"GET": (OperationType.QUERY,), "POST": (OperationType.QUERY, OperationType.MUTATION)}
_ROUTES = ("/graphql", "/ingest", "/healthz", "/readyz", "/metrics")


class _Api:
    """What the routes share for the app's lifetime (the store, keys and feeds are set
    up in the lifespan)."""

    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings
        self.store: GraphStore | None = None
        self.keys: KeyRing | None = None
        self.feeds: MentionFeeds | None = None
        self.versions: VersionReads | None = None
        self.cache = ResultCache()
        self.metrics = ApiMetrics(lambda: self.store)
        self.schema = build_schema(settings, metrics=self.metrics)
        self.responses = ResponseCache(self.schema._schema)
        self.in_flight = asyncio.Semaphore(settings.max_in_flight)

    @property
    def graph(self) -> GraphStore:
        """The store (open while the app runs)."""
        if self.store is None:
            raise RuntimeError("the app is not started")
        return self.store

    def context(
        self, principal: Principal, request: Request | WebSocket, version: int = -1
    ) -> Context:
        """A request's context; ``version`` is the graph version when already read."""
        return Context(
            store=self.graph,
            loaders=Loaders(self.graph, self.cache, version=version, versions=self.versions),
            principal=principal,
            settings=self.settings,
            request=request,
            feeds=self.feeds,
            cache=self.cache,
        )

    async def execute(
        self, request: GraphQLRequest, context: Context, *, allowed: tuple[OperationType, ...]
    ) -> ExecutionResult:
        """Run an operation when one of the ``max_in_flight`` slots is free."""
        async with self.in_flight:
            return await self.schema.execute(
                request.query,
                variable_values=request.variables,
                context_value=context,
                operation_name=request.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request.extensions,
            )

    async def graph_version(self) -> int:
        """The graph version, from a read shared by the requests asking in this turn of
        the event loop (see :class:`resolvers.loaders.VersionReads`)."""
        if self.versions is None:
            return await graph_version(self.graph)
        # Shared with other requests: one cancelled while waiting must not cancel it.
        return await asyncio.shield(self.versions.read())

    async def authenticate(self, authorization: str | None) -> Principal:
        if self.keys is None:
            raise RuntimeError("the app is not started")
        return await self.keys.authenticate(authorization)


def create_app(
    settings: GraphSettings | None = None,
    *,
    engine: EmbeddedEngine | None = None,
    store: GraphStore | None = None,
    api: ApiSettings | None = None,
) -> Starlette:
    """Build the app.  ``settings`` default to the environment; ``engine`` is an
    embedded engine already started by the caller (the app then stops it on
    shutdown if the caller's process started it); ``store`` is an open store
    the caller keeps ownership of (tests); ``api`` holds the request limits
    (default: ``ApiSettings.from_env()``)."""
    settings = settings or GraphSettings.from_env()
    api_settings = api or ApiSettings.from_env()
    shared = _Api(api_settings)

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
        shared.store = app.state.store
        shared.versions = VersionReads(shared.store)
        try:
            if owns_store:
                await shared.store.ensure_schema()
            shared.keys = KeyRing(
                shared.store,
                refresh_seconds=api_settings.key_refresh_seconds,
                require_keys=api_settings.require_keys,
            )
            await shared.keys.refresh()
            if api_settings.require_keys and not shared.keys.has_keys:
                raise ConfigError(
                    "HOST",
                    "bound to a non-loopback address, the API needs an API key: "
                    "create one with `scrm keys create --role admin`",
                )
        except BaseException:
            if owns_store:
                await shared.store.close()
            raise
        shared.feeds = MentionFeeds(shared.store, poll_seconds=api_settings.mention_poll_seconds)
        watcher = (
            asyncio.create_task(_watch_engine(engine))
            if engine is not None and owns_store
            else None
        )
        try:
            yield
        finally:
            await shared.feeds.close()
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            if owns_store:
                await shared.store.close()
                if engine is not None and engine.owned:
                    await asyncio.to_thread(engine.stop)

    async def graphql_http(request: Request) -> Response:
        return await _graphql_http(shared, request)

    async def ingest(request: Request) -> Response:
        return await _ingest(shared, request)

    async def metrics(request: Request) -> Response:
        try:
            await shared.authenticate(request.headers.get("authorization"))
        except Unauthenticated as exc:
            return error_response(HttpError(401, exc.code, str(exc)))
        return Response(shared.metrics.render(), media_type=CONTENT_TYPE)

    app = Starlette(lifespan=lifespan)
    app.state.api = shared
    app.router.routes.extend(
        [
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
            Route("/graphql", graphql_http, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", _Subscriptions(shared)),
            Route("/ingest/{connector}", ingest, methods=["POST"]),
        ]
    )
    app.router.routes.append(_explorer())  # last: every other route comes first
    app.add_middleware(_CountResponses, metrics=shared.metrics)
    return app


# --- the web explorer: web/dist, built by `make run` and `make test` ----------------------

EXPLORER_DIR = Path(__file__).resolve().parent / "web" / "dist"


def _explorer() -> Mount:
    """The explorer's production build as static files at ``/``; when it is not built,
    ``/`` says how to build it."""
    if (EXPLORER_DIR / "index.html").is_file():
        return Mount("/", app=StaticFiles(directory=EXPLORER_DIR, html=True), name="explorer")
    return Mount("/", routes=[Route("/", _explorer_missing, methods=["GET"])], name="explorer")


async def _explorer_missing(request: Request) -> Response:
    return HTMLResponse(
        "<!doctype html><title>scrm-graph</title><h1>The web explorer is not built</h1>"
        "<p>Build it with <code>make run</code> (or <code>cd web &amp;&amp; npm ci &amp;&amp; "
        "npm run build</code>). The API is at <a href='/graphql'>/graphql</a>.</p>",
        status_code=404,
    )


async def _graphql_http(api: _Api, request: Request) -> Response:
    if wants_graphiql(request):
        return graphiql_page(EXPLORER_DIR)
    media = JSON_MEDIA
    try:
        media = negotiate(request.headers.get("accept"))
        principal = await _principal(api, request)
        if request.method == "GET":
            graphql_request = parse_get(request.query_params)
        else:
            body = await read_body(request, api.settings.max_body_bytes)
            graphql_request = parse_post(request.headers.get("content-type"), body)
        query = graphql_request.query or ""
        cached_as, version = None, -1
        if api.settings.response_cache and api.responses.cacheable(
            query, graphql_request.operation_name
        ):
            cached_as = api.responses.key(
                principal, query, graphql_request.operation_name, graphql_request.variables
            )
            try:
                version = await api.graph_version()
            except ScrmError:  # the database is down: execute, and say so in the errors
                cached_as = None
            kept = api.responses.get(version, cached_as) if cached_as is not None else None
            if kept is not None:
                api.metrics.cached.inc()
                return Response(kept, media_type=media)
        result = await asyncio.wait_for(
            api.execute(
                graphql_request,
                api.context(principal, request, version),
                allowed=_ALLOWED[request.method],
            ),
            timeout=api.settings.request_timeout,
        )
    except HttpError as exc:
        return error_response(exc, media)
    except InvalidOperationTypeError as exc:
        return error_response(_wrong_operation(request.method, exc.operation_type), media)
    except TimeoutError:
        message = f"the request ran past its {api.settings.request_timeout:g} s time limit"
        return error_response(HttpError(504, "TIMEOUT", message), media)
    except ScrmError as exc:  # raised outside execution (the key ring reading keys)
        return error_response(HttpError(503, exc.code, _database_message(exc)), media)
    except (MissingQueryError, CannotGetOperationTypeError) as exc:
        message = "the document has several operations: name one in operationName"
        if isinstance(exc, MissingQueryError):
            message = "the request has no query"
        return error_response(HttpError(400, "BAD_REQUEST", message), media)
    response = result_response(result.data, result.errors, result.extensions, media)
    if cached_as is not None and result.data is not None and not result.errors:
        api.responses.put(version, cached_as, bytes(response.body))
    return response


def _wrong_operation(method: str, operation: OperationType) -> HttpError:
    if operation is OperationType.SUBSCRIPTION:
        return HttpError(
            400,
            "BAD_REQUEST",
            "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql",
        )
    return HttpError(
        405,
        "METHOD_NOT_ALLOWED",
        f"{operation.value}s are not allowed over {method}; use POST",
        headers={"Allow": "POST"},
    )


def _database_message(exc: ScrmError) -> str:
    return (
        "the graph database is unavailable; try again shortly"
        if exc.code.startswith("DATABASE")
        else "the request could not be served"
    )


async def _principal(api: _Api, request: Request) -> Principal:
    try:
        return await api.authenticate(request.headers.get("authorization"))
    except Unauthenticated as exc:
        raise HttpError(401, exc.code, str(exc)) from None


async def _ingest(api: _Api, request: Request) -> Response:
    """``POST /ingest/{connector}``: the body is one payload in the connector's native
    format; ``?brand=`` and ``?platform=`` as for ``scrm load``.  Needs the admin role."""
    try:
        principal = await _principal(api, request)
        if not principal.allows("admin"):
            raise HttpError(403, "FORBIDDEN", "ingesting needs the admin role")
        body = await read_body(request, api.settings.max_ingest_bytes)
        async with api.in_flight:
            summary = await asyncio.wait_for(
                ingest_payload(
                    api.graph,
                    request.path_params["connector"],
                    body,
                    brand=request.query_params.get("brand") or None,
                    platform=request.query_params.get("platform") or None,
                    name=f"POST /ingest/{request.path_params['connector']}",
                ),
                timeout=api.settings.request_timeout,
            )
    except HttpError as exc:
        return error_response(exc)
    except ApiError as exc:
        return error_response(
            HttpError(400 if exc.code != "FORBIDDEN" else 403, exc.code, str(exc))
        )
    except TimeoutError:
        return error_response(HttpError(504, "TIMEOUT", "the ingest ran past its time limit"))
    except ScrmError as exc:
        return error_response(HttpError(503, exc.code, _database_message(exc)))
    return JSONResponse(
        {
            "connector": summary.connector,
            "read": summary.read,
            "written": {w.name: w.count for w in summary.written},
            "rejected": summary.rejected,
            "rejects": [
                {"source": r.source, "location": r.location, "reason": r.reason, "raw": r.raw}
                for r in summary.rejects
            ],
        }
    )


class _Subscriptions(GraphQL[Context, None]):
    """GraphQL over WebSocket (graphql-transport-ws): subscriptions, and queries and
    mutations sent the same way.  The API key comes in ``connection_init``'s payload
    (``{"Authorization": "Bearer <key>"}``) or the upgrade request's header."""

    def __init__(self, api: _Api) -> None:
        super().__init__(
            api.schema,
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=20,
        )
        self._api = api

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        # Nothing runs before connection_init is acknowledged, and on_ws_connect sets the
        # real principal then; until that, the connection may do nothing.
        return self._api.context(Principal("viewer", key_id="pending"), request)

    async def on_ws_connect(self, context: Context) -> UnsetType:
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        if header is None and context.request is not None:
            header = context.request.headers.get("authorization")
        try:
            context.principal = await self._api.authenticate(
                header if isinstance(header, str) else None
            )
        except (Unauthenticated, ScrmError):
            raise ConnectionRejectionError() from None
        return UNSET  # a plain connection_ack


class _CountResponses:
    """Counts HTTP responses by route and status for /metrics."""

    def __init__(self, app: ASGIApp, *, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        route = next((r for r in _ROUTES if path == r or path.startswith(r + "/")), "other")

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.metrics.http.labels(route, str(message["status"])).inc()
            await send(message)

        await self.app(scope, receive, counted)


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
            {"status": "unavailable", "database": public_message(str(exc)), "code": exc.code},
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
    api: ApiSettings | None = None,
) -> None:
    """Run the app under uvicorn (uvloop + httptools) until interrupted.  Bound to a
    non-loopback ``host``, the API requires keys (and refuses to start without one)."""
    limits = api or ApiSettings.from_env()
    if not is_loopback(host):
        limits = dataclasses.replace(limits, require_keys=True)
    app = create_app(settings, engine=engine, api=limits)
    # The modules, schema and app live as long as the process: keep them out of the
    # collector's full passes, which would otherwise walk them all and stall requests.
    gc.collect()
    gc.freeze()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        log_level=log_level,
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: a normal stop, as uvicorn.run has it
        _Server(config).run()


class _Server(uvicorn.Server):
    """uvicorn, except that a SIGTERM ends the process normally once the graceful
    shutdown it asked for is done (uvicorn re-raises it, which would kill the process
    before the caller stops the embedded engine)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            yield
            self._captured_signals = [s for s in self._captured_signals if s != signal.SIGTERM]
