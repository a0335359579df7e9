"""The embedded FalkorDB engine: start, reuse, stale files, persistence, failures."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import redis

from graph import ConfigError, EmbeddedEngine, EngineStartError, GraphSettings, open_store
from graph.cypher import Statement
from tests.support.procs import processes_using

PUT = Statement("test.embedded.put", "MERGE (c:Customer {id: $id}) SET c.name = $name")
GET = Statement("test.embedded.get", "MATCH (c:Customer) RETURN c.id AS id, c.name AS name")


@pytest.fixture
def engine_dir(tmp_path: Path) -> Path:
    return tmp_path / "d"


@pytest.fixture
def fresh(engine_dir: Path):  # type: ignore[no-untyped-def]
    engine = EmbeddedEngine(engine_dir)
    yield engine
    engine.stop()


def test_start_listens_on_a_unix_socket_only(fresh: EmbeddedEngine) -> None:
    assert fresh.ensure_running() is True
    status = fresh.status()
    assert status.running and status.pid is not None
    assert fresh.socket_path.is_socket()
    assert (fresh.data_dir / "falkordb.pid").read_text().strip() == str(status.pid)
    client = redis.Redis(unix_socket_path=str(fresh.socket_path), decode_responses=True)
    try:
        assert client.config_get("port") == {"port": "0"}  # no TCP listener
        assert client.config_get("appendonly") == {"appendonly": "yes"}
        assert "graph" in {m["name"] for m in client.module_list()}
    finally:
        client.close()


def test_second_engine_object_reuses_running_server(fresh: EmbeddedEngine) -> None:
    fresh.ensure_running()
    pid = fresh.status().pid
    other = EmbeddedEngine(fresh.data_dir)
    assert other.ensure_running() is False
    assert other.status().pid == pid
    assert not other.owned
    assert len(processes_using(fresh.data_dir)) == 1


def test_stale_pid_file_and_socket_are_cleaned_up(fresh: EmbeddedEngine) -> None:
    fresh.data_dir.mkdir(parents=True)
    fresh.pid_path.write_text("999999\n")  # no such process
    fresh.socket_path.write_text("")  # a leftover file where the socket goes
    assert fresh.ensure_running() is True
    assert fresh.status().running
    assert fresh.pid_path.read_text().strip() != "999999"


def test_pid_file_of_an_unrelated_process_is_not_trusted(fresh: EmbeddedEngine) -> None:
    fresh.data_dir.mkdir(parents=True)
    fresh.pid_path.write_text(f"{os.getpid()}\n")  # alive, but not a redis-server
    assert fresh.ensure_running() is True
    assert fresh.status().pid != os.getpid()


def test_stop_is_clean_and_idempotent(fresh: EmbeddedEngine) -> None:
    fresh.ensure_running()
    assert fresh.stop() is True
    assert not fresh.status().running
    assert not fresh.pid_path.exists() and not fresh.socket_path.exists()
    assert processes_using(fresh.data_dir) == []
    assert fresh.stop() is False


async def test_data_survives_a_restart(fresh: EmbeddedEngine) -> None:
    settings = GraphSettings(data_dir=fresh.data_dir, graph="persist")
    await fresh.ensure_running_async()
    store = await open_store(settings, engine=fresh)
    await store.write(PUT, {"id": "c1", "name": "before restart"})
    await store.close()
    fresh.stop()

    await fresh.ensure_running_async()
    store = await open_store(settings, engine=fresh)
    assert await store.read(GET) == [{"id": "c1", "name": "before restart"}]
    await store.close()


async def test_data_survives_kill_9(fresh: EmbeddedEngine) -> None:
    settings = GraphSettings(data_dir=fresh.data_dir, graph="persist")
    await fresh.ensure_running_async()
    store = await open_store(settings, engine=fresh)
    await store.write(PUT, {"id": "c1", "name": "acknowledged"})
    await store.close()
    pid = fresh.status().pid
    assert pid is not None
    time.sleep(1.2)  # appendfsync everysec: an acknowledged write is on disk within a second
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while fresh.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not fresh.is_alive()

    await fresh.ensure_running_async()
    store = await open_store(settings, engine=fresh)
    assert await store.read(GET) == [{"id": "c1", "name": "acknowledged"}]
    await store.close()


def test_engine_that_cannot_start_reports_its_log(fresh: EmbeddedEngine) -> None:
    fresh.ensure_running()
    fresh.stop()
    # A corrupt append-only manifest: the server refuses to start and says why in its log.
    manifest = next((fresh.data_dir / "falkordb" / "appendonlydir").glob("*.manifest"))
    manifest.write_text("this is not a manifest\n")
    with pytest.raises(EngineStartError) as caught:
        fresh.ensure_running()
    message = str(caught.value)
    assert "exited with status" in message
    assert "engine log" in message and caught.value.log_tail
    assert processes_using(fresh.data_dir) == []


def test_unwritable_data_dir_names_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError) as caught:
        EmbeddedEngine(blocker / "data").ensure_running()
    assert caught.value.setting == "SCRM_DATA_DIR"
    assert str(caught.value).startswith("SCRM_DATA_DIR: cannot use")


def test_overlong_data_dir_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="too long for a unix socket"):
        EmbeddedEngine(tmp_path / ("x" * 120)).ensure_running()


BULK = Statement(
    "test.embedded.bulk",
    "UNWIND $rows AS row MERGE (a:Account {id: row.a}) MERGE (b:Account {id: row.b}) "
    "MERGE (a)-[:FOLLOWS]->(b)",
)
COUNT = Statement("test.embedded.count", "MATCH (a:Account)-[f:FOLLOWS]->() RETURN count(f) AS n")


async def test_batches_replay_after_kill_9(fresh: EmbeddedEngine) -> None:
    """Writes logged by the engine replay at start-up: batches included (a logged
    MULTI/EXEC once crashed the replay) and quickly (effects, not re-run queries)."""
    settings = GraphSettings(data_dir=fresh.data_dir, graph="replay")
    await fresh.ensure_running_async()
    store = await open_store(settings, engine=fresh)
    await store.ensure_schema()
    rows = [{"a": f"x:{i}", "b": f"x:{(i * 7) % 3000}"} for i in range(3000)]
    await store.write_batch([(BULK, {"rows": rows[:1500]}), (BULK, {"rows": rows[1500:]})])
    for start in range(0, 3000, 500):
        await store.write(BULK, {"rows": rows[start : start + 500]})
    expected = (await store.read(COUNT))[0]["n"]
    await store.close()
    time.sleep(1.2)
    pid = fresh.status().pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    while fresh.is_alive():
        time.sleep(0.05)

    restarted = EmbeddedEngine(fresh.data_dir, start_timeout=30, load_timeout=30)
    await restarted.ensure_running_async()
    try:
        store = await open_store(settings, engine=restarted)
        assert (await store.read(COUNT))[0]["n"] == expected
        await store.close()
        assert "ASSERTION" not in restarted.log_tail(200)
    finally:
        restarted.stop()


def test_clean_stop_compacts_the_append_only_file(fresh: EmbeddedEngine) -> None:
    import asyncio

    async def fill() -> None:
        store = await open_store(GraphSettings(data_dir=fresh.data_dir, graph="big"), engine=fresh)
        await store.ensure_schema()
        rows = [{"a": f"y:{i}", "b": f"y:{i + 1}"} for i in range(20000)]
        for start in range(0, len(rows), 5000):
            await store.write(BULK, {"rows": rows[start : start + 5000]})
        await store.close()

    fresh.ensure_running()
    asyncio.run(fill())
    aof = fresh.data_dir / "falkordb" / "appendonlydir"
    assert sum(p.stat().st_size for p in aof.glob("*.incr.aof")) > 1 << 20
    fresh.stop()
    assert sum(p.stat().st_size for p in aof.glob("*.incr.aof")) == 0
    assert any(p.stat().st_size > 0 for p in aof.glob("*.base.rdb"))
