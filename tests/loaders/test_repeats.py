"""Records repeated verbatim within a file are read and counted, and written once."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from graph.store import GraphStore
from loaders.base import LoadOptions
from loaders.parse_workers import REPEATS_REMEMBERED, chunks
from loaders.pipeline import expand_sources, load
from loaders.registry import get_connector
from loaders.writer import GraphWriter
from tests.loaders.native_support import DATA
from tests.loaders.snapshot import snapshot

# One X API v2 page: a tweet, the two users and two tweets it includes.
PAGE: dict[str, Any] = json.loads(
    (DATA / "twitter-v2-twarc-csv-testdata" / "mentions_tweet.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()[0]
)


def _changed(page: dict[str, Any]) -> dict[str, Any]:
    """The page with its first included user's follower count changed."""
    copy = json.loads(json.dumps(page))
    copy["includes"]["users"][0]["public_metrics"]["followers_count"] += 1000
    return copy


def _write(path: Path, *pages: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(p) + "\n" for p in pages), encoding="utf-8")
    return path


def _without_load_times(graph: Any) -> Any:
    nodes, relationships = graph
    return [(label, [p for p in props if p[0] != "ingested_at"]) for label, props in nodes], (
        relationships
    )


async def _load(store: GraphStore, path: Path, workers: int = 0) -> Any:
    await store.drop()
    await store.ensure_schema()
    summary = await load(store, get_connector("twitter"), [path], stages=[], workers=workers)
    return summary, _without_load_times(await snapshot(store))


async def test_a_repeated_page_writes_nothing_new(store: GraphStore, tmp_path: Path) -> None:
    once, graph_once = await _load(store, _write(tmp_path / "once.jsonl", PAGE))
    records = once.read
    assert records > 5 and once.repeated == 0
    changed = _changed(PAGE)
    # The page, again verbatim, changed (one user), then as at first.
    path = _write(tmp_path / "pages.jsonl", PAGE, PAGE, changed, PAGE)
    for workers in (0, 1):
        summary, graph = await _load(store, path, workers)
        assert summary.read == 4 * records
        # Every record of page 2; all but the changed user on page 3; on page 4 the user
        # differs from the last one read, so only it is written again.
        assert summary.repeated == records + 2 * (records - 1)
        assert summary.written == once.written + Counter({"Account": 2})
        assert graph == graph_once  # the last version of the user stands


async def test_the_last_version_of_a_record_wins(store: GraphStore, tmp_path: Path) -> None:
    changed = _changed(PAGE)
    summary, graph = await _load(store, _write(tmp_path / "p.jsonl", PAGE, changed))
    assert summary.repeated == summary.read // 2 - 1
    user = changed["includes"]["users"][0]
    stored = [dict(props) for label, props in graph[0] if label == "Account"]
    mine = next(p for p in stored if p["id"] == f"twitter:{user['id']}")
    assert mine["followers"] == user["public_metrics"]["followers_count"]


async def _write_chunks(store: GraphStore, path: Path, remember: int) -> Any:
    """What the parsed chunks of ``path`` write, with a repeats memory of ``remember``."""
    await store.drop()
    await store.ensure_schema()
    connector = get_connector("twitter")
    writer = GraphWriter(store)
    repeated = 0
    sources = expand_sources(connector, [path])
    for chunk in chunks(connector, sources, LoadOptions(), 5000, remember=remember):
        repeated += chunk.repeated
        await writer.write([record for _, segment in chunk.segments for record in segment])
    return repeated, _without_load_times(await snapshot(store))


async def test_a_full_memory_forgets_and_still_loads_the_same(
    store: GraphStore, tmp_path: Path
) -> None:
    path = _write(tmp_path / "pages.jsonl", PAGE, PAGE, _changed(PAGE), PAGE)
    full, remembered = await _write_chunks(store, path, REPEATS_REMEMBERED)
    repeated, forgetful = await _write_chunks(store, path, 3)
    assert repeated < full
    assert forgetful == remembered
