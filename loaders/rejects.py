"""Where rejected records go: a JSON-lines rejects file, or a list for in-memory loads.

Each line of a rejects file is ``{"source", "location", "reason", "raw"}``: the
input it came from, where in it (``line 12``, ``row 7``, ``$.data[3]``), why it
was set aside, and the record as found.  A raw record whose JSON is larger than
:data:`MAX_RAW_BYTES` is cut to that size (as text) and the line says so with
``"raw_truncated": true`` and ``"raw_bytes"``.  The file is created on the
first reject only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, Protocol

from loaders.base import Reject

__all__ = ["MAX_RAW_BYTES", "RejectList", "RejectSink", "RejectsFile", "reject_line"]

MAX_RAW_BYTES = 1_000_000


class RejectSink(Protocol):
    """Receives every record a load sets aside."""

    @property
    def count(self) -> int: ...

    def add(self, reject: Reject) -> None: ...


def reject_line(reject: Reject) -> str:
    """The JSON line for ``reject`` (no newline), the raw record cut to MAX_RAW_BYTES."""
    entry: dict[str, Any] = reject.as_json()
    raw_json = json.dumps(entry["raw"], ensure_ascii=False, default=str)
    size = len(raw_json.encode("utf-8"))
    if size > MAX_RAW_BYTES:
        # Cut the JSON text rather than the value, so any raw shape can be cut the same way.
        cut = raw_json.encode("utf-8")[:MAX_RAW_BYTES].decode("utf-8", errors="ignore")
        entry.update(raw=cut, raw_truncated=True, raw_bytes=size)
    return json.dumps(entry, ensure_ascii=False, default=str)


class RejectsFile:
    """Appends rejects to ``path`` as JSON lines, creating it (and its folder) on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._file: IO[str] | None = None

    def add(self, reject: Reject) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write(reject_line(reject) + "\n")
        self.count += 1

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> RejectsFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class RejectList:
    """Keeps rejects in memory (the API's ``ingest`` reports them in its answer)."""

    def __init__(self) -> None:
        self.items: list[Reject] = []

    @property
    def count(self) -> int:
        return len(self.items)

    def add(self, reject: Reject) -> None:
        self.items.append(reject)
