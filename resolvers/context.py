"""The typed per-request context every resolver receives as ``info.context``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from graph.store import GraphStore

__all__ = ["Context", "Info"]


@dataclass
class Context:
    """What one GraphQL request may use: the store and its own fresh DataLoaders."""

    store: GraphStore
    request: Request | WebSocket | None = None
    loaders: dict[str, Any] = field(default_factory=dict)


Info = StrawberryInfo[Context, None]
