"""IngestSummary: what one push through a connector read, wrote and set aside."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import strawberry
from strawberry.scalars import JSON

__all__ = ["IngestReject", "IngestSummary", "WrittenCount"]


@strawberry.type(description="Rows written for one node label or relationship type.")
class WrittenCount:
    name: str
    count: int


@strawberry.type(description="A record set aside, with where it was and why.")
class IngestReject:
    source: str
    location: str = strawberry.field(description="line 12, offset 3456, $.data[3], row 7, ...")
    reason: str
    raw: JSON | None = strawberry.field(description="The record as found.")


@strawberry.type(description="The outcome of an ingest, as `scrm load --json` reports it.")
class IngestSummary:
    connector: str
    read: int = strawberry.field(description="Records read from the payload.")
    written: list[WrittenCount]
    rejected: int = strawberry.field(description="Records set aside (listed in `rejects`).")
    rejects: list[IngestReject] = strawberry.field(
        description="The rejected records (at most the first 100)."
    )

    @classmethod
    def from_record(
        cls, connector: str, summary: Mapping[str, Any], rejects: Sequence[Mapping[str, Any]]
    ) -> IngestSummary:
        """From the load summary (``read``, ``written``, ``rejected``) and reject records."""
        written = summary.get("written") or {}
        return cls(
            connector=connector,
            read=int(summary.get("read") or 0),
            written=[WrittenCount(name=k, count=int(v)) for k, v in sorted(written.items())],
            rejected=int(summary.get("rejected") or 0),
            rejects=[
                IngestReject(
                    source=str(r.get("source", "")),
                    location=str(r.get("location", "")),
                    reason=str(r.get("reason", "")),
                    raw=r.get("raw"),
                )
                for r in rejects[:100]
            ],
        )
