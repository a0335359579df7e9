"""``scrm analyze influencers``: the influence ranking, with advocates and detractors."""

from __future__ import annotations

import typer
from rich.table import Table

from algorithms.models import InfluenceParams, InfluenceResult, InfluenceRun
from algorithms.runs import run_influence
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


def influencers(
    brand: str | None = BRAND,
    platform: str | None = PLATFORM,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    level: str = LEVEL,
    top: int = typer.Option(20, "--top", help="How many to list."),
    follows_weight: float = typer.Option(
        0.2, "--follows-weight", help="Weight of a FOLLOWS edge beside engagement."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Rank accounts (or customers) by influence: weighted PageRank over engagement plus reach."""
    params = build_params(
        InfluenceParams,
        brand=brand,
        platform=platform,
        since=epoch_ms(since, "--since"),
        until=epoch_ms(until, "--until"),
        level=level,
        top=top,
        follows_weight=follows_weight,
    )

    async def ranking(store: GraphStore) -> InfluenceRun:
        return await run_influence(store, params)

    shown = analyse(ranking, as_json=as_json)
    if shown is None:
        return
    console, result, origin = shown
    console.print(f"{origin}: {result.node_count:,} nodes, {result.edge_count:,} edges")
    console.print(_table("Influencers", result.results))
    if result.advocates:
        console.print(_table("Advocates (influence × brand sentiment)", result.advocates))
    if result.detractors:
        console.print(_table("Detractors", result.detractors))


def _table(title: str, rows: list[InfluenceResult]) -> Table:
    table = Table(
        title=title,
        caption="score = PR (PageRank part) + reach; recv = engagement received; "
        "sent. = brand sentiment; adv. = advocacy",
    )
    table.add_column("#", justify="right")
    table.add_column("id", no_wrap=True)
    for name in ("score", "PR", "reach", "followers", "recv", "sent.", "adv."):
        table.add_column(name, justify="right")
    for r in rows:
        b = r.breakdown
        table.add_row(
            str(r.rank),
            r.id,
            fmt(r.score),
            fmt(b.pagerank_part),
            fmt(b.reach_part),
            f"{b.followers:,}",
            f"{sum(b.engagement_received.model_dump().values()):,}",
            fmt(b.brand_sentiment, 2),
            fmt(b.advocacy),
        )
    return table
