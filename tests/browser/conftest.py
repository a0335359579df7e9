"""The explorer in a real headless Chromium: `scrm serve` on the small demo data set.

One server per session, on a graph of the session's embedded engine (so stopping
and restarting the server is quick: the engine and its data stay up).  Browser
scenarios are node scripts (tests/browser/scenarios.mjs, playwright-core from
web/node_modules) that print a JSON report; the tests assert on it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph import EmbeddedEngine
from tests.support.procs import free_port, run_scrm, scrm_env, start_server, stop

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("run.mjs")
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@dataclass
class Site:
    """The explorer served on the demo data, and how to drive it."""

    env: dict[str, str]
    port: int
    demo: Path
    proc: subprocess.Popen[str] | None = None
    reports: list[dict[str, Any]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = start_server(self.env, self.port)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None

    def graphql(self, query: str, variables: dict[str, Any] | None = None, **headers: str) -> Any:
        response = httpx.post(
            f"{self.base}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=60,
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        return body["data"]

    def scenario(self, name: str, /, timeout: float = 120, **params: Any) -> dict[str, Any]:
        """Run a browser scenario to its end; its JSON report."""
        done = subprocess.run(
            ["node", str(RUNNER), name, json.dumps({"base": self.base, **params})],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "SCRM_SCREENSHOTS": str(SCREENSHOTS), "CHROMIUM": CHROMIUM},
            cwd=ROOT,
        )
        return self._report(name, done.returncode, done.stdout, done.stderr)

    def interactive(self, name: str, /, **params: Any) -> Scenario:
        """Start a scenario that pauses at steps the test acts on (see :class:`Scenario`)."""
        proc = subprocess.Popen(
            ["node", str(RUNNER), name, json.dumps({"base": self.base, **params})],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "SCRM_SCREENSHOTS": str(SCREENSHOTS), "CHROMIUM": CHROMIUM},
            cwd=ROOT,
        )
        return Scenario(self, name, proc)

    def _report(self, name: str, code: int, stdout: str, stderr: str) -> dict[str, Any]:
        lines = [line for line in stdout.splitlines() if line.startswith("{")]
        assert code == 0 and lines, f"scenario {name} failed ({code}):\n{stdout}\n{stderr}"
        report: dict[str, Any] = json.loads(lines[-1])
        self.reports.append({"scenario": name, **report})
        return report


@dataclass
class Scenario:
    """A running scenario: it prints ``{"step": NAME}`` and waits for a line on stdin."""

    site: Site
    name: str
    proc: subprocess.Popen[str]

    def wait_step(self, timeout: float = 90) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith('{"step"'):
                return str(json.loads(line)["step"])
        self.proc.kill()
        stderr = self.proc.stderr.read() if self.proc.stderr else ""
        raise AssertionError(f"scenario {self.name} did not reach a step:\n{stderr}")

    def go_on(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def finish(self, timeout: float = 120) -> dict[str, Any]:
        stdout, stderr = self.proc.communicate(timeout=timeout)
        return self.site._report(self.name, self.proc.returncode, stdout, stderr)


@pytest.fixture(scope="session")
def site(engine: EmbeddedEngine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The app on the small demo data, loaded by `scrm demo seed`."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium package")
    if not (ROOT / "web" / "dist" / "index.html").exists():
        pytest.fail("the explorer is not built: `make test` builds it (make explorer)")
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    work = tmp_path_factory.mktemp("site")
    # A loaded test machine may need longer than the default 30 s for a first analysis.
    env = scrm_env(
        engine.data_dir,
        SCRM_GRAPH_NAME=f"explorer_{uuid.uuid4().hex[:8]}",
        SCRM_API_REQUEST_TIMEOUT="120",
    )
    demo = work / "demo"
    # The demo set as `make run` loads it: generated, brands added, every folder loaded.
    _ok(run_scrm("demo", "seed", "--dir", str(demo), env=env, timeout=600))
    site = Site(env=env, port=free_port(), demo=demo)
    site.start()
    try:
        yield site
    finally:
        site.stop()
        (work / "reports.json").write_text(json.dumps(site.reports, indent=1), encoding="utf-8")


def _ok(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, f"{done.args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
