"""Neo4j backend through the official async driver (production deployments).

Engine specifics kept here: ``CREATE CONSTRAINT ... REQUIRE n.id IS UNIQUE``
DDL, managed transactions (``execute_read`` / ``execute_write``, retried by the
driver on transient errors), analyst queries in READ access mode so the server
refuses writes, and a transaction timeout on them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import neo4j
from neo4j import AsyncGraphDatabase, AsyncManagedTransaction
from neo4j import exceptions as neo4j_errors
from neo4j.graph import Node, Path, Relationship

from graph.config import GraphSettings
from graph.cypher import Statement
from graph.errors import (
    AuthFailed,
    ConfigError,
    EngineUnavailable,
    QueryError,
    QueryTimeout,
    ReadOnlyViolation,
    ScrmError,
)
from graph.falkordb_store import NODE_COUNTS, RELATIONSHIP_COUNTS
from graph.model import INTERNAL_LABELS, LABELS
from graph.store import GraphStats, GraphStore, Params, QueryResult, Row

__all__ = ["SCHEMA_STATEMENTS", "Neo4jStore"]

T = TypeVar("T")

SCHEMA_STATEMENTS = tuple(
    Statement(
        f"schema.neo4j.unique_id.{label}",
        f"CREATE CONSTRAINT scrm_{label.lower()}_id IF NOT EXISTS "
        f"FOR (n:{label}) REQUIRE n.id IS UNIQUE",
    )
    for label in LABELS
)
DROP_DATA = Statement(
    "drop.neo4j.detach_delete",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
)


class Neo4jStore(GraphStore):
    """A graph in one Neo4j database.

    On Neo4j a graph is a database: ``database=None`` uses the user's home
    database (``neo4j`` on Community Edition, which serves only one).
    """

    engine = "neo4j"

    def __init__(
        self,
        uri: str,
        *,
        user: str | None,
        password: str | None,
        database: str | None = None,
        connect_timeout: float = 5.0,
        uri_setting: str = "SCRM_GRAPH_URI",
    ) -> None:
        self.graph = database or "neo4j"
        self.round_trips = 0
        self._database = database
        self._uri = uri
        self._uri_setting = uri_setting
        auth = (user or "neo4j", password or "") if (user or password) else None
        try:
            self._driver = AsyncGraphDatabase.driver(
                uri,
                auth=auth,
                connection_timeout=connect_timeout,
                connection_acquisition_timeout=connect_timeout * 2,
                max_transaction_retry_time=15.0,
            )
        except neo4j_errors.ConfigurationError as exc:
            raise ConfigError(uri_setting, str(exc)) from None
        except ValueError as exc:
            raise ConfigError(uri_setting, str(exc)) from None

    @classmethod
    def from_settings(cls, settings: GraphSettings, *, database: str | None = None) -> Neo4jStore:
        return cls(
            settings.uri,
            user=settings.user,
            password=settings.password,
            database=database,
            connect_timeout=settings.connect_timeout,
            uri_setting=settings.uri_setting,
        )

    async def read(self, statement: Statement, params: Params | None = None) -> list[Row]:
        text = statement.for_engine("neo4j")

        async def work(tx: AsyncManagedTransaction) -> list[Row]:
            result = await tx.run(text, dict(params or {}))
            return [{k: _plain(v) for k, v in record.items()} async for record in result]

        return await self._session_call(neo4j.READ_ACCESS, work)

    async def write(self, statement: Statement, params: Params | None = None) -> list[Row]:
        text = statement.for_engine("neo4j")

        async def work(tx: AsyncManagedTransaction) -> list[Row]:
            result = await tx.run(text, dict(params or {}))
            return [{k: _plain(v) for k, v in record.items()} async for record in result]

        return await self._session_call(neo4j.WRITE_ACCESS, work)

    async def write_batch(self, batch: Sequence[tuple[Statement, Params]]) -> None:
        if not batch:
            return
        items = [(s.for_engine("neo4j"), dict(p)) for s, p in batch]

        async def work(tx: AsyncManagedTransaction) -> None:
            for text, params in items:
                result = await tx.run(text, params)
                await result.consume()

        await self._session_call(neo4j.WRITE_ACCESS, work)

    async def analyst_query(
        self,
        text: str,
        params: Params | None = None,
        *,
        timeout: float = 10.0,
        limit: int = 1000,
    ) -> QueryResult:
        @neo4j.unit_of_work(timeout=timeout)
        async def work(tx: AsyncManagedTransaction) -> QueryResult:
            result = await tx.run(text, dict(params or {}))
            columns = list(result.keys())
            rows: list[list[Any]] = []
            truncated = False
            async for record in result:
                if len(rows) >= limit:
                    truncated = True
                    break
                rows.append([_plain(v) for v in record.values()])
            return QueryResult(columns, rows, truncated)

        return await self._session_call(neo4j.READ_ACCESS, work)

    async def ensure_schema(self) -> None:
        for statement in SCHEMA_STATEMENTS:
            await self._auto_commit(statement.text)

    async def stats(self) -> GraphStats:
        nodes = {
            str(r["label"]): int(r["count"])
            for r in await self.read(NODE_COUNTS)
            if r["label"] is not None and r["label"] not in INTERNAL_LABELS
        }
        rels = {str(r["type"]): int(r["count"]) for r in await self.read(RELATIONSHIP_COUNTS)}
        return GraphStats(dict(sorted(nodes.items())), dict(sorted(rels.items())))

    async def drop(self) -> None:
        # CALL { } IN TRANSACTIONS needs an auto-commit transaction.
        await self._auto_commit(DROP_DATA.text)

    async def ping(self) -> None:
        self._count_round_trip()
        try:
            await self._driver.verify_connectivity()
        except Exception as exc:
            self._translate(exc)
            raise

    async def close(self) -> None:
        await self._driver.close()

    # --- internals ----------------------------------------------------------------

    async def _session_call(
        self, mode: str, work: Callable[[AsyncManagedTransaction], Awaitable[T]]
    ) -> T:
        self._count_round_trip()
        try:
            async with self._driver.session(
                database=self._database, default_access_mode=mode
            ) as session:
                if mode == neo4j.READ_ACCESS:
                    return await session.execute_read(work)
                return await session.execute_write(work)
        except Exception as exc:
            self._translate(exc)
            raise

    async def _auto_commit(self, text: str) -> None:
        self._count_round_trip()
        try:
            async with self._driver.session(database=self._database) as session:
                result = await session.run(text)
                await result.consume()
        except Exception as exc:
            self._translate(exc)
            raise

    def _translate(self, exc: BaseException) -> None:
        """Raise the project's error for a driver error; return for anything else."""
        if isinstance(exc, ScrmError):
            return
        if isinstance(exc, neo4j_errors.AuthError):
            raise AuthFailed(
                "SCRM_GRAPH_PASSWORD", f"Neo4j at {self._display()} refused the credentials"
            ) from None
        if isinstance(exc, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
            raise EngineUnavailable(f"Neo4j at {self._display()} does not answer") from None
        if isinstance(exc, neo4j_errors.ConfigurationError):
            raise ConfigError(self._uri_setting, str(exc)) from None
        if isinstance(exc, neo4j_errors.Neo4jError):
            code = exc.code or ""
            if (
                "AccessMode" in code
                or "ForbiddenDueToTransactionType" in code
                or isinstance(exc, neo4j_errors.ForbiddenOnReadOnlyDatabase)
            ):
                raise ReadOnlyViolation(
                    "this query writes; only read-only queries are allowed"
                ) from None
            if "TransactionTimedOut" in code or "Timeout" in code:
                raise QueryTimeout("the query ran past its time limit") from None
            raise QueryError(exc.message or code) from None
        if isinstance(exc, neo4j_errors.DriverError | OSError):
            raise EngineUnavailable(f"Neo4j at {self._display()}: {exc}") from None

    def _display(self) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(self._uri)
        return f"{parts.scheme}://{parts.hostname}:{parts.port or 7687}"


def _plain(value: Any) -> Any:
    if isinstance(value, Node | Relationship):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Path):
        return [_plain(n) for n in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value
