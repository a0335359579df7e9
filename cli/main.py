"""The ``scrm`` command line: one entry, one sub-command module per job.

Sub-command modules are imported only when their command runs (all of them
for ``scrm --help``): some pull in the analysis stack, and a command should
start quickly.
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer

# name -> (module, attribute, how it attaches): "command" functions, "group" sub-apps.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "serve": ("cli.serve", "serve", "command"),
    "stats": ("cli.stats", "stats", "command"),
    "load": ("cli.load", "load_command", "command"),
    "db": ("cli.db", "app", "group"),
    "analyze": ("cli.analyze", "app", "group"),
    "demo": ("cli.demo", "app", "group"),
    "identity": ("cli.identity", "app", "group"),
    "brand": ("cli.brand", "app", "group"),
    "keys": ("cli.keys", "app", "group"),
    "schema": ("cli.graphql_schema", "app", "group"),
}


def build_app(only: str | None = None) -> typer.Typer:
    """The CLI with every command, or with just ``only`` when that names one."""
    app = typer.Typer(
        name="scrm",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def root() -> None:
        """scrm-graph: a graph-native Social CRM.

        Configure with SCRM_GRAPH_URI, SCRM_GRAPH_NAME and SCRM_DATA_DIR (see README).
        """

    names = [only] if only in COMMANDS else list(COMMANDS)
    for name in names:
        module_name, attribute, kind = COMMANDS[name]
        module = importlib.import_module(module_name)
        target = getattr(module, attribute)
        if kind == "group":
            app.add_typer(target, name=name)
        elif name == "load":
            app.command(name=name, cls=module.LoadCommand)(target)
        else:
            app.command(name=name)(target)
    return app


def __getattr__(name: str) -> typer.Typer:
    # ``cli.main.app``: the whole CLI, for callers such as typer's test runner.
    if name == "app":
        return build_app()
    raise AttributeError(name)


def main() -> None:
    # Driver errors are translated into one-line messages; their own log lines
    # would only repeat them.
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    first = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    build_app(first)()


if __name__ == "__main__":
    main()
