"""``scrm serve``: the API and explorer over HTTP."""

from __future__ import annotations

import asyncio

import typer

from cli.common import fail, load_settings
from graph import ConfigError, GraphSettings, ScrmError, embedded_engine, open_store
from graph.embedded import EmbeddedEngine
from resolvers.keys import list_keys
from resolvers.settings import is_loopback


def serve(
    host: str = typer.Option("127.0.0.1", "--host", envvar="HOST", help="Address to bind."),
    port: int = typer.Option(8000, "--port", envvar="PORT", min=1, max=65535, help="Port."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
) -> None:
    """Serve GraphQL (/graphql), health (/healthz, /readyz) on HOST:PORT."""
    settings = load_settings()
    engine = embedded_engine(settings)
    try:
        if engine is not None:
            engine.ensure_running()
        asyncio.run(_preflight(settings, engine, host))
    except ScrmError as exc:
        if engine is not None and engine.owned:
            engine.stop()
        fail(str(exc))
    import server  # the entry point is the only place that reaches the server module

    try:
        server.serve(settings, host=host, port=port, engine=engine, log_level=log_level)
    finally:
        if engine is not None and engine.owned:
            engine.stop()


async def _preflight(settings: GraphSettings, engine: EmbeddedEngine | None, host: str) -> None:
    """Fail before binding the port when the database is unreachable or misconfigured, or
    when a non-loopback address would expose an API without keys."""
    store = await open_store(settings, engine=engine)
    try:
        await store.ensure_schema()
        if not is_loopback(host) and not await list_keys(store):
            raise ConfigError(
                "HOST",
                f"{host} is not a loopback address and no API key exists: create one with "
                "`scrm keys create --role admin` (or serve on 127.0.0.1)",
            )
    finally:
        await store.close()
