"""Loading a directory that holds one folder per connector (``scrm load all DIR``).

The layout of ``scrm demo generate`` and of an export bundle: ``DIR/twitter/``,
``DIR/wechat-work/``, ... each loaded with the connector of its name, after the
brands of ``DIR/brands.json`` (so posts are matched to them).  Other entries
are skipped and listed; ``truth.json`` and ``brands.json`` are expected.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.store import GraphStore
from loaders.base import LoadOptions
from loaders.brands import add_brand
from loaders.pipeline import DEFAULT_BATCH_SIZE, LoadError, LoadSummary, ProgressCallback, load
from loaders.registry import connector_names, get_connector
from loaders.rejects import RejectSink

__all__ = ["DirectoryPlan", "load_brands_file", "load_directory", "plan_directory"]

# Files of a demo data set that are not channel exports.
EXPECTED_FILES = frozenset({"brands.json", "truth.json"})


@dataclass(frozen=True, slots=True)
class DirectoryPlan:
    """What a directory holds: (connector, folder) pairs to load, and what is skipped."""

    directory: Path
    jobs: list[tuple[str, Path]]
    skipped: list[Path]


def plan_directory(directory: Path) -> DirectoryPlan:
    """The connector folders of ``directory``; raises :class:`LoadError` when there are none."""
    if not directory.is_dir():
        raise LoadError(f"{directory}: not a directory")
    known = set(connector_names())
    jobs: list[tuple[str, Path]] = []
    skipped: list[Path] = []
    for entry in sorted(directory.iterdir()):
        if entry.is_dir() and entry.name in known:
            jobs.append((entry.name, entry))
        elif entry.name not in EXPECTED_FILES:
            skipped.append(entry)
    if not jobs:
        raise LoadError(
            f"{directory}: no folder named after a connector ({', '.join(sorted(known))})"
        )
    return DirectoryPlan(directory, jobs, skipped)


async def load_brands_file(store: GraphStore, path: Path) -> int:
    """Add (or replace) the brands of a ``brands.json`` (``[{"id", "name", "aliases"}]``);
    return how many."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        brands = [
            (str(e["id"]), str(e["name"]), [str(a) for a in e.get("aliases", [])]) for e in entries
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LoadError(f"{path}: not a list of brands with id, name and aliases ({exc})") from None
    for brand_id, name, aliases in brands:
        await add_brand(store, brand_id, name, aliases)
    return len(brands)


async def _until_parsed(
    parsed: asyncio.Event, running: asyncio.Task[LoadSummary], loads: list[asyncio.Task[Any]]
) -> None:
    """Wait until ``running`` has parsed its sources (or ended); raise at once what any of
    ``loads`` failed with."""
    waiting = asyncio.create_task(parsed.wait())
    try:
        while not waiting.done() and not running.done():
            unfinished = {task for task in loads if not task.done()}
            await asyncio.wait({*unfinished, waiting}, return_when=asyncio.FIRST_COMPLETED)
            for task in loads:
                if task.done():
                    task.result()  # raises what failed
    finally:
        waiting.cancel()
    if running.done():
        running.result()


async def load_directory(
    store: GraphStore,
    plan: DirectoryPlan,
    *,
    options: LoadOptions | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rejects: RejectSink | None = None,
    progress: Callable[[str], ProgressCallback | None] | None = None,
    workers: int | None = None,
) -> LoadSummary:
    """Load the brands file, then every connector folder of ``plan``; one summary.
    ``progress(connector)`` gives the progress callback for that connector's load;
    ``workers`` is :func:`~loaders.pipeline.load`'s."""
    started = time.perf_counter()
    total = LoadSummary()
    brands = plan.directory / "brands.json"
    if brands.is_file():
        total.written["Brand"] += await load_brands_file(store, brands)
    # A folder starts parsing once the one before has parsed its sources, and writes once
    # that one has written its records: its parsing runs beside the writing that one
    # still has to do, and beside that one's ENGAGED recomputation (the engine's work).
    engaged_lock = asyncio.Lock()
    loads: list[asyncio.Task[LoadSummary]] = []
    gates: list[asyncio.Event | None] = []  # what each load's writing waits for
    written_before: asyncio.Event | None = None
    try:
        for name, folder in plan.jobs:
            written, parsed = asyncio.Event(), asyncio.Event()
            running = asyncio.create_task(
                load(
                    store,
                    get_connector(name),
                    [folder],
                    options=options,
                    batch_size=batch_size,
                    rejects=rejects,
                    progress=progress(name) if progress is not None else None,
                    workers=workers,
                    records_written=written,
                    engaged_lock=engaged_lock,
                    records_parsed=parsed,
                    write_after=written_before,
                )
            )
            loads.append(running)
            gates.append(written_before)
            written_before = written
            await _until_parsed(parsed, running, loads)
        for running in loads:
            total.add(await running)
        total.seconds = time.perf_counter() - started  # the folders overlap: not their sum
    except Exception:
        # The folders that have written finish (ENGAGED current), as they would one by
        # one; those still waiting to write stop.
        for running, gate in zip(loads, gates, strict=True):
            if gate is not None and not gate.is_set():
                running.cancel()
        await asyncio.gather(*loads, return_exceptions=True)
        raise
    except BaseException:  # cancelled: so are they
        for running in loads:
            running.cancel()
        raise
    return total
