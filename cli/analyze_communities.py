"""``scrm analyze communities``: clusters of the engagement graph with their summaries."""

from __future__ import annotations

import typer
from rich.table import Table

from algorithms.models import CommunityParams, CommunityRun
from algorithms.runs import run_communities
from cli.analyze_options import (
    BRAND,
    LEVEL,
    PLATFORM,
    SINCE,
    UNTIL,
    analyse,
    build_params,
    epoch_ms,
    fmt,
)
from graph import GraphStore


def communities(
    algorithm: str = typer.Option(
        "leiden", "--algorithm", help="leiden, louvain or label-propagation."
    ),
    resolution: float = typer.Option(
        1.0, "--resolution", help="Modularity resolution (> 0): higher, smaller clusters."
    ),
    level: str = LEVEL,
    brand: str | None = BRAND,
    platform: str | None = PLATFORM,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    min_size: int | None = typer.Option(None, "--min-size", help="Hide smaller clusters."),
    seed: int = typer.Option(0, "--seed", help="Random seed (runs are reproducible)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Find communities (Leiden by default) and summarise each: leaders, hashtags, sentiment."""
    params = build_params(
        CommunityParams,
        algorithm=algorithm,
        resolution=resolution,
        level=level,
        brand=brand,
        platform=platform,
        since=epoch_ms(since, "--since"),
        until=epoch_ms(until, "--until"),
        min_size=min_size,
        seed=seed,
    )

    async def clustering(store: GraphStore) -> CommunityRun:
        return await run_communities(store, params)

    shown = analyse(clustering, as_json=as_json)
    if shown is None:
        return
    console, result, origin = shown
    console.print(
        f"{origin}: {result.algorithm}, resolution {result.resolution:g}, "
        f"modularity {result.modularity:.4f}, {result.cluster_count:,} clusters "
        f"over {result.node_count:,} nodes"
    )
    table = Table(title=f"Communities ({len(result.clusters):,} shown)")
    table.add_column("id")
    table.add_column("size", justify="right")
    table.add_column("leaders")
    table.add_column("top hashtags")
    table.add_column("sentiment", justify="right")
    table.add_column("channels")
    table.add_column("density", justify="right")
    for c in result.clusters:
        table.add_row(
            c.id,
            f"{c.size:,}",
            ", ".join(c.leaders[:3]),
            ", ".join(f"#{h.tag}" for h in c.top_hashtags[:3]),
            fmt(c.brand_sentiment, 2),
            ", ".join(f"{k} {v}" for k, v in c.channels.items()),
            fmt(c.density),
        )
    console.print(table)
