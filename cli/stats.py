"""``scrm stats``: node counts per label, relationship counts per type."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from cli.common import load_settings, run, with_store
from graph import GraphStats, GraphStore


def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Count the graph's nodes per label and relationships per type."""
    settings = load_settings()

    async def fetch(store: GraphStore) -> GraphStats:
        return await store.stats()

    result = run(with_store(settings, fetch))
    if as_json:
        typer.echo(json.dumps(result.as_json()))
        return
    table = Table(title=f"graph {settings.graph!r} ({settings.display_uri})")
    table.add_column("kind")
    table.add_column("name")
    table.add_column("count", justify="right")
    for label, n in result.nodes.items():
        table.add_row("node", label, f"{n:,}")
    for rtype, n in result.relationships.items():
        table.add_row("relationship", rtype, f"{n:,}")
    if not result.nodes and not result.relationships:
        table.add_row("", "(empty graph)", "0")
    Console().print(table)
