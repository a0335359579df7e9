"""The Relay ``Node`` interface and global ids: base64 of ``"<Type>:<graph id>"``."""

from __future__ import annotations

import base64
import binascii

import strawberry

__all__ = ["Node", "from_global_id", "to_global_id"]


@strawberry.interface(
    description="An object with a global id; fetch any of them with `node(id:)`/`nodes(ids:)`."
)
class Node:
    id: strawberry.ID = strawberry.field(description="The global id (Relay).")
    graph_id: str = strawberry.field(
        description="The node's `id` property in the graph, e.g. `twitter:123`."
    )


def to_global_id(type_name: str, graph_id: str) -> strawberry.ID:
    raw = f"{type_name}:{graph_id}".encode()
    return strawberry.ID(base64.b64encode(raw).decode("ascii"))


def from_global_id(value: str) -> tuple[str, str] | None:
    """``(type name, graph id)`` of a global id, or None when ``value`` is not one."""
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, sep, graph_id = raw.partition(":")
    if not sep or not type_name.isidentifier() or not graph_id:
        return None
    return type_name, graph_id
