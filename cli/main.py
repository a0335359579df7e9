"""The ``scrm`` command line: one entry, one sub-command module per job."""

from __future__ import annotations

import logging

import typer

from cli import analyze, brand, db, demo, graphql_schema, identity, keys, load, serve, stats

app = typer.Typer(
    name="scrm",
    help="scrm-graph: a graph-native Social CRM. Configure with SCRM_GRAPH_URI, "
    "SCRM_GRAPH_NAME, SCRM_DATA_DIR (see README).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command(name="serve")(serve.serve)
app.command(name="stats")(stats.stats)
app.command(name="load", cls=load.LoadCommand)(load.load_command)
app.add_typer(db.app, name="db")
app.add_typer(analyze.app, name="analyze")
app.add_typer(demo.app, name="demo")
app.add_typer(identity.app, name="identity")
app.add_typer(brand.app, name="brand")
app.add_typer(keys.app, name="keys")
app.add_typer(graphql_schema.app, name="schema")


def main() -> None:
    # Driver errors are translated into one-line messages; their own log lines
    # would only repeat them.
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    app()


if __name__ == "__main__":
    main()
