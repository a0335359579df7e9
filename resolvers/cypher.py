"""``cypher(query, params, limit)``: an analyst's read-only Cypher, run by the engine in
read-only mode (FalkorDB ``GRAPH.RO_QUERY``, Neo4j READ access), with a timeout and a row cap."""

from __future__ import annotations

import re
from collections.abc import Mapping

from strawberry.scalars import JSON

from graph.errors import QueryError, QueryTimeout, ReadOnlyViolation
from resolvers.auth import require_role
from resolvers.context import Info
from resolvers.errors import BadInput, CypherRejected, public_message
from schema.cypher_result import CypherResult

__all__ = ["resolve_cypher"]

MAX_QUERY_CHARS = 20_000
# Reading files from the database host is not an analyst's business, read-only or not.
_LOAD_CSV = re.compile(r"\bLOAD\s+CSV\b", re.IGNORECASE)
_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


async def resolve_cypher(
    info: Info,
    query: str,
    params: JSON | None = None,
    limit: int | None = None,
) -> CypherResult:
    """Run a read-only Cypher query; at most ``limit`` rows (default and cap: the API's row cap)."""
    require_role(info, "analyst")
    settings = info.context.settings
    cap = settings.cypher_max_rows
    if limit is not None and not 1 <= limit <= cap:
        raise BadInput(f"limit: between 1 and {cap} rows (got {limit})")
    if not query.strip():
        raise BadInput("query: must not be empty")
    if len(query) > MAX_QUERY_CHARS:
        raise BadInput(f"query: at most {MAX_QUERY_CHARS} characters")
    if _LOAD_CSV.search(query):
        raise CypherRejected("LOAD CSV is not allowed in analyst queries")
    if params is not None and not isinstance(params, Mapping):
        raise BadInput("params: must be a JSON object of parameter names to values")
    for name in params or {}:
        if not _PARAM_NAME.match(str(name)):
            raise BadInput(f"params: {name!r} is not a valid parameter name")
    try:
        result = await info.context.store.analyst_query(
            query,
            dict(params) if params else None,
            timeout=settings.cypher_timeout,
            limit=limit or cap,
        )
    except (ReadOnlyViolation, QueryTimeout):
        raise
    except QueryError as exc:
        # The analyst's own query: the engine's reason helps them fix it.
        raise CypherRejected(public_message(str(exc)) or "the engine rejected the query") from None
    return CypherResult.from_record(result)
