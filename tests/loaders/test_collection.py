"""A load collects garbage at the bulk pace, here and in its parse workers, and gives the
default pace back when it ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from graph.model import Record
from graph.store import GraphStore
from loaders.base import LoadOptions, Reject
from loaders.collection import BULK_THRESHOLDS, bulk_collection
from loaders.pipeline import load
from loaders.registry import get_connector
from loaders.rejects import RejectList
from tests.loaders.native_support import DATA


@pytest.fixture(autouse=True)
def default_pace() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_pace_comes_back_when_the_last_block_ends() -> None:
    with bulk_collection():
        assert gc.get_threshold() == BULK_THRESHOLDS
        with bulk_collection():  # an overlapping load
            assert gc.get_threshold() == BULK_THRESHOLDS
        assert gc.get_threshold() == BULK_THRESHOLDS
    assert gc.get_threshold() == (700, 10, 10)


def test_the_pace_comes_back_after_a_failure() -> None:
    with pytest.raises(RuntimeError), bulk_collection():
        raise RuntimeError("the load failed")
    assert gc.get_threshold() == (700, 10, 10)


class _Observing:
    """A stage that reports the collector's settings where it runs: in this process
    (``prepare``, ``process``) and in a parse worker (``process_records``, as a reject,
    the one thing a worker stage sends back besides records)."""

    def __init__(self) -> None:
        self.here: list[tuple[int, ...]] = []

    async def prepare(self, store: GraphStore, options: LoadOptions) -> None:
        self.here.append(gc.get_threshold())

    async def process(self, store: GraphStore, records: Any, *, source: str) -> list[Any]:
        self.here.append(gc.get_threshold())
        return list(records)

    def process_records(self, records: list[Record], *, source: str) -> list[Any]:
        seen = f"thresholds {gc.get_threshold()}, frozen {gc.get_freeze_count() > 0}"
        return [Reject(source, "stage", seen, None), *records]


@pytest.mark.parametrize("workers", [0, 1])
async def test_a_load_runs_at_the_bulk_pace(store: GraphStore, workers: int) -> None:
    stage = _Observing()
    rejects = RejectList()
    summary = await load(
        store,
        get_connector("twitter"),
        [DATA / "twitter-v2-twarc-csv-testdata" / "mentions_tweet.jsonl"],
        stages=[stage],
        workers=workers,
        rejects=rejects,
    )
    assert summary.written["Post"] > 0
    assert stage.here and set(stage.here) == {BULK_THRESHOLDS}
    assert gc.get_threshold() == (700, 10, 10)
    if workers:
        # The reject says what the worker's collector was set to; this process never froze.
        [reject] = rejects.items
        assert reject.reason == f"thresholds {BULK_THRESHOLDS}, frozen True"
        assert gc.get_freeze_count() == 0
