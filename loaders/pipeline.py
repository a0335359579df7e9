"""The load pipeline: sources -> connector -> identity -> enrichment -> writer, in batches.

:func:`load` expands paths into sources and parses them with a connector; each
batch of records goes through the stages - identity resolution
(:mod:`loaders.identity`) then enrichment (:mod:`loaders.enrich`) - and the
:class:`~loaders.writer.GraphWriter`'s preparation while the previous batch is
being written, so Python and the database work side by side.  A small load
parses in a thread of this process; a large one in worker processes
(:mod:`loaders.parse_workers`) that also enrich and prepare the writer's rows,
leaving this process identity resolution and the database.  Bad records go to
a :class:`~loaders.rejects.RejectSink` with their reasons; the summary counts
records read (what the connector produced, rejects included), records written
per label and relationship type, and rejects.  ENGAGED is brought current
once, at the end (:meth:`GraphWriter.flush`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from graph.errors import ScrmError
from graph.model import Record
from graph.store import GraphStore
from loaders.base import ConnectorSpec, LoadOptions, Reject, Source
from loaders.collection import bulk_collection
from loaders.engaged import EngagementWeights
from loaders.parse_workers import (
    GROUP_BYTES,
    Chunk,
    ParsePool,
    chunks,
    source_size,
    use_workers,
)
from loaders.rejects import RejectList, RejectSink
from loaders.stages import Stage, default_stages
from loaders.writer import GraphWriter, JoinedBatches, PreparedBatch

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "LoadError",
    "LoadProgress",
    "LoadSummary",
    "ProgressCallback",
    "expand_sources",
    "load",
    "load_payload",
]

DEFAULT_BATCH_SIZE = 5000
_PARSED_POLL = 0.2  # seconds between looks at whether a pool has parsed everything


class LoadError(ScrmError):
    """A load cannot start: a path is missing, or a folder holds nothing to load."""

    code = "BAD_INPUT"


@dataclass(slots=True)
class LoadSummary:
    """What a load did.  :meth:`as_json` is the ``scrm load --json`` shape."""

    read: int = 0
    written: Counter[str] = field(default_factory=Counter)
    rejected: int = 0
    # Records read that repeat, verbatim, one read before them in the same source: they
    # would write nothing new, so they are not written again (an API page repeats its
    # users and the posts it refers to).
    repeated: int = 0
    rejects_file: str | None = None
    sources: int = 0
    seconds: float = 0.0
    # Seconds per step: parse, each stage, prepare, write, engaged.  Parsing and the
    # stages overlap the writing, so these add up to more than ``seconds``.
    timings: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "written": dict(sorted(self.written.items())),
            "rejected": self.rejected,
            "repeated": self.repeated,
            "rejects_file": self.rejects_file,
        }

    def add(self, other: LoadSummary) -> None:
        """Fold another load's summary into this one (``scrm load all``)."""
        self.read += other.read
        self.written.update(other.written)
        self.rejected += other.rejected
        self.repeated += other.repeated
        self.sources += other.sources
        self.seconds += other.seconds
        for name, seconds in other.timings.items():
            self.timings[name] = self.timings.get(name, 0.0) + seconds


@dataclass(frozen=True, slots=True)
class LoadProgress:
    """Where a running load is, for a progress display."""

    source: str  # the source being read
    sources_done: int
    sources_total: int
    bytes_done: int  # size of the sources finished
    bytes_total: int
    read: int
    rejected: int
    written: int  # records written so far, all labels and types


ProgressCallback = Callable[[LoadProgress], None]


def expand_sources(connector: ConnectorSpec, paths: Sequence[Path | str | Source]) -> list[Source]:
    """The sources ``paths`` name: files as given; a folder's files matching the connector's
    patterns (recursively, sorted), or the folder itself for a ``directory_source``
    connector.  Raises :class:`LoadError` for a missing path or a folder with nothing
    to read."""
    sources: list[Source] = []
    for item in paths:
        if isinstance(item, Source):
            sources.append(item)
            continue
        path = Path(item)
        if not path.exists():
            raise LoadError(f"{path}: no such file or folder")
        if path.is_file() or connector.directory_source:
            sources.append(Source.from_path(path))
            continue
        found = sorted(
            {f for pattern in connector.patterns for f in path.rglob(pattern) if f.is_file()}
        )
        if not found:
            patterns = ", ".join(connector.patterns)
            raise LoadError(f"{path}: no files matching {patterns} for {connector.name}")
        sources.extend(Source.from_path(f) for f in found)
    return sources


class _Position(Protocol):
    """Where a batch ends in the load (a :class:`Chunk` or a :class:`Piece`)."""

    @property
    def source(self) -> str: ...
    @property
    def sources_done(self) -> int: ...
    @property
    def bytes_done(self) -> int: ...


_Queue = asyncio.Queue[tuple[list[PreparedBatch], _Position] | None]
Producer = Callable[["_Run", _Queue], Awaitable[None]]


async def load(
    store: GraphStore,
    connector: ConnectorSpec,
    paths_or_sources: Sequence[Path | str | Source],
    *,
    options: LoadOptions | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rejects: RejectSink | None = None,
    progress: ProgressCallback | None = None,
    stages: Sequence[Stage] | None = None,
    weights: EngagementWeights | None = None,
    workers: int | None = None,
    records_written: asyncio.Event | None = None,
    engaged_lock: asyncio.Lock | None = None,
    records_parsed: asyncio.Event | None = None,
    write_after: asyncio.Event | None = None,
    group_bytes: int = GROUP_BYTES,
) -> LoadSummary:
    """Load ``paths_or_sources`` with ``connector`` into ``store``.

    Bad records go to ``rejects`` (kept in memory when None) and never stop the load;
    a missing path, an unknown ``options.brand`` or a database failure raise
    (:class:`LoadError`, :class:`~graph.errors.ScrmError`).  ``stages`` default to
    identity resolution then enrichment.  ``workers`` worker processes parse (0: parse
    in a thread of this process); by default a large load uses one per core
    (:func:`~loaders.parse_workers.use_workers`), handing them the sources in groups
    of about ``group_bytes``.

    ENGAGED is brought current last, for every account the load touched.  Loads may
    overlap there (:func:`~loaders.directory.load_directory` does): ``records_written``
    is set once every record is written and the rejects are counted, and
    ``engaged_lock`` is held while ENGAGED is recomputed, so that the recomputations
    of overlapping loads run one after another and the last one sees every write.
    ``records_parsed`` is set once every source is parsed (or the load ends), so the
    next load may start parsing while this one still writes; nothing this load does
    with the graph after the stages' preparation (identity resolution, writing) starts
    before ``write_after`` is set.
    """
    if batch_size < 1:
        raise LoadError(f"batch size must be at least 1, got {batch_size}")
    # Full collections would walk the batches in flight again and again (see
    # loaders.collection).
    with bulk_collection():
        started = time.perf_counter()
        options = options or LoadOptions()
        sink: RejectSink = rejects if rejects is not None else RejectList()
        sources = expand_sources(connector, paths_or_sources)
        stages = list(default_stages() if stages is None else stages)
        for stage in stages:
            await stage.prepare(store, options)
        writer = GraphWriter(store, weights=weights, defer_engaged=True)
        run = _Run(
            store,
            sources,
            sink,
            stages,
            writer,
            batch_size,
            parsed=records_parsed or asyncio.Event(),
            write_after=write_after,
        )
        pool: ParsePool | None = None
        produce: Producer
        if count := use_workers(sources, workers):
            pool = ParsePool(count, connector, options, batch_size, stages, group_bytes=group_bytes)
            produce = functools.partial(_Run.produce_in_workers, pool=pool)
        else:
            produce = functools.partial(
                _Run.produce_here, chunks=chunks(connector, sources, options, batch_size)
            )
        finished = False
        try:
            await run.go(produce, progress)
            finished = True
        except Exception:
            # What was written stays written; bring its ENGAGED current if the store still can.
            with contextlib.suppress(Exception):
                await run.writer.flush()
            raise
        finally:
            run.parsed.set()
            if pool is not None:
                pool.close(wait=finished)
        summary = run.summary
        summary.rejected = sink.count - run.rejected_before
        if records_written is not None:
            records_written.set()
        async with engaged_lock or contextlib.nullcontext():
            with _timed(summary.timings, "engaged"):
                engaged = await run.writer.flush()
        if engaged:
            summary.written["ENGAGED"] += engaged
        summary.seconds = time.perf_counter() - started
        return summary


class _Run:
    """One load: a producer turns what is parsed into prepared batches (parsing in a
    worker thread or worker processes, then the stages, then the writer's pure
    preparation) while the consumer commits the previous batch, so the database and
    Python work side by side."""

    def __init__(
        self,
        store: GraphStore,
        sources: Sequence[Source],
        sink: RejectSink,
        stages: Sequence[Stage],
        writer: GraphWriter,
        batch_size: int,
        *,
        parsed: asyncio.Event,
        write_after: asyncio.Event | None,
    ) -> None:
        self.store = store
        self.batch_size = batch_size
        self.sources = sources
        self.sink = sink
        self.stages = stages
        self.writer = writer
        self.summary = LoadSummary(sources=len(sources))
        self.rejected_before = sink.count
        self.bytes_total = sum(source_size(s) for s in sources)
        self.parsed = parsed  # set once every source is parsed
        self.write_after = write_after  # what the graph work waits for

    async def go(self, produce: Producer, progress: ProgressCallback | None) -> None:
        """Commit what ``produce`` puts on the queue while it prepares more.  Batches are
        joined until one statement carries ``batch_size`` rows: a batch of records
        splits into a dozen statements, and each statement call costs the engine as
        much as hundreds of rows."""
        queue: _Queue = asyncio.Queue(maxsize=1)
        producer = asyncio.create_task(self._produce(produce, queue))
        pending = JoinedBatches()
        where: _Position | None = None
        try:
            while (item := await queue.get()) is not None:
                # Progress of the batch before: its writing is done by now, or joined.
                if where is not None and progress is not None:
                    progress(self._progress(where))
                for batch in item[0]:
                    pending.add(batch)
                where = item[1]
                if pending.largest >= self.batch_size:
                    await self._commit(pending.batch())
                    pending = JoinedBatches()
            if pending:
                await self._commit(pending.batch())
            if where is not None and progress is not None:
                progress(self._progress(where))
        finally:
            if not producer.done():
                producer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await producer  # re-raises what failed in the producer

    async def _commit(self, batch: PreparedBatch) -> None:
        with _timed(self.summary.timings, "write"):
            self.summary.written.update(await self.writer.commit(batch))

    async def _produce(self, produce: Producer, queue: _Queue) -> None:
        try:
            await produce(self, queue)
        finally:
            await queue.put(None)

    async def produce_here(self, queue: _Queue, *, chunks: Iterator[Chunk]) -> None:
        """Parse in a worker thread, then the stages and the writer's preparation."""
        timings = self.summary.timings
        next_chunk = asyncio.ensure_future(asyncio.to_thread(_timed_next, chunks, timings))
        try:
            while (chunk := await next_chunk) is not None:
                next_chunk = asyncio.ensure_future(asyncio.to_thread(_timed_next, chunks, timings))
                await self._may_write()
                self.summary.read += chunk.read
                self.summary.repeated += chunk.repeated
                for reject in chunk.rejects:
                    self.sink.add(reject)
                records = await self.through_stages(chunk.segments, self.stages)
                with _timed(timings, "prepare"):
                    batch = await asyncio.to_thread(self.writer.prepare, records)
                await queue.put(([batch], chunk))
            self.parsed.set()
        finally:
            next_chunk.cancel()

    async def produce_in_workers(self, queue: _Queue, *, pool: ParsePool) -> None:
        """Worker processes parse, enrich and prepare; here the in-process stages (identity)
        see what they need; their batch goes to the writer with the worker's, to be joined."""
        timings = self.summary.timings
        watching = asyncio.create_task(_announce_parsed(pool, self.parsed))
        try:
            async for piece in pool.pieces(self.sources):
                await self._may_write()
                for name, seconds in piece.timings.items():
                    timings[name] = timings.get(name, 0.0) + seconds
                self.summary.read += piece.read
                self.summary.repeated += piece.repeated
                for reject in piece.rejects:
                    self.sink.add(reject)
                batches = [piece.prepared]
                if piece.segments:
                    records = await self.through_stages(piece.segments, pool.main_stages)
                    with _timed(timings, "prepare"):
                        batches.insert(0, self.writer.prepare(records))
                else:
                    self.summary.rejected = self.sink.count - self.rejected_before
                await queue.put((batches, piece))
        finally:
            watching.cancel()

    async def _may_write(self) -> None:
        if self.write_after is not None:
            await self.write_after.wait()  # at once when set

    async def through_stages(
        self, segments: Sequence[tuple[str, list[Record]]], stages: Sequence[Stage]
    ) -> list[Record]:
        """The records of ``segments`` (per source) after ``stages``; rejects go to the sink."""
        records: list[Record] = []
        for name, segment in segments:
            items: list[Record | Reject] = list(segment)
            for stage in stages:
                if not items:
                    break
                with _timed(self.summary.timings, type(stage).__name__):
                    items = await stage.process(self.store, _kept(items, self.sink), source=name)
            records += _kept(items, self.sink)
        self.summary.rejected = self.sink.count - self.rejected_before
        return records

    def _progress(self, where: _Position) -> LoadProgress:
        return LoadProgress(
            source=where.source,
            sources_done=where.sources_done,
            sources_total=len(self.sources),
            bytes_done=where.bytes_done,
            bytes_total=self.bytes_total,
            read=self.summary.read,
            rejected=self.summary.rejected,
            written=sum(self.summary.written.values()),
        )


async def _announce_parsed(pool: ParsePool, parsed: asyncio.Event) -> None:
    """Set ``parsed`` once the pool's workers have parsed every source (their pieces may
    still wait for the writer)."""
    while not pool.parsed:
        await asyncio.sleep(_PARSED_POLL)
    parsed.set()


@contextlib.contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - started


def _timed_next(chunks: Iterator[Chunk], timings: dict[str, float]) -> Chunk | None:
    with _timed(timings, "parse"):
        return next(chunks, None)


def _kept(items: Sequence[Record | Reject], sink: RejectSink) -> list[Record]:
    """The records of ``items``; its rejects go to ``sink``."""
    kept: list[Record] = []
    for item in items:
        if isinstance(item, Reject):
            sink.add(item)
        else:
            kept.append(item)
    return kept


async def load_payload(
    store: GraphStore,
    connector: ConnectorSpec,
    payload: bytes,
    *,
    name: str = "payload",
    options: LoadOptions | None = None,
    rejects: RejectSink | None = None,
    stages: Sequence[Stage] | None = None,
) -> LoadSummary:
    """Load one in-memory payload (the API's ``ingest``): the same pipeline as a file,
    parsed in this process (a server is no place to fork workers from)."""
    return await load(
        store,
        connector,
        [Source.from_bytes(payload, name=name)],
        options=options,
        rejects=rejects,
        stages=stages,
        workers=0,
    )
