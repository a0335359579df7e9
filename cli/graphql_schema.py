"""``scrm schema print``: the GraphQL schema in SDL (the repository keeps it in schema.graphql)."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)


def schema_sdl() -> str:
    """The schema as SDL, ending with a newline."""
    from schema.root import build_schema  # only this command needs the whole schema

    return build_schema().as_str().rstrip("\n") + "\n"


@app.command(name="print")
def print_schema(
    out: str = typer.Option(
        "", "--out", help="Write to this file (e.g. schema.graphql) instead of stdout."
    ),
) -> None:
    """Print the schema in SDL; `scrm schema print --out schema.graphql` refreshes the
    committed copy."""
    sdl = schema_sdl()
    if not out:
        typer.echo(sdl, nl=False)
        return
    Path(out).write_text(sdl, encoding="utf-8")
    typer.echo(f"wrote {out}", err=True)
