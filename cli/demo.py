"""``scrm demo generate``: write the demo data set as channel-native files."""

from __future__ import annotations

import json
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.common import fail, is_tty

app = typer.Typer(
    help="Demo data: channel-native files with planted communities, advocates and identities.",
    no_args_is_help=True,
)


class Size(StrEnum):
    small = "small"
    bench = "bench"


@app.command()
def generate(
    out: Annotated[
        Path, typer.Option("--out", help="Directory to write (new, empty, or an earlier demo set).")
    ],
    size: Annotated[
        Size,
        typer.Option("--size", help="small: ~2k accounts, ~20k interactions; bench: ~100k / ~1M."),
    ] = Size.small,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes.", min=0)] = 42,
    scale: Annotated[
        float,
        typer.Option(
            "--scale",
            help="Multiply the size (e.g. 0.1 for a tiny set, 3 for a larger map).",
            min=0.001,
        ),
    ] = 1.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the totals as JSON.")] = False,
) -> None:
    """Write DIR/<connector>/ for twitter, weibo, reddit, slack, wechat-work and shopify,
    plus DIR/brands.json and DIR/truth.json (what was planted).  Load them with
    `scrm load all DIR`."""
    from loaders.demo import DemoError
    from loaders.demo import generate as write_demo

    started = time.perf_counter()
    show = is_tty() and not as_json
    try:
        truth = write_demo(
            out,
            size=size.value,
            seed=seed,
            factor=scale,
            progress=(lambda msg: typer.echo(f"  {msg}", err=True)) if show else None,
        )
    except (DemoError, ValueError, OSError) as exc:
        fail(str(exc))
    total: dict[str, float] = dict(truth.counts["total"])
    total["files"] = len(truth.files)
    total["seconds"] = round(time.perf_counter() - started, 2)
    if as_json:
        typer.echo(json.dumps({"out": str(out), "size": truth.size, "seed": seed, **total}))
        return
    typer.echo(
        f"wrote {out}: {total['accounts']:,} accounts, {total['posts']:,} posts, "
        f"{total['interactions']:,} interactions, {total['orders']:,} orders in "
        f"{total['files']:,} files ({total['seconds']} s); what was planted: {out / 'truth.json'}"
    )


@app.command()
def seed(
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Where the demo files are kept (default: $SCRM_DATA_DIR/demo).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Load the small demo set through the real connectors, if the graph is empty.

    This is what `make run` does before serving: a first start shows real data, and
    later starts (or a graph with your own data) are left alone."""
    from cli.common import load_settings, run, with_store
    from graph import GraphStore
    from loaders.demo import DemoError
    from loaders.demo import generate as write_demo
    from loaders.directory import load_directory, plan_directory
    from loaders.pipeline import LoadError, LoadSummary
    from loaders.rejects import RejectsFile

    settings = load_settings()
    folder = directory or settings.data_dir / "demo"
    sink = RejectsFile(settings.data_dir / "rejects" / "demo.jsonl")

    async def go(store: GraphStore) -> LoadSummary | None:
        if (await store.stats()).nodes:
            return None
        if not (folder / "truth.json").is_file():
            typer.echo(f"scrm: generating the small demo set in {folder}", err=True)
            write_demo(folder, size="small")
        typer.echo("scrm: the graph is empty; loading the demo set (first start)", err=True)
        return await load_directory(store, plan_directory(folder), rejects=sink)

    started = time.perf_counter()
    try:
        summary = run(with_store(settings, go))
    except (DemoError, LoadError, OSError) as exc:
        fail(str(exc))
    finally:
        sink.close()
    if summary is None:
        typer.echo("scrm: the graph has data; demo not loaded", err=True)
        return
    typer.echo(
        f"scrm: demo loaded: {summary.read:,} records read, {summary.rejected:,} rejected "
        f"({time.perf_counter() - started:.1f} s)",
        err=True,
    )
