"""The typed per-request context every resolver receives as ``info.context``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from graph.store import GraphStore
from resolvers.cache import ResultCache
from resolvers.settings import ApiSettings

if TYPE_CHECKING:
    from resolvers.auth import Principal
    from resolvers.listening import MentionFeeds
    from resolvers.loaders import Loaders

__all__ = ["Context", "Info"]


@dataclass
class Context:
    """What one GraphQL request may use: the store, its own fresh DataLoaders, who
    is asking, and the API's settings.  A WebSocket connection keeps one context
    for its lifetime (``connection_params`` holds its ``connection_init`` payload)."""

    store: GraphStore
    loaders: Loaders
    principal: Principal
    settings: ApiSettings = field(default_factory=ApiSettings)
    request: Request | WebSocket | None = None
    feeds: MentionFeeds | None = None
    connection_params: dict[str, Any] | None = None
    # Shared by the app's requests: results per graph version (see resolvers.cache).
    cache: ResultCache = field(default_factory=ResultCache)


Info = StrawberryInfo[Context, None]
