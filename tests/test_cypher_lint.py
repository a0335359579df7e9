"""Every statement the Neo4j backend can send passes Neo4j's own Cypher linter.

The linter is npm's ``@neo4j-cypher/language-support`` (installed by the
Makefile from ``tools/cypher-lint/package-lock.json``).  Diagnostics about
undeclared parameters are expected: statements take their parameters at run
time.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from graph.cypher import registered_statements

ROOT = Path(__file__).resolve().parents[1]
LINTER = ROOT / "tools" / "cypher-lint" / "lint.mjs"
PACKAGES = ("graph", "loaders", "algorithms", "schema", "resolvers", "cli")
UNDECLARED_PARAMETER = re.compile(r"^Parameter \$\w+ is not defined\.?$")


def _import_everything() -> None:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            importlib.import_module(module.name)


def lint(statements: list[dict[str, str]]) -> list[dict[str, object]]:
    """Lint in one node process per core: Neo4j's semantic analysis is CPU-bound."""
    node = shutil.which("node")
    assert node, "node is required for the Cypher lint (see README)"
    assert (LINTER.parent / "node_modules").is_dir(), "run `make test` to install the linter"
    workers = max(1, min(os.cpu_count() or 1, len(statements)))
    chunks = [statements[i::workers] for i in range(workers)]
    procs = [
        subprocess.Popen(
            [node, str(LINTER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in chunks
    ]
    reports: list[dict[str, object]] = []
    outputs = [
        proc.communicate(json.dumps(chunk), timeout=600)
        for proc, chunk in zip(procs, chunks, strict=True)
    ]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        reports.extend(json.loads(out))
    return reports


def test_linter_catches_errors() -> None:
    (report,) = lint([{"name": "broken", "text": "MATC (n) RETURN n"}])
    assert any(d["severity"] == "error" for d in report["diagnostics"])  # type: ignore[attr-defined]


def test_every_neo4j_statement_lints_clean() -> None:
    _import_everything()
    statements = registered_statements()
    assert len(statements) >= 10
    reports = lint([{"name": s.name, "text": s.for_engine("neo4j")} for s in statements])
    problems = {}
    for report in reports:
        errors = [
            d["message"]
            for d in report["diagnostics"]  # type: ignore[attr-defined]
            if d["severity"] == "error" and not UNDECLARED_PARAMETER.match(d["message"])
        ]
        if errors:
            problems[report["name"]] = errors
    assert problems == {}


@pytest.mark.parametrize("name", ["schema.neo4j.unique_id.Customer", "drop.neo4j.detach_delete"])
def test_backend_ddl_is_registered(name: str) -> None:
    _import_everything()
    assert name in {s.name for s in registered_statements()}
