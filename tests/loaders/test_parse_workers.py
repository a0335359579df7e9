"""Parsing in worker processes loads exactly what parsing in one process loads."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from graph.store import GraphStore
from loaders import parse_workers
from loaders.base import LoadOptions, Source, loads
from loaders.brands import add_brand
from loaders.parse_workers import use_workers
from loaders.pipeline import LoadProgress, LoadSummary, load
from loaders.registry import get_connector
from loaders.rejects import RejectList
from loaders.social import parse_classic_time
from tests.loaders.native_support import BINARY, DATA, truncated, write_json
from tests.loaders.snapshot import snapshot

SECRET = "parse-workers-test-secret-0123456"
# Every file its own group, so results from several workers must come back in order.
ONE_SOURCE_PER_GROUP = 1


@pytest.fixture(autouse=True)
def identity_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRM_IDENTITY_KEY", SECRET)


def _without_load_times(graph: tuple[list[Any], list[Any]]) -> tuple[list[Any], list[Any]]:
    nodes, rels = graph
    kept = [(label, [(k, v) for k, v in props if k != "ingested_at"]) for label, props in nodes]
    # A link made by resolution is stamped with the time it was made.
    linked = [
        (a, t, b, [(k, v) for k, v in props if not (t == "HAS_ACCOUNT" and k == "at")])
        for a, t, b, props in rels
    ]
    return kept, linked


async def _load(
    store: GraphStore, connector: str, paths: list[Path], workers: int, batch_size: int
) -> tuple[LoadSummary, list[dict[str, Any]], list[LoadProgress], Any]:
    await store.drop()
    await store.ensure_schema()
    await add_brand(store, "lumora", "Lumora", ["lumora", "#lumora", "python"])
    sink = RejectList()
    seen: list[LoadProgress] = []
    summary = await load(
        store,
        get_connector(connector),
        paths,
        options=LoadOptions(brand=None),
        batch_size=batch_size,
        rejects=sink,
        progress=seen.append,
        workers=workers,
        group_bytes=ONE_SOURCE_PER_GROUP,
    )
    return summary, [r.as_json() for r in sink.items], seen, await snapshot(store)


def _hostile_folder(root: Path) -> Path:
    folder = root / "hostile"
    tweets = DATA / "twitter-v2-tweepy-cassettes"
    good = json.loads(next(tweets.glob("*_mentions.json")).read_text(encoding="utf-8"))
    write_json(folder / "a-good.json", good)
    (folder / "b-cut.json").write_text(truncated(good), encoding="utf-8")
    (folder / "c-binary.json").write_bytes(BINARY)
    (folder / "d-empty.json").write_bytes(b"")
    (folder / "e-lines.jsonl").write_text('{"data": [{"id": "1", "text": "hi"}]}\n{oops\n')
    return folder


CASES = [
    ("twitter", ["twitter-v2-twarc-csv-testdata", "twitter-v2-tweepy-cassettes"]),
    ("weibo", ["weibo-api-v2-spring-social-weibo", "weibo-ced-repost-cascades-sample"]),
    ("wechat-work", ["wecom-wechatpy-fixtures"]),  # identity keys: resolved in this process
    ("reddit", ["reddit-praw-cassettes"]),
    ("shopify", ["shopify-api-shopify_python_api-fixtures"]),
]


@pytest.mark.parametrize(("connector", "folders"), CASES, ids=[c for c, _ in CASES])
async def test_workers_load_what_one_process_loads(
    store: GraphStore, connector: str, folders: list[str]
) -> None:
    paths = [DATA / folder for folder in folders]
    here = await _load(store, connector, paths, workers=0, batch_size=7)
    there = await _load(store, connector, paths, workers=2, batch_size=7)
    assert here[0].as_json() == there[0].as_json()
    assert here[0].read > 0 and sum(here[0].written.values()) > 0
    assert here[1] == there[1]  # the same rejects, in the same order
    assert here[2][-1] == there[2][-1]  # the progress ends in the same place
    assert there[2][-1].sources_done == there[2][-1].sources_total
    assert _without_load_times(here[3]) == _without_load_times(there[3])


async def test_workers_report_every_bad_record(store: GraphStore, tmp_path: Path) -> None:
    folder = _hostile_folder(tmp_path)
    here = await _load(store, "twitter", [folder], workers=0, batch_size=5000)
    there = await _load(store, "twitter", [folder], workers=1, batch_size=5000)
    assert here[0].as_json() == there[0].as_json()
    assert here[1] == there[1]
    assert {r["source"].rsplit("/", 1)[-1] for r in there[1]} == {
        "b-cut.json",
        "c-binary.json",
        "d-empty.json",
        "e-lines.jsonl",
    }
    assert all(r["reason"] and r["location"] for r in there[1])
    assert _without_load_times(here[3]) == _without_load_times(there[3])


def test_use_workers(tmp_path: Path) -> None:
    small = [Source.from_bytes(b"{}", name="a.json")]
    assert use_workers(small, None) == 0  # not worth a process
    assert use_workers(small, 2) == 2
    assert use_workers(small, 0) == 0
    large = [Source.from_bytes(b" " * parse_workers.PARALLEL_MIN_BYTES, name="b.json")]
    assert use_workers(large, None) >= 1


@pytest.mark.parametrize(
    "text",
    [
        "Wed Oct 10 20:19:24 +0000 2018",
        " Sat Mar 02 01:02:03 +0800 2019 ",
        "Sun Jun 30 23:59:59 -0930 2024",
        "Wed Oct 1 20:19:24 +0000 2018",  # one-digit day: left to strptime
        "Mon Feb 29 00:00:00 +0000 2021",  # no such day
        "Tue Jan 01 24:00:00 +0000 2019",
        "Tue Jan 01 10:00:00 +2500 2019",
        "Foo Jan 01 10:00:00 +0000 2019",
        "2019-01-01T10:00:00Z",
    ],
)
def test_classic_time_reads_as_strptime_does(text: str) -> None:
    from datetime import datetime

    try:
        expected: Any = datetime.strptime(text.strip(), "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        expected = text
    found = parse_classic_time(text)
    assert found == expected
    if isinstance(expected, datetime):
        assert found.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        '{"a": NaN}',
        '{"n": 123456789012345678901234567890}',
        '{"n": -9223372036854775809, "m": 1e400}',
        '"\\ud800"',
        '{"a": [1, 2.5, "x"], "b": 18446744073709551615}',
    ],
)
def test_loads_reads_what_the_standard_library_reads(text: str) -> None:
    expected = json.loads(text)
    found = loads(text)
    if isinstance(expected, dict) and isinstance(expected.get("a"), float):
        assert math.isnan(found["a"])
    else:
        assert found == expected


def test_loads_fails_as_the_standard_library_does() -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        loads('{"a": 1,}')
    assert caught.value.msg == "Expecting property name enclosed in double quotes"


class _Exploding:
    """A worker-side stage that fails on the records of one source."""

    async def prepare(self, store: GraphStore, options: LoadOptions) -> None:
        return None

    async def process(self, store: GraphStore, records: Any, *, source: str) -> list[Any]:
        return self.process_records(records, source=source)

    def process_records(self, records: Any, *, source: str) -> list[Any]:
        if source.endswith("_mentions.json"):
            raise ValueError(f"cannot enrich {source}")
        return list(records)


class _FailingHere:
    """An in-process stage that fails on the second batch, while workers are busy."""

    def __init__(self) -> None:
        self.batches = 0

    async def prepare(self, store: GraphStore, options: LoadOptions) -> None:
        return None

    async def process(self, store: GraphStore, records: Any, *, source: str) -> list[Any]:
        self.batches += 1
        if self.batches == 2:
            raise RuntimeError("identity store went away")
        return list(records)


@pytest.mark.parametrize(
    ("connector", "folder", "stage", "error"),
    [
        # in a worker: the error comes back and ends the load
        ("twitter", "twitter-v2-tweepy-cassettes", _Exploding, "cannot enrich"),
        # here, while the workers are busy: they are stopped
        ("weibo", "weibo-ced-repost-cascades-sample", _FailingHere, "went away"),
    ],
)
async def test_a_failing_stage_fails_the_load(
    store: GraphStore, connector: str, folder: str, stage: type[Any], error: str
) -> None:
    with pytest.raises((ValueError, RuntimeError), match=error):
        await load(
            store,
            get_connector(connector),
            [DATA / folder],
            stages=[stage()],
            batch_size=3,
            workers=2,
            group_bytes=ONE_SOURCE_PER_GROUP,
        )


# A process that starts a pool whose workers block in their stage, prints their pids,
# and waits: killed outright, it leaves them behind unless they die with it.
_BLOCKED_POOL = """
import asyncio, multiprocessing, sys, time
from pathlib import Path
from loaders.base import LoadOptions, Source
from loaders.parse_workers import ParsePool
from loaders.registry import get_connector

class Blocking:
    def process_records(self, records, *, source):
        time.sleep(600)
        return list(records)

async def main():
    pool = ParsePool(2, get_connector("twitter"), LoadOptions(), 5, [Blocking()])
    sources = [Source.from_path(p) for p in sorted(Path(sys.argv[1]).glob("*.json"))]
    pieces = pool.pieces(sources)
    waiting = asyncio.ensure_future(pieces.__anext__())
    while len(multiprocessing.active_children()) < 2:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # the workers are inside the stage by now
    print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
    await waiting

asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_workers_die_with_a_killed_load() -> None:
    folder = DATA / "twitter-v2-tweepy-cassettes"
    process = subprocess.Popen(
        [sys.executable, "-c", _BLOCKED_POOL, str(folder)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert process.stdout is not None
        workers = [int(pid) for pid in process.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(pid) for pid in workers)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in workers if _alive(pid)]
    finally:
        process.kill()
        process.wait()
