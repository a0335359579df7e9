"""FalkorDB backend: the embedded default, or an external server by URI.

Engine specifics kept here: parameters travel in a ``CYPHER name=value``
header (so values are encoded here, never spliced into statements), analyst
queries go through ``GRAPH.RO_QUERY`` so the engine itself refuses writes,
unique constraints are ``GRAPH.CONSTRAINT`` commands over range indexes, and a
batch of writes is one pipelined round trip.  Not ``MULTI``/``EXEC``: the
server fails an assertion when it replays a long transaction from its
append-only file at start-up, so transactions would make the data unloadable.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

import orjson
import redis.asyncio as redis_asyncio
from falkordb import Edge, Node, Path
from falkordb.asyncio.graph import AsyncGraph
from falkordb.asyncio.query_result import QueryResult as ClientQueryResult
from redis import exceptions as redis_errors
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff

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
from graph.model import INTERNAL_LABELS, LABELS
from graph.store import GraphStats, GraphStore, Params, QueryResult, Row

__all__ = ["FalkorDBStore"]

_QUERY_SOCKET_TIMEOUT = 300.0
_CONSTRAINT_WAIT = 30.0

NODE_COUNTS = Statement(
    "stats.node_counts",
    "MATCH (n) RETURN labels(n)[0] AS label, count(n) AS count",
)
RELATIONSHIP_COUNTS = Statement(
    "stats.relationship_counts",
    "MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS count",
)
_INDEX_ID = {
    label: Statement(
        f"schema.falkordb.index.{label}",
        f"CREATE INDEX FOR (n:{label}) ON (n.id)",
        register=False,  # FalkorDB-only DDL; Neo4j's linter never sees it
    )
    for label in LABELS
}
_LIST_CONSTRAINTS = Statement(
    "schema.falkordb.constraints",
    "CALL db.constraints() YIELD type, label, properties, status "
    "RETURN type, label, properties, status",
    register=False,
)


class FalkorDBStore(GraphStore):
    """A graph on a FalkorDB server reached over a unix socket or TCP."""

    engine = "falkordb"

    def __init__(
        self,
        *,
        graph: str,
        unix_socket: str | None = None,
        host: str = "localhost",
        port: int = 6379,
        username: str | None = None,
        password: str | None = None,
        ssl: bool = False,
        connect_timeout: float = 5.0,
        uri_setting: str = "SCRM_GRAPH_URI",
        display: str = "",
    ) -> None:
        self.graph = graph
        self.round_trips = 0
        self._uri_setting = uri_setting
        self._display = display or (unix_socket or f"{host}:{port}")
        # The redis client is built here rather than by falkordb.FalkorDB, whose
        # constructor makes a blocking network call to probe for a cluster.
        self._redis = redis_asyncio.Redis(
            host=host,
            port=port,
            unix_socket_path=unix_socket,
            username=username,
            password=password,
            ssl=ssl,
            socket_connect_timeout=connect_timeout,
            socket_timeout=_QUERY_SOCKET_TIMEOUT,
            max_connections=64,
            decode_responses=True,
            # One quick retry covers a connection the engine dropped; a dead engine
            # still fails fast so callers can report it.
            retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.2), retries=1),
        )
        self._graph = AsyncGraph(_Client(self._redis), graph)
        # Keeps this store's writes from coming between the statements of a batch.
        self._write_lock = asyncio.Lock()

    @classmethod
    def from_settings(
        cls, settings: GraphSettings, *, unix_socket: str | None = None
    ) -> FalkorDBStore:
        """Connect to the server ``settings`` names (or to ``unix_socket`` for the embedded one)."""
        if unix_socket is not None:
            return cls(graph=settings.graph, unix_socket=unix_socket, display=settings.display_uri)
        parts = urlsplit(settings.uri)
        password = settings.password or (unquote(parts.password) if parts.password else None)
        username = settings.user or (unquote(parts.username) if parts.username else None)
        if parts.scheme == "unix":
            return cls(
                graph=settings.graph,
                unix_socket=parts.path,
                username=username,
                password=password,
                connect_timeout=settings.connect_timeout,
                uri_setting=settings.uri_setting,
                display=settings.display_uri,
            )
        try:
            port = parts.port or 6379
        except ValueError:
            raise ConfigError(
                settings.uri_setting, f"{settings.uri!r} has an invalid port"
            ) from None
        return cls(
            graph=settings.graph,
            host=parts.hostname or "localhost",
            port=port,
            username=username,
            password=password,
            ssl=parts.scheme in {"falkordbs", "rediss"},
            connect_timeout=settings.connect_timeout,
            uri_setting=settings.uri_setting,
            display=settings.display_uri,
        )

    # --- reads and writes -------------------------------------------------------

    async def read(self, statement: Statement, params: Params | None = None) -> list[Row]:
        result = await self._run(statement.for_engine("falkordb"), params, read_only=True)
        return result.records()

    async def write(self, statement: Statement, params: Params | None = None) -> list[Row]:
        async with self._write_lock:
            result = await self._run(statement.for_engine("falkordb"), params, read_only=False)
        return result.records()

    async def write_batch(self, batch: Sequence[tuple[Statement, Params]]) -> None:
        if not batch:
            return
        pipe = self._redis.pipeline(transaction=False)
        for statement, params in batch:
            text = _params_header(params) + statement.for_engine("falkordb")
            pipe.execute_command("GRAPH.QUERY", self.graph, text, "--compact")
        self._count_round_trip()
        async with self._write_lock, self._translated():
            await pipe.execute()

    async def analyst_query(
        self,
        text: str,
        params: Params | None = None,
        *,
        timeout: float = 10.0,
        limit: int = 1000,
    ) -> QueryResult:
        timeout_ms = max(1, int(timeout * 1000))
        result = await self._run(text, params, read_only=True, timeout_ms=timeout_ms)
        return QueryResult(result.columns, result.rows[:limit], truncated=len(result.rows) > limit)

    # --- schema, stats, lifecycle ------------------------------------------------

    async def ensure_schema(self) -> None:
        existing = await self._unique_constraints()
        for label in LABELS:
            if existing.get(label) == "OPERATIONAL":
                continue
            if label not in existing:
                try:
                    await self._run(_INDEX_ID[label].text, None, read_only=False)
                except QueryError as exc:
                    if "already indexed" not in str(exc):
                        raise
                self._count_round_trip()
                async with self._translated(already_ok=True):
                    await self._graph.create_node_unique_constraint(label, "id")
        await self._await_constraints()

    async def stats(self) -> GraphStats:
        nodes = {
            str(r["label"]): int(r["count"])
            for r in await self.read(NODE_COUNTS)
            if r["label"] is not None and r["label"] not in INTERNAL_LABELS
        }
        rels = {str(r["type"]): int(r["count"]) for r in await self.read(RELATIONSHIP_COUNTS)}
        return GraphStats(dict(sorted(nodes.items())), dict(sorted(rels.items())))

    async def drop(self) -> None:
        self._count_round_trip()
        try:
            async with self._translated():
                await self._graph.delete()
        except QueryError as exc:
            if not _is_missing_graph(exc):
                raise

    async def ping(self) -> None:
        self._count_round_trip()
        async with self._translated():
            await self._redis.ping()

    async def close(self) -> None:
        with _suppress_all():
            await self._redis.aclose()

    # --- internals -------------------------------------------------------------

    async def _run(
        self,
        text: str,
        params: Params | None,
        *,
        read_only: bool,
        timeout_ms: int | None = None,
    ) -> _Result:
        command: list[Any] = [
            "GRAPH.RO_QUERY" if read_only else "GRAPH.QUERY",
            self.graph,
            _params_header(params) + text,
            "--compact",
        ]
        if timeout_ms is not None:
            command += ["timeout", timeout_ms]
        self._count_round_trip()
        result = _EMPTY_RESULT
        try:
            async with self._translated():
                result = await self._result(await self._redis.execute_command(*command))
        except QueryError as exc:
            # A graph that was never written to does not exist yet: reading it finds nothing.
            if not (read_only and _is_missing_graph(exc)):
                raise
        return result

    async def _result(self, response: Any) -> _Result:
        """A compact ``GRAPH.QUERY`` reply as plain rows.  Scalars are converted here: the
        client's parser awaits a coroutine per value, which cost a long load more CPU than
        anything else this process does with the replies.  A reply with nodes,
        relationships or other structured values goes through the client's parser, which
        knows the graph's label and property names."""
        for part in (response[0], response[-1]):
            if isinstance(part, redis_errors.ResponseError):
                raise part
        if len(response) < 3 or not response[0]:  # statistics only
            return _EMPTY_RESULT
        columns = [str(column[1]) for column in response[0]]
        try:
            rows = [[_SCALAR[kind](value) for kind, value in row] for row in response[1]]
        except _Structured:
            parsed = ClientQueryResult(self._graph)
            await parsed.parse(response)
            rows = [[_plain(value) for value in row] for row in parsed.result_set]
        return _Result(columns, rows)

    async def _unique_constraints(self) -> dict[str, str]:
        result = await self._run(_LIST_CONSTRAINTS.text, None, read_only=True)
        found: dict[str, str] = {}
        for ctype, label, props, status in result.rows:
            if ctype == "UNIQUE" and list(props) == ["id"]:
                found[str(label)] = str(status)
        return found

    async def _await_constraints(self) -> None:
        deadline = asyncio.get_running_loop().time() + _CONSTRAINT_WAIT
        while True:
            states = await self._unique_constraints()
            failed = [label for label, status in states.items() if status == "FAILED"]
            if failed:
                raise QueryError(
                    f"unique constraint on id failed for {', '.join(sorted(failed))}: "
                    "the graph holds duplicate ids"
                )
            if all(states.get(label) == "OPERATIONAL" for label in LABELS):
                return
            if asyncio.get_running_loop().time() > deadline:
                raise QueryError("unique constraints did not become operational in time")
            await asyncio.sleep(0.05)

    def _translated(self, *, already_ok: bool = False) -> _Translate:
        return _Translate(self, already_ok=already_ok)


class _Translate:
    """Turns redis/FalkorDB exceptions into the project's own (see graph.errors)."""

    def __init__(self, store: FalkorDBStore, *, already_ok: bool) -> None:
        self._store = store
        self._already_ok = already_ok

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, _tb: object
    ) -> bool:
        if exc is None or isinstance(exc, ScrmError):
            return False
        store = self._store
        if isinstance(exc, redis_errors.AuthenticationError | redis_errors.AuthorizationError):
            raise AuthFailed(
                "SCRM_GRAPH_PASSWORD", f"FalkorDB at {store._display} refused the credentials"
            ) from None
        if isinstance(exc, redis_errors.RedisError) and _is_auth_error(str(exc)):
            raise AuthFailed(
                "SCRM_GRAPH_PASSWORD", f"FalkorDB at {store._display} refused the credentials"
            ) from None
        if isinstance(exc, redis_errors.BusyLoadingError):
            raise EngineUnavailable("the graph database is starting (loading its data)") from None
        if isinstance(exc, redis_errors.ConnectionError | redis_errors.TimeoutError | OSError):
            raise EngineUnavailable(
                f"the graph database at {store._display} does not answer"
            ) from None
        if isinstance(exc, redis_errors.ResponseError):
            message = str(exc)
            if self._already_ok and "already" in message.lower():
                return True
            if "read-only" in message:
                raise ReadOnlyViolation(
                    "this query writes; only read-only queries are allowed"
                ) from None
            if "timed out" in message.lower():
                raise QueryTimeout("the query ran past its time limit") from None
            raise QueryError(_clean_message(message)) from None
        if isinstance(exc, redis_errors.RedisError):
            raise EngineUnavailable(f"graph database error: {exc}") from None
        return False


class _Result:
    """A reply's column names and rows, the values plain Python (a node or a
    relationship as its properties)."""

    __slots__ = ("columns", "rows")

    def __init__(self, columns: list[str], rows: list[list[Any]]) -> None:
        self.columns = columns
        self.rows = rows

    def records(self) -> list[Row]:
        columns = self.columns
        return [dict(zip(columns, row, strict=True)) for row in self.rows]


_EMPTY_RESULT = _Result([], [])


def _is_missing_graph(exc: Exception) -> bool:
    message = str(exc).lower()
    return "empty key" in message or "invalid graph" in message or "no such key" in message


def _is_auth_error(message: str) -> bool:
    lowered = message.lower()
    return any(
        marker in lowered
        for marker in (
            "noauth",
            "wrongpass",
            "invalid password",
            "username-password",
            "authentication required",
            "already authenticated",
        )
    )


def _clean_message(message: str) -> str:
    # FalkorDB appends "errCtx"/"errCtxOffset" with the query text; keep the reason only.
    return re.split(r"\s+errCtx:", message, maxsplit=1)[0].removeprefix("errMsg: ").strip()


class _Client:
    """The slice of ``falkordb.asyncio.FalkorDB`` that ``AsyncGraph`` uses."""

    def __init__(self, connection: redis_asyncio.Redis) -> None:
        self.connection = connection
        self.execute_command = connection.execute_command


class _suppress_all:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return True


# --- parameter encoding ----------------------------------------------------------

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _params_header(params: Params | None) -> str:
    if not params:
        return ""
    parts = []
    for key, value in params.items():
        if not _IDENT.match(key):
            raise QueryError(f"invalid parameter name {key!r}")
        parts.append(f"{key}={_encode_list(value) if isinstance(value, list) else _encode(value)}")
    return "CYPHER " + " ".join(parts) + " "


_ORJSON_STRICT = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def _encode_list(value: list[Any]) -> str:
    """A list (a batch of rows) as :func:`_encode` writes it, by orjson where that is the
    same text to the engine - many times faster for the loader's batches.  orjson's JSON
    is Cypher for lists, strings, numbers, booleans and null, with two exceptions that
    send the list the slow way: a map (JSON quotes its keys: ``{"``, which inside a JSON
    string is always ``{\\"``) and a ``\\u`` escape (the engine does not read those;
    orjson writes them for control characters, NUL included, which :func:`_encode`
    sends as they are or drops).  Integers past 64 bits, sets, bytes, lone surrogates,
    datetimes, dataclasses and subclasses of the JSON types make orjson refuse, and go
    the slow way too."""
    try:
        text = orjson.dumps(value, option=_ORJSON_STRICT)
    except TypeError:
        return _encode(value)
    if b"\\u" in text or b'{"' in text:
        return _encode(value)
    return text.decode()


def _encode(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return "null"
        return repr(value)
    if isinstance(value, str):
        return _encode_string(value)
    if isinstance(value, bytes):
        return _encode_string(value.decode("utf-8", errors="replace"))
    if isinstance(value, Mapping):
        items = []
        for k, v in value.items():
            key = str(k)
            if not _IDENT.match(key):
                raise QueryError(f"invalid map key {key!r} in a parameter")
            items.append(f"{key}:{_encode(v)}")
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    raise QueryError(f"cannot send a {type(value).__name__} as a query parameter")


def _encode_string(value: str) -> str:
    # NUL cannot travel in the query header; it carries no meaning in text anyway.
    value = value.replace("\x00", "")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- result conversion ---------------------------------------------------------------


class _Structured(Exception):
    """A value the scalar conversion leaves to the client's parser."""


def _structured(_value: Any) -> Any:
    raise _Structured


def _array(value: list[Any]) -> list[Any]:
    return [_SCALAR[kind](item) for kind, item in value]


# By the compact format's value type: unknown, null, string, integer, boolean, double,
# array; then edge, node, path, map, point, vector, date-time, date, time, duration.
_SCALAR: list[Any] = [
    _structured,
    lambda _value: None,
    str,
    int,
    lambda value: value == "true",
    float,
    _array,
    *[_structured] * 10,
]


def _plain(value: Any) -> Any:
    if isinstance(value, Node):
        return dict(value.properties)
    if isinstance(value, Edge):
        return dict(value.properties)
    if isinstance(value, Path):
        return [_plain(n) for n in value.nodes()]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value
