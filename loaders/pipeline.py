"""The load pipeline: sources -> connector -> identity -> enrichment -> writer, in batches.

:func:`load` expands paths into sources and parses them with a connector in a
worker thread; each batch of records goes through the stages - identity
resolution (:mod:`loaders.identity`) then enrichment (:mod:`loaders.enrich`) -
and the :class:`~loaders.writer.GraphWriter`'s preparation while the previous
batch is being written, so Python and the database work side by side.  Bad
records go to a :class:`~loaders.rejects.RejectSink` with their reasons; the
summary counts records read (what the connector produced, rejects included),
records written per label and relationship type, and rejects.  ENGAGED is
brought current once, at the end (:meth:`GraphWriter.flush`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import ScrmError
from graph.model import Record
from graph.store import GraphStore
from loaders.base import ConnectorSpec, LoadOptions, ParseItem, Reject, Source
from loaders.engaged import EngagementWeights
from loaders.rejects import RejectList, RejectSink
from loaders.stages import Stage, default_stages
from loaders.writer import GraphWriter, PreparedBatch

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


class LoadError(ScrmError):
    """A load cannot start: a path is missing, or a folder holds nothing to load."""

    code = "BAD_INPUT"


@dataclass(slots=True)
class LoadSummary:
    """What a load did.  :meth:`as_json` is the ``scrm load --json`` shape."""

    read: int = 0
    written: Counter[str] = field(default_factory=Counter)
    rejected: int = 0
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
            "rejects_file": self.rejects_file,
        }

    def add(self, other: LoadSummary) -> None:
        """Fold another load's summary into this one (``scrm load all``)."""
        self.read += other.read
        self.written.update(other.written)
        self.rejected += other.rejected
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


@dataclass(slots=True)
class _Chunk:
    """Up to a batch of records, kept per source so stages can name where a reject came from."""

    segments: list[tuple[str, list[Record]]]
    rejects: list[Reject]
    read: int
    sources_done: int
    bytes_done: int

    @property
    def source(self) -> str:
        return self.segments[-1][0] if self.segments else ""


def _chunks(
    connector: ConnectorSpec, sources: Sequence[Source], options: LoadOptions, batch_size: int
) -> Iterator[_Chunk]:
    """Parse every source into chunks of ``batch_size`` records (the last may be smaller);
    a chunk spans sources, so many small files still make full batches."""
    chunk = _Chunk([], [], 0, 0, 0)
    size = 0
    for index, source in enumerate(sources):
        segment: list[Record] = []
        chunk.segments.append((source.name, segment))
        for item in _parse(connector, source, options):
            chunk.read += 1
            if isinstance(item, Reject):
                chunk.rejects.append(item)
                continue
            segment.append(item)
            size += 1
            if size >= batch_size:
                yield chunk
                segment = []
                chunk = _Chunk([(source.name, segment)], [], 0, index, chunk.bytes_done)
                size = 0
        chunk.sources_done = index + 1
        chunk.bytes_done += _size(source)
    yield chunk


def _parse(connector: ConnectorSpec, source: Source, options: LoadOptions) -> Iterator[ParseItem]:
    # A connector that fails outright loses its source, never the load: the failure is
    # recorded like any bad record.
    try:
        yield from connector.parse(source, options=options)
    except Exception as exc:  # reported as a reject, with its reason
        reason = f"{connector.name} could not read this source: {type(exc).__name__}: {exc}"
        yield Reject(source.name, "file", reason, None)


def _size(source: Source) -> int:
    try:
        return source.size
    except OSError:
        return 0


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
) -> LoadSummary:
    """Load ``paths_or_sources`` with ``connector`` into ``store``.

    Bad records go to ``rejects`` (kept in memory when None) and never stop the load;
    a missing path, an unknown ``options.brand`` or a database failure raise
    (:class:`LoadError`, :class:`~graph.errors.ScrmError`).  ``stages`` default to
    identity resolution then enrichment.
    """
    if batch_size < 1:
        raise LoadError(f"batch size must be at least 1, got {batch_size}")
    started = time.perf_counter()
    options = options or LoadOptions()
    sink: RejectSink = rejects if rejects is not None else RejectList()
    sources = expand_sources(connector, paths_or_sources)
    stages = list(default_stages() if stages is None else stages)
    for stage in stages:
        await stage.prepare(store, options)
    run = _Run(
        store, sources, sink, stages, GraphWriter(store, weights=weights, defer_engaged=True)
    )
    chunks = _chunks(connector, sources, options, batch_size)
    try:
        await run.go(chunks, progress)
    except Exception:
        # What was written stays written; bring its ENGAGED current if the store still can.
        with contextlib.suppress(Exception):
            await run.writer.flush()
        raise
    summary = run.summary
    with _timed(summary.timings, "engaged"):
        engaged = await run.writer.flush()
    if engaged:
        summary.written["ENGAGED"] += engaged
    summary.rejected = sink.count - run.rejected_before
    summary.seconds = time.perf_counter() - started
    return summary


class _Run:
    """One load: a producer turns chunks into prepared batches (parsing in a worker
    thread, then the stages, then the writer's pure preparation) while the consumer
    commits the previous batch, so the database and Python work side by side."""

    def __init__(
        self,
        store: GraphStore,
        sources: Sequence[Source],
        sink: RejectSink,
        stages: Sequence[Stage],
        writer: GraphWriter,
    ) -> None:
        self.store = store
        self.sources = sources
        self.sink = sink
        self.stages = stages
        self.writer = writer
        self.summary = LoadSummary(sources=len(sources))
        self.rejected_before = sink.count
        self.bytes_total = sum(_size(s) for s in sources)

    async def go(self, chunks: Iterator[_Chunk], progress: ProgressCallback | None) -> None:
        queue: asyncio.Queue[tuple[PreparedBatch, _Chunk] | None] = asyncio.Queue(maxsize=1)
        producer = asyncio.create_task(self._produce(chunks, queue))
        try:
            while (item := await queue.get()) is not None:
                batch, chunk = item
                with _timed(self.summary.timings, "write"):
                    self.summary.written.update(await self.writer.commit(batch))
                if progress is not None:
                    progress(self._progress(chunk))
        finally:
            if not producer.done():
                producer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await producer  # re-raises what failed in the producer

    async def _produce(
        self,
        chunks: Iterator[_Chunk],
        queue: asyncio.Queue[tuple[PreparedBatch, _Chunk] | None],
    ) -> None:
        timings = self.summary.timings
        try:
            next_chunk = asyncio.ensure_future(asyncio.to_thread(_timed_next, chunks, timings))
            try:
                while (chunk := await next_chunk) is not None:
                    next_chunk = asyncio.ensure_future(
                        asyncio.to_thread(_timed_next, chunks, timings)
                    )
                    records = await self._through_stages(chunk)
                    with _timed(timings, "prepare"):
                        batch = await asyncio.to_thread(self.writer.prepare, records)
                    await queue.put((batch, chunk))
            finally:
                next_chunk.cancel()
        finally:
            await queue.put(None)

    async def _through_stages(self, chunk: _Chunk) -> list[Record]:
        self.summary.read += chunk.read
        for reject in chunk.rejects:
            self.sink.add(reject)
        records: list[Record] = []
        for name, segment in chunk.segments:
            items: list[Record | Reject] = list(segment)
            for stage in self.stages:
                if not items:
                    break
                with _timed(self.summary.timings, type(stage).__name__):
                    items = await stage.process(self.store, _kept(items, self.sink), source=name)
            records += _kept(items, self.sink)
        self.summary.rejected = self.sink.count - self.rejected_before
        return records

    def _progress(self, chunk: _Chunk) -> LoadProgress:
        return LoadProgress(
            source=chunk.source,
            sources_done=chunk.sources_done,
            sources_total=len(self.sources),
            bytes_done=chunk.bytes_done,
            bytes_total=self.bytes_total,
            read=self.summary.read,
            rejected=self.summary.rejected,
            written=sum(self.summary.written.values()),
        )


@contextlib.contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - started


def _timed_next(chunks: Iterator[_Chunk], timings: dict[str, float]) -> _Chunk | None:
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
    """Load one in-memory payload (the API's ``ingest``): the same pipeline as a file."""
    return await load(
        store,
        connector,
        [Source.from_bytes(payload, name=name)],
        options=options,
        rejects=rejects,
        stages=stages,
    )
