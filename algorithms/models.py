"""Parameters and results of the stored analyses (influence, communities) as pydantic models.

A result's ``model_dump()`` is the ``--json`` shape of ``scrm analyze``.
Parameters check themselves on construction and raise
:class:`~algorithms.errors.BadParameter` naming the field, so a bad value
never reaches an algorithm.
"""

from __future__ import annotations

import hashlib
import json
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from algorithms.communities import ALGORITHMS
from algorithms.errors import BadParameter

__all__ = [
    "AnalysisParams",
    "ClusterSummary",
    "CommunityParams",
    "CommunityRun",
    "EngagementReceived",
    "HashtagCount",
    "InfluenceBreakdown",
    "InfluenceParams",
    "InfluenceResult",
    "InfluenceRun",
]


class AnalysisParams(BaseModel):
    """The projection scope every analysis shares."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Fields that shape only the output (how many rows), not the stored run.
    presentation: ClassVar[frozenset[str]] = frozenset()
    kind: ClassVar[str] = "analysis"

    level: str = "account"
    brand: str | None = None
    platform: str | None = None
    since: int | None = Field(default=None, description="window start, epoch ms (inclusive)")
    until: int | None = Field(default=None, description="window end, epoch ms (exclusive)")
    follows_weight: float = 0.2

    @model_validator(mode="after")
    def _check_scope(self) -> AnalysisParams:
        if self.level not in ("account", "customer"):
            raise BadParameter("level", f"must be 'account' or 'customer', not {self.level!r}")
        if not self.follows_weight >= 0:
            raise BadParameter("follows_weight", f"must be 0 or more, not {self.follows_weight}")
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise BadParameter("since", "the window is empty: since must be before until")
        return self

    def run_key(self) -> str:
        """Canonical JSON of the parameters that decide the stored run."""
        fields = self.model_dump(exclude=set(self.presentation))
        return json.dumps({"kind": self.kind, **fields}, sort_keys=True)

    def run_id(self, graph_version: int) -> str:
        """The stored run's id: the same parameters on the same graph version name the same run."""
        digest = hashlib.sha256(self.run_key().encode()).hexdigest()[:16]
        return f"{self.kind}-{digest}-v{graph_version}"


class InfluenceParams(AnalysisParams):
    """Influence ranking: PageRank damping ``alpha``, ``reach_weight`` β, ``top`` rows shown."""

    presentation: ClassVar[frozenset[str]] = frozenset({"top"})
    kind: ClassVar[str] = "influence"

    alpha: float = 0.85
    reach_weight: float = 0.25
    top: int = 20

    @model_validator(mode="after")
    def _check(self) -> InfluenceParams:
        if not 0 < self.alpha < 1:
            raise BadParameter("alpha", f"the damping factor must be in (0, 1), not {self.alpha}")
        if not 0 <= self.reach_weight <= 1:
            raise BadParameter("reach_weight", f"must be in [0, 1], not {self.reach_weight}")
        if self.top < 1:
            raise BadParameter("top", f"must be 1 or more, not {self.top}")
        return self


class CommunityParams(AnalysisParams):
    """Community detection: ``algorithm``, ``resolution``, ``seed``; ``min_size`` and
    ``leaders`` shape only the output."""

    presentation: ClassVar[frozenset[str]] = frozenset({"min_size", "leaders"})
    kind: ClassVar[str] = "communities"

    algorithm: str = "leiden"
    resolution: float = 1.0
    seed: int = 0
    min_size: int | None = None
    leaders: int = 5

    @model_validator(mode="after")
    def _check(self) -> CommunityParams:
        if self.algorithm not in ALGORITHMS:
            raise BadParameter(
                "algorithm", f"must be one of {', '.join(ALGORITHMS)}, not {self.algorithm!r}"
            )
        if not self.resolution > 0:
            raise BadParameter("resolution", f"must be greater than 0, not {self.resolution}")
        if self.min_size is not None and self.min_size < 1:
            raise BadParameter("min_size", f"must be 1 or more, not {self.min_size}")
        if self.leaders < 0:
            raise BadParameter("leaders", f"must be 0 or more, not {self.leaders}")
        return self


# --- influence results ---------------------------------------------------------------


class EngagementReceived(BaseModel):
    replies: int = 0
    shares: int = 0
    quotes: int = 0
    likes: int = 0
    mentions: int = 0


class InfluenceBreakdown(BaseModel):
    """Why a node ranks where it does: ``score = pagerank_part + reach_part``."""

    pagerank: float
    pagerank_part: float
    reach_part: float
    followers: int
    engagement_received: EngagementReceived
    channels: list[str]
    brand_sentiment: float | None
    sentiment_posts: int
    advocacy: float


class InfluenceResult(BaseModel):
    rank: int
    id: str
    kind: str
    score: float
    breakdown: InfluenceBreakdown


class InfluenceRun(BaseModel):
    """A stored influence run: the ranking, and advocates / detractors by advocacy."""

    run_id: str | None
    kind: str = "influence"
    graph_version: int
    created_at: int
    reused: bool
    params: InfluenceParams
    node_count: int
    edge_count: int
    timings: dict[str, float]
    results: list[InfluenceResult]
    advocates: list[InfluenceResult]
    detractors: list[InfluenceResult]
    note: str | None = None


# --- community results ---------------------------------------------------------------


class HashtagCount(BaseModel):
    tag: str
    count: int


class ClusterSummary(BaseModel):
    """One cluster; ``id`` stays the same across runs while the cluster keeps most members."""

    id: str
    size: int
    members: list[str]
    leaders: list[str]
    top_hashtags: list[HashtagCount]
    brand_sentiment: float | None
    sentiment_posts: int
    channels: dict[str, int]
    density: float


class CommunityRun(BaseModel):
    run_id: str | None
    kind: str = "communities"
    algorithm: str
    resolution: float
    modularity: float
    graph_version: int
    created_at: int
    reused: bool
    params: CommunityParams
    node_count: int
    edge_count: int
    cluster_count: int
    timings: dict[str, float]
    clusters: list[ClusterSummary]
    previous_run_id: str | None = None
    note: str | None = None
