"""Database access: one async store interface, two backends, schema bootstrap."""

from graph.config import GraphSettings
from graph.connect import embedded_engine, open_store
from graph.cypher import Statement
from graph.embedded import EmbeddedEngine
from graph.errors import (
    AuthFailed,
    ConfigError,
    EngineStartError,
    EngineUnavailable,
    QueryError,
    QueryTimeout,
    ReadOnlyViolation,
    ScrmError,
)
from graph.store import GraphStats, GraphStore, QueryResult, Row

__all__ = [
    "AuthFailed",
    "ConfigError",
    "EmbeddedEngine",
    "EngineStartError",
    "EngineUnavailable",
    "GraphSettings",
    "GraphStats",
    "GraphStore",
    "QueryError",
    "QueryResult",
    "QueryTimeout",
    "ReadOnlyViolation",
    "Row",
    "ScrmError",
    "Statement",
    "embedded_engine",
    "open_store",
]
