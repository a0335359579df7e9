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
    # A folder starts once the one before has written its records: that one's ENGAGED
    # recomputation (the engine's work) then runs beside this one's parsing.
    engaged_lock = asyncio.Lock()
    loads: list[asyncio.Task[LoadSummary]] = []
    try:
        for name, folder in plan.jobs:
            written = asyncio.Event()
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
                )
            )
            loads.append(running)
            waiting = asyncio.create_task(written.wait())
            await asyncio.wait({running, waiting}, return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            if running.done():
                running.result()  # raises what failed
        for running in loads:
            total.add(await running)
        total.seconds = time.perf_counter() - started  # the folders overlap: not their sum
    except Exception:
        # The folders still loading finish (ENGAGED current), as they would one by one.
        await asyncio.gather(*loads, return_exceptions=True)
        raise
    except BaseException:  # cancelled: so are they
        for running in loads:
            running.cancel()
        raise
    return total
