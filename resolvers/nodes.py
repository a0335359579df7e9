"""``node(id)`` and ``nodes(ids)``: any object by its global id (Relay)."""

from __future__ import annotations

import asyncio

import strawberry

from resolvers.context import Info
from resolvers.errors import BadInput
from resolvers.loaders import NODE_TYPES
from schema.node import Node, from_global_id

__all__ = ["resolve_node", "resolve_nodes"]

_MAX_IDS = 100


async def resolve_node(info: Info, id: strawberry.ID) -> Node | None:
    """The object with global id ``id`` (None when it does not exist)."""
    return await _load(info, id, "id")


async def resolve_nodes(info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
    """The objects with these global ids, in order (None for each that does not exist)."""
    if len(ids) > _MAX_IDS:
        raise BadInput(f"ids: at most {_MAX_IDS} ids at once (got {len(ids)})")
    return list(
        await asyncio.gather(*(_load(info, value, f"ids[{i}]") for i, value in enumerate(ids)))
    )


async def _load(info: Info, value: str, argument: str) -> Node | None:
    decoded = from_global_id(value)
    if decoded is None or decoded[0] not in NODE_TYPES:
        raise BadInput(f"{argument}: {value!r} is not a global id of this API")
    label, graph_id = decoded
    node: Node | None = await info.context.loaders.node(label).load(graph_id)
    return node
