"""Benchmark: recomputing every ENGAGED relationship, as a load's last step does.

Usage (from the checkout, with the virtualenv)::

    .venv/bin/python bench/engaged.py --demo DIR                # a set from `scrm demo generate`
    .venv/bin/python bench/engaged.py --demo DIR --keep         # keep the loaded engine's data dir
    .venv/bin/python bench/engaged.py --data-dir D --graph G    # a graph loaded before (see below)
    git show REV:loaders/engaged.py > /tmp/engaged_old.py
    .venv/bin/python bench/engaged.py --data-dir D --baseline /tmp/engaged_old.py --json

With ``--demo`` the set is loaded first (what ``scrm load all DIR`` does) into a
temporary embedded engine.  ``--data-dir`` starts (or finds) the engine of a data
dir instead; its graph's ENGAGED relationships are deleted and recomputed, so
the same values come back (checked), but a run stopped half-way leaves them
incomplete until the next recompute.

Each repeat times :func:`loaders.engaged.recompute_accounts` over every account
twice: **fresh**, after deleting every ENGAGED (a first load's case: every pair
is new), and **again**, over the ENGAGED just written (a reload, or new weights).
Measured per run: the engine's CPU seconds (Linux /proc), this process's CPU
seconds and the wall time.  ``--baseline FILE`` runs another version of
``loaders/engaged.py`` in turn with the current one (alternating which goes first);
every run's ENGAGED must come out the same, property by property.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import importlib.util
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.ingest import cpu_seconds  # noqa: E402  (sets a bench identity key)
from graph import EmbeddedEngine, GraphSettings, GraphStore, open_store  # noqa: E402
from graph.cypher import Statement  # noqa: E402
from loaders import engaged as current  # noqa: E402
from loaders.directory import load_directory, plan_directory  # noqa: E402

ACCOUNTS = Statement("bench.engaged.accounts", "MATCH (a:Account) RETURN a.id AS id")
DELETE_ENGAGED = Statement("bench.engaged.delete", "MATCH ()-[g:ENGAGED]->() DELETE g")
ENGAGED = Statement(
    "bench.engaged.all",
    "MATCH (u:Account)-[g:ENGAGED]->(v:Account) RETURN u.id AS u, v.id AS v, g AS g",
)

Recompute = Callable[[GraphStore, list[str]], Awaitable[int]]


def log(message: str) -> None:
    print(f"[engaged bench] {message}", file=sys.stderr, flush=True)


def baseline_module(path: Path) -> ModuleType:
    """Another version of ``loaders/engaged.py``, its statements renamed so they do not
    clash with the current module's."""
    source = path.read_text().replace('"engaged.', '"engaged.baseline.')
    spec = importlib.util.spec_from_loader("engaged_baseline", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


def recompute_with(module: ModuleType) -> Recompute:
    async def recompute(store: GraphStore, accounts: list[str]) -> int:
        written: int = await module.recompute_accounts(
            store, accounts, weights=module.EngagementWeights()
        )
        return written

    return recompute


async def digest(store: GraphStore) -> tuple[int, str]:
    """How many ENGAGED there are, and a hash of all of them with their properties."""
    rows = sorted(
        (row["u"], row["v"], sorted(row["g"].items())) for row in await store.read(ENGAGED)
    )
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


async def timed(
    store: GraphStore, recompute: Recompute, accounts: list[str], pid: int | None
) -> dict[str, float]:
    before, started = cpu_seconds(pid), time.perf_counter()
    pairs = await recompute(store, accounts)
    seconds = time.perf_counter() - started
    after = cpu_seconds(pid)
    return {
        "pairs": pairs,
        "engine_cpu": round(after.get("engine", 0.0) - before.get("engine", 0.0), 2),
        "loader_cpu": round(after["loader"] - before["loader"], 2),
        "wall": round(seconds, 2),
    }


async def measure(
    store: GraphStore, versions: dict[str, Recompute], repeat: int, pid: int | None
) -> dict[str, Any]:
    accounts = [str(row["id"]) for row in await store.read(ACCOUNTS)]
    log(f"{len(accounts):,} accounts")
    expected = await digest(store)
    runs: dict[str, list[dict[str, float]]] = {}
    names = list(versions)
    for index in range(repeat):
        order = names if index % 2 == 0 else names[::-1]
        for case in ("fresh", "again"):
            for name in order:
                if case == "fresh":
                    await store.write(DELETE_ENGAGED)
                result = await timed(store, versions[name], accounts, pid)
                if await digest(store) != expected:
                    raise SystemExit(f"{name} ({case}) left different ENGAGED than there were")
                runs.setdefault(f"{name} {case}", []).append(result)
                log(f"{name} {case}: {result}")
    medians = {
        run: {key: round(statistics.median(r[key] for r in results), 2) for key in results[0]}
        for run, results in runs.items()
    }
    return {"accounts": len(accounts), "engaged": expected[0], "median": medians, "runs": runs}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    versions: dict[str, Recompute] = {"current": recompute_with(current)}
    if args.baseline:
        versions = {"baseline": recompute_with(baseline_module(args.baseline)), **versions}
    work = Path(tempfile.mkdtemp(prefix="scrm-engaged-")) if args.data_dir is None else None
    data_dir = args.data_dir or (work / "db" if work else None)
    assert data_dir is not None
    engine = EmbeddedEngine(data_dir)
    started = engine.ensure_running()
    store = await open_store(GraphSettings(data_dir=data_dir).with_graph(args.graph), engine=engine)
    try:
        if args.demo is not None:
            await store.ensure_schema()
            log(f"loading {args.demo}")
            await load_directory(store, plan_directory(args.demo))
        result = await measure(store, versions, args.repeat, engine.status().pid)
    finally:
        await store.close()
        if started:
            engine.stop()
        if work is not None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif work is not None:
            log(f"kept {data_dir} (graph {args.graph})")
    return {"data_dir": str(data_dir), "graph": args.graph, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--demo", type=Path, help="a demo set from `scrm demo generate`")
    where.add_argument("--data-dir", type=Path, help="the data dir of a graph loaded before")
    parser.add_argument("--graph", default="g", help="the graph's name (default g)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another loaders/engaged.py to compare")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    if not args.json:
        for name, median in result["median"].items():
            print(f"{name:>16}: " + ", ".join(f"{k} {v:,g}" for k, v in median.items()))
    print(json.dumps(result if args.json else result["median"]))


if __name__ == "__main__":
    main()
