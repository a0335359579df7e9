"""``scrm load CONNECTOR PATH...``: load channel exports through a connector into the graph."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from typer.core import TyperCommand

from cli.common import fail, is_tty, load_settings, run, with_store
from graph import GraphStore
from loaders.base import LoadOptions
from loaders.directory import DirectoryPlan, load_directory, plan_directory
from loaders.pipeline import DEFAULT_BATCH_SIZE, LoadError, LoadProgress, LoadSummary, load
from loaders.registry import UnknownConnector, connector_names, get_connector
from loaders.rejects import RejectsFile

__all__ = ["LoadCommand", "load_command"]

ALL = "all"


class LoadCommand(TyperCommand):
    """``scrm load --help`` lists the connectors with what each reads (imported only then)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        lines = []
        for name in connector_names():
            try:
                summary = get_connector(name).summary
            except Exception as exc:  # a broken connector must not break the help
                summary = f"(unavailable: {exc})"
            lines.append(f"{name}: {summary}")
        lines.append(f"{ALL}: DIR holds one folder per connector, named after it")
        self.epilog = "Connectors:\n\n" + "\n\n".join(lines)
        # The docstring's paragraphs, each on one line, for the help to wrap.
        paragraphs = (self.help or "").split("\n\n")
        self.help = "\n\n".join(" ".join(p.split()) for p in paragraphs)
        super().format_help(ctx, formatter)


def load_command(
    connector: Annotated[
        str,
        typer.Argument(
            metavar="CONNECTOR",
            help=f"One of: {', '.join(connector_names())}; or '{ALL}' to load every "
            "connector's folder of a directory.",
            show_default=False,
        ),
    ],
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...",
            help="Files or folders (a folder is read for the connector's files). With 'all': "
            "one directory with a subfolder per connector.",
            show_default=False,
        ),
    ],
    brand: Annotated[
        str | None,
        typer.Option("--brand", help="Tag everything loaded as ABOUT this brand (must exist)."),
    ] = None,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help="Write rejected records here (JSON lines). Default: "
            "$SCRM_DATA_DIR/rejects/<connector>-<UTC time>.jsonl, created only if needed.",
            show_default=False,
        ),
    ] = None,
    batch_size: Annotated[
        int,
        typer.Option(
            "--batch-size",
            min=1,
            help="Records per parsed batch; batches are written together until one "
            "write statement carries this many rows.",
        ),
    ] = DEFAULT_BATCH_SIZE,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print only the summary, as JSON (no progress bar)."),
    ] = False,
    platform: Annotated[
        str | None,
        typer.Option("--platform", help="edges-csv / graph-file: the platform ids belong to."),
    ] = None,
    preset: Annotated[
        str | None, typer.Option("--preset", help="orders-csv: shopify or uci.")
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="orders-csv: our=their column pairs, e.g. order_id=Invoice,total=Amount.",
        ),
    ] = None,
) -> None:
    """Load channel exports into the graph: parse, resolve identities, enrich, write.

    Bad records are set aside in the rejects file with their reasons and never stop
    the load.  Exit status: 0 all loaded, 2 some records rejected (the rest loaded),
    1 failure."""
    settings = load_settings()
    options = LoadOptions(
        brand=brand,
        platform=platform.strip().lower() if platform else None,
        preset=preset,
        columns=_columns(columns),
    )
    plan: DirectoryPlan | None = None
    if connector == ALL:
        if len(paths) != 1 or not paths[0].is_dir():
            fail(f"'scrm load {ALL}' takes one directory (with a folder per connector)")
        try:
            plan = plan_directory(paths[0])
        except LoadError as exc:
            fail(str(exc))
        for entry in plan.skipped:  # on stderr: stdout stays the summary alone
            typer.echo(f"scrm: skipping {entry}: no connector named {entry.name!r}", err=True)
    else:
        try:
            get_connector(connector)
        except UnknownConnector as exc:
            fail(str(exc))
        except Exception as exc:
            fail(f"connector {connector!r} cannot be loaded: {exc}")
    sink = RejectsFile(rejects or _default_rejects(settings.data_dir, connector))
    show_progress = is_tty() and not as_json
    started = time.perf_counter()

    async def go(store: GraphStore) -> LoadSummary:
        with _progress(show_progress) as track:
            if plan is not None:
                return await load_directory(
                    store,
                    plan,
                    options=options,
                    batch_size=batch_size,
                    rejects=sink,
                    progress=track,
                )
            return await load(
                store,
                get_connector(connector),
                list(paths),
                options=options,
                batch_size=batch_size,
                rejects=sink,
                progress=track(connector),
            )

    try:
        summary = run(with_store(settings, go))
    except OSError as exc:
        fail(f"{getattr(exc, 'filename', None) or 'load'}: {exc.strerror or exc}")
    finally:
        sink.close()
    summary.seconds = time.perf_counter() - started
    summary.rejects_file = str(sink.path) if sink.count else None
    if as_json:
        typer.echo(json.dumps(summary.as_json()))
    else:
        _print_summary(summary, connector)
    raise typer.Exit(2 if summary.rejected else 0)


def _columns(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    mapping: dict[str, str] = {}
    for pair in text.split(","):
        ours, sep, theirs = pair.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            fail(f"--columns: {pair!r} is not ours=theirs (e.g. order_id=Invoice)")
        mapping[ours.strip()] = theirs.strip()
    return mapping


def _default_rejects(data_dir: Path, connector: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return data_dir / "rejects" / f"{connector}-{stamp}.jsonl"


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], Callable[[LoadProgress], None] | None]]:
    """A factory of progress callbacks, one per connector, drawing on stderr when enabled."""
    if not enabled:
        yield lambda _name: None
        return
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[read]:>10,} read  {task.fields[rejected]:>6,} rejected"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )

    def track(name: str) -> Callable[[LoadProgress], None]:
        task = bar.add_task(name, total=None, read=0, rejected=0)

        def update(p: LoadProgress) -> None:
            bar.update(
                task,
                completed=p.bytes_done,
                total=p.bytes_total or None,
                read=p.read,
                rejected=p.rejected,
                description=f"{name} {p.sources_done}/{p.sources_total}",
            )

        return update

    with bar:
        yield track


def _print_summary(summary: LoadSummary, connector: str) -> None:
    table = Table(title=f"scrm load {connector}: {summary.seconds:.1f} s")
    table.add_column("")
    table.add_column("count", justify="right")
    table.add_row("records read", f"{summary.read:,}")
    for name, count in sorted(summary.written.items()):
        table.add_row(f"written {name}", f"{count:,}")
    table.add_row("rejected", f"{summary.rejected:,}")
    if summary.repeated:
        table.add_row("repeated verbatim in a file, written once", f"{summary.repeated:,}")
    console: Any = Console()
    console.print(table)
    if summary.rejects_file:
        console.print(f"rejected records and reasons: {summary.rejects_file}")
