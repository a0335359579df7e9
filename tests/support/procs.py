"""Helpers for tests that run real processes: the scrm CLI and servers on free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

SCRM = str(Path(sys.executable).with_name("scrm"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scrm_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCRM_", "NEO4J_"))}
    env["SCRM_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def run_scrm(
    *args: str, env: Mapping[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRM, *args], env=dict(env), capture_output=True, text=True, timeout=timeout
    )


def start_server(
    env: Mapping[str, str], port: int, *, extra_args: tuple[str, ...] = ()
) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [SCRM, "serve", "--port", str(port), "--log-level", "warning", *extra_args],
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wait_ready(proc, port)
    return proc


def wait_ready(proc: subprocess.Popen[str], port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = proc.stdout.read() if proc.stdout else ""
            raise AssertionError(f"server exited with {proc.returncode}:\n{output}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not become ready")


def stop(proc: subprocess.Popen[str], sig: int = 2, timeout: float = 20) -> int:
    """Send ``sig`` (SIGINT by default, as Ctrl-C does) and wait for the exit code."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError("process did not stop on signal") from None
    return proc.returncode


def children_of(pid: int) -> list[int]:
    """Every live process whose parent chain includes ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":
            continue
        parents[int(entry.name)] = int(fields[1])
    found = []
    for child, _ in parents.items():
        cursor = child
        while cursor in parents and cursor != 1:
            cursor = parents[cursor]
            if cursor == pid:
                found.append(child)
                break
    return found


def processes_using(path: Path) -> list[int]:
    """Live redis-server processes whose command line mentions ``path``."""
    pids = []
    needle = os.fsencode(str(path))
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"redis-server" in cmdline and needle in cmdline and state != "Z":
            pids.append(int(entry.name))
    return pids
