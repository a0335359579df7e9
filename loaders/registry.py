"""The connector registry: connector names users type, mapped to their ``ConnectorSpec``.

Connector ``name`` lives in module ``loaders/<name with '_' for '-'>.py`` and
exposes ``CONNECTOR``.  Modules are imported on first use, so ``scrm`` starts
fast and a connector that fails to import breaks only its own loads.
"""

from __future__ import annotations

import importlib
from functools import cache

from loaders.base import ConnectorSpec

__all__ = ["UnknownConnector", "connector_names", "get_connector"]

# One line per connector (the name users type); keep sorted.
_CONNECTORS: tuple[str, ...] = (
    "canonical",
    "discord",
    "edges-csv",
    "facebook",
    "graph-file",
    "orders-csv",
    "reddit",
    "shopify",
    "slack",
    "twitter",
    "wechat-work",
    "weibo",
)


class UnknownConnector(LookupError):
    """No connector has this name; the message lists the ones that exist."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"unknown connector {name!r}; choose one of: {', '.join(connector_names())}"
        )
        self.name = name


def connector_names() -> list[str]:
    """Every registered connector name, sorted."""
    return sorted(_CONNECTORS)


@cache
def get_connector(name: str) -> ConnectorSpec:
    """The spec of connector ``name`` (importing its module on first use)."""
    if name not in _CONNECTORS:
        raise UnknownConnector(name)
    module = importlib.import_module(f"loaders.{name.replace('-', '_')}")
    spec = getattr(module, "CONNECTOR", None)
    if not isinstance(spec, ConnectorSpec) or spec.name != name:
        raise TypeError(f"module {module.__name__} does not define CONNECTOR for {name!r}")
    return spec
