"""The API's limits and timeouts, with defaults, overridable by ``SCRM_API_*`` variables."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from graph.errors import ConfigError

__all__ = ["ApiSettings", "is_loopback"]


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """Limits every request is held to; ``SCRM_API_<FIELD>`` overrides a default
    (``SCRM_API_REQUEST_TIMEOUT=10``)."""

    default_page_size: int = 20
    max_page_size: int = 100
    max_depth: int = 12
    max_aliases: int = 50
    max_tokens: int = 5000
    # Estimated objects a query may return: nested page sizes multiplied out.
    max_cost: int = 25_000
    # Lists without paging arguments count as this many items when estimating cost.
    list_cost_factor: int = 10
    # __schema / __type fields per operation, and how deep inside them a query may go.
    max_introspection_fields: int = 2
    max_introspection_depth: int = 15
    max_body_bytes: int = 1_048_576
    max_ingest_bytes: int = 16_777_216
    request_timeout: float = 30.0
    # Operations executing at once; more wait their turn (the database client's
    # connection pool is finite, and two cores gain nothing from more).
    max_in_flight: int = 16
    cypher_timeout: float = 10.0
    cypher_max_rows: int = 1000
    # How often API keys are re-read from the graph (keys made by `scrm keys` in
    # another process take effect within this time).
    key_refresh_seconds: float = 2.0
    # Bound to a non-loopback address: refuse to run without API keys.
    require_keys: bool = False
    # How often a mention subscription looks for newly written posts.
    mention_poll_seconds: float = 1.0
    # Serve a repeated read-only query from its kept response while the graph version
    # stays the same (see resolvers.responses).
    response_cache: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ApiSettings:
        env = os.environ if env is None else env
        settings = cls()
        changes: dict[str, Any] = {}
        for f in fields(cls):
            name = f"SCRM_API_{f.name.upper()}"
            raw = env.get(name, "").strip()
            if not raw:
                continue
            kind = type(getattr(settings, f.name))
            try:
                value: object = (
                    raw.lower() in {"1", "true", "yes", "on"} if kind is bool else kind(raw)
                )
            except ValueError:
                raise ConfigError(name, f"{raw!r} is not a {kind.__name__}") from None
            if kind is not bool and value <= 0:  # type: ignore[operator]
                raise ConfigError(name, f"must be positive (got {raw})")
            changes[f.name] = value
        return replace(settings, **changes)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
