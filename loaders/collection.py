"""The garbage collector's pace while a load runs.

Loading allocates millions of short-lived containers (parsed JSON, pydantic records,
rows) while a large set stays alive (the batch being read, the repeats memory, rows
being joined).  At CPython's default thresholds the collector then walks every live
object again every few hundred thousand allocations; on API pages that was about a
third of a parse worker's CPU (``bench/ingest.py`` and the profile in bench/README.md),
and it found nothing to free - records, rows and JSON values do not form reference
cycles, so reference counting alone frees them.

:func:`bulk_collection` makes the young generation hundreds of times larger and full
collections rare for as long as a load runs (loads may overlap: the thresholds come
back when the last one ends); :func:`tune_worker` does the same for good in a parse
worker, and freezes what it inherited at fork, which it never frees anyway.  Cyclic
garbage is still collected, only later.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["BULK_THRESHOLDS", "bulk_collection", "tune_worker"]

# Allocations between young collections, then young collections per middle one, middle
# ones per full one (CPython's defaults: 700, 10, 10).
BULK_THRESHOLDS = (50_000, 20, 100)

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] = ()


@contextlib.contextmanager
def bulk_collection() -> Iterator[None]:
    """Collect at the bulk pace inside the block; the thresholds before it come back when
    the last block still open ends."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*BULK_THRESHOLDS)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)


def tune_worker() -> None:
    """A parse worker's settings, for its whole life."""
    gc.freeze()
    gc.set_threshold(*BULK_THRESHOLDS)
