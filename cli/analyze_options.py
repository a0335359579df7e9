"""Options and helpers the ``scrm analyze`` commands share: scope options, times, output."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console

from cli.common import fail, load_settings, run, with_store
from graph import GraphStore, ScrmError

__all__ = [
    "BRAND",
    "LEVEL",
    "PLATFORM",
    "SINCE",
    "UNTIL",
    "analyse",
    "build_params",
    "echo_json",
    "epoch_ms",
    "fmt",
]

P = TypeVar("P", bound=BaseModel)

LEVEL = typer.Option("account", "--level", help="Rank accounts, or customers (accounts folded).")
BRAND = typer.Option(None, "--brand", help="Brand id: only interactions on posts about it.")
PLATFORM = typer.Option(None, "--platform", help="Only this channel (twitter, reddit, ...).")
SINCE = typer.Option(None, "--since", help="Window start, ISO date/time (UTC unless given).")
UNTIL = typer.Option(None, "--until", help="Window end (exclusive), ISO date/time.")


def epoch_ms(value: str | None, option: str) -> int | None:
    """An ISO date or date-time (``2024-05-01``, ``2024-05-01T12:00:00+08:00``) as epoch ms."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(f"{option}: not an ISO date or date-time: {value!r} (e.g. 2024-05-01T12:00:00Z)")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def build_params(model: Callable[..., P], **values: Any) -> P:
    """Construct analysis parameters, turning a bad value into a one-line error."""
    try:
        return model(**values)
    except ScrmError as exc:
        fail(str(exc))


class _Run(Protocol):
    run_id: str | None
    reused: bool
    graph_version: int
    note: str | None

    def model_dump(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=_Run)


def analyse(
    fn: Callable[[GraphStore], Awaitable[R]], *, as_json: bool
) -> tuple[Console, R, str] | None:
    """Run an analysis on the configured graph.  With ``as_json``, or when the
    run has nothing to show (its ``note`` is printed), it is reported here and
    None comes back; otherwise the console, the run and its one-line origin
    ("run <id> (computed|stored run, graph version N)") for the caller's table."""
    result = run(with_store(load_settings(), fn))
    if as_json:
        typer.echo(json.dumps(result.model_dump(), ensure_ascii=False))
        return None
    console = Console()
    if result.note:
        console.print(result.note)
        return None
    origin = "stored run" if result.reused else "computed"
    return console, result, f"run {result.run_id} ({origin}, graph version {result.graph_version})"


def echo_json(result: BaseModel) -> None:
    typer.echo(json.dumps(result.model_dump(), ensure_ascii=False))


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"
