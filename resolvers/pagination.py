"""Cursor pagination (Relay): page arguments to an index window, rows to a Connection.

Cursors are opaque to clients: base64 of ``"cursor:<index>"`` in the list as
sorted and filtered.  ``first``/``after`` page forward, ``last``/``before``
backward; a page holds at most ``max_page_size`` items.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode

from resolvers.context import Info
from resolvers.errors import BadInput, PageSizeExceeded
from schema.connection import Connection, Edge, PageInfo

__all__ = [
    "Window",
    "connection",
    "decode_cursor",
    "encode_cursor",
    "page_of_rows",
    "selects",
    "window",
]

T = TypeVar("T")

_PREFIX = "cursor:"


def encode_cursor(index: int) -> str:
    return base64.b64encode(f"{_PREFIX}{index}".encode()).decode("ascii")


def decode_cursor(cursor: str, argument: str) -> int:
    """The list index a cursor points at; BadInput naming ``argument`` if it is not one of ours."""
    try:
        raw = base64.b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
        if raw.startswith(_PREFIX):
            index = int(raw[len(_PREFIX) :])
            if index >= 0:
                return index
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise BadInput(f"{argument}: {cursor!r} is not a cursor this API handed out")


@dataclass(frozen=True, slots=True)
class Window:
    """Which slice of a list a page covers, before the list's length is known.

    ``start`` is the first index after the ``after`` cursor, ``before`` the index
    of the ``before`` cursor (exclusive end); ``first``/``last`` cut the slice
    from the front/back as Relay's algorithm says.
    """

    start: int = 0
    before: int | None = None
    first: int | None = None
    last: int | None = None

    @property
    def needs_total(self) -> bool:
        """Whether the slice depends on the list's length (``last`` from the very end)."""
        return self.last is not None and self.before is None and self.first is None

    def bounds(self, total: int | None = None) -> tuple[int, int]:
        """``(lo, hi)``: the page is items ``lo`` up to (not including) ``hi``."""
        hi = self.before
        if total is not None:
            hi = total if hi is None else min(hi, total)
        if self.first is not None:
            hi = self.start + self.first if hi is None else min(hi, self.start + self.first)
        if hi is None:  # only when needs_total and the caller passed no total
            raise ValueError("this window needs the list's total")
        lo = self.start
        if self.last is not None:
            lo = max(lo, hi - self.last)
        return lo, max(lo, hi)

    def as_params(self) -> dict[str, int | None]:
        """The window as statement parameters (for per-parent slices done in Cypher)."""
        return {"start": self.start, "before": self.before, "first": self.first, "last": self.last}


def window(
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    max_page_size: int,
    default_page_size: int,
) -> Window:
    """Validate page arguments into a :class:`Window`."""
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise BadInput(f"{name}: must not be negative (got {value})")
        if value is not None and value > max_page_size:
            raise PageSizeExceeded(name, value, max_page_size)
    start = decode_cursor(after, "after") + 1 if after is not None else 0
    end = decode_cursor(before, "before") if before is not None else None
    if first is None and last is None:
        first = default_page_size
    return Window(start=start, before=end, first=first, last=last)


def connection(items: Sequence[T], *, lo: int, has_next: bool, total: int | None) -> Connection[T]:
    """A Connection of ``items``, which sit at index ``lo`` onward in the whole list."""
    edges = [Edge(cursor=encode_cursor(lo + i), node=item) for i, item in enumerate(items)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=lo > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total if total is not None else -1,
    )


def page_of_rows(
    rows: Sequence[Any], convert: Callable[[Any], T], *, lo: int, hi: int, total: int | None
) -> Connection[T]:
    """A Connection from rows fetched as ``SKIP lo LIMIT hi - lo + 1`` (one extra row
    tells whether a next page exists)."""
    size = hi - lo
    return connection(
        [convert(row) for row in rows[:size]], lo=lo, has_next=len(rows) > size, total=total
    )


def selects(info: Info, name: str) -> bool:
    """Whether the current field's selection asks for ``name`` directly (fragments included).

    Reads the query's own syntax tree, one level down: cheaper than converting the
    whole selection below the field."""
    raw = info._raw_info
    return any(
        _has(node.selection_set.selections, name, raw.fragments)
        for node in raw.field_nodes
        if node.selection_set is not None
    )


def _has(selections: Iterable[Any], name: str, fragments: Mapping[str, Any]) -> bool:
    for selection in selections:
        if isinstance(selection, FieldNode):
            if selection.name.value == name:
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _has(selection.selection_set.selections, name, fragments):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None and _has(fragment.selection_set.selections, name, fragments):
                return True
    return False
