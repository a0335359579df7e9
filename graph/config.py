"""Database settings, read once from the environment and passed down explicitly.

``SCRM_GRAPH_URI`` picks the engine:

- unset, ``embedded`` or ``falkordb+embedded://``: the embedded FalkorDB that scrm-graph
  starts itself in ``SCRM_DATA_DIR`` (default ``./data``);
- ``falkordb://host:port``, ``redis://host:port`` or ``unix:///path/to.sock``: an
  external FalkorDB;
- ``neo4j://``, ``neo4j+s://``, ``neo4j+ssc://``, ``bolt://``, ``bolt+s://``,
  ``bolt+ssc://``: Neo4j through the official driver.

``NEO4J_URI``, ``NEO4J_USERNAME`` and ``NEO4J_PASSWORD`` are honoured when the
``SCRM_GRAPH_*`` equivalents are not set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from graph.errors import ConfigError

__all__ = ["FALKORDB_SCHEMES", "NEO4J_SCHEMES", "EngineKind", "GraphSettings"]

EngineKind = Literal["embedded", "falkordb", "neo4j"]

NEO4J_SCHEMES = frozenset({"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"})
FALKORDB_SCHEMES = frozenset({"falkordb", "falkordbs", "redis", "rediss", "unix"})
EMBEDDED_URIS = frozenset({"", "embedded", "falkordb+embedded://"})

DEFAULT_GRAPH = "scrm"


@dataclass(frozen=True, slots=True)
class GraphSettings:
    """Where the graph lives and how to reach it."""

    uri: str = ""
    user: str | None = None
    password: str | None = None
    graph: str = DEFAULT_GRAPH
    data_dir: Path = Path("data")
    # Which environment variable the URI came from, so errors name it.
    uri_setting: str = "SCRM_GRAPH_URI"
    connect_timeout: float = 5.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> GraphSettings:
        env = os.environ if env is None else env
        uri_setting = "SCRM_GRAPH_URI"
        uri = env.get("SCRM_GRAPH_URI", "").strip()
        if not uri and env.get("NEO4J_URI"):
            uri, uri_setting = env["NEO4J_URI"].strip(), "NEO4J_URI"
        user = env.get("SCRM_GRAPH_USER") or env.get("NEO4J_USERNAME") or None
        password = env.get("SCRM_GRAPH_PASSWORD") or env.get("NEO4J_PASSWORD") or None
        graph = env.get("SCRM_GRAPH_NAME", "").strip() or DEFAULT_GRAPH
        data_dir = Path(env.get("SCRM_DATA_DIR", "").strip() or "data")
        settings = cls(
            uri=uri,
            user=user,
            password=password,
            graph=graph,
            data_dir=data_dir,
            uri_setting=uri_setting,
        )
        settings.validate()
        return settings

    def with_graph(self, graph: str) -> GraphSettings:
        return replace(self, graph=graph)

    @property
    def engine(self) -> EngineKind:
        if self.uri in EMBEDDED_URIS:
            return "embedded"
        scheme = urlsplit(self.uri).scheme.lower()
        if scheme in NEO4J_SCHEMES:
            return "neo4j"
        if scheme in FALKORDB_SCHEMES:
            return "falkordb"
        raise ConfigError(
            self.uri_setting,
            f"unknown URI scheme {scheme or self.uri!r}; expected one of "
            "falkordb://, redis://, unix://, neo4j://, neo4j+s://, bolt:// "
            "(or leave it unset for the embedded database)",
        )

    def validate(self) -> None:
        kind = self.engine
        if not _valid_graph_name(self.graph):
            raise ConfigError(
                "SCRM_GRAPH_NAME",
                f"{self.graph!r} is not a valid graph name (letters, digits, '_', '-', '.'; "
                "at most 63 characters)",
            )
        if kind != "embedded" and "://" in self.uri:
            parts = urlsplit(self.uri)
            if parts.scheme != "unix" and not parts.hostname:
                raise ConfigError(self.uri_setting, f"{self.uri!r} names no host")
            if parts.scheme == "unix" and not parts.path:
                raise ConfigError(self.uri_setting, f"{self.uri!r} names no socket path")

    @property
    def display_uri(self) -> str:
        """The URI without credentials, for messages."""
        if self.engine == "embedded":
            return f"embedded FalkorDB in {self.data_dir}"
        parts = urlsplit(self.uri)
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        return f"{parts.scheme}://{netloc}{parts.path}"


def _valid_graph_name(name: str) -> bool:
    return 0 < len(name) <= 63 and all(c.isalnum() or c in "_-." for c in name)
