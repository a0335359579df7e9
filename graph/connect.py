"""Open the store that the settings name, starting the embedded engine when needed."""

from __future__ import annotations

import asyncio

from graph.config import GraphSettings
from graph.embedded import EmbeddedEngine
from graph.errors import AuthFailed, ConfigError, EngineUnavailable
from graph.falkordb_store import FalkorDBStore
from graph.store import GraphStore

__all__ = ["embedded_engine", "open_store"]


def embedded_engine(settings: GraphSettings) -> EmbeddedEngine | None:
    """The embedded engine for these settings, or None when the graph lives elsewhere."""
    return EmbeddedEngine(settings.data_dir) if settings.engine == "embedded" else None


async def open_store(
    settings: GraphSettings,
    *,
    engine: EmbeddedEngine | None = None,
    check: bool = True,
) -> GraphStore:
    """Connect to the graph ``settings`` name.

    For the embedded engine, ``engine`` must already run (see
    :meth:`EmbeddedEngine.ensure_running_async`).  With ``check`` the
    connection is verified, and an unreachable server or refused credentials
    become a :class:`ConfigError` naming the setting to fix.
    """
    kind = settings.engine
    store: GraphStore
    if kind == "embedded":
        if engine is None:
            raise ValueError("the embedded engine must be started before opening its store")
        store = FalkorDBStore.from_settings(settings, unix_socket=str(engine.socket_path))
    elif kind == "falkordb":
        store = FalkorDBStore.from_settings(settings)
    else:
        # Imported here: the Neo4j driver takes a second to import and the
        # embedded default never needs it.
        from graph.neo4j_store import Neo4jStore

        store = Neo4jStore.from_settings(settings)
    if check:
        try:
            await asyncio.wait_for(store.ping(), timeout=settings.connect_timeout * 1.5)
        except AuthFailed:
            await store.close()
            raise
        except (EngineUnavailable, TimeoutError) as exc:
            await store.close()
            detail = str(exc) or "no answer in time"
            raise ConfigError(
                settings.uri_setting, f"cannot reach {settings.display_uri}: {detail}"
            ) from None
        except ConfigError:
            await store.close()
            raise
    return store
