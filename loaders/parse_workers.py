"""Parsing sources into batches, in this process or in worker processes.

:func:`chunks` parses sources into chunks of up to a batch of records (what
the pipeline does in a thread for a small load).  A large load hands groups of
sources to :class:`ParsePool`: each worker process parses its group, runs the
stages that need no store (:meth:`~loaders.stages.EnrichStage.process_records`:
brand matching and sentiment) and prepares for the writer every record the
remaining stages do not need to see (:func:`~loaders.writer.prepare_records`).
It sends back plain rows - pickling the pydantic records themselves costs more
than parsing them - plus the few records the in-process stages (identity
resolution) must see, and the rejects, each batch as soon as it is ready.  The
pool hands them on in source order, so a load does the same writes in the same
order whatever the number of workers.  Brand matching then sees a source's
records a batch at a time, as it does in one process.

Workers are forked after the stages are prepared, so they inherit the loaded
brands and sentiment lexicon; where ``fork`` is not available, loads stay in
one process.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import queue
import signal
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import orjson

from graph.embedded import die_with_parent
from graph.model import Record
from loaders.base import ConnectorSpec, LoadOptions, ParseItem, Reject, Source
from loaders.collection import tune_worker
from loaders.writer import PreparedBatch, prepare_records, record_key

__all__ = ["Chunk", "ParsePool", "Piece", "chunks", "parse_source", "source_size", "use_workers"]

# A load this large (bytes of input) is parsed in worker processes by default.
PARALLEL_MIN_BYTES = 2_000_000
# The most records of one source whose last value _Repeats remembers (about 100 bytes
# each); past this it forgets them all, which only lets a later repeat through.
REPEATS_REMEMBERED = 500_000
# Sources are handed out in groups of about this many bytes (a bigger file goes alone).
GROUP_BYTES = 2_000_000
# Groups are handed out ahead of the one being written while their input stays under
# this many bytes (and at least one per worker): what workers finish early waits here.
AHEAD_BYTES = 200_000_000


@dataclass(slots=True)
class Chunk:
    """Up to a batch of records, kept per source so stages can name where a reject came from."""

    segments: list[tuple[str, list[Record]]]
    rejects: list[Reject]
    read: int
    sources_done: int
    bytes_done: int
    repeated: int = 0  # records read but not kept: verbatim repeats (see _Repeats)

    @property
    def source(self) -> str:
        return self.segments[-1][0] if self.segments else ""


def chunks(
    connector: ConnectorSpec,
    sources: Sequence[Source],
    options: LoadOptions,
    batch_size: int,
    *,
    first: int = 0,
    bytes_before: int = 0,
    remember: int = REPEATS_REMEMBERED,
) -> Iterator[Chunk]:
    """Parse every source into chunks of ``batch_size`` records (the last may be smaller);
    a chunk spans sources, so many small files still make full batches.  ``first`` and
    ``bytes_before`` say where ``sources`` start in the whole load (for progress);
    ``remember`` bounds the repeats memory of a source (see :class:`_Repeats`)."""
    chunk = Chunk([], [], 0, first, bytes_before)
    size = 0
    for index, source in enumerate(sources, start=first):
        segment: list[Record] = []
        chunk.segments.append((source.name, segment))
        repeats = _Repeats(remember)
        for item in parse_source(connector, source, options):
            chunk.read += 1
            if isinstance(item, Reject):
                chunk.rejects.append(item)
                continue
            if repeats.seen(item):
                chunk.repeated += 1
                continue
            segment.append(item)
            size += 1
            if size >= batch_size:
                yield chunk
                segment = []
                chunk = Chunk([(source.name, segment)], [], 0, index, chunk.bytes_done)
                size = 0
        chunk.sources_done = index + 1
        chunk.bytes_done += source_size(source)
    yield chunk


class _Repeats:
    """What the records of one source wrote last, by key (:func:`record_key`), as a hash.

    API pages repeat themselves: every page of tweets includes its authors' user
    objects and the tweets it refers to, a Weibo status embeds its user.  A record
    equal to the last one with its key writes nothing new, so it is counted as read
    and goes no further - not through brand matching and sentiment, not to the engine.
    The memory lasts one source, so a load does the same whatever the worker count.
    """

    __slots__ = ("_last", "_remember")

    def __init__(self, remember: int = REPEATS_REMEMBERED) -> None:
        # Keyed by the key's hash: plain ints keep no ids of records alive and are never
        # visited by the garbage collector, where the keys themselves (tuples holding a
        # class) would be.  Two keys of one hash are as unlikely as two signatures of one.
        self._last: dict[int, int] = {}
        self._remember = remember

    def seen(self, record: Record) -> bool:
        """Whether ``record`` repeats the last record with its key (else remember it)."""
        found = record_key(record)
        if found is None:
            return False
        key = hash(found)
        # The values as JSON (fields in model order; maps and lists too), and which fields
        # the record was given: the writer leaves an empty default unwritten unless given.
        signature = hash((orjson.dumps(record.__dict__), frozenset(record.model_fields_set)))
        if self._last.get(key) == signature:
            return True
        if len(self._last) >= self._remember:
            self._last.clear()  # a huge file: start again rather than grow without bound
        self._last[key] = signature
        return False


def parse_source(
    connector: ConnectorSpec, source: Source, options: LoadOptions
) -> Iterator[ParseItem]:
    """The connector's items for ``source``; a connector that fails outright loses its
    source, never the load: the failure is recorded like any bad record."""
    try:
        yield from connector.parse(source, options=options)
    except Exception as exc:  # reported as a reject, with its reason
        reason = f"{connector.name} could not read this source: {type(exc).__name__}: {exc}"
        yield Reject(source.name, "file", reason, None)


def source_size(source: Source) -> int:
    try:
        return source.size
    except OSError:
        return 0


# --- worker processes ----------------------------------------------------------------


@dataclass(slots=True)
class Piece:
    """A worker's result for up to a batch of records."""

    prepared: PreparedBatch  # the records no in-process stage needs, ready to commit
    segments: list[tuple[str, list[Record]]]  # per source, what in-process stages must see
    rejects: list[Reject]
    read: int
    source: str
    sources_done: int
    bytes_done: int
    timings: dict[str, float] = field(default_factory=dict)
    repeated: int = 0


@dataclass(frozen=True, slots=True)
class _Job:
    """What every worker of a load needs (inherited at fork, never pickled)."""

    connector: ConnectorSpec
    options: LoadOptions
    batch_size: int
    worker_stages: Sequence[Any]  # stages with process_records
    main_stages: Sequence[Any]  # the in-process stages (their ``needs`` only)


@dataclass(frozen=True, slots=True)
class _Failed:
    """A group a worker could not finish, and why."""

    error: BaseException


_job: _Job | None = None
_results: Any = None  # the worker's end of the pool's result queue


def _start_worker(job: _Job, results: Any, parent: int) -> None:
    global _job, _results
    # A load killed outright (SIGKILL, out of memory) must not leave its workers
    # parsing or blocked on the queue for ever; checked again after asking, in case
    # the parent died first.
    die_with_parent(signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
    tune_worker()
    _job, _results = job, results
    # A worker leaves only when the load is over (everything read) or abandoned (nothing
    # more to read): never wait at exit for the queue to be emptied.
    results.cancel_join_thread()


def _parse_group(group: int, sources: list[Source], first: int, bytes_before: int) -> None:
    """Worker side: put every piece of one group of sources on the result queue as soon
    as it is ready, then ``None`` (or :class:`_Failed`)."""
    job, results = _job, _results
    if job is None:  # pragma: no cover - the pool's initializer sets it
        raise RuntimeError("the parse worker was not started with a job")
    try:
        parsed = chunks(
            job.connector,
            sources,
            job.options,
            job.batch_size,
            first=first,
            bytes_before=bytes_before,
        )
        while True:
            timings: dict[str, float] = {}
            started = time.perf_counter()
            chunk = next(parsed, None)
            timings["parse"] = time.perf_counter() - started
            if chunk is None:
                break
            results.put((group, _piece(job, chunk, timings)))
    except BaseException as exc:
        results.put((group, _Failed(_picklable(exc))))
        raise
    results.put((group, None))


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _piece(job: _Job, chunk: Chunk, timings: dict[str, float]) -> Piece:
    rejects = list(chunk.rejects)
    kept_segments: list[tuple[str, list[Record]]] = []
    passed: list[Record] = []
    for name, segment in chunk.segments:
        records: list[Record] = segment
        for stage in job.worker_stages:
            if not records:
                break
            started = time.perf_counter()
            items = stage.process_records(records, source=name)
            key = type(stage).__name__
            timings[key] = timings.get(key, 0.0) + time.perf_counter() - started
            records = [item for item in items if not _reject_into(item, rejects)]
        wanted = _needed_by(job.main_stages, records)
        needed: list[Record] = []
        for record in records:
            (needed if wanted(record) else passed).append(record)
        if needed:
            kept_segments.append((name, needed))
    started = time.perf_counter()
    prepared = prepare_records(passed)
    timings["prepare"] = time.perf_counter() - started
    return Piece(
        prepared,
        kept_segments,
        rejects,
        chunk.read,
        chunk.source,
        chunk.sources_done,
        chunk.bytes_done,
        timings,
        chunk.repeated,
    )


def _reject_into(item: Record | Reject, rejects: list[Reject]) -> bool:
    if isinstance(item, Reject):
        rejects.append(item)
        return True
    return False


def _needed_by(stages: Sequence[Any], records: Sequence[Record]) -> Callable[[Record], bool]:
    """Whether any in-process stage must see a record (all of them for a stage that does
    not say)."""
    tests = []
    for stage in stages:
        needs = getattr(stage, "needs", None)
        if needs is None:
            return lambda record: True
        tests.append(needs(records))
    if len(tests) == 1:
        return tests[0]
    return lambda record: any(test(record) for test in tests)


def use_workers(sources: Sequence[Source], workers: int | None) -> int:
    """How many worker processes a load of ``sources`` uses: ``workers`` when given (0:
    none), else one per core for a large load - parsing costs far more than the engine's
    writing, so the workers, this process and the engine share the cores - and none for
    a small one or without ``fork``."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if workers is not None:
        return max(0, workers)
    if sum(source_size(s) for s in sources) < PARALLEL_MIN_BYTES:
        return 0
    return max(1, os.cpu_count() or 1)


def _groups(sources: Sequence[Source], group_bytes: int) -> Iterator[tuple[list[Source], int, int]]:
    """Consecutive sources of about ``group_bytes``, with where each group starts."""
    group: list[Source] = []
    first = size = done = 0
    for index, source in enumerate(sources):
        if not group:
            first, size = index, 0
        group.append(source)
        size += source_size(source)
        if size >= group_bytes:
            yield group, first, done
            done += size
            group = []
    if group:
        yield group, first, done


class ParsePool:
    """Worker processes parsing the groups of a load's sources; pieces come back in
    order, each as soon as it is ready."""

    def __init__(
        self,
        workers: int,
        connector: ConnectorSpec,
        options: LoadOptions,
        batch_size: int,
        stages: Sequence[Any],
        *,
        group_bytes: int = GROUP_BYTES,
    ) -> None:
        """``group_bytes``: sources go to the workers in groups of about this many bytes
        (a bigger file goes alone)."""
        job = _Job(
            connector,
            options,
            batch_size,
            [s for s in stages if hasattr(s, "process_records")],
            [s for s in stages if not hasattr(s, "process_records")],
        )
        self.main_stages = job.main_stages
        self.workers = workers
        self._group_bytes = group_bytes
        context = multiprocessing.get_context("fork")
        self._results = context.Queue()
        self._futures: list[Future[None]] = []
        self._groups = -1  # how many groups pieces() has to parse, once it knows
        self._closed = False
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(job, self._results, os.getpid()),
        )

    async def pieces(self, sources: Sequence[Source]) -> AsyncIterator[Piece]:
        """Every piece of ``sources``, in order; a few groups are parsed ahead."""
        groups = list(_groups(sources, self._group_bytes))
        self._groups = len(groups)
        sizes = [sum(source_size(s) for s in group[0]) for group in groups]
        ready: dict[int, list[Piece]] = {}
        finished: set[int] = set()
        current = 0
        while current < len(groups):
            while (index := len(self._futures)) < len(groups) and (
                index < current + self.workers + 1 or sum(sizes[current : index + 1]) <= AHEAD_BYTES
            ):
                self._futures.append(self._executor.submit(_parse_group, index, *groups[index]))
            if ready.get(current):
                yield ready[current].pop(0)
            elif current in finished:
                current += 1
            else:
                group, item = await asyncio.to_thread(self._next_result)
                if isinstance(item, _Failed):
                    raise item.error
                if item is None:
                    finished.add(group)
                else:
                    ready.setdefault(group, []).append(item)

    @property
    def parsed(self) -> bool:
        """Whether the workers have parsed every group of :meth:`pieces`' sources (their
        pieces may not all be taken yet)."""
        return len(self._futures) == self._groups and all(f.done() for f in self._futures)

    def _next_result(self) -> tuple[int, Piece | _Failed | None]:
        # Runs in a thread: it must end once the pool is closed (a load that failed while
        # it waited), or the interpreter would wait for it at exit.
        while not self._closed:
            try:
                result: tuple[int, Piece | _Failed | None] = self._results.get(timeout=0.2)
                return result
            except queue.Empty:
                pass
            # A worker that died (killed, out of memory) never reports: its future does.
            for future in self._futures:
                if future.done() and not future.cancelled():
                    error = future.exception()
                    if error is not None:
                        raise error
        return -1, _Failed(RuntimeError("the parse pool was closed"))

    def close(self, *, wait: bool = False) -> None:
        """Stop the workers; ``wait`` for them to exit (after a finished load, at once)."""
        self._closed = True
        for future in self._futures:
            future.cancel()
        self._executor.shutdown(wait=wait, cancel_futures=True)
