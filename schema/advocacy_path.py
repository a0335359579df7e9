"""AdvocacyPaths: the strongest chains of influence from advocates to a target, hop by hop."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import strawberry

from schema.node import Node
from schema.scalars import datetime_from_ms

__all__ = ["AdvocacyPath", "AdvocacyPaths", "Hop", "HopEvidence"]


@strawberry.type(description="Why a hop holds: the influenced node's interactions with the other.")
class HopEvidence:
    replies: int
    shares: int
    quotes: int
    likes: int
    mentions: int
    interactions: int
    follows: bool
    weight: float = strawberry.field(description="Engagement weight on the influencer.")
    attention: float = strawberry.field(description="Engagement weight on everyone.")
    last_contact: datetime | None


@strawberry.type(
    description="`to` is influenced by `from` with `probability` (its share of attention)."
)
class Hop:
    from_id: str
    to_id: str
    probability: float
    evidence: HopEvidence


@strawberry.type(
    description="A path from a source to the target; strength = product of hop probabilities."
)
class AdvocacyPath:
    strength: float
    node_ids: list[str]
    nodes: list[Node | None] = strawberry.field(description="The path's nodes, source first.")
    hops: list[Hop]


@strawberry.type(description="The best advocacy paths to a target, strongest first.")
class AdvocacyPaths:
    target_id: str
    level: str = strawberry.field(description="account or customer (follows the target).")
    source_ids: list[str]
    k: int
    max_hops: int
    paths: list[AdvocacyPath]
    reason: str | None = strawberry.field(
        description="Why there are no paths, when there are none."
    )
    graph_version: int

    @classmethod
    def from_record(
        cls, record: Mapping[str, Any], nodes: Callable[[list[str]], list[Node | None]]
    ) -> AdvocacyPaths:
        """From ``PathsResult.model_dump()``; ``nodes(ids)`` gives the nodes of a path."""
        return cls(
            target_id=str(record["target"]),
            level=str(record["level"]),
            source_ids=[str(s) for s in record["sources"]],
            k=int(record["k"]),
            max_hops=int(record["max_hops"]),
            paths=[
                AdvocacyPath(
                    strength=float(path["strength"]),
                    node_ids=list(path["nodes"]),
                    nodes=nodes(list(path["nodes"])),
                    hops=[_hop(hop) for hop in path["hops"]],
                )
                for path in record["paths"]
            ],
            reason=record.get("reason"),
            graph_version=int(record.get("graph_version") or 0),
        )


def _hop(hop: Mapping[str, Any]) -> Hop:
    evidence = dict(hop["evidence"])
    evidence["last_contact"] = datetime_from_ms(evidence.get("last_contact"))
    return Hop(
        from_id=str(hop.get("from", hop.get("from_"))),
        to_id=str(hop["to"]),
        probability=float(hop["probability"]),
        evidence=HopEvidence(**evidence),
    )
