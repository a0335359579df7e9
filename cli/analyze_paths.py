"""``scrm analyze paths``: the strongest advocacy paths to a customer or account."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.table import Table

from algorithms.paths import AdvocacyPath, PathParams, PathsResult, find_advocacy_paths
from cli.analyze_options import PLATFORM, SINCE, UNTIL, build_params, echo_json, epoch_ms
from cli.common import load_settings, run, with_store
from graph import GraphStore


def paths(
    target: str = typer.Option(..., "--target", help="Customer or account id to reach."),
    source: str | None = typer.Option(
        None, "--source", help="Start from this customer or account (instead of --brand)."
    ),
    brand: str | None = typer.Option(
        None, "--brand", help="Start from this brand's advocates (default: any brand's)."
    ),
    k: int = typer.Option(3, "--k", help="How many paths."),
    max_hops: int = typer.Option(5, "--max-hops", help="Longest path, in hops."),
    advocates: int = typer.Option(20, "--advocates", help="How many top advocates start paths."),
    platform: str | None = PLATFORM,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    follows_weight: float = typer.Option(
        0.2, "--follows-weight", help="Weight of a FOLLOWS edge beside engagement."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Best k paths of influence (Yen) from the brand's advocates or a source to a target.

    A hop v → u means u is influenced by v, with probability u's share of
    attention on v; a path's strength is the product of its hops.
    """
    params = build_params(
        PathParams,
        target=target,
        source=source,
        brand=brand,
        k=k,
        max_hops=max_hops,
        advocates=advocates,
        platform=platform,
        since=epoch_ms(since, "--since"),
        until=epoch_ms(until, "--until"),
        follows_weight=follows_weight,
    )
    settings = load_settings()

    async def analyse(store: GraphStore) -> PathsResult:
        return await find_advocacy_paths(store, params)

    result = run(with_store(settings, analyse))
    if as_json:
        echo_json(result)
        return
    console = Console()
    origin = f"from {result.sources[0]}" if params.source else f"{len(result.sources)} advocates"
    console.print(
        f"paths to {result.target} ({result.level} level, {origin}, "
        f"graph version {result.graph_version})"
    )
    if not result.paths:
        console.print(result.reason or "no path")
        return
    for number, path in enumerate(result.paths, 1):
        console.print(_table(number, path))


def _table(number: int, path: AdvocacyPath) -> Table:
    table = Table(
        title=f"#{number}  strength {path.strength:.4g}: " + " → ".join(path.nodes),
        title_justify="left",
    )
    table.add_column("from", no_wrap=True)
    table.add_column("to", no_wrap=True)
    table.add_column("p", justify="right")
    table.add_column("interactions (to → from)")
    table.add_column("last contact")
    for hop in path.hops:
        e = hop.evidence
        counts = [
            f"{n} {name}"
            for name, n in (
                ("replies", e.replies),
                ("quotes", e.quotes),
                ("shares", e.shares),
                ("likes", e.likes),
                ("mentions", e.mentions),
            )
            if n
        ]
        if e.follows:
            counts.append("follows")
        table.add_row(
            hop.from_,
            hop.to,
            f"{hop.probability:.3f}",
            ", ".join(counts) or "–",
            _date(e.last_contact),
        )
    return table


def _date(epoch_ms: int | None) -> str:
    if epoch_ms is None:
        return "–"
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).strftime("%Y-%m-%d")
