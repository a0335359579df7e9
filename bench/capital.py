"""Benchmark: social capital by pages of customers, as the API's DataLoader asks for it.

Usage (from the checkout, on a graph already loaded, e.g. the bench set)::

    .venv/bin/python bench/capital.py --data-dir D --graph G --brand B [--json-out FILE]

Measured: the first page (which also reads the brand's accounts and the graph's
clock, kept per graph version), ``--pages`` further pages of ``--page-size``
customers (p50/p95, reads per page), and every customer of the graph at once;
the stages found are counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from algorithms.capital import ALL_CUSTOMERS, social_capital  # noqa: E402
from graph import GraphSettings, GraphStore, open_store  # noqa: E402
from graph.connect import embedded_engine  # noqa: E402


async def bench_capital(
    store: GraphStore, *, brand: str | None, pages: int = 20, page_size: int = 100
) -> dict[str, Any]:
    """Time pages of customers and the whole customer base."""
    ids = [str(r["id"]) for r in await store.read(ALL_CUSTOMERS)]
    started = time.perf_counter()
    await social_capital(store, customer_ids=ids[:page_size], brand=brand)
    first_s = time.perf_counter() - started
    timings, reads = [], []
    for page in range(1, pages + 1):
        chunk = ids[page * page_size : (page + 1) * page_size]
        before = store.round_trips
        started = time.perf_counter()
        await social_capital(store, customer_ids=chunk, brand=brand)
        timings.append(time.perf_counter() - started)
        reads.append(store.round_trips - before)
    started = time.perf_counter()
    everyone = await social_capital(store, customer_ids=None, brand=brand)
    all_s = time.perf_counter() - started
    ms = np.array(timings) * 1000
    return {
        "customers": len(ids),
        "brand": brand,
        "page_size": page_size,
        "first_page_s": round(first_s, 3),
        "pages": len(timings),
        "page_p50_ms": round(float(np.percentile(ms, 50)), 1),
        "page_p95_ms": round(float(np.percentile(ms, 95)), 1),
        "reads_per_page": sorted(set(reads)),
        "all_customers_s": round(all_s, 2),
        "stages": dict(Counter(c.stage for c in everyone).most_common()),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--graph", required=True)
    parser.add_argument("--brand")
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    settings = GraphSettings(data_dir=args.data_dir.resolve(), graph=args.graph)
    engine = embedded_engine(settings)
    if engine is not None:
        await engine.ensure_running_async()
    store = await open_store(settings, engine=engine)
    try:
        report = await bench_capital(
            store, brand=args.brand, pages=args.pages, page_size=args.page_size
        )
    finally:
        await store.close()
        if engine is not None and engine.owned:
            engine.stop()
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(
        f"social capital toward {report['brand'] or 'every brand'}, "
        f"{report['customers']:,} customers\n"
        f"first page of {report['page_size']}: {report['first_page_s']} s\n"
        f"next {report['pages']} pages: p50 {report['page_p50_ms']} ms, "
        f"p95 {report['page_p95_ms']} ms, reads per page {report['reads_per_page']}\n"
        f"every customer: {report['all_customers_s']} s; stages {report['stages']}"
    )
    print(json.dumps(report))
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
