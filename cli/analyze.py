"""``scrm analyze``: the graph analyses from the command line, one module per command.

Each command lives in ``cli/analyze_<name>.py`` and is attached here with one line.
"""

from __future__ import annotations

import typer

from cli import analyze_capital, analyze_communities, analyze_influencers, analyze_paths

app = typer.Typer(
    help="Analyse the graph: influencers, communities, advocacy paths, social capital "
    "(each with --json).",
    no_args_is_help=True,
)
app.command(name="influencers")(analyze_influencers.influencers)
app.command(name="communities")(analyze_communities.communities)
app.command(name="paths")(analyze_paths.paths)
app.command(name="capital")(analyze_capital.capital)
