"""Named Cypher statements: the one way queries are written in scrm-graph.

Every query the application sends is a module-level :class:`Statement` next to
the code that owns it, with parameters only.  A statement may carry an engine
variant where FalkorDB and Neo4j disagree; the backends pick the text.  All
statements register themselves so the test suite can lint every one of them
with Neo4j's own Cypher linter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Engine", "Statement", "registered_statements"]

Engine = Literal["falkordb", "neo4j"]

_REGISTRY: dict[str, Statement] = {}


@dataclass(frozen=True, slots=True)
class Statement:
    """A named, parameterised Cypher statement.

    ``text`` is the portable openCypher; ``neo4j`` / ``falkordb`` override it
    for one engine.  ``name`` is unique across the project.
    """

    name: str
    text: str
    neo4j: str | None = None
    falkordb: str | None = None
    register: bool = field(default=True, compare=False)

    def __post_init__(self) -> None:
        if self.register:
            known = _REGISTRY.get(self.name)
            if known is not None and known != self:
                raise ValueError(f"two different Cypher statements are named {self.name!r}")
            _REGISTRY[self.name] = self

    def for_engine(self, engine: Engine) -> str:
        override = self.neo4j if engine == "neo4j" else self.falkordb
        return override if override is not None else self.text


def registered_statements() -> list[Statement]:
    """Every statement defined so far (import the modules that own them first)."""
    return list(_REGISTRY.values())
