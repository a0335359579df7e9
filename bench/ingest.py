"""Benchmark: loading the demo set end to end, beside raw batched MERGE of the same edges.

Usage (from the checkout, with the virtualenv)::

    .venv/bin/python bench/ingest.py                       # generates the bench set first
    .venv/bin/python bench/ingest.py --demo DIR            # a set from `scrm demo generate`
    .venv/bin/python bench/ingest.py --size small --json   # quick look, JSON out

One temporary embedded engine serves both measurements, one graph each:

- **end to end**: what ``scrm load all DIR`` does (:func:`loaders.directory.load_directory`:
  brands, then every connector folder through the pipeline - parsing, identity
  resolution, brand matching and sentiment, the writer, ENGAGED), in this
  process, timed from the first file opened to ENGAGED current; the summary
  says where the time went;
- **raw**: the relationships the connectors produce for the same files (POSTED,
  REPLIED, SHARED, QUOTED, LIKED, MENTIONS, REPLY_TO, ..., FOLLOWS, MEMBER_OF),
  each ``UNWIND $rows AS row MERGE (a:L1 {id: row[0]}) MERGE (b:L2 {id: row[1]})
  MERGE (a)-[:T]->(b)`` in batches of the same size, into an empty graph; only
  the engine's writing is timed (parsing happens before, untimed).

Both rates are interactions per second: the set's interactions (replies, shares,
quotes, likes, mentions, as ``truth.json`` counts them) over each run's time.
Peak memory is this process's maximum RSS and the engine's (``VmHWM``), both
taken right after the end-to-end run (before the raw run parses anything).
CPU seconds say where the work went, whatever else the machine was doing: this
process, its parse workers, and the engine, for each run; the engine's own and,
apart, its append-only file rewrites (a forked child it starts each time the file
has doubled, which the other figures do not count).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph import EmbeddedEngine, GraphSettings, GraphStore, open_store  # noqa: E402
from graph.cypher import Statement  # noqa: E402
from graph.model import Engagement, Mention  # noqa: E402
from loaders.base import LoadOptions, Reject  # noqa: E402
from loaders.directory import load_directory, plan_directory  # noqa: E402
from loaders.pipeline import LoadSummary, expand_sources  # noqa: E402
from loaders.registry import connector_names, get_connector  # noqa: E402
from loaders.writer import relationship_of  # noqa: E402

SCRM = str(Path(sys.executable).with_name("scrm"))
SECRET = "bench-ingest-identity-secret-000"
_RAW: dict[tuple[str, str, str], Statement] = {}


def raw_statement(source: str, rel_type: str, target: str) -> Statement:
    """The plain MERGE of one relationship type between two labels."""
    key = (source, rel_type, target)
    if key not in _RAW:
        _RAW[key] = Statement(
            f"bench.ingest.raw.{source}.{rel_type}.{target}",
            f"UNWIND $rows AS row MERGE (a:{source} {{id: row[0]}}) "
            f"MERGE (b:{target} {{id: row[1]}}) MERGE (a)-[:{rel_type}]->(b)",
            register=False,
        )
    return _RAW[key]


os.environ.setdefault("SCRM_IDENTITY_KEY", SECRET)  # never a key file in the checkout


def log(message: str) -> None:
    print(f"[ingest bench] {message}", file=sys.stderr, flush=True)


def generate(out: Path, size: str, scale: float) -> dict[str, Any]:
    log(f"generating the {size} demo set in {out} ...")
    done = subprocess.run(
        [
            SCRM,
            "demo",
            "generate",
            "--size",
            size,
            "--scale",
            str(scale),
            "--out",
            str(out),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"demo generation failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def cpu_seconds(engine_pid: int | None) -> dict[str, float]:
    """CPU seconds so far of this process, its finished children (parse workers), the
    engine and the engine's finished children (its append-only file rewrites, which
    fork) (Linux /proc)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = {
        "loader": own.ru_utime + own.ru_stime,
        "workers": children.ru_utime + children.ru_stime,
    }
    try:
        fields = Path(f"/proc/{engine_pid}/stat").read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        found["engine"] = (int(fields[11]) + int(fields[12])) / tick
        found["engine_rewrites"] = (int(fields[13]) + int(fields[14])) / tick
    except (OSError, IndexError, ValueError):
        pass
    return found


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: round(after[name] - before.get(name, 0.0), 1) for name in after}


async def end_to_end(
    demo: Path, store: GraphStore, batch_size: int, engine_pid: int | None
) -> dict[str, Any]:
    """``scrm load all DEMO``'s work, timed, with its summary, CPU and peak RSS."""
    plan = plan_directory(demo)
    log(f"end to end: {', '.join(name for name, _ in plan.jobs)}")
    cpu_before = cpu_seconds(engine_pid)
    started = time.perf_counter()
    summary = await load_directory(store, plan, batch_size=batch_size)
    seconds = time.perf_counter() - started
    cpu = cpu_used(cpu_before, cpu_seconds(engine_pid))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "summary": summary, "peak_rss_mb": peak_kb / 1024, "cpu": cpu}


async def raw_merge(
    demo: Path, store: GraphStore, batch_size: int, engine_pid: int | None
) -> dict[str, Any]:
    """Parse every connector folder (untimed), MERGE their relationships plainly (timed)."""
    pending: dict[tuple[str, str, str], list[list[str]]] = defaultdict(list)
    seconds = engine_cpu = rewrites_cpu = 0.0
    edges = interactions = 0

    async def flush(key: tuple[str, str, str]) -> None:
        nonlocal seconds, engine_cpu, rewrites_cpu
        rows, pending[key] = pending[key], []
        before = cpu_seconds(engine_pid)
        started = time.perf_counter()
        await store.write(raw_statement(*key), {"rows": rows})
        seconds += time.perf_counter() - started
        after = cpu_seconds(engine_pid)
        engine_cpu += after.get("engine", 0.0) - before.get("engine", 0.0)
        rewrites_cpu += after.get("engine_rewrites", 0.0) - before.get("engine_rewrites", 0.0)

    names = set(connector_names())
    for folder in sorted(p for p in demo.iterdir() if p.is_dir() and p.name in names):
        connector = get_connector(folder.name)
        log(f"raw: {folder.name}")
        for source in expand_sources(connector, [folder]):
            for item in connector.parse(source, options=LoadOptions()):
                if isinstance(item, Reject):
                    continue
                interactions += isinstance(item, Engagement | Mention)
                rel = relationship_of(item)
                if rel is None:
                    continue
                source_label, source_id, rel_type, target_label, target_id = rel
                key = (source_label, rel_type, target_label)
                pending[key].append([source_id, target_id])
                edges += 1
                if len(pending[key]) >= batch_size:
                    await flush(key)
    for key in list(pending):
        if pending[key]:
            await flush(key)
    return {
        "seconds": seconds,
        "edges": edges,
        "interactions": interactions,
        "engine_cpu": round(engine_cpu, 1),
        "engine_rewrites_cpu": round(rewrites_cpu, 1),
    }


def engine_memory_mb(pid: int | None) -> dict[str, float]:
    """The engine's peak and current RSS (Linux /proc), in MB."""
    found: dict[str, float] = {}
    if pid is None:
        return found
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                found[name] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return found


async def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="scrm-ingest-"))
    try:
        generated: dict[str, Any] | None = None
        demo = args.demo
        if demo is None:
            demo = work / "demo"
            generated = generate(demo, args.size, args.scale)
        data_dir = work / "db"
        engine = EmbeddedEngine(data_dir)
        engine.ensure_running(detach=True)
        settings = GraphSettings(data_dir=data_dir)
        e2e_store = await open_store(settings.with_graph("e2e"), engine=engine)
        raw_store = await open_store(settings.with_graph("raw"), engine=engine)
        try:
            await e2e_store.ensure_schema()
            engine_pid = engine.status().pid
            e2e = await end_to_end(demo, e2e_store, args.batch_size, engine_pid)
            engine_mem = engine_memory_mb(engine_pid)
            e2e_stats = await e2e_store.stats()
            await raw_store.ensure_schema()  # the same indexes the loader has
            raw = await raw_merge(demo, raw_store, args.batch_size, engine_pid)
            raw_stats = await raw_store.stats()
        finally:
            await e2e_store.close()
            await raw_store.close()
            engine.stop()
        truth = demo / "truth.json"
        interactions = raw["interactions"]
        if truth.is_file():
            interactions = json.loads(truth.read_text())["counts"]["total"]["interactions"]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    summary: LoadSummary = e2e["summary"]
    e2e_rate = interactions / e2e["seconds"]
    raw_rate = interactions / raw["seconds"]
    return {
        "demo": str(args.demo or f"generated: {args.size} x{args.scale}"),
        "interactions": interactions,
        "planted_interactions": (generated or {}).get("interactions"),
        "batch_size": args.batch_size,
        "cores": os.cpu_count(),
        "end_to_end": {
            "seconds": round(e2e["seconds"], 2),
            "interactions_per_s": round(e2e_rate),
            "records_read": summary.read,
            "rejected": summary.rejected,
            "repeated": summary.repeated,
            "written": dict(sorted(summary.written.items())),
            "step_seconds": {k: round(v, 2) for k, v in sorted(summary.timings.items())},
            "cpu_seconds": e2e["cpu"],
            # CPU seconds of all of them over the wall time: near the core count, the
            # load is bound by CPU, and only less work makes it faster.
            "cores_busy": round(sum(e2e["cpu"].values()) / e2e["seconds"], 2),
            "nodes": e2e_stats.nodes,
            "relationships": e2e_stats.relationships,
        },
        "raw_merge": {
            "seconds": round(raw["seconds"], 2),
            "interactions_per_s": round(raw_rate),
            "edges": raw["edges"],
            "interaction_records": raw["interactions"],
            "edges_per_s": round(raw["edges"] / raw["seconds"]),
            "engine_cpu_seconds": raw["engine_cpu"],
            "engine_rewrites_cpu_seconds": raw["engine_rewrites_cpu"],
            "relationships": raw_stats.relationships,
        },
        "ratio_end_to_end_to_raw": round(e2e_rate / raw_rate, 3),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "peak_memory_mb": {
            "loader_rss": round(e2e["peak_rss_mb"], 1),
            "engine_rss": round(engine_mem.get("VmHWM", 0.0), 1),
        },
    }


def print_table(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    e2e, raw = result["end_to_end"], result["raw_merge"]
    table = Table(title=f"ingest: {result['interactions']:,} interactions, {result['cores']} cores")
    table.add_column("run")
    table.add_column("seconds", justify="right")
    table.add_column("interactions/s", justify="right")
    table.add_column("notes")
    table.add_row(
        "end to end (scrm load all)",
        f"{e2e['seconds']:.1f}",
        f"{e2e['interactions_per_s']:,}",
        f"{e2e['records_read']:,} records, {e2e['rejected']:,} rejected, "
        f"{e2e['repeated']:,} repeated verbatim (written once)",
    )
    steps = ", ".join(f"{k} {v:.1f}" for k, v in e2e["step_seconds"].items())
    table.add_row("  where the time went (s)", "", "", steps)
    cpu = ", ".join(f"{k} {v:.1f}" for k, v in e2e["cpu_seconds"].items())
    cpu += f"; {e2e['cores_busy']:.2f} of {result['cores']} cores busy"
    table.add_row("  CPU seconds", "", "", cpu)
    table.add_row(
        "raw UNWIND MERGE, same edges",
        f"{raw['seconds']:.1f}",
        f"{raw['interactions_per_s']:,}",
        f"{raw['edges']:,} edges, {raw['edges_per_s']:,} edges/s, "
        f"engine CPU {raw['engine_cpu_seconds']:.1f} s "
        f"(+{raw['engine_rewrites_cpu_seconds']:.1f} s rewriting its append-only file)",
    )
    table.add_row("end to end / raw", "", f"{result['ratio_end_to_end_to_raw']:.0%}", "")
    memory = result["peak_memory_mb"]
    table.add_row(
        "peak RSS",
        "",
        "",
        f"loader {memory['loader_rss']:,.0f} MB, engine {memory['engine_rss']:,.0f} MB",
    )
    Console(stderr=False).print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", type=Path, help="a demo set from `scrm demo generate`")
    parser.add_argument("--size", default="bench", choices=["small", "bench"])
    parser.add_argument("--scale", type=float, default=1.0, help="scale the generated set")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
