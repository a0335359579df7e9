"""The one async store interface the whole application talks to.

Backends: :mod:`graph.falkordb_store` (embedded default) and
:mod:`graph.neo4j_store` (production).  Rows come back as plain Python values:
nodes and relationships become property dicts, paths lists of those.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.cypher import Engine, Statement

__all__ = ["GraphStats", "GraphStore", "Params", "QueryResult", "Row"]

Row = dict[str, Any]
Params = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class GraphStats:
    """Node counts per label and relationship counts per type."""

    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, dict[str, int]]:
        return {"nodes": dict(self.nodes), "relationships": dict(self.relationships)}


@dataclass(frozen=True, slots=True)
class QueryResult:
    """An analyst query's answer: column names, rows (lists), and whether the row cap cut it."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False


class GraphStore(ABC):
    """Access to one named graph on one engine.

    Use as an async context manager, or call :meth:`close`.  ``round_trips``
    counts requests sent to the engine (the API exports it and the tests use it
    to prove resolvers batch their reads).
    """

    engine: Engine
    graph: str
    round_trips: int = 0

    async def __aenter__(self) -> GraphStore:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @abstractmethod
    async def read(self, statement: Statement, params: Params | None = None) -> list[Row]:
        """Run a read statement and return its rows as dicts keyed by column."""

    @abstractmethod
    async def write(self, statement: Statement, params: Params | None = None) -> list[Row]:
        """Run one write statement (atomic) and return its rows."""

    @abstractmethod
    async def write_batch(self, batch: Sequence[tuple[Statement, Params]]) -> None:
        """Run several write statements in order, in one round trip.

        On Neo4j they form one transaction (all or nothing).  On FalkorDB each
        statement is atomic and no other write of this store comes between them;
        a failing statement stops the ones after it but does not undo the ones
        before, so batches are written to be safely re-run."""

    @abstractmethod
    async def analyst_query(
        self,
        text: str,
        params: Params | None = None,
        *,
        timeout: float = 10.0,
        limit: int = 1000,
    ) -> QueryResult:
        """Run untrusted read-only Cypher: the engine itself refuses writes.

        Raises :class:`~graph.errors.ReadOnlyViolation` for a write,
        :class:`~graph.errors.QueryTimeout` past ``timeout`` seconds; at most
        ``limit`` rows come back (``truncated`` says whether more existed).
        """

    @abstractmethod
    async def ensure_schema(self) -> None:
        """Create the unique constraint and index on ``id`` for every label (idempotent)."""

    @abstractmethod
    async def stats(self) -> GraphStats:
        """Count nodes per label and relationships per type."""

    @abstractmethod
    async def drop(self) -> None:
        """Delete the whole graph (its data and, where the engine allows, its schema)."""

    @abstractmethod
    async def ping(self) -> None:
        """Raise :class:`~graph.errors.EngineUnavailable` unless the engine answers."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections.  The store is unusable afterwards."""

    def _count_round_trip(self, n: int = 1) -> None:
        self.round_trips += n
