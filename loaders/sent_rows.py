"""What a writer sent last for each node and relationship: a row equal to it is not sent again.

API pages repeat themselves across files: every page of tweets includes the
tweets it refers to, which bring their hashtags and brand mentions along, and
every Weibo status embeds its author.  A parse worker drops a record equal to
the last one with its key within one source (``parse_workers._Repeats``); the
writer sees the whole load in order, so it drops a row equal to the last row it
sent for the same node or relationship, whichever source it came from.  MERGE
and SET with the same values again change nothing.

The memory is a table of hashes, one slot per key's hash, that doubles with
the rows sent up to a fixed size: a key that lands in a taken slot pushes the
older key out, which only lets a later repeat of that one through.  Repeats
mostly come soon (the next pages, the next files), while their keys are there.
A row is dropped only when its slot holds both its key's hash and its own, 128
bits that two different rows do not share by chance.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from itertools import repeat
from typing import Any

import numpy as np

__all__ = ["SLOTS", "SentRows"]

# The most slots (16 bytes each; a power of two): a key outlasts a million later keys
# about four times in five.  A table starts at FIRST_SLOTS and doubles before it would
# hold more rows than a quarter of its slots.
SLOTS = 1 << 22
FIRST_SLOTS = 1 << 14


class SentRows:
    """The hash of the row last sent per (statement, key), while its slot keeps it."""

    __slots__ = ("_keys", "_limit", "_mask", "_rows", "_taken")

    def __init__(self, slots: int = SLOTS) -> None:
        self._limit = 1 << max(0, slots - 1).bit_length()
        size = min(FIRST_SLOTS, self._limit)
        self._keys = np.zeros(size, dtype=np.int64)
        self._rows = np.zeros(size, dtype=np.int64)
        self._mask = size - 1
        self._taken = 0  # rows remembered (or carried over when the table last grew)

    def unsent(
        self, statement: str, key_of: Callable[[list[Any]], Hashable], rows: list[list[Any]]
    ) -> list[list[Any]]:
        """``rows`` of ``statement`` without those equal to the last row sent with their key
        (``key_of(row)``); the rest are remembered as sent.  The rows of one call have
        distinct keys (a batch has one row per node or relationship)."""
        if not rows:
            return rows
        while self._taken + len(rows) > (self._mask + 1) // 4 and self._mask + 1 < self._limit:
            self._grow()
        keyed = zip(repeat(statement), map(key_of, rows))
        keys = np.fromiter(map(hash, keyed), np.int64, len(rows))
        signatures = np.fromiter(map(_signature, rows), np.int64, len(rows))
        slots = keys & self._mask
        repeats = (self._keys[slots] == keys) & (self._rows[slots] == signatures)
        # A row that cannot be hashed (a list value) has signature 0: always sent.
        repeats &= signatures != 0
        self._keys[slots] = keys
        self._rows[slots] = signatures
        if not repeats.any():
            self._taken += len(rows)
            return rows
        kept = [row for row, repeat in zip(rows, repeats.tolist(), strict=True) if not repeat]
        self._taken += len(kept)
        return kept

    def forget(self, statement: str, key: Hashable) -> None:
        """The row sent for ``key`` no longer holds (something else wrote over it)."""
        found = hash((statement, key))
        slot = found & self._mask
        if self._keys[slot] == found:
            self._rows[slot] = 0

    def _grow(self) -> None:
        size = min(2 * (self._mask + 1), self._limit)
        used = self._keys != 0
        keys, rows = self._keys[used], self._rows[used]
        self._keys = np.zeros(size, dtype=np.int64)
        self._rows = np.zeros(size, dtype=np.int64)
        self._mask = size - 1
        slots = keys & self._mask
        self._keys[slots] = keys
        self._rows[slots] = rows
        self._taken = len(keys)


def _signature(row: list[Any]) -> int:
    try:
        return hash(tuple(row)) or 1
    except TypeError:
        return 0
