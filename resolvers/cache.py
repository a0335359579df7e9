"""Results that depend only on the graph's content, kept per graph version.

The writer bumps the graph version on every committed batch (and the API's
mutations do too), so a result computed at version v stays right for as long
as the graph is at v: a stored run's page, a customer's social capital (scored
as of the graph's own clock), an advocacy path search.  When a request sees a
newer version, everything kept for older ones is dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

__all__ = ["ResultCache"]


class ResultCache:
    """An LRU of results for the newest graph version seen."""

    def __init__(self, maxsize: int = 4096) -> None:
        self.maxsize = maxsize
        self.version = -1
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()

    def _at(self, version: int) -> bool:
        """Whether entries for ``version`` may be read or written (dropping older ones)."""
        if version > self.version:
            self.version = version
            self._entries.clear()
        return version == self.version

    def get(self, version: int, key: Hashable) -> Any:
        """The result kept for ``key`` at ``version``, or None."""
        if not self._at(version):
            return None
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, version: int, key: Hashable, value: Any) -> None:
        if value is None or not self._at(version):
            return
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
