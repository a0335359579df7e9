"""Reading a text source line by line, with the bad parts turned into rejects.

Shared by the generic connectors (canonical JSON lines, edge CSV, edge lists):
an empty source or a binary one is one reject for the whole source; a line that
is not UTF-8 is a reject for that line; everything else comes out as
``(line number, text)``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from loaders.base import Reject, Source

__all__ = ["binary_reject", "empty_reject", "iter_lines"]

_SNIFF = 8192


def empty_reject(source: Source, data: bytes) -> Reject | None:
    """A reject for an empty (or whitespace-only) source, else None."""
    if data.strip():
        return None
    return Reject(source.name, "file", "empty file", "")


def binary_reject(source: Source, data: bytes, expected: str) -> Reject | None:
    """A reject for a source that is binary rather than text (a NUL byte near its start)."""
    if b"\x00" not in data[:_SNIFF]:
        return None
    return Reject(
        source.name, "file", f"binary data, not {expected}", f"<{len(data)} bytes of binary data>"
    )


def iter_lines(source: Source, *, expected: str) -> Iterator[tuple[int, str] | Reject]:
    """Yield ``(line number, line)`` for each non-blank line of ``source`` (without its
    line end), or a :class:`Reject`: one for an empty or binary source, one per line
    that is not UTF-8.  ``expected`` names the format in messages ("JSON lines").
    A file is streamed, never read whole."""
    try:
        with _open(source) as stream:
            head = stream.read(_SNIFF)
            whole = binary_reject(source, head, expected)
            if whole is not None:
                yield whole
                return
            stream.seek(0)
            blank = True
            # Bytes split on \n alone: text splitting would also break lines at U+2028 and
            # friends, which JSON strings may hold.
            for number, raw in enumerate(stream, start=1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                raw = raw.rstrip(b"\r\n")
                if not raw.strip():
                    continue
                blank = False
                try:
                    yield number, raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    text = raw.decode("utf-8", errors="replace")
                    reason = f"not UTF-8 text (byte {exc.start})"
                    yield Reject(source.name, f"line {number}", reason, text)
            if blank:
                yield Reject(source.name, "file", "empty file", "")
    except OSError as exc:
        yield Reject(source.name, "file", f"cannot read: {exc.strerror or exc}", None)


def _open(source: Source) -> BinaryIO:
    if source.data is not None or source.path is None:
        return io.BytesIO(source.read_bytes())
    return source.path.open("rb")
