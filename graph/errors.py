"""The project's error hierarchy for everything that touches the graph database.

    ScrmError
     ├── ConfigError            a setting is wrong; names the setting
     │    └── AuthFailed        the database refused the credentials
     ├── EngineError
     │    ├── EngineStartError  the embedded engine could not start (carries its log tail)
     │    └── EngineUnavailable the database does not answer (down, restarting, unreachable)
     └── QueryError             the engine rejected a statement
          ├── ReadOnlyViolation a read-only query tried to write
          └── QueryTimeout      a query ran past its time limit

Backends translate driver errors into these at their boundary; nothing above
``graph/`` sees a redis or neo4j exception.  Each error carries a stable
``code`` that the API reports in ``extensions.code``.
"""

from __future__ import annotations

__all__ = [
    "AuthFailed",
    "ConfigError",
    "EngineError",
    "EngineStartError",
    "EngineUnavailable",
    "QueryError",
    "QueryTimeout",
    "ReadOnlyViolation",
    "ScrmError",
]


class ScrmError(Exception):
    """Base of every error scrm-graph raises on purpose."""

    code = "INTERNAL"


class ConfigError(ScrmError):
    """A configuration setting is invalid; ``setting`` names it."""

    code = "CONFIG_ERROR"

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"{setting}: {message}")
        self.setting = setting


class AuthFailed(ConfigError):
    code = "DATABASE_AUTH_FAILED"


class EngineError(ScrmError):
    code = "DATABASE_ERROR"


class EngineStartError(EngineError):
    """The embedded engine did not start; ``log_tail`` holds the end of its log."""

    code = "DATABASE_START_FAILED"

    def __init__(self, message: str, log_tail: str = "") -> None:
        full = message if not log_tail else f"{message}\n--- engine log (tail) ---\n{log_tail}"
        super().__init__(full)
        self.log_tail = log_tail


class EngineUnavailable(EngineError):
    code = "DATABASE_UNAVAILABLE"


class QueryError(ScrmError):
    code = "QUERY_ERROR"


class ReadOnlyViolation(QueryError):
    code = "READ_ONLY"


class QueryTimeout(QueryError):
    code = "QUERY_TIMEOUT"
