"""Id arguments: clients may pass a node's global id or its graph id (``twitter:123``)."""

from __future__ import annotations

from collections.abc import Sequence

from resolvers.errors import BadInput
from schema.node import from_global_id

__all__ = ["graph_id", "graph_ids"]


def graph_id(value: str, expected: str, argument: str) -> str:
    """The graph id ``value`` names; BadInput when it is the global id of another type."""
    value = value.strip()
    if not value:
        raise BadInput(f"{argument}: must not be empty")
    decoded = from_global_id(value)
    if decoded is None:
        return value
    type_name, gid = decoded
    if type_name != expected:
        raise BadInput(f"{argument}: {value!r} is the id of a {type_name}, not of a {expected}")
    return gid


def graph_ids(values: Sequence[str], expected: str, argument: str) -> list[str]:
    return [graph_id(v, expected, f"{argument}[{i}]") for i, v in enumerate(values)]
