"""``access`` (the request's role) and ``channels`` (platforms with accounts): small reads
a client uses to decide what to offer."""

from __future__ import annotations

from graph.cypher import Statement
from resolvers.context import Info
from schema.access import Access
from schema.cluster import ChannelCount

__all__ = ["CHANNELS", "resolve_access", "resolve_channels"]

CHANNELS = Statement(
    "api.channels",
    "MATCH (a:Account) WHERE a.platform IS NOT NULL "
    "RETURN a.platform AS platform, count(*) AS count ORDER BY count DESC, platform",
)


def resolve_access(info: Info) -> Access:
    """The role of the API key the request came with."""
    principal = info.context.principal
    return Access(role=principal.role, key_id=principal.key_id)


async def resolve_channels(info: Info) -> list[ChannelCount]:
    """Every platform accounts are on, with how many accounts, most first."""
    version = await info.context.loaders.graph_version()
    cached: list[ChannelCount] | None = info.context.cache.get(version, ("channels",))
    if cached is not None:
        return cached
    rows = await info.context.store.read(CHANNELS)
    channels = [ChannelCount(platform=str(r["platform"]), count=int(r["count"])) for r in rows]
    info.context.cache.put(version, ("channels",), channels)
    return channels
