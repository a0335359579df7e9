"""Shared plumbing for the ``scrm`` commands: settings, the store, one-line errors."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, NoReturn, TypeVar

import typer

from graph import GraphSettings, GraphStore, ScrmError, embedded_engine, open_store

__all__ = ["fail", "load_settings", "run", "with_store"]

T = TypeVar("T")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``scrm: <message>`` (first line only) to stderr and exit."""
    first, *rest = str(message).splitlines() or [""]
    typer.echo(f"scrm: {first}", err=True)
    for line in rest:
        typer.echo(f"  {line}", err=True)
    raise typer.Exit(code)


def load_settings() -> GraphSettings:
    try:
        return GraphSettings.from_env()
    except ScrmError as exc:
        fail(str(exc))


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine, turning project errors into a one-line message and exit 1."""
    try:
        return asyncio.run(coro)
    except ScrmError as exc:
        fail(str(exc))


async def with_store(settings: GraphSettings, fn: Callable[[GraphStore], Awaitable[T]]) -> T:
    """Open the store (starting the embedded engine if none runs), call ``fn``, clean up.

    An engine this call started is stopped again afterwards; one that was
    already running (``scrm serve``, ``scrm db start``) is left alone."""
    engine = embedded_engine(settings)
    if engine is not None:
        await engine.ensure_running_async()
    try:
        store = await open_store(settings, engine=engine)
        try:
            await store.ensure_schema()
            return await fn(store)
        finally:
            await store.close()
    finally:
        if engine is not None and engine.owned:
            await asyncio.to_thread(engine.stop)


def is_tty() -> bool:
    return sys.stderr.isatty()
