"""`scrm serve` as a user runs it: real HTTP, the real engine, signals and crashes."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph import EmbeddedEngine, GraphSettings, open_store
from graph.cypher import Statement
from tests.support.procs import (
    children_of,
    free_port,
    processes_using,
    run_scrm,
    scrm_env,
    start_server,
    stop,
)

SEED = Statement(
    "test.serve.seed",
    "UNWIND $ids AS id MERGE (c:Customer {id: id}) "
    "MERGE (a:Account {id: 'x:' + id}) MERGE (c)-[:HAS_ACCOUNT]->(a)",
)
STATS_QUERY = "{ graphStats { totalNodes totalRelationships nodes { label count } } }"

pytestmark = pytest.mark.slow


def seed(data_dir: Path, n: int) -> None:
    async def write() -> None:
        engine = EmbeddedEngine(data_dir)
        await engine.ensure_running_async()
        assert not engine.owned  # the server's engine is reused, not a second one
        store = await open_store(GraphSettings(data_dir=data_dir), engine=engine)
        await store.write(SEED, {"ids": [f"c{i}" for i in range(n)]})
        await store.close()

    asyncio.run(write())


def graph_stats(port: int) -> httpx.Response:
    return httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": STATS_QUERY}, timeout=10)


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "data"
    yield path
    for pid in processes_using(path):
        os.kill(pid, signal.SIGKILL)


def test_serves_graphiql_graphql_and_health(data_dir: Path) -> None:
    port = free_port()
    proc = start_server(scrm_env(data_dir), port)
    try:
        base = f"http://127.0.0.1:{port}"
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=10)
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        assert httpx.get(f"{base}/healthz", timeout=10).json()["status"] == "ok"
        ready = httpx.get(f"{base}/readyz", timeout=10)
        assert ready.status_code == 200 and ready.json()["database"] == "up"
        seed(data_dir, 3)
        body = graph_stats(port).json()
        assert body["data"]["graphStats"]["totalNodes"] == 6
        assert body["data"]["graphStats"]["totalRelationships"] == 3
    finally:
        assert stop(proc) == 0


def test_ctrl_c_leaves_no_process_and_data_survives_restart(data_dir: Path) -> None:
    port = free_port()
    proc = start_server(scrm_env(data_dir), port)
    engine_pids = processes_using(data_dir)
    assert len(engine_pids) == 1 and engine_pids[0] in children_of(proc.pid)
    seed(data_dir, 5)
    assert stop(proc, signal.SIGINT) == 0
    assert processes_using(data_dir) == []
    assert not (data_dir / "falkordb.sock").exists()

    proc = start_server(scrm_env(data_dir), port)
    try:
        assert graph_stats(port).json()["data"]["graphStats"]["totalNodes"] == 10
    finally:
        stop(proc)
    assert processes_using(data_dir) == []


def test_sigterm_also_stops_the_engine(data_dir: Path) -> None:
    port = free_port()
    proc = start_server(scrm_env(data_dir), port)
    assert stop(proc, signal.SIGTERM) == 0
    assert processes_using(data_dir) == []


def test_engine_killed_is_restarted_with_its_data(data_dir: Path) -> None:
    port = free_port()
    proc = start_server(scrm_env(data_dir), port)
    try:
        seed(data_dir, 4)
        time.sleep(1.2)  # appendfsync everysec
        (engine_pid,) = processes_using(data_dir)
        os.kill(engine_pid, signal.SIGKILL)
        seen: set[int] = set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
            seen.add(ready.status_code)
            response = graph_stats(port)
            assert response.status_code == 200  # GraphQL errors travel in the body
            body = response.json()
            if "errors" in body:
                assert body["errors"][0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"
                assert "Traceback" not in response.text
            elif ready.status_code == 200:
                assert body["data"]["graphStats"]["totalNodes"] == 8
                break
            time.sleep(0.05)
        else:
            pytest.fail("the server did not recover after the engine was killed")
        assert seen <= {200, 503}
        (new_pid,) = processes_using(data_dir)
        assert new_pid != engine_pid
    finally:
        assert stop(proc) == 0
    assert processes_using(data_dir) == []


def test_external_engine_down_gives_503_and_coded_errors_then_recovers(data_dir: Path) -> None:
    env = scrm_env(data_dir)
    assert run_scrm("db", "start", env=env).returncode == 0
    env["SCRM_GRAPH_URI"] = f"unix://{data_dir / 'falkordb.sock'}"
    port = free_port()
    proc = start_server(env, port)
    try:
        seed(data_dir, 2)
        time.sleep(1.2)
        (engine_pid,) = processes_using(data_dir)
        os.kill(engine_pid, signal.SIGKILL)
        time.sleep(0.2)
        started = time.monotonic()
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["code"] == "DATABASE_UNAVAILABLE"
        body = graph_stats(port).json()
        assert body["errors"][0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"
        assert body["data"] is None
        assert time.monotonic() - started < 5  # failing fast, not hanging
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200

        assert run_scrm("db", "start", env=scrm_env(data_dir)).returncode == 0
        deadline = time.monotonic() + 20
        while httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, "did not recover"
            time.sleep(0.1)
        assert graph_stats(port).json()["data"]["graphStats"]["totalNodes"] == 4
    finally:
        stop(proc)
        run_scrm("db", "stop", env=scrm_env(data_dir))
