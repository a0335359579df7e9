"""Benchmark: the GraphQL API under load, beside a bare Starlette endpoint.

Usage (from the checkout, with the virtualenv)::

    .venv/bin/python bench/api.py                         # 20k accounts, 5 s per cell
    .venv/bin/python bench/api.py --accounts 100000 --seconds 10 --json-out api.json

A synthetic graph (accounts, customers, posts about a brand, engagement with a
heavy tail) is written through the loader writer to a fresh graph of a
temporary embedded engine; the influence run is stored first, as it is in use.
Then ``scrm serve`` (uvicorn, uvloop, httptools, one process) answers three
queries — a page of 20 influencers with breakdowns, a customer with accounts
and social capital, an advocacy path — twice: as configured by default
(``graphql``: a repeated query at an unchanged graph version is answered from
its kept response) and with ``SCRM_API_RESPONSE_CACHE=0`` (``uncached``: every
request executed).  A bare Starlette app, served the same way, returns the same
payloads as plain JSON.  Each cell runs a fixed
time at concurrency 1, 16 and 64 over keep-alive connections, from a client
written on raw asyncio streams so the client is not the bottleneck.  Printed
as a table, and as JSON with ``--json-out``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from algorithms.models import InfluenceParams  # noqa: E402
from algorithms.paths import PathParams, find_advocacy_paths  # noqa: E402
from algorithms.runs import run_influence  # noqa: E402
from graph import EmbeddedEngine, GraphSettings, open_store  # noqa: E402
from graph.model import (  # noqa: E402
    Account,
    Brand,
    BrandMention,
    Customer,
    Engagement,
    Follow,
    IdentityLink,
    Post,
)
from graph.store import GraphStore  # noqa: E402
from loaders.writer import GraphWriter  # noqa: E402

SCRM = str(Path(sys.executable).with_name("scrm"))
CONCURRENCY = (1, 16, 64)
DAY = 86_400_000
NOW = 1_700_000_000_000
BATCH = 20_000

QUERIES = {
    "influencers": (
        "query Influencers($brand: ID) { influencers(brand: $brand, first: 20) { edges { "
        "node { rank score node { ... on Account { graphId handle followers } } breakdown { "
        "pagerank reachPart followers brandSentiment advocacy channels "
        "engagementReceived { replies likes } } } } pageInfo { hasNextPage endCursor } } }"
    ),
    "customer": (
        "query Customer($id: ID!, $brand: ID) { customer(id: $id) { graphId name accounts { "
        "graphId handle platform followers } socialCapital(brand: $brand) { stage trust "
        "relationship activity contribution love reach gravity } } }"
    ),
    "path": (
        "query Path($target: ID!, $brand: ID) { advocacyPaths(target: $target, brand: $brand, "
        "k: 3, maxHops: 5) { level paths { strength nodeIds hops { fromId toId probability "
        "evidence { interactions lastContact } } } } }"
    ),
}


# --- the graph -----------------------------------------------------------------------------


async def build_graph(store: GraphStore, accounts: int, seed: int) -> dict[str, Any]:
    """Write the synthetic graph; returns the ids the queries use."""
    rng = random.Random(seed)
    writer = GraphWriter(store)
    records: list[Any] = [Brand(id="acme", name="Acme", aliases=["acme"])]

    async def spill(force: bool = False) -> None:
        if records and (force or len(records) >= BATCH):
            await writer.write(records)
            records.clear()

    for i in range(accounts):
        followers = int(10 * (1 / (1 - rng.random())) ** 1.2)  # heavy-tailed
        records.append(
            Account(id=f"twitter:{i}", platform="twitter", handle=f"user{i}", followers=followers)
        )
        if i % 2 == 0:
            records += [
                Customer(id=f"cust:{i // 2}", name=f"Customer {i // 2}"),
                IdentityLink(
                    customer=f"cust:{i // 2}",
                    account=f"twitter:{i}",
                    method="unionid",
                    evidence="bench",
                ),
                IdentityLink(
                    customer=f"cust:{i // 2}",
                    account=f"twitter:{i + 1}",
                    method="unionid",
                    evidence="bench",
                ),
            ]
        about = rng.random() < 0.3
        sentiment = round(rng.uniform(-0.4, 1.0), 3)
        records.append(
            Post(
                id=f"twitter:p{i}",
                platform="twitter",
                text="acme" if about else "hello",
                author=f"twitter:{i}",
                created_at=NOW - rng.randrange(90) * DAY,
                sentiment=sentiment,
            )
        )
        if about:
            records.append(BrandMention(post=f"twitter:p{i}", brand="acme", sentiment=sentiment))
        await spill()
    await spill(force=True)
    # Engagement: everyone engages with a few others, popular accounts more often.
    for i in range(accounts):
        for _ in range(5):
            target = min(accounts - 1, int(rng.paretovariate(1.1)) * rng.randrange(1, 50))
            if target == i:
                continue
            records.append(
                Engagement(
                    type="LIKED" if rng.random() < 0.7 else "REPLIED",
                    account=f"twitter:{i}",
                    post=f"twitter:p{target}",
                    at=NOW - rng.randrange(60) * DAY,
                )
            )
        if rng.random() < 0.5:
            records.append(
                Follow(source=f"twitter:{i}", target=f"twitter:{rng.randrange(accounts)}")
            )
        await spill()
    await spill(force=True)
    await writer.flush()  # ENGAGED

    await run_influence(store, InfluenceParams(brand="acme"))
    reachable: str | None = None
    for i in range(accounts - 1, 0, -1):
        result = await find_advocacy_paths(store, PathParams(target=f"twitter:{i}", brand="acme"))
        if result.paths:
            reachable = f"twitter:{i}"
            break
    return {"brand": "acme", "customer": "cust:1", "target": reachable}


# --- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bare_server(port: int, payloads: Path) -> None:
    """A bare Starlette app: GET /bare/{name} returns the saved payload as JSON."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    saved = json.loads(payloads.read_text())

    async def bare(request: Request) -> JSONResponse:
        return JSONResponse(saved[request.path_params["name"]])

    app = Starlette(routes=[Route("/bare/{name}", bare, methods=["GET", "POST"])])
    uvicorn.run(
        app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", log_level="warning"
    )


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


# --- the load generator --------------------------------------------------------------------


def request_bytes(port: int, path: str, body: bytes | None) -> bytes:
    method = "POST" if body is not None else "GET"
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Accept: application/graphql-response+json, application/json\r\n"
    )
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + (body or b"")


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def load(port: int, request: bytes, concurrency: int, seconds: float) -> dict[str, Any]:
    """Keep ``concurrency`` connections busy for ``seconds``; latencies of the requests."""
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                writer.write(request)
                status = await read_response(reader)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(0.50), 2),
        "p99_ms": round(pct(0.99), 2),
    }


# --- main ----------------------------------------------------------------------------------


async def prepare(data_dir: Path, graph: str, accounts: int, seed: int) -> dict[str, Any]:
    engine = EmbeddedEngine(data_dir)
    await engine.ensure_running_async()
    store = await open_store(GraphSettings(data_dir=data_dir, graph=graph), engine=engine)
    try:
        await store.ensure_schema()
        started = time.perf_counter()
        ids = await build_graph(store, accounts, seed)
        ids["build_s"] = round(time.perf_counter() - started, 1)
        return ids
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="per cell")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--bare-server", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--payloads", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        bare_server(args.bare_server, args.payloads)
        return

    with tempfile.TemporaryDirectory(prefix="scrm-bench-") as tmp:
        data_dir, graph = Path(tmp) / "data", "bench_api"
        engine = EmbeddedEngine(data_dir)
        engine.ensure_running(detach=True)
        servers: list[subprocess.Popen[bytes]] = []
        try:
            print(f"building a graph of {args.accounts:,} accounts ...", flush=True)
            ids = asyncio.run(prepare(data_dir, graph, args.accounts, args.seed))
            print(f"  built in {ids['build_s']} s; path target {ids['target']}", flush=True)
            results = run_bench(args, data_dir, graph, ids, Path(tmp), servers)
        finally:
            for proc in servers:
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=30)
            engine.stop()
    print_table(results)
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2))
        print(f"wrote {args.json_out}")


def run_bench(
    args: argparse.Namespace,
    data_dir: Path,
    graph: str,
    ids: dict[str, Any],
    tmp: Path,
    servers: list[subprocess.Popen[bytes]],
) -> dict[str, Any]:
    import httpx

    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRM_")}
    env.update(SCRM_DATA_DIR=str(data_dir), SCRM_GRAPH_NAME=graph)
    api_port, plain_port = free_port(), free_port()
    for port, cache in ((api_port, "1"), (plain_port, "0")):
        proc = subprocess.Popen(
            [SCRM, "serve", "--port", str(port), "--log-level", "warning"],
            env={**env, "SCRM_API_RESPONSE_CACHE": cache},
        )
        servers.append(proc)
        wait_ready(f"http://127.0.0.1:{port}/readyz", proc)

    variables = {
        "influencers": {"brand": ids["brand"]},
        "customer": {"id": ids["customer"], "brand": ids["brand"]},
        "path": {"target": ids["target"], "brand": ids["brand"]},
    }
    bodies = {
        name: json.dumps({"query": QUERIES[name], "variables": variables[name]}).encode()
        for name in QUERIES
    }
    payloads = {}
    for name, body in bodies.items():
        answer = httpx.post(
            f"http://127.0.0.1:{api_port}/graphql",
            content=body,
            headers={"content-type": "application/json"},
            timeout=120,
        ).json()
        if "errors" in answer:
            raise SystemExit(f"{name}: {answer['errors']}")
        payloads[name] = answer
    (tmp / "payloads.json").write_text(json.dumps(payloads))
    bare_port = free_port()
    bare = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--bare-server",
            str(bare_port),
            "--payloads",
            str(tmp / "payloads.json"),
        ]
    )
    servers.append(bare)
    wait_ready(f"http://127.0.0.1:{bare_port}/bare/influencers", bare)

    cells: list[dict[str, Any]] = []
    for name, body in bodies.items():
        targets = [
            ("graphql", api_port, request_bytes(api_port, "/graphql", body)),
            ("uncached", plain_port, request_bytes(plain_port, "/graphql", body)),
            ("bare", bare_port, request_bytes(bare_port, f"/bare/{name}", None)),
        ]
        for concurrency in CONCURRENCY:
            for server, port, request in targets:
                asyncio.run(load(port, request, concurrency, 0.5))  # warm up
                cell = asyncio.run(load(port, request, concurrency, args.seconds))
                cell.update(query=name, server=server, concurrency=concurrency)
                cells.append(cell)
                print(
                    f"  {name:<12} {server:<8} c={concurrency:<3} {cell['rps']:>8} req/s "
                    f"p50 {cell['p50_ms']:>7} ms  p99 {cell['p99_ms']:>7} ms",
                    flush=True,
                )
    return {
        "accounts": args.accounts,
        "seconds_per_cell": args.seconds,
        "cores": os.cpu_count(),
        "build_s": ids["build_s"],
        "cells": cells,
        "ratios": ratios(cells),
    }


def ratios(cells: list[dict[str, Any]]) -> dict[str, float]:
    """GraphQL throughput as a share of the bare endpoint's, per server, query and
    concurrency (``graphql``: with the response cache; ``uncached``: executing every time)."""
    by_key = {(c["query"], c["server"], c["concurrency"]): c for c in cells}
    out = {}
    for (query, server, concurrency), cell in by_key.items():
        if server != "bare":
            bare = by_key[(query, "bare", concurrency)]
            out[f"{server}:{query}@{concurrency}"] = round(cell["rps"] / bare["rps"], 3)
    return out


def print_table(results: dict[str, Any]) -> None:
    print()
    print(
        f"{'query':<12} {'c':>3} {'server':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'of bare':>8}"
    )
    for cell in results["cells"]:
        share = results["ratios"].get(f"{cell['server']}:{cell['query']}@{cell['concurrency']}")
        print(
            f"{cell['query']:<12} {cell['concurrency']:>3} {cell['server']:<9} "
            f"{cell['rps']:>8} {cell['p50_ms']:>8} {cell['p99_ms']:>8} "
            f"{'' if share is None else f'{share:.0%}':>8}"
        )


if __name__ == "__main__":
    main()
