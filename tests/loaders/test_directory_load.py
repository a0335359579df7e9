"""``scrm load all``: folders overlap (one's ENGAGED beside the next one's parsing) and
the graph ends as if they were loaded one after another."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from graph.store import GraphStore
from loaders.demo import generate
from loaders.directory import load_brands_file, load_directory, plan_directory
from loaders.engaged import EngagementWeights, recompute_all
from loaders.pipeline import LoadError, LoadSummary, load
from loaders.registry import get_connector
from loaders.rejects import RejectList
from tests.loaders.snapshot import engaged, snapshot


@pytest.fixture(autouse=True)
def identity_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRM_IDENTITY_KEY", "directory-load-test-secret-0123")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "set"
    generate(out, size="small", seed=5, factor=0.06)
    return out


def _stored(graph: Any) -> Any:
    """The graph without load times (each write stamps its own, and a moved identity link
    keeps the one it replaced, time included, in ``prior``)."""
    nodes, relationships = graph
    kept = [(label, [p for p in props if p[0] != "ingested_at"]) for label, props in nodes]
    linked = [
        (a, t, b, [_timeless(p) for p in props if not (t == "HAS_ACCOUNT" and p[0] == "at")])
        for a, t, b, props in relationships
    ]
    return kept, linked


def _timeless(prop: tuple[str, Any]) -> tuple[str, Any]:
    name, value = prop
    return (name, re.sub(r'"at": \d+', '"at": 0', value)) if name == "prior" else prop


async def _fresh(store: GraphStore) -> None:
    await store.drop()
    await store.ensure_schema()


async def test_overlapping_folders_load_what_one_by_one_loads(
    store: GraphStore, demo: Path
) -> None:
    plan = plan_directory(demo)
    assert len(plan.jobs) >= 4
    await _fresh(store)
    one_by_one = LoadSummary()
    one_by_one.written["Brand"] += await load_brands_file(store, demo / "brands.json")
    sink = RejectList()
    for name, folder in plan.jobs:
        one_by_one.add(await load(store, get_connector(name), [folder], rejects=sink))
    expected = _stored(await snapshot(store))

    await _fresh(store)
    overlapping_sink = RejectList()
    summary = await load_directory(store, plan, rejects=overlapping_sink)
    assert summary.as_json() == one_by_one.as_json()
    assert overlapping_sink.count == sink.count
    assert _stored(await snapshot(store)) == expected
    # ENGAGED is what recomputing every account from scratch gives.
    stored = await engaged(store)
    assert stored
    await recompute_all(store, weights=EngagementWeights())
    assert await engaged(store) == stored


async def test_a_load_parses_while_the_one_before_writes_and_writes_after_it(
    store: GraphStore, demo: Path
) -> None:
    """What lets ``load_directory`` start a folder's parsing before the folder before it
    has written: the load parses every source, then waits to write."""
    await _fresh(store)
    may_write, parsed = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(
        load(
            store,
            get_connector("twitter"),
            [demo / "twitter"],
            workers=2,
            records_parsed=parsed,
            write_after=may_write,
        )
    )
    await asyncio.wait_for(parsed.wait(), timeout=120)
    await asyncio.sleep(0.5)  # time enough to write, were it allowed
    assert not running.done()
    assert (await store.stats()).nodes == {}
    may_write.set()
    summary = await asyncio.wait_for(running, timeout=120)
    assert summary.rejected == 0
    assert summary.written["Post"] > 0
    await _fresh(store)
    alone = await load(store, get_connector("twitter"), [demo / "twitter"], workers=2)
    assert summary.as_json()["written"] == alone.as_json()["written"]


async def test_a_failing_folder_fails_the_load_after_the_others_finish(
    store: GraphStore, tmp_path: Path
) -> None:
    lines = [
        {"kind": "post", "id": "x:p1", "platform": "x", "author": "x:1", "text": "hi"},
        {"kind": "engagement", "type": "LIKED", "account": "x:2", "post": "x:p1", "at": 5},
    ]
    (tmp_path / "canonical").mkdir()
    (tmp_path / "canonical" / "a.jsonl").write_text(
        "".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8"
    )
    (tmp_path / "twitter").mkdir()  # nothing to load: this load fails outright
    await _fresh(store)
    with pytest.raises(LoadError, match="twitter"):
        await load_directory(store, plan_directory(tmp_path))
    # The folder before it is written, its ENGAGED current.
    assert set(await engaged(store)) == {("x:2", "x:1")}
