"""Helpers for connector tests: run a parser, sort what it yields, and build hostile files."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from graph import EmbeddedEngine, GraphStore
from graph.model import Record
from loaders.base import LoadOptions, ParseItem, Reject, Source

DATA = Path(__file__).resolve().parents[1] / "data"
IDENTITY_SECRET = "native-connector-tests-secret-0123456789"
_RUNNER = CliRunner()

# Text in scripts that break naive handling: CJK, emoji (astral plane, ZWJ sequence), RTL.
MIXED_TEXT = "顾客 说：很好 👍🏽 👨‍👩‍👧 مرحبا بالعالم שלום"
MEGABYTE_TEXT = "x" * 1_048_576
# Not UTF-8 and not JSON: a PNG header and some high bytes.
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\xfd" * 40


class Parsed:
    """What one parse yielded, split into records (by kind) and rejects."""

    def __init__(self, items: list[ParseItem]) -> None:
        self.items = items
        self.records: list[Record] = [i for i in items if not isinstance(i, Reject)]
        self.rejects: list[Reject] = [i for i in items if isinstance(i, Reject)]

    def of(self, kind: str) -> list[Any]:
        return [r for r in self.records if r.kind == kind]

    def ids(self, kind: str) -> set[str]:
        return {r.id for r in self.of(kind)}

    def one(self, kind: str, **match: Any) -> Any:
        found = [r for r in self.of(kind) if all(getattr(r, k) == v for k, v in match.items())]
        assert len(found) == 1, f"{len(found)} {kind} records match {match}"
        return found[0]

    def reasons(self) -> list[str]:
        return [r.reason for r in self.rejects]


def run(
    parse: Callable[..., Iterator[ParseItem]],
    source: Path | Source,
    options: LoadOptions | None = None,
) -> Parsed:
    """Parse a file, folder or in-memory source; every item must be a record or Reject."""
    if isinstance(source, Path):
        source = Source.from_path(source)
    items = list(parse(source, options=options or LoadOptions()))
    for item in items:
        assert isinstance(item, Reject) or hasattr(item, "kind"), item
    return Parsed(items)


def write_json(path: Path, value: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def truncated(value: Any, *, keep: float = 0.6) -> str:
    """The pretty-printed JSON of ``value`` cut short at ``keep`` of its length."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text[: int(len(text) * keep)]


@dataclass(frozen=True)
class Loaded:
    """What ``scrm load ... --json`` printed and exited with, and the graph afterwards."""

    code: int
    summary: dict[str, Any]
    rejects: list[dict[str, Any]]
    nodes: dict[str, int]
    relationships: dict[str, int]


class ScrmLoad:
    """``scrm load ... --json --rejects FILE`` as a user runs it (the real command, in a
    thread of its own: it runs its own event loop), against the session's embedded
    engine and this test's graph; each call reads back the summary, the rejects file and
    the graph's counts."""

    def __init__(
        self,
        store: GraphStore,
        engine: EmbeddedEngine,
        graph: str,
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
    ) -> None:
        monkeypatch.setenv("SCRM_GRAPH_URI", f"unix://{engine.socket_path}")
        monkeypatch.setenv("SCRM_GRAPH_NAME", graph)
        monkeypatch.setenv("SCRM_IDENTITY_KEY", IDENTITY_SECRET)
        self.store = store
        self.folder = tmp_path
        self.runs = 0

    async def __call__(self, *args: str) -> Loaded:
        self.runs += 1
        rejects = self.folder / f"rejects-{self.runs}.jsonl"
        argv = ["load", *args, "--json", "--rejects", str(rejects)]
        result = await asyncio.to_thread(_RUNNER.invoke, app, argv)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        lines = rejects.read_text(encoding="utf-8").splitlines() if rejects.exists() else []
        stats = await self.store.stats()
        return Loaded(
            result.exit_code,
            json.loads(result.stdout),
            [json.loads(line) for line in lines],
            dict(stats.nodes),
            dict(stats.relationships),
        )

    async def twice(self, *args: str) -> Loaded:
        """Load, check nothing was rejected, load again and check nothing changed."""
        first = await self(*args)
        assert (first.code, first.rejects) == (0, [])
        again = await self(*args)
        assert (again.code, again.nodes, again.relationships) == (
            0,
            first.nodes,
            first.relationships,
        )
        return first
