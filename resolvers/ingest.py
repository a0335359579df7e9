"""``ingest(connector, payload)`` and ``POST /ingest/{connector}``: webhook-style loads through
the same connectors and pipeline (:func:`loaders.pipeline.load_payload`) as ``scrm load``.

A payload is one source; its bad records are set aside with their reasons and
listed in the summary (the API has no rejects file), the good ones load.
"""

from __future__ import annotations

import strawberry

from graph.store import GraphStore
from loaders.base import LoadOptions
from loaders.pipeline import load_payload
from loaders.registry import UnknownConnector, get_connector
from loaders.rejects import RejectList
from resolvers.context import Info
from resolvers.errors import BadInput, NotAvailable
from resolvers.ids import graph_id
from schema.ingest_summary import IngestSummary

__all__ = ["ingest_payload", "resolve_ingest"]


async def ingest_payload(
    store: GraphStore,
    connector: str,
    payload: bytes,
    *,
    brand: str | None = None,
    platform: str | None = None,
    name: str = "payload",
) -> IngestSummary:
    """Load ``payload`` through ``connector``; the summary says what was read, written and
    set aside.  BadInput for an unknown connector or an empty payload."""
    try:
        spec = get_connector(connector)
    except UnknownConnector as exc:
        raise BadInput(f"connector: {exc}") from None
    except ImportError:
        raise NotAvailable(f"connector: {connector!r} is not installed here") from None
    if not payload.strip():
        raise BadInput("payload: is empty")
    rejects = RejectList()
    summary = await load_payload(
        store,
        spec,
        payload,
        name=name,
        options=LoadOptions(brand=brand, platform=platform),
        rejects=rejects,
    )
    return IngestSummary.from_record(
        connector, summary.as_json(), [r.as_json() for r in rejects.items]
    )


async def resolve_ingest(
    info: Info,
    connector: str,
    payload: str,
    brand: strawberry.ID | None = None,
    platform: str | None = None,
) -> IngestSummary:
    """Load ``payload`` (the connector's native format, as text) through ``connector``."""
    limit = info.context.settings.max_ingest_bytes
    data = payload.encode("utf-8")
    if len(data) > limit:
        raise BadInput(f"payload: at most {limit} bytes (got {len(data)})")
    return await ingest_payload(
        info.context.store,
        connector,
        data,
        brand=graph_id(brand, "Brand", "brand") if brand else None,
        platform=platform.lower() if platform else None,
    )
