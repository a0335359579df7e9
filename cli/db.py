"""``scrm db``: start, stop and inspect the embedded FalkorDB engine."""

from __future__ import annotations

import json

import typer

from cli.common import fail, load_settings
from graph import ScrmError
from graph.embedded import EmbeddedEngine

app = typer.Typer(help="Manage the embedded graph database engine.", no_args_is_help=True)


def _engine() -> EmbeddedEngine:
    settings = load_settings()
    if settings.engine != "embedded":
        fail(
            f"{settings.uri_setting}: the graph lives at {settings.display_uri}, "
            "not in the embedded engine; 'scrm db' manages only the embedded one"
        )
    return EmbeddedEngine(settings.data_dir)


@app.command()
def start() -> None:
    """Start the embedded engine in the background (kept running until 'scrm db stop')."""
    engine = _engine()
    try:
        started = engine.ensure_running(detach=True)
    except ScrmError as exc:
        fail(str(exc))
    status = engine.status()
    verb = "started" if started else "already running"
    typer.echo(f"embedded FalkorDB {verb} (pid {status.pid}, socket {status.socket})")


@app.command()
def stop() -> None:
    """Stop the embedded engine (its data stays in the data directory)."""
    engine = _engine()
    if engine.stop():
        typer.echo("embedded FalkorDB stopped")
    else:
        typer.echo("embedded FalkorDB was not running")


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Say whether the embedded engine runs, and where. Exit 0 if running, 3 if not."""
    engine = _engine()
    state = engine.status()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "running": state.running,
                    "pid": state.pid,
                    "socket": str(state.socket),
                    "data_dir": str(state.data_dir),
                }
            )
        )
    elif state.running:
        typer.echo(f"running (pid {state.pid}, socket {state.socket}, data in {state.data_dir})")
    else:
        typer.echo(f"not running (data in {state.data_dir})")
    raise typer.Exit(0 if state.running else 3)
