"""Requests asking for the graph version in the same turn of the event loop share one
read, and each still sees every write that finished before it asked."""

from __future__ import annotations

import asyncio

from graph.store import GraphStore
from graph.version import bump_version, graph_version
from resolvers.loaders import Loaders, VersionReads


async def test_requests_in_one_turn_share_a_read(falkordb_store: GraphStore) -> None:
    store = falkordb_store
    expected = await bump_version(store)
    reads = VersionReads(store)
    before = store.round_trips
    versions = await asyncio.gather(
        *(Loaders(store, versions=reads).graph_version() for _ in range(10))
    )
    assert versions == [expected] * 10
    assert store.round_trips - before == 1


async def test_a_write_before_asking_is_seen(falkordb_store: GraphStore) -> None:
    store = falkordb_store
    reads = VersionReads(store)
    first = await Loaders(store, versions=reads).graph_version()
    # A request asking while an earlier read is under way gets a read of its own, sent
    # after it asked: it sees the write that finished before.
    early = Loaders(store, versions=reads)
    pending = asyncio.ensure_future(early.graph_version())
    await asyncio.sleep(0)  # the read for `early` is sent
    bumped = await bump_version(store)
    late = await Loaders(store, versions=reads).graph_version()
    assert bumped == first + 1 and late == bumped == await graph_version(store)
    assert await pending in (first, bumped)


async def test_a_cancelled_request_leaves_the_read_to_the_others(
    falkordb_store: GraphStore,
) -> None:
    store = falkordb_store
    reads = VersionReads(store)
    expected = await graph_version(store)
    waiting = [asyncio.ensure_future(Loaders(store, versions=reads).graph_version())]
    waiting.append(asyncio.ensure_future(Loaders(store, versions=reads).graph_version()))
    await asyncio.sleep(0)
    waiting[0].cancel()
    assert await waiting[1] == expected
    assert waiting[0].cancelled()
